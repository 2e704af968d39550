"""The location the webserver tests serve: assets with metadata, a check, partitions, a job,
a schedule and a sensor, and a description holding markup (returned verbatim as text)."""

import headwater as hw

MARKUP = "<script>alert('x')</script> & <b>bold</b>"

colors = hw.StaticPartitionsDefinition(["red", "green", "blue"])


@hw.asset(group_name="ingest", description=MARKUP, metadata={"owner_team": "data"},
          kinds={"csv"})
def raw_orders() -> list[int]:
    print("fetched 3 raw orders")
    return [1, 2, 3]


@hw.asset(group_name="analytics")
def order_total(context: hw.AssetExecutionContext, raw_orders: list[int]) -> int:
    context.add_output_metadata({"rows": len(raw_orders)})
    return sum(raw_orders)


@hw.asset_check(asset=order_total)
def total_is_positive(order_total: int) -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=order_total > 0)


@hw.asset(partitions_def=colors, group_name="analytics")
def paint(context: hw.AssetExecutionContext) -> str:
    return context.partition_key


orders_job = hw.define_asset_job("orders_job", selection=["raw_orders", "order_total"])
daily = hw.ScheduleDefinition(job=orders_job, cron_schedule="0 6 * * *")


@hw.sensor(job=orders_job, minimum_interval_seconds=60)
def orders_sensor(context: object) -> None:
    return None


defs = hw.Definitions(
    assets=[raw_orders, order_total, paint],
    asset_checks=[total_is_positive],
    jobs=[orders_job],
    schedules=[daily],
    sensors=[orders_sensor],
)
