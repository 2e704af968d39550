"""Schedules and sensors targeting an AssetSelection; asset sensors called directly in tests."""

from __future__ import annotations

import pytest

import headwater as hw
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.errors import InvalidDefinitionError


@hw.asset
def orders() -> int:
    return 1


@hw.asset(deps=[orders])
def report() -> None:
    return None


def _selected(target_job: object) -> set[str]:
    graph_defs = hw.Definitions(assets=[orders, report])
    job = graph_defs.get_job_def(target_job.name)  # type: ignore[attr-defined]
    return {key.to_user_string() for key in job.asset_layer.asset_keys}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "selection",
    [
        hw.AssetSelection.keys("orders"),
        hw.AssetSelection.all(),
        hw.AssetSelection.groups("default"),
    ],
)
def test_schedule_and_sensors_accept_an_asset_selection_target(selection: object) -> None:
    sched = hw.ScheduleDefinition(name="nightly", target=selection, cron_schedule="@daily")

    @hw.schedule(target=selection, cron_schedule="@daily")
    def decorated_schedule() -> hw.RunRequest:
        return hw.RunRequest()

    @hw.sensor(target=selection)
    def decorated_sensor() -> None:
        return None

    for owner in (sched, decorated_schedule, decorated_sensor):
        assert owner.job_name == f"__anonymous_asset_job_{owner.name}"
    defs = hw.Definitions(
        assets=[orders, report], schedules=[sched, decorated_schedule],
        sensors=[decorated_sensor],
    )
    job = defs.get_job_def("__anonymous_asset_job_nightly")
    assert job.name == "__anonymous_asset_job_nightly"


def test_a_non_selection_target_is_still_rejected_with_its_name() -> None:
    with pytest.raises(InvalidDefinitionError, match="'nightly' got target=3"):
        hw.ScheduleDefinition(name="nightly", target=3, cron_schedule="@daily")


def test_directly_called_asset_sensor_reads_the_latest_materialization() -> None:
    seen: list[EventLogEntry] = []

    @hw.asset_sensor(asset_key=hw.AssetKey("orders"), job_name="report_job")
    def on_orders(
        context: hw.SensorEvaluationContext, asset_event: EventLogEntry
    ) -> hw.RunRequest:
        seen.append(asset_event)
        return hw.RunRequest(run_key=str(asset_event.storage_id))

    with hw.instance_for_test() as instance:
        context = hw.build_sensor_context(instance=instance)
        skipped = on_orders(context)
        assert isinstance(skipped, hw.SkipReason)
        assert "No new materialization of asset 'orders'" in str(skipped.skip_message)
        assert seen == []

        hw.materialize([orders], instance=instance)
        hw.materialize([orders], instance=instance)
        request = on_orders(context)
        assert isinstance(request, hw.RunRequest)
        (event,) = seen
        assert request.run_key == str(event.storage_id)
        assert context.cursor == str(event.storage_id)
        details = event.dagster_event
        assert details is not None
        assert details.event_type_value == "ASSET_MATERIALIZATION"
        assert details.asset_key == hw.AssetKey("orders")
        materialization = details.event_specific_data.materialization
        assert materialization is not None and materialization.asset_key == hw.AssetKey("orders")

        # Same cursor, nothing newer: skipped again without calling the function.
        assert isinstance(on_orders(context), hw.SkipReason)
        assert len(seen) == 1


def test_directly_called_asset_sensor_without_an_instance_says_what_to_pass() -> None:
    @hw.asset_sensor(asset_key="orders", job_name="report_job")
    def on_orders(context: hw.SensorEvaluationContext, asset_event: EventLogEntry) -> None:
        return None

    with pytest.raises(InvalidDefinitionError, match="context has no instance"):
        on_orders(hw.build_sensor_context())
