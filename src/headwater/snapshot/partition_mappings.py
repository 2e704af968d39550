"""The partition mappings and backfill policy of an asset, as snapshot data.

Each dependency between partitioned assets is written with its effective mapping (the one
given with ``AssetIn``/``AssetDep``, else Dagster's default), keyed by the upstream key
``a/b``, in the mapping's plain ``to_dict`` form; hosts rebuild it with
:func:`mapping_from_snap` to compute lineage and backfill ranges without user code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headwater.definitions.asset_graph.graph import AssetGraph
    from headwater.definitions.asset_graph.keys import AssetKey
    from headwater.definitions.assets.assets_definition import AssetsDefinition
    from headwater.definitions.partitions.mappings import PartitionMapping

__all__ = ["backfill_policy_snap", "mapping_from_snap", "partition_mappings_snap"]


def partition_mappings_snap(
    definition: AssetsDefinition, key: AssetKey, deps: Any, graph: AssetGraph
) -> dict[str, dict[str, Any]]:
    """Upstream key ``a/b`` -> effective mapping dict, for deps where one side is partitioned."""
    found: dict[str, dict[str, Any]] = {}
    own = definition.partitions_def
    for dep in deps:
        try:
            upstream = graph.node(dep).partitions_def
        except KeyError:  # a dep outside the graph: no partitions known here
            upstream = None
        if own is None and upstream is None and dep not in definition.partition_mappings:
            continue
        mapping = definition.get_partition_mapping(dep, upstream)
        found["/".join(dep.path)] = mapping.to_dict()
    return found


def backfill_policy_snap(definition: AssetsDefinition) -> dict[str, Any] | None:
    """``{"max_partitions_per_run": n or None}``, or None without a policy."""
    policy = definition.backfill_policy
    if policy is None:
        return None
    data: dict[str, Any] = policy.to_dict()
    return data


def mapping_from_snap(data: dict[str, Any]) -> PartitionMapping:
    """The mapping again, from its snapshot form."""
    from headwater.definitions.partitions.mappings import partition_mapping_from_dict

    return partition_mapping_from_dict(data)
