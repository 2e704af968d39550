"""Downstream of ``ingest``: an asset, an asset job, a schedule and a sensor."""

from headwater import RunRequest, ScheduleDefinition, asset, define_asset_job, sensor
from loader_pkg.ingest import raw_orders


@asset
def order_summary(raw_orders: list[int]) -> int:
    return sum(raw_orders)


summary_job = define_asset_job("summary_job", selection="order_summary")
daily_summary = ScheduleDefinition(
    name="daily_summary", cron_schedule="0 6 * * *", job=summary_job
)


@sensor(job=summary_job)
def summary_sensor() -> RunRequest:
    return RunRequest()


__all__ = ["raw_orders"]
