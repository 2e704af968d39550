"""Partition mappings: which partitions of an upstream asset a downstream partition reads.

``infer_partition_mapping`` gives the default Dagster picks; every mapping round-trips
through ``to_dict`` / ``partition_mapping_from_dict`` so that host processes can compute
lineage from a snapshot.
"""

from __future__ import annotations

from headwater.definitions.partitions.mappings.base import (
    MappedKeys,
    PartitionMapping,
    UpstreamPartitionsResult,
)
from headwater.definitions.partitions.mappings.inference import (
    infer_partition_mapping,
    partition_mapping_from_dict,
)
from headwater.definitions.partitions.mappings.multi import (
    DimensionPartitionMapping,
    MultiPartitionMapping,
    MultiToSingleDimensionPartitionMapping,
)
from headwater.definitions.partitions.mappings.simple import (
    AllPartitionMapping,
    IdentityPartitionMapping,
    LastPartitionMapping,
    SpecificPartitionsPartitionMapping,
    StaticPartitionMapping,
)
from headwater.definitions.partitions.mappings.time_window import TimeWindowPartitionMapping

__all__ = [
    "AllPartitionMapping",
    "DimensionPartitionMapping",
    "IdentityPartitionMapping",
    "LastPartitionMapping",
    "MappedKeys",
    "MultiPartitionMapping",
    "MultiToSingleDimensionPartitionMapping",
    "PartitionMapping",
    "SpecificPartitionsPartitionMapping",
    "StaticPartitionMapping",
    "TimeWindowPartitionMapping",
    "UpstreamPartitionsResult",
    "infer_partition_mapping",
    "partition_mapping_from_dict",
]
