"""PipesSubprocessClient against an external script that uses the real dagster_pipes package:
its logs, materialization, check result and custom messages come back to the step; a failure
names the external error; a script that never opens Pipes still materializes implicitly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import headwater as dg

SCRIPT = str(Path(__file__).with_name("external_script.py"))
DAYS = dg.StaticPartitionsDefinition(["mon", "tue"])


def _asset(mode: str, partitioned: bool = False) -> dg.AssetsDefinition:
    @dg.asset(name="external_table", partitions_def=DAYS if partitioned else None,
              check_specs=[dg.AssetCheckSpec("rows_positive", asset="external_table")],
              code_version="7")
    def external_table(context: dg.AssetExecutionContext,
                       pipes_subprocess_client: dg.PipesSubprocessClient):  # type: ignore[no-untyped-def]
        invocation = pipes_subprocess_client.run(
            command=[sys.executable, SCRIPT], context=context, extras={"mode": mode})
        context.log.info(f"custom: {invocation.get_custom_messages()}")
        return invocation.get_materialize_result()

    return external_table


def test_reports_come_back_as_the_steps_results(capfd: pytest.CaptureFixture[str]) -> None:
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [_asset("report", partitioned=True)], instance=instance, partition_key="tue",
            resources={"pipes_subprocess_client": dg.PipesSubprocessClient()})
        assert result.success
        entry = instance.get_latest_materialization_event(dg.AssetKey("external_table"))
        assert entry is not None and entry.asset_materialization is not None
        metadata = entry.asset_materialization.metadata
        assert metadata["rows"].value == 42 and metadata["partition"].value == "tue"
        assert isinstance(metadata["source"], dg.UrlMetadataValue)
        stored = instance.storage.get_latest_materializations([["external_table"]])
        assert stored[("external_table",)].event.data.data_version == "v42"  # type: ignore[union-attr]
        [check] = result.get_asset_check_evaluations()
        assert check.check_name == "rows_positive" and check.passed
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
        assert any("external started for external_table in run" in m for m in messages)
        assert any(m.startswith("custom: [{'pid': ") for m in messages)
    out, err = capfd.readouterr()
    assert "plain stdout from the external process" in out
    assert "plain stderr from the external process" in err


def test_an_external_failure_fails_the_step_with_its_error() -> None:
    result = dg.materialize([_asset("fail")], raise_on_error=False,
                            resources={"pipes_subprocess_client": dg.PipesSubprocessClient()})
    assert not result.success
    [failure] = result.get_step_failure_events()
    text = str(failure.data.error.message)  # type: ignore[union-attr]
    assert "failed with exit code 1" in text
    assert "RuntimeError: the external job broke" in text


def test_a_silent_script_materializes_implicitly(tmp_path: Path) -> None:
    script = tmp_path / "silent.py"
    script.write_text("print('no pipes here')\n")

    @dg.asset
    def quiet(context: dg.AssetExecutionContext,
              pipes_subprocess_client: dg.PipesSubprocessClient):  # type: ignore[no-untyped-def]
        return pipes_subprocess_client.run(command=[sys.executable, str(script)],
                                           context=context).get_results()

    with dg.instance_for_test() as instance:
        result = dg.materialize([quiet], instance=instance, resources={
            "pipes_subprocess_client": dg.PipesSubprocessClient()})
        assert result.success
        assert instance.get_latest_materialization_event(dg.AssetKey("quiet")) is not None
        # The returned list is the step's results, not a value for the IO manager.
        assert not any(e.event_type.value == "HANDLED_OUTPUT" for e in result.all_events)


def test_a_multi_asset_returns_every_result(tmp_path: Path) -> None:
    script = tmp_path / "two.py"
    script.write_text(
        "from dagster_pipes import open_dagster_pipes\n"
        "with open_dagster_pipes() as pipes:\n"
        "    pipes.report_asset_materialization(asset_key='left', metadata={'n': 1})\n"
        "    pipes.report_asset_materialization(asset_key='right', metadata={'n': 2})\n")

    @dg.multi_asset(specs=[dg.AssetSpec("left"), dg.AssetSpec("right")])
    def both(context: dg.AssetExecutionContext,
             pipes_subprocess_client: dg.PipesSubprocessClient):  # type: ignore[no-untyped-def]
        return pipes_subprocess_client.run(command=[sys.executable, str(script)],
                                           context=context).get_results()

    with dg.instance_for_test() as instance:
        assert dg.materialize([both], instance=instance, resources={
            "pipes_subprocess_client": dg.PipesSubprocessClient()}).success
        found = instance.get_latest_materialization_events([dg.AssetKey("left"),
                                                            dg.AssetKey("right")])
        values = {key.to_user_string(): entry.asset_materialization.metadata["n"].value
                  for key, entry in found.items()
                  if entry is not None and entry.asset_materialization is not None}
        assert values == {"left": 1, "right": 2}


def test_open_pipes_session_for_a_custom_launcher(tmp_path: Path) -> None:
    import subprocess

    @dg.asset
    def launched(context: dg.AssetExecutionContext):  # type: ignore[no-untyped-def]
        with dg.open_pipes_session(
                context=context, extras={"mode": "report"},
                context_injector=dg.PipesEnvContextInjector(),
                message_reader=dg.PipesFileMessageReader(str(tmp_path / "messages.jsonl")),
        ) as session:
            subprocess.run([sys.executable, SCRIPT], check=True,
                           env={**session.get_bootstrap_env_vars(), "PATH": "/usr/bin"})
        return session.get_results()[0]

    with dg.instance_for_test() as instance:
        assert dg.materialize([launched], instance=instance).success
        entry = instance.get_latest_materialization_event(dg.AssetKey("launched"))
        assert entry is not None and entry.asset_materialization is not None
        assert entry.asset_materialization.metadata["rows"].value == 42
    # opened, log, materialization, check, custom message, closed
    assert (tmp_path / "messages.jsonl").read_text().count("__dagster_pipes_version") == 6
