"""A healthy location: two assets, a job, a schedule and a sensor."""

from headwater import (
    Definitions,
    RunRequest,
    ScheduleDefinition,
    asset,
    define_asset_job,
    sensor,
)


@asset
def raw_orders() -> list[dict[str, int]]:
    return [{"id": 1, "amount": 3}]


@asset
def order_totals(raw_orders: list[dict[str, int]]) -> int:
    return sum(row["amount"] for row in raw_orders)


orders_job = define_asset_job("orders_job", selection="*")
daily = ScheduleDefinition(job=orders_job, cron_schedule="0 6 * * *")


@sensor(job=orders_job)
def new_orders_sensor(context: object) -> RunRequest | None:
    return None


defs = Definitions(
    assets=[raw_orders, order_totals], jobs=[orders_job], schedules=[daily],
    sensors=[new_orders_sensor],
)
