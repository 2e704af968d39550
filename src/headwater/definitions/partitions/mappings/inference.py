"""The mapping used when none is given, and mappings read back from their plain-JSON form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from headwater.definitions.partitions.base import PartitionsDefinition
from headwater.definitions.partitions.mappings.base import PartitionMapping
from headwater.definitions.partitions.mappings.multi import (
    DimensionPartitionMapping,
    MultiPartitionMapping,
    MultiToSingleDimensionPartitionMapping,
    single_to_multi_dependency,
)
from headwater.definitions.partitions.mappings.simple import (
    AllPartitionMapping,
    IdentityPartitionMapping,
    LastPartitionMapping,
    SpecificPartitionsPartitionMapping,
    StaticPartitionMapping,
)
from headwater.definitions.partitions.mappings.time_window import TimeWindowPartitionMapping
from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = ["infer_partition_mapping", "partition_mapping_from_dict"]


def infer_partition_mapping(
    partition_mapping: PartitionMapping | None,
    downstream_partitions_def: PartitionsDefinition | None,
    upstream_partitions_def: PartitionsDefinition | None,
) -> PartitionMapping:
    """The given mapping, or the one Dagster picks when none is given.

    Both partitioned: multi and single dimension that fit -> ``MultiToSingleDimension``; two
    time windows (any granularity) -> ``TimeWindow``; otherwise ``Identity``. Either side
    unpartitioned -> ``All``.
    """
    if partition_mapping is not None:
        return partition_mapping
    if upstream_partitions_def is None or downstream_partitions_def is None:
        return AllPartitionMapping()
    found = single_to_multi_dependency(upstream_partitions_def, downstream_partitions_def)
    if not isinstance(found, str):
        return MultiToSingleDimensionPartitionMapping()
    if isinstance(upstream_partitions_def, TimeWindowPartitionsDefinition) and isinstance(
            downstream_partitions_def, TimeWindowPartitionsDefinition):
        return TimeWindowPartitionMapping()
    return IdentityPartitionMapping()


def _multi(data: dict[str, Any]) -> PartitionMapping:
    return MultiPartitionMapping({
        name: DimensionPartitionMapping(item["dimension_name"],
                                        partition_mapping_from_dict(item["partition_mapping"]))
        for name, item in data["downstream_mappings_by_upstream_dimension"].items()})


_READERS: dict[str, Callable[[dict[str, Any]], PartitionMapping]] = {
    "identity": lambda _: IdentityPartitionMapping(),
    "all": lambda _: AllPartitionMapping(),
    "last": lambda _: LastPartitionMapping(),
    "specific": lambda d: SpecificPartitionsPartitionMapping(d["partition_keys"]),
    "static": lambda d: StaticPartitionMapping(
        d["downstream_partition_keys_by_upstream_partition_key"]),
    "time_window": lambda d: TimeWindowPartitionMapping(
        d.get("start_offset", 0), d.get("end_offset", 0),
        d.get("allow_nonexistent_upstream_partitions", False)),
    "multi_to_single": lambda d: MultiToSingleDimensionPartitionMapping(
        d.get("partition_dimension_name")),
    "multi": _multi,
}


def partition_mapping_from_dict(data: Mapping[str, Any]) -> PartitionMapping:
    """Rebuild a mapping from its ``to_dict()``.

    Raises:
        InvalidDefinitionError: an unknown kind (a newer headwater wrote it) or a bad field.
    """
    kind = data.get("kind") if isinstance(data, Mapping) else None
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        raise InvalidDefinitionError(
            f"Unknown partition mapping {data!r}; this version of headwater reads "
            f"{sorted(_READERS)!r}. Upgrade headwater where the data is read.")
    try:
        return reader(dict(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidDefinitionError(
            f"Malformed partition mapping {dict(data)!r}: {type(exc).__name__}: {exc}.") from None
