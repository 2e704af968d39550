"""Mappings between multi-dimensional partitions, and between one and a single dimension.

Both reduce to per-dimension dependencies: a (mapping, upstream dimension, downstream
dimension) triple, where ``None`` stands for a single-dimension definition. An upstream
dimension no dependency names is read whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any, NamedTuple

from headwater.definitions.partitions.base import PartitionsDefinition
from headwater.definitions.partitions.mappings.base import (
    MappedKeys,
    PartitionMapping,
    existing_keys,
)
from headwater.definitions.partitions.mappings.simple import IdentityPartitionMapping
from headwater.definitions.partitions.mappings.time_window import TimeWindowPartitionMapping
from headwater.definitions.partitions.multi import MultiPartitionKey, MultiPartitionsDefinition
from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = [
    "DimensionDependency",
    "DimensionPartitionMapping",
    "MultiPartitionMapping",
    "MultiToSingleDimensionPartitionMapping",
    "single_to_multi_dependency",
]


class DimensionDependency(NamedTuple):
    """One dimension of the downstream depending on one of the upstream, through a mapping."""

    partition_mapping: PartitionMapping
    upstream_dimension_name: str | None
    downstream_dimension_name: str | None


class DimensionPartitionMapping(NamedTuple):
    """In a :class:`MultiPartitionMapping`: the downstream dimension an upstream one feeds."""

    dimension_name: str
    partition_mapping: PartitionMapping


def _dimension_def(definition: PartitionsDefinition, name: str | None) -> PartitionsDefinition:
    if name is None:
        return definition
    assert isinstance(definition, MultiPartitionsDefinition)
    return definition.get_partitions_def_for_dimension(name)


def _split(definition: PartitionsDefinition, key: str) -> dict[str | None, str]:
    if isinstance(definition, MultiPartitionsDefinition):
        parts: dict[str | None, str] = {}
        parts.update(definition.get_partition_key_from_str(key).keys_by_dimension)
        return parts
    return {None: key}


def _join(names: Sequence[str | None], values: Sequence[str]) -> str:
    if len(values) == 1 and names[0] is None:
        return values[0]
    return MultiPartitionKey({str(name): value for name, value in zip(names, values, strict=True)})


def _map(
    dependencies: Sequence[DimensionDependency],
    from_def: PartitionsDefinition,
    from_keys: Sequence[str],
    to_def: PartitionsDefinition,
    upstream: bool,
) -> MappedKeys:
    """Map keys of ``from_def`` to keys of ``to_def`` dimension by dimension."""
    by_from_dim = {
        (dep.downstream_dimension_name if upstream else dep.upstream_dimension_name): dep
        for dep in dependencies
    }
    to_names = (
        [dim.name for dim in to_def.partitions_defs]
        if isinstance(to_def, MultiPartitionsDefinition) else [None]
    )
    mapped_to_names: list[str | None] = [
        dep.upstream_dimension_name if upstream else dep.downstream_dimension_name
        for dep in by_from_dim.values()
    ]
    unmapped = [name for name in to_names if name not in mapped_to_names]
    every = {name: existing_keys(_dimension_def(to_def, name)) for name in unmapped}
    cache: dict[tuple[str | None, str], list[str]] = {}
    missing: dict[str, None] = {}
    found: dict[str, None] = {}
    for key in from_keys:
        parts = _split(from_def, key)
        choices: list[list[str]] = []
        for from_name, dep in by_from_dim.items():
            value = parts[from_name]
            cached = cache.get((from_name, value))
            if cached is None:
                to_name = dep.upstream_dimension_name if upstream else dep.downstream_dimension_name
                from_dim_def = _dimension_def(from_def, from_name)
                to_dim_def = _dimension_def(to_def, to_name)
                if upstream:
                    result = dep.partition_mapping.upstream_keys([value], from_dim_def, to_dim_def)
                    cached = result.keys
                    missing.update(dict.fromkeys(result.missing))
                else:
                    cached = dep.partition_mapping.downstream_keys([value], from_dim_def,
                                                                   to_dim_def)
                cache[(from_name, value)] = cached
            choices.append(cached)
        names = [*mapped_to_names, *unmapped]
        for combination in product(*choices, *(every[name] for name in unmapped)):
            found[_join(names, combination)] = None
    return MappedKeys(_in_order(to_def, list(found)), list(missing))


def _in_order(definition: PartitionsDefinition, keys: list[str]) -> list[str]:
    if len(keys) < 2:
        return keys
    wanted = set(keys)
    ordered = [key for key in definition.get_partition_keys() if key in wanted]
    return ordered if len(ordered) == len(keys) else keys


class _DimensionalMapping(PartitionMapping):
    def dependencies(
        self, upstream: PartitionsDefinition, downstream: PartitionsDefinition | None
    ) -> list[DimensionDependency]:
        raise NotImplementedError

    def validate_partition_mapping(
        self,
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> None:
        self.dependencies(upstream_partitions_def, downstream_partitions_def)

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        deps = self.dependencies(upstream_partitions_def, downstream_partitions_def)
        assert downstream_partitions_def is not None
        return _map(deps, downstream_partitions_def, downstream_keys, upstream_partitions_def,
                    upstream=True)

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        deps = self.dependencies(upstream_partitions_def, downstream_partitions_def)
        assert downstream_partitions_def is not None
        return _map(deps, upstream_partitions_def, upstream_keys, downstream_partitions_def,
                    upstream=False).keys


def single_to_multi_dependency(
    upstream: PartitionsDefinition | None,
    downstream: PartitionsDefinition | None,
    dimension_name: str | None = None,
) -> DimensionDependency | str:
    """The dependency between a multi-dimensional and a single-dimension definition, or
    why there is none (a message)."""
    multis = [d for d in (upstream, downstream) if isinstance(d, MultiPartitionsDefinition)]
    if len(multis) != 1 or upstream is None or downstream is None:
        return ("MultiToSingleDimensionPartitionMapping joins a multi-partitioned asset and a "
                f"single-dimension one; got {len(multis)} multi-partitioned definitions.")
    multi = multis[0]
    single = downstream if multi is upstream else upstream
    upstream_is_multi = multi is upstream
    dims = [d for d in multi.partitions_defs if dimension_name in (None, d.name)]
    if dimension_name is not None and not dims:
        return (f"Dimension {dimension_name!r} is not one of {multi.partition_dimension_names!r}; "
                "name one of them in partition_dimension_name.")
    matching = [d for d in dims if d.partitions_def == single]
    chosen: tuple[PartitionMapping, str] | None = None
    if len(matching) == 1:
        chosen = (IdentityPartitionMapping(), matching[0].name)
    elif len(matching) > 1:
        return ("Several dimensions match the single-dimension partitions; give "
                "partition_dimension_name.")
    else:
        times = [d for d in dims if isinstance(d.partitions_def, TimeWindowPartitionsDefinition)]
        if len(times) == 1 and isinstance(single, TimeWindowPartitionsDefinition):
            chosen = (TimeWindowPartitionMapping(), times[0].name)
    if chosen is None:
        return ("The single-dimension partitions must equal one dimension of the "
                "multi-partitions, or both must be time windows (one time dimension).")
    mapping, name = chosen
    return DimensionDependency(mapping, name if upstream_is_multi else None,
                               None if upstream_is_multi else name)


class MultiToSingleDimensionPartitionMapping(_DimensionalMapping):
    """Joins a multi-partitioned asset and a single-dimension one through one dimension.

    Upstream multi, downstream single: a downstream key reads every upstream key whose
    dimension matches it (all regions of the date). Downstream multi, upstream single: a
    downstream key reads the upstream key of its dimension. The default between such assets.

    Args:
        partition_dimension_name: the dimension; inferred when only one fits.
    """

    kind = "multi_to_single"

    def __init__(self, partition_dimension_name: str | None = None) -> None:
        self.partition_dimension_name = partition_dimension_name

    def dependencies(
        self, upstream: PartitionsDefinition, downstream: PartitionsDefinition | None
    ) -> list[DimensionDependency]:
        found = single_to_multi_dependency(upstream, downstream, self.partition_dimension_name)
        if isinstance(found, str):
            raise InvalidDefinitionError(f"MultiToSingleDimensionPartitionMapping: {found}")
        return [found]

    @property
    def description(self) -> str:
        return ("Each partition reads the partitions of the other asset sharing its key in "
                f"dimension {self.partition_dimension_name or '(inferred)'}.")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "partition_dimension_name": self.partition_dimension_name}


class MultiPartitionMapping(_DimensionalMapping):
    """Joins two multi-partitioned assets dimension by dimension.

    Args:
        downstream_mappings_by_upstream_dimension: upstream dimension name to the downstream
            dimension it feeds and the mapping between them. Upstream dimensions left out are
            read whole.
    """

    kind = "multi"

    def __init__(
        self, downstream_mappings_by_upstream_dimension: Mapping[str, DimensionPartitionMapping]
    ) -> None:
        for name, item in downstream_mappings_by_upstream_dimension.items():
            if not isinstance(item, DimensionPartitionMapping):
                raise InvalidDefinitionError(
                    f"MultiPartitionMapping: dimension {name!r} must map to a "
                    f"DimensionPartitionMapping(dimension_name, partition_mapping); got {item!r}."
                )
        self.downstream_mappings_by_upstream_dimension = dict(
            downstream_mappings_by_upstream_dimension)

    def dependencies(
        self, upstream: PartitionsDefinition, downstream: PartitionsDefinition | None
    ) -> list[DimensionDependency]:
        if not isinstance(upstream, MultiPartitionsDefinition) or not isinstance(
                downstream, MultiPartitionsDefinition):
            raise InvalidDefinitionError(
                "MultiPartitionMapping joins two multi-partitioned assets; got "
                f"{upstream!r} upstream and {downstream!r} downstream.")
        deps = []
        for name, item in self.downstream_mappings_by_upstream_dimension.items():
            for what, definition, dim in (("upstream", upstream, name),
                                          ("downstream", downstream, item.dimension_name)):
                if dim not in definition.partition_dimension_names:
                    raise InvalidDefinitionError(
                        f"MultiPartitionMapping names {what} dimension {dim!r}, which is not one "
                        f"of {definition.partition_dimension_names!r}.")
            deps.append(DimensionDependency(item.partition_mapping, name, item.dimension_name))
        return deps

    @property
    def description(self) -> str:
        return "; ".join(
            f"upstream dimension {name!r} feeds downstream {item.dimension_name!r} through "
            f"{type(item.partition_mapping).__name__}"
            for name, item in self.downstream_mappings_by_upstream_dimension.items())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "downstream_mappings_by_upstream_dimension": {
            name: {"dimension_name": item.dimension_name,
                   "partition_mapping": item.partition_mapping.to_dict()}
            for name, item in self.downstream_mappings_by_upstream_dimension.items()}}
