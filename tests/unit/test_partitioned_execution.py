"""Materializing partitioned assets: partition keys, time windows and per-partition storage."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetExecutionContext,
    DailyPartitionsDefinition,
    Definitions,
    FilesystemIOManager,
    StaticPartitionsDefinition,
    asset,
    define_asset_job,
    materialize,
)
from headwater.errors import NotFoundError

daily = DailyPartitionsDefinition(start_date="2024-01-01", end_date="2024-01-10")
regions = StaticPartitionsDefinition(["eu", "us", "apac"])


@asset
def config_table() -> dict[str, int]:
    return {"multiplier": 10}


@asset(partitions_def=daily)
def events(context: AssetExecutionContext) -> dict[str, Any]:
    window = context.partition_time_window
    return {"day": context.partition_key, "start": window.start, "end": window.end}


@asset(partitions_def=daily)
def event_stats(context: AssetExecutionContext, events: dict[str, Any],
                config_table: dict[str, int]) -> str:
    return f"{events['day']}x{config_table['multiplier']}"


@asset(partitions_def=regions)
def sales(context: AssetExecutionContext) -> str:
    return f"sales-{context.partition_key}"


@asset
def all_sales(sales: dict[str, str]) -> list[str]:
    return sorted(sales.values())


def io(tmp_path: Path) -> dict[str, object]:
    return {"io_manager": FilesystemIOManager(base_dir=tmp_path)}


def test_daily_partition_key_and_time_window(tmp_path: Path) -> None:
    result = materialize([events], partition_key="2024-01-03", resources=io(tmp_path))
    assert result.success
    value = result.asset_value("events")
    assert value["day"] == "2024-01-03"
    assert value["start"] == datetime(2024, 1, 3, tzinfo=timezone.utc)
    assert value["end"] == datetime(2024, 1, 4, tzinfo=timezone.utc)
    [mat] = result.asset_materializations_for_node("events")
    assert mat.partition == "2024-01-03"
    stored = tmp_path / "events" / "2024-01-03"
    assert pickle.loads(stored.read_bytes())["day"] == "2024-01-03"


def test_each_partition_is_stored_separately(tmp_path: Path) -> None:
    for key in ("eu", "us"):
        materialize([sales], partition_key=key, resources=io(tmp_path))
    assert sorted(p.name for p in (tmp_path / "sales").iterdir()) == ["eu", "us"]
    assert pickle.loads((tmp_path / "sales" / "us").read_bytes()) == "sales-us"


def test_partitioned_asset_with_unpartitioned_upstream(tmp_path: Path) -> None:
    result = materialize(
        [config_table, events, event_stats], partition_key="2024-01-05", resources=io(tmp_path)
    )
    assert result.asset_value("event_stats") == "2024-01-05x10"
    partitions = {m.asset_key.to_user_string(): m.partition for m in result.asset_materializations}
    assert partitions == {
        "config_table": None,
        "events": "2024-01-05",
        "event_stats": "2024-01-05",
    }
    assert (tmp_path / "config_table").is_file()
    assert (tmp_path / "event_stats" / "2024-01-05").is_file()


def test_partitioned_downstream_loads_the_same_partition_from_storage(tmp_path: Path) -> None:
    defs = Definitions(
        assets=[config_table, events, event_stats],
        resources=io(tmp_path),
        jobs=[define_asset_job("upstream", ["config_table", "events"]),
              define_asset_job("stats", ["event_stats"])],
    )
    for day in ("2024-01-02", "2024-01-03"):
        defs.get_job_def("upstream").execute_in_process(partition_key=day)
    result = defs.get_job_def("stats").execute_in_process(partition_key="2024-01-03")
    assert result.asset_value("event_stats") == "2024-01-03x10"
    missing = defs.get_job_def("stats").execute_in_process(
        partition_key="2024-01-07", raise_on_error=False
    )
    [failure] = missing.get_step_failure_events()
    assert "2024-01-07" in failure.message and "no stored value" in failure.message


def test_unpartitioned_downstream_loads_every_partition(tmp_path: Path) -> None:
    for key in regions.get_partition_keys():
        materialize([sales], partition_key=key, resources=io(tmp_path))
    result = materialize([sales, all_sales], selection=["all_sales"], resources=io(tmp_path))
    assert result.asset_value("all_sales") == ["sales-apac", "sales-eu", "sales-us"]


def test_unknown_partition_key_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        materialize([sales], partition_key="mars", resources=io(tmp_path))
    assert "mars" in str(info.value)
    result = materialize([sales], partition_key="mars", resources=io(tmp_path),
                         raise_on_error=False)
    assert not result.success
    assert [e.event_type.value for e in result.all_events] == ["RUN_START", "RUN_FAILURE"]
    with pytest.raises(NotFoundError, match="2023-12-31"):
        materialize([events], partition_key="2023-12-31", resources=io(tmp_path))


def test_partitioned_run_without_partition_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="pass a partition key"):
        materialize([sales], resources=io(tmp_path))


def test_partition_key_for_unpartitioned_job_is_an_error() -> None:
    with pytest.raises(NotFoundError, match="not partitioned"):
        materialize([config_table], partition_key="eu")


def test_different_partitions_in_one_job_is_a_definition_error() -> None:
    from headwater.errors import InvalidDefinitionError

    with pytest.raises(InvalidDefinitionError, match="different partitions definitions"):
        materialize([sales, events], partition_key="eu")


def test_partition_tag_and_has_partition_key(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    @asset(partitions_def=regions)
    def tagged(context: AssetExecutionContext) -> None:
        seen["tag"] = context.get_tag("headwater/partition")
        seen["has"] = context.has_partition_key
        seen["keys"] = list(context.partition_keys)
        key_range = context.partition_key_range
        seen["range"] = (key_range.start, key_range.end)

    materialize([tagged], partition_key="eu", resources=io(tmp_path))
    assert seen == {"tag": "eu", "has": True, "keys": ["eu"], "range": ("eu", "eu")}


def test_time_window_on_static_partitions_is_an_error(tmp_path: Path) -> None:
    @asset(partitions_def=regions)
    def windowed(context: AssetExecutionContext) -> None:
        context.partition_time_window  # noqa: B018 - the access itself raises

    result = materialize([windowed], partition_key="eu", resources=io(tmp_path),
                         raise_on_error=False)
    [failure] = result.get_step_failure_events()
    assert "not time windows" in failure.message
