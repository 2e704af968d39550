"""Partition mappings and partitioned checks are validated when Definitions are built."""

from __future__ import annotations

import pytest

import headwater as hw
from headwater.errors import InvalidDefinitionError

DAILY = hw.DailyPartitionsDefinition(start_date="2024-01-01")
COLORS = hw.StaticPartitionsDefinition(["red", "green"])


@hw.asset(partitions_def=COLORS)
def colors() -> None: ...


@hw.asset(partitions_def=DAILY)
def days() -> None: ...


def test_a_mapping_that_does_not_fit_names_both_assets() -> None:
    @hw.asset(partitions_def=DAILY, ins={"colors": hw.AssetIn(
        partition_mapping=hw.TimeWindowPartitionMapping(start_offset=-1))})
    def daily_report(colors: object) -> None: ...

    defs = hw.Definitions(assets=[colors, daily_report])
    with pytest.raises(InvalidDefinitionError) as caught:
        hw.Definitions.validate_loadable(defs)
    message = str(caught.value)
    assert "Asset 'daily_report' reads 'colors' through TimeWindowPartitionMapping" in message
    assert "time-window partitions on the upstream asset" in message


def test_a_mapping_from_an_unpartitioned_asset_is_refused() -> None:
    @hw.asset
    def plain() -> None: ...

    @hw.asset(partitions_def=DAILY, deps=[hw.AssetDep(
        plain, partition_mapping=hw.TimeWindowPartitionMapping())])
    def reader() -> None: ...

    with pytest.raises(InvalidDefinitionError, match="'plain' is not partitioned"):
        hw.Definitions.validate_loadable(hw.Definitions(assets=[plain, reader]))


def test_fitting_mappings_build() -> None:
    @hw.asset(partitions_def=DAILY, ins={"days": hw.AssetIn(
        partition_mapping=hw.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1))})
    def lagged(days: object) -> None: ...

    hw.Definitions.validate_loadable(hw.Definitions(assets=[days, lagged]))


def test_a_partitioned_check_must_have_its_assets_partitions() -> None:
    @hw.asset_check(asset=days, partitions_def=COLORS)
    def wrong(days: object) -> hw.AssetCheckResult:
        return hw.AssetCheckResult(passed=True)

    with pytest.raises(InvalidDefinitionError, match="check .days:wrong. has partitions_def="):
        hw.Definitions.validate_loadable(hw.Definitions(assets=[days], asset_checks=[wrong]))
