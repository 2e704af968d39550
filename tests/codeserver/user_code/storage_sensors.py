"""Sensors that read the instance: an asset sensor and run-status sensors."""

import headwater as hw


@hw.asset
def numbers() -> list[int]:
    return [1, 2, 3]


@hw.asset
def boom() -> int:
    raise RuntimeError("boom went the asset")


everything = hw.define_asset_job("everything", selection=["numbers"])
failing = hw.define_asset_job("failing", selection=["boom"])


@hw.asset_sensor(asset_key=hw.AssetKey("numbers"), job=everything)
def on_numbers(context: hw.SensorEvaluationContext, asset_event: hw.EventLogEntry) -> object:
    return hw.RunRequest(run_key=f"numbers-{asset_event.storage_id}",
                         tags={"seen_run": asset_event.run_id})


@hw.run_status_sensor(run_status=hw.RunStatus.SUCCESS, monitored_jobs=[everything],
                      request_job=failing)
def after_everything(context: hw.RunStatusSensorContext) -> object:
    return hw.RunRequest(run_key=f"after-{context.dagster_run.run_id}")


@hw.run_failure_sensor(request_job=everything)
def on_failure(context: hw.RunFailureSensorContext) -> object:
    assert context.failure_event is not None
    return hw.RunRequest(run_key=f"failed-{context.dagster_run.run_id}",
                         tags={"why": context.failure_event.message[:40]})


@hw.run_failure_sensor(monitor_all_code_locations=True)
def any_failure(context: hw.RunFailureSensorContext) -> object:
    return hw.SkipReason(f"saw {context.dagster_run.run_id}")


defs = hw.Definitions(assets=[numbers, boom], jobs=[everything, failing],
                      sensors=[on_numbers, after_everything, on_failure, any_failure])
