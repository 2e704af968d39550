"""A small shop's pipeline for debugging a failed run in the browser.

``raw_orders`` prints and reports metadata, ``cleaned_orders`` has a blocking and a warning
check, ``revenue_report`` prints to stdout and stderr and fails with a chained cause.
"""

from __future__ import annotations

import sys

import headwater as hw


@hw.asset(group_name="ingest", code_version="1")
def raw_orders() -> hw.MaterializeResult:
    print("loaded 3 orders from the shop")
    return hw.MaterializeResult(metadata={"rows": 3, "source": "shop-api"})


NOTES = ("# Cleaning\n**Drops** duplicate orders, see [the docs](https://example.com/docs).\n"
         "<script>window.__xss=9</script> [bad](javascript:window.__xss=8)\n\n- one\n- two")


@hw.asset(group_name="clean", deps=[raw_orders], metadata={"notes": hw.MetadataValue.md(NOTES)})
def cleaned_orders() -> hw.MaterializeResult:
    print("dropped 0 duplicate orders")
    lineage = hw.TableColumnLineage(deps_by_column={
        "order_id": [hw.TableColumnDep("raw_orders", "id")],
        "total": [hw.TableColumnDep("raw_orders", "price"),
                  hw.TableColumnDep("raw_orders", "quantity")]})
    return hw.MaterializeResult(metadata={"rows": 3, "dropped": 0,
                                          "dagster/column_lineage": lineage})


@hw.asset_check(asset=cleaned_orders, blocking=True)
def no_null_ids() -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=True, metadata={"null_ids": 0})


@hw.asset_check(asset=cleaned_orders)
def enough_orders() -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=False, severity=hw.AssetCheckSeverity.WARN,
                               metadata={"orders": 3, "expected_at_least": 10})


def _exchange_rate(currency: str) -> float:
    rates = {"EUR": 1.0}
    return rates[currency]


@hw.asset(group_name="reports", deps=[cleaned_orders])
def revenue_report() -> None:
    print("computing revenue in USD")
    print("rate table is stale", file=sys.stderr)
    try:
        _exchange_rate("USD")
    except KeyError as exc:
        raise ValueError("no exchange rate for USD") from exc


daily_job = hw.define_asset_job(
    "daily_job", selection=["raw_orders", "cleaned_orders", "revenue_report"],
    tags={"team": "finance"})

defs = hw.Definitions(assets=[raw_orders, cleaned_orders, revenue_report],
                      asset_checks=[no_null_ids, enough_orders], jobs=[daily_job])
