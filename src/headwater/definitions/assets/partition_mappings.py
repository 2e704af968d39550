"""The partition mappings an asset declares on its ``ins`` and ``deps``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.specs import AssetDep, AssetIn
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.partitions.mappings import PartitionMapping

__all__ = ["collect_partition_mappings"]


def _checked(mapping: Any, where: str) -> PartitionMapping:
    # Imported here: assets without mappings never load the partitions package.
    from headwater.definitions.partitions.mappings import PartitionMapping

    if not isinstance(mapping, PartitionMapping):
        raise InvalidDefinitionError(
            f"{where}: partition_mapping must be a PartitionMapping such as "
            f"TimeWindowPartitionMapping(start_offset=-1); got {mapping!r}."
        )
    return mapping


def collect_partition_mappings(
    what: str,
    ins: Mapping[str, AssetIn] | None,
    keys_by_input: Mapping[str, AssetKey],
    *dep_lists: Iterable[Any] | None,
) -> dict[AssetKey, PartitionMapping]:
    """Upstream key to the mapping given with ``AssetIn``/``AssetDep`` (only those given)."""
    found: dict[AssetKey, PartitionMapping] = {}
    for input_name, asset_in in (ins or {}).items():
        if asset_in.partition_mapping is not None and input_name in keys_by_input:
            found[keys_by_input[input_name]] = _checked(
                asset_in.partition_mapping, f"{what}, input '{input_name}'")
    for deps in dep_lists:
        for dep in deps or ():
            if isinstance(dep, AssetDep) and dep.partition_mapping is not None:
                found[dep.asset_key] = _checked(
                    dep.partition_mapping, f"{what}, dep '{dep.asset_key.to_user_string()}'")
    return found
