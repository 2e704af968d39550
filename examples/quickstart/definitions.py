"""The headwater quickstart: a small order-analytics pipeline over a CSV file.

Two asset groups:

- ``ingest``: ``raw_orders`` (the CSV, as read) -> ``cleaned_orders`` (valid, non-cancelled rows)
- ``analytics``: ``daily_revenue``, ``revenue_by_region`` and ``top_customers``

plus a data-quality check, two jobs, a daily schedule and a sensor that starts a run when
the CSV changes. Values pass from asset to asset through the default IO manager, which
pickles them under ``$HEADWATER_HOME/storage`` (``./.headwater/storage`` when unset).

Run everything from the repository root with::

    .venv/bin/headwater asset materialize -f examples/quickstart/definitions.py --select '*'
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TypedDict

import headwater as hw

EXAMPLE_DIR = Path(__file__).resolve().parent
CSV_COLUMNS = (
    "order_id", "customer_id", "order_date", "region", "product", "quantity", "unit_price",
    "status",
)
VALID_STATUSES = frozenset({"pending", "shipped", "completed", "cancelled"})


# -- resources ---------------------------------------------------------------------------------


class CsvSource(hw.ConfigurableResource):
    """A CSV file of orders; a relative ``path`` is read from this example's folder."""

    path: str = "data/orders.csv"

    def resolved_path(self) -> Path:
        """The file's absolute path."""
        path = Path(self.path).expanduser()
        return path if path.is_absolute() else EXAMPLE_DIR / path

    def read_rows(self) -> list[dict[str, str]]:
        """Every row of the file as a dict of strings, keyed by the header's column names."""
        with self.resolved_path().open(newline="", encoding="utf-8") as file:
            return [dict(row) for row in csv.DictReader(file)]


# -- row types -----------------------------------------------------------------------------------


class Order(TypedDict):
    """One validated order line."""

    order_id: str
    customer_id: str
    order_date: str
    region: str
    product: str
    quantity: int
    unit_price: float
    status: str
    revenue: float


class CustomerTotal(TypedDict):
    """What one customer spent."""

    customer_id: str
    revenue: float
    orders: int


class TopCustomersConfig(hw.Config):
    """How many customers ``top_customers`` keeps."""

    limit: int = 3


# -- ingest ----------------------------------------------------------------------------------------


@hw.asset(group_name="ingest", kinds=["csv"])
def raw_orders(
    context: hw.AssetExecutionContext, orders_csv: CsvSource
) -> hw.Output[list[dict[str, str]]]:
    """Every order line of the source CSV, exactly as written (all values are strings)."""
    rows = orders_csv.read_rows()
    context.log.info(f"Read {len(rows)} rows from {orders_csv.resolved_path()}")
    return hw.Output(
        rows,
        metadata={
            "row_count": hw.MetadataValue.int(len(rows)),
            "source": hw.MetadataValue.path(orders_csv.resolved_path()),
            "schema": hw.MetadataValue.table_schema(
                hw.TableSchema(columns=[hw.TableColumn(name) for name in CSV_COLUMNS])
            ),
            "preview": hw.MetadataValue.md(_markdown_table(rows[:5])),
        },
    )


@hw.asset(group_name="ingest")
def cleaned_orders(
    context: hw.AssetExecutionContext, raw_orders: list[dict[str, str]]
) -> list[Order]:
    """The orders worth counting: cancelled orders and malformed rows are dropped.

    A row is malformed when a field is empty, the date is not ISO (YYYY-MM-DD), the quantity
    is not a positive whole number, the price is not a non-negative number, or the status is
    unknown.
    """
    cleaned: list[Order] = []
    cancelled = 0
    malformed: list[str] = []
    for row in raw_orders:
        order = parse_order(row)
        if order is None:
            malformed.append(row.get("order_id") or "?")
        elif order["status"] == "cancelled":
            cancelled += 1
        else:
            cleaned.append(order)
    context.log.info(
        f"Kept {len(cleaned)} of {len(raw_orders)} rows: dropped {cancelled} cancelled and "
        f"{len(malformed)} malformed ({', '.join(malformed) or 'none'})"
    )
    context.add_output_metadata(
        {"row_count": len(cleaned), "cancelled": cancelled, "malformed": len(malformed)}
    )
    return cleaned


def parse_order(row: dict[str, str]) -> Order | None:
    """``row`` as a typed order, or ``None`` when it is malformed."""
    values = {column: (row.get(column) or "").strip() for column in CSV_COLUMNS}
    if not all(values.values()) or values["status"] not in VALID_STATUSES:
        return None
    try:
        date.fromisoformat(values["order_date"])
        quantity = int(values["quantity"])
        unit_price = float(values["unit_price"])
    except ValueError:
        return None
    if quantity <= 0 or unit_price < 0:
        return None
    return Order(
        order_id=values["order_id"],
        customer_id=values["customer_id"],
        order_date=values["order_date"],
        region=values["region"],
        product=values["product"],
        quantity=quantity,
        unit_price=unit_price,
        status=values["status"],
        revenue=round(quantity * unit_price, 2),
    )


