"""build_op_context / build_asset_context for a run over a partition key range."""

from __future__ import annotations

import pytest

from headwater import (
    PartitionKeyRange,
    StaticPartitionsDefinition,
    build_asset_context,
    build_op_context,
)


def test_contexts_for_a_partition_key_range() -> None:
    letters = StaticPartitionsDefinition(["a", "b", "c", "d"])
    context = build_asset_context(
        partition_key_range=PartitionKeyRange("b", "d"), partitions_def=letters
    )
    assert context.partition_keys == ["b", "c", "d"]
    assert context.partition_key_range == PartitionKeyRange("b", "d")
    assert context.has_partition_key_range and not context.has_partition_key
    bare = build_op_context(partition_key_range=PartitionKeyRange("x", "y"))
    assert bare.partition_key_range == PartitionKeyRange("x", "y")
    with pytest.raises(Exception, match="not both"):
        build_op_context(partition_key="a", partition_key_range=PartitionKeyRange("a", "b"))
