"""Op-model behaviour through real run workers: checks of graph-backed assets, inputs loaded by
a Dagster type's loader from run config, and STEP_INPUT events."""

from __future__ import annotations

from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import AssetCheckData, EventType, TypeCheckData
from headwater.storage.instance import Instance

from .conftest import MULTIPROCESS_2, events, execute, of_type, stored_value

EXECUTORS = pytest.mark.parametrize("run_config", [{}, MULTIPROCESS_2],
                                    ids=["in_process", "multiprocess"])


@EXECUTORS
def test_checks_of_graph_backed_assets(instance: Instance, run_config: dict[str, object]) -> None:
    stored, code = execute(instance, "graph_checks", run_config=run_config)

    assert (code, stored.status) == (1, RunStatus.FAILURE)
    all_events = events(instance, stored.run_id)
    checks = {(e.step_key, e.data.check_name, e.data.passed)
              for e in of_type(all_events, EventType.ASSET_CHECK_EVALUATION)
              if isinstance(e.data, AssetCheckData)}
    assert checks == {("checked.plus_one_checked", "positive", True),
                      ("gated_pair.inspect_value", "large", False)}
    [failure] = of_type(all_events, EventType.STEP_FAILURE)
    assert failure.step_key == "gated_pair.inspect_value"
    assert of_type(all_events, EventType.STEP_SKIPPED, "after_gated")
    assert not of_type(all_events, EventType.STEP_START, "after_gated")
    assert stored_value(instance, "after_checked") == 12
    latest = instance.storage.get_latest_check_results(["checked"])
    assert latest["positive"].passed and latest["positive"].run_id == stored.run_id
    assert not instance.storage.get_latest_check_results(["gated"])["large"].passed


LOADED_CONFIG = {"ops": {"describe": {"inputs": {"pair": {"n": 3, "label": "k"}}},
                         "scale": {"inputs": {"factor": {"value": 1}}}}}


@EXECUTORS
def test_unconnected_inputs_loaded_from_run_config(
    instance: Instance, run_config: dict[str, object]
) -> None:
    stored, code = execute(instance, "op_inputs", "loaded",
                           run_config={**run_config, **LOADED_CONFIG})

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    assert stored_value(instance, stored.run_id, "describe", "result") == ">k=3"
    assert stored_value(instance, stored.run_id, "scale", "result") == ">k=3>k=3"
    all_events = events(instance, stored.run_id)
    [log] = of_type(all_events, EventType.LOG, "describe")
    assert log.message.startswith("loading a pair in pid")


def test_missing_input_config_fails_the_run_naming_where(instance: Instance) -> None:
    stored, code = execute(instance, "op_inputs", "loaded",
                           run_config={"ops": {"scale": {"inputs": {"factor": 2}}}})

    assert (code, stored.status) == (1, RunStatus.FAILURE)
    [failure] = of_type(events(instance, stored.run_id), EventType.RUN_FAILURE)
    assert "ops.describe.inputs.pair" in failure.message


def test_step_inputs_recorded_for_every_input(instance: Instance) -> None:
    stored, _ = execute(instance, "op_inputs", "loaded", run_config=MULTIPROCESS_2 | LOADED_CONFIG)

    all_events = events(instance, stored.run_id)
    # From run config: checked and recorded, never loaded by an IO manager.
    assert [e.event_type for e in all_events if e.step_key == "describe"
            and e.event_type in (EventType.LOADED_INPUT, EventType.STEP_INPUT)] == [
        EventType.STEP_INPUT]
    scale = [e for e in all_events if e.step_key == "scale"
             and e.event_type in (EventType.LOADED_INPUT, EventType.STEP_INPUT)]
    assert [(e.event_type, e.data.name if isinstance(e.data, TypeCheckData) else None)
            for e in scale] == [(EventType.LOADED_INPUT, None),
                                (EventType.STEP_INPUT, "text"),
                                (EventType.STEP_INPUT, "factor"),
                                (EventType.STEP_INPUT, "offset")]


@EXECUTORS
def test_contextmanager_resource_is_entered_and_exited_around_op_and_hook(
    instance: Instance, shared_dir: Path, run_config: dict[str, object]
) -> None:
    stored, code = execute(instance, "hooked_resources", "hooked", run_config=run_config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    assert stored_value(instance, stored.run_id, "work", "result") == "session"
    lines = (shared_dir / "resource.log").read_text().splitlines()
    assert lines == ["open", "op saw session", "hook saw session", "closed"]


@EXECUTORS
def test_mapped_step_with_its_own_dynamic_output(
    instance: Instance, run_config: dict[str, object]
) -> None:
    stored, code = execute(instance, "nested_dynamic", "nested", run_config=run_config)

    assert (code, stored.status) == (0, RunStatus.SUCCESS)
    assert stored_value(instance, stored.run_id, "joined", "result") == "A,B"
    assert stored_value(instance, stored.run_id, "split[b]", "parts", "b1") == "b1"
    outputs = of_type(events(instance, stored.run_id), EventType.STEP_OUTPUT, "split[a]")
    assert [e.data.mapping_key for e in outputs] == ["a0", "a1", None]  # type: ignore[union-attr]