@hw.asset_check(asset=cleaned_orders)
def no_negative_quantities(cleaned_orders: list[Order]) -> hw.AssetCheckResult:
    """No cleaned order has a negative quantity."""
    negative = [order["order_id"] for order in cleaned_orders if order["quantity"] < 0]
    return hw.AssetCheckResult(
        passed=not negative,
        metadata={"negative_rows": len(negative), "order_ids": ", ".join(negative) or "none"},
    )


# -- analytics -----------------------------------------------------------------------------------


@hw.asset(group_name="analytics")
def daily_revenue(
    context: hw.AssetExecutionContext, cleaned_orders: list[Order]
) -> dict[str, float]:
    """Revenue per order date (quantity x unit price, cancelled orders excluded)."""
    totals = _sum_by(cleaned_orders, lambda order: order["order_date"])
    total = round(sum(totals.values()), 2)
    context.add_output_metadata(
        {
            "total_revenue": hw.MetadataValue.float(total),
            "days": len(totals),
            "by_day": hw.MetadataValue.md(
                _markdown_table([{"date": d, "revenue": f"{r:.2f}"} for d, r in totals.items()])
            ),
        }
    )
    return totals


@hw.asset(group_name="analytics")
def revenue_by_region(
    context: hw.AssetExecutionContext, cleaned_orders: list[Order]
) -> dict[str, float]:
    """Revenue per sales region, largest first."""
    totals = _sum_by(cleaned_orders, lambda order: order["region"])
    ranked = dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))
    context.add_output_metadata(
        {"regions": len(ranked), "top_region": next(iter(ranked), "none")}
    )
    return ranked


@hw.asset(group_name="analytics")
def top_customers(
    context: hw.AssetExecutionContext, config: TopCustomersConfig, cleaned_orders: list[Order]
) -> list[CustomerTotal]:
    """The customers who spent the most; how many is set by ``config.limit`` (default 3)."""
    revenue = _sum_by(cleaned_orders, lambda order: order["customer_id"])
    counts: dict[str, int] = defaultdict(int)
    for order in cleaned_orders:
        counts[order["customer_id"]] += 1
    ranked = sorted(revenue.items(), key=lambda item: (-item[1], item[0]))
    top = [
        CustomerTotal(customer_id=customer, revenue=total, orders=counts[customer])
        for customer, total in ranked[: config.limit]
    ]
    context.log.info(f"Top {config.limit}: {', '.join(c['customer_id'] for c in top)}")
    context.add_output_metadata(
        {"preview": hw.MetadataValue.md(_markdown_table(top))}
    )
    return top


def _sum_by(orders: list[Order], key: Callable[[Order], str]) -> dict[str, float]:
    """Revenue summed per ``key(order)``, in sorted key order, rounded to cents."""
    totals: dict[str, float] = defaultdict(float)
    for order in orders:
        totals[key(order)] += order["revenue"]
    return {name: round(totals[name], 2) for name in sorted(totals)}


def _markdown_table(rows: Sequence[Mapping[str, object]]) -> str:
    """A Markdown table of ``rows`` (the first row's keys are the header)."""
    if not rows:
        return "_no rows_"
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in header) + " |" for row in rows]
    return "\n".join(lines)


# -- jobs, schedule, sensor ------------------------------------------------------------------------

all_assets_job = hw.define_asset_job(
    "all_assets", selection="*", description="Ingest the CSV and rebuild every report."
)
analytics_job = hw.define_asset_job(
    "analytics",
    selection=hw.AssetSelection.groups("analytics"),
    description="Rebuild the reports from the stored cleaned_orders.",
)

daily_refresh = hw.ScheduleDefinition(
    name="daily_refresh",
    job=all_assets_job,
    cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin",
    description="Every day at 06:00 Berlin time.",
)


@hw.sensor(job=all_assets_job, minimum_interval_seconds=60)  # type: ignore[untyped-decorator]
def orders_file_changed(
    context: hw.SensorEvaluationContext, orders_csv: CsvSource
) -> hw.RunRequest | hw.SkipReason:
    """Run all assets when the orders CSV changes; the cursor is the file's modification time."""
    path = orders_csv.resolved_path()
    if not path.is_file():
        return hw.SkipReason(f"{path} does not exist.")
    mtime = str(path.stat().st_mtime_ns)
    if context.cursor == mtime:
        return hw.SkipReason(f"{path.name} has not changed since the last run was requested.")
    context.update_cursor(mtime)
    return hw.RunRequest(run_key=f"orders-{mtime}", tags={"source_mtime_ns": mtime})


defs = hw.Definitions(
    assets=[raw_orders, cleaned_orders, daily_revenue, revenue_by_region, top_customers],
    asset_checks=[no_negative_quantities],
    jobs=[all_assets_job, analytics_job],
    schedules=[daily_refresh],
    sensors=[orders_file_changed],
    resources={"orders_csv": CsvSource()},
)
