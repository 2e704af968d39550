"""Partitioned asset checks: ``partitions_def`` on ``@asset_check`` and ``AssetCheckSpec``,
results recorded per partition."""

from __future__ import annotations

import pytest

import headwater as hw
from headwater.errors import InvalidDefinitionError

COLORS = hw.StaticPartitionsDefinition(["red", "green", "blue"])


@hw.asset(partitions_def=COLORS)
def paint(context: hw.AssetExecutionContext) -> str:
    return context.partition_key


@hw.asset_check(asset=paint, partitions_def=COLORS)
def not_blue(context: hw.AssetCheckExecutionContext, paint: str) -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=paint != "blue", metadata={"seen": paint})


def test_a_partitioned_check_records_its_result_for_the_runs_partition() -> None:
    assert not_blue.partitions_def is COLORS
    with hw.instance_for_test() as instance:
        for color in ("red", "blue"):
            result = hw.materialize([paint, not_blue], instance=instance, partition_key=color)
            assert result.success
        history = instance.storage.get_check_history(["paint"], "not_blue")
    assert [(record.partition, record.passed) for record in history] == [
        ("blue", False), ("red", True)]


def test_the_spec_carries_the_partitions_and_checks_sharing_a_function_must_agree() -> None:
    spec = hw.AssetCheckSpec("fresh", asset="paint", partitions_def=COLORS)
    assert spec.partitions_def is COLORS
    other = hw.AssetCheckSpec("full", asset="paint",
                              partitions_def=hw.StaticPartitionsDefinition(["x"]))
    with pytest.raises(InvalidDefinitionError, match="different partitions_def"):
        @hw.multi_asset_check(specs=[spec, other])
        def both() -> None: ...
