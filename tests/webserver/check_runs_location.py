"""A location for executing asset checks alone, job tags on runs and trimmed stacks."""

from __future__ import annotations

from headwater import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSpec,
    AssetKey,
    DailyPartitionsDefinition,
    Definitions,
    Output,
    RunRequest,
    ScheduleDefinition,
    asset,
    asset_check,
    define_asset_job,
    job,
    op,
    sensor,
)


@asset
def orders() -> list[int]:
    """Three orders; the check reads them back through the IO manager."""
    print("materializing orders")
    return [3, 5, 8]


@asset_check(asset=orders)
def orders_not_empty(orders: list[int]) -> AssetCheckResult:
    """Passes when the stored orders are not empty."""
    print(f"checking {len(orders)} orders")
    return AssetCheckResult(passed=bool(orders), metadata={"count": len(orders)})


@asset(check_specs=[AssetCheckSpec("positive", asset="totals")])
def totals():  # type: ignore[no-untyped-def]
    """An asset whose own op evaluates its check: the check cannot run alone."""
    yield Output(16)
    yield AssetCheckResult(check_name="positive", passed=True)


def _parse(row: str) -> int:
    return int(row)


def _load_rows() -> list[int]:
    return [_parse(row) for row in ["1", "two"]]


@asset
def broken_rows() -> list[int]:
    """Fails in the user's helper, two frames below the asset function."""
    return _load_rows()


@op
def say_hello() -> str:
    return "hello"


@job(tags={"team": "ops", "tier": "gold"})
def tagged_job() -> None:
    say_hello()


@job(tags={"team": "ops", "kind": "definition-only"}, run_tags={"team": "runs", "cost": "low"})
def run_tagged_job() -> None:
    say_hello()


orders_job = define_asset_job("orders_job", selection=["orders"], tags={"team": "assets"})
split_job = define_asset_job("split_job", selection=["orders"], tags={"visible": "no"},
                             run_tags={"team": "split"})

daily = DailyPartitionsDefinition(start_date="2024-01-01")


@asset(partitions_def=daily)
def daily_orders() -> int:
    return 1


daily_job = define_asset_job("daily_job", selection=["daily_orders"],
                             tags={"team": "daily"})

tagged_schedule = ScheduleDefinition(name="tagged_schedule", job=tagged_job,
                                     cron_schedule="0 * * * *", tags={"tier": "schedule"})


@sensor(job=tagged_job, minimum_interval_seconds=1)
def tagged_sensor(context):  # type: ignore[no-untyped-def]
    yield RunRequest(run_key="one", tags={"tier": "sensor"})


@sensor(job=orders_job, minimum_interval_seconds=1)
def check_sensor(context):  # type: ignore[no-untyped-def]
    """Requests the orders check alone, and the job's assets with only that check."""
    check = AssetCheckKey(AssetKey("orders"), "orders_not_empty")
    yield RunRequest(run_key="check-alone", asset_selection=[], asset_check_keys=[check])
    yield RunRequest(run_key="job-with-check", asset_check_keys=[check])


def _read_cursor_file() -> str:
    raise FileNotFoundError("cursor.txt is missing")


@sensor(job=tagged_job, minimum_interval_seconds=1)
def failing_sensor(context):  # type: ignore[no-untyped-def]
    """Fails in the user's helper: its tick error shows the user's frames."""
    return _read_cursor_file()


defs = Definitions(
    assets=[orders, orders_not_empty, totals, broken_rows, daily_orders],
    jobs=[tagged_job, run_tagged_job, orders_job, split_job, daily_job],
    schedules=[tagged_schedule],
    sensors=[tagged_sensor, failing_sensor, check_sensor],
)
