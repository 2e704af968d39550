"""Checks of partitions across assets when ``Definitions`` are built.

- Every partition mapping given with ``AssetIn``/``AssetDep`` must fit the partitions of the
  two assets it joins (``PartitionMapping.validate_partition_mapping``); the error names both
  assets and the mapping, instead of a run failing later while loading its inputs.
- A partitioned asset check must have the partitions of the asset it checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = ["validate_partitions"]


def validate_partitions(assets_defs: Sequence[AssetsDefinition], graph: AssetGraph) -> None:
    """Raise InvalidDefinitionError naming the assets whose partitions do not fit."""
    for definition in assets_defs:
        _check_mappings(definition, graph)
        _check_checks(definition, graph)


def _check_mappings(definition: AssetsDefinition, graph: AssetGraph) -> None:
    for upstream_key, mapping in definition.partition_mappings.items():
        upstream = graph.node(upstream_key).partitions_def if graph.has(upstream_key) else None
        for key in definition.keys:
            downstream = graph.node(key).partitions_def
            where = (f"Asset '{key.to_user_string()}' reads '{upstream_key.to_user_string()}' "
                     f"through {mapping!r}")
            if upstream is None:
                raise InvalidDefinitionError(
                    f"{where}, but '{upstream_key.to_user_string()}' is not partitioned. Remove "
                    "the partition_mapping, or give the upstream asset a partitions_def.")
            try:
                mapping.validate_partition_mapping(upstream, downstream)
            except InvalidDefinitionError as exc:
                raise InvalidDefinitionError(f"{where}, which does not fit their partitions: "
                                             f"{exc}") from None


def _check_checks(definition: AssetsDefinition, graph: AssetGraph) -> None:
    for spec in definition.check_specs_by_output_name.values():
        if spec.partitions_def is None or not graph.has(spec.asset_key):
            continue
        asset_partitions = graph.node(spec.asset_key).partitions_def
        if asset_partitions is None or asset_partitions != spec.partitions_def:
            raise InvalidDefinitionError(
                f"Asset check '{spec.key.to_user_string()}' has partitions_def="
                f"{spec.partitions_def!r}, but its asset '{spec.asset_key.to_user_string()}' "
                f"has {asset_partitions!r}. A partitioned check takes its asset's partitions "
                "definition.")
