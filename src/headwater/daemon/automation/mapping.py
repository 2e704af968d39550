"""Which partitions of a dependency each partition of an asset reads, from the snapshot's
partition mapping data (``PartitionMapping.to_dict``), evaluated on the host.

As Dagster maps a dependency's result down to its dependent: a partition of the asset matches
a dependency condition when the condition holds for any of the dependency partitions it reads.
Mappings: identity, all, last, specific partitions, static tables, time windows (overlapping
windows, with start and end offsets counted in the asset's windows), multi-to-single dimension
and multi-dimension (each mapped dimension through its own mapping, the others read whole).
An unpartitioned dependency is read whole by every partition; an unpartitioned asset reads
what its mapping gives (every partition by default).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import product
from typing import Any

from headwater.core.partition_keys import MULTI_SEPARATOR
from headwater.daemon.automation.assets import UNPARTITIONED, AssetView, PartitionSpace, Parts

_NONE: Parts = frozenset()
_UNPARTITIONED: Parts = frozenset({UNPARTITIONED})


class Edge:
    """How the partitions of one asset map to those of one dependency.

    ``identity``: each partition reads the same key; ``constant``: every partition reads the
    same dependency partitions; else ``upstream`` gives each partition's.
    """

    __slots__ = ("_memo", "constant", "identity", "upstream")

    def __init__(self, identity: bool = False, constant: Parts | None = None,
                 upstream: Callable[[str], Parts] | None = None) -> None:
        self.identity = identity
        self.constant = constant
        self.upstream = upstream
        self._memo: dict[str, Parts] = {}

    def parents(self, part: str) -> Parts:
        """The dependency partitions ``part`` reads."""
        if self.identity:
            return frozenset({part})
        if self.constant is not None:
            return self.constant
        found = self._memo.get(part)
        if found is None:
            assert self.upstream is not None
            found = self._memo[part] = self.upstream(part)
        return found


def edge(asset: AssetView, dep: AssetView) -> Edge:
    """The mapping from ``asset``'s partitions to ``dep``'s (built once per tick and edge)."""
    found: Edge | None = asset.edges.get(dep.key)
    if found is None:
        found = asset.edges[dep.key] = _build(asset, dep)
    return found


def to_dep(asset: AssetView, dep: AssetView, candidates: Parts) -> Parts:
    """The dependency's partitions that the asset's ``candidates`` read."""
    if not candidates:
        return _NONE
    mapping = edge(asset, dep)
    if mapping.identity:
        return candidates & dep.space.all
    if mapping.constant is not None:
        return mapping.constant
    found: set[str] = set()
    for part in candidates:
        found |= mapping.parents(part)
    return frozenset(found)


def from_dep(asset: AssetView, dep: AssetView, candidates: Parts, dep_true: Parts) -> Parts:
    """The asset's candidates reading at least one dependency partition in ``dep_true``."""
    if not dep_true:
        return _NONE
    mapping = edge(asset, dep)
    if mapping.identity:
        return candidates & dep_true
    if mapping.constant is not None:
        return candidates if mapping.constant & dep_true else _NONE
    return frozenset(part for part in candidates if not mapping.parents(part).isdisjoint(
        dep_true))


def _build(asset: AssetView, dep: AssetView) -> Edge:
    if not dep.partitioned:
        return Edge(constant=_UNPARTITIONED)
    return _edge(asset.mappings.get(dep.key) or {},
                 asset.space if asset.partitioned else None, dep.space)


def _edge(data: dict[str, Any], down: PartitionSpace | None, space: PartitionSpace) -> Edge:
    """The mapping ``data`` from the partitions ``down`` (None: unpartitioned) to ``space``."""
    kind = data.get("kind")
    if kind == "last":
        return Edge(constant=frozenset(space.keys[-1:]))
    if kind == "specific":
        return Edge(constant=frozenset(data.get("partition_keys", ())) & space.all)
    if kind == "all" or down is None:
        return Edge(constant=space.all)
    if kind == "static":
        return Edge(constant=None, upstream=_static(data, space))
    if kind == "time_window":
        return _time_window(data, down, space)
    if kind == "multi_to_single":
        return _multi_to_single(data, down, space)
    if kind == "multi":
        return _multi(data, down, space)
    if kind in (None, "identity") and down is space:
        return Edge(identity=True)
    if kind == "identity":
        return Edge(upstream=lambda part: frozenset({part}) & space.all)
    return Edge(constant=space.all)  # a mapping this module does not know: all of them


def _multi(data: dict[str, Any], down: PartitionSpace, up: PartitionSpace) -> Edge:
    """Dimension by dimension: each mapped upstream dimension reads what its mapping gives
    for the downstream dimension it names; the others are read whole."""
    if not (down.dimensions and up.dimensions):
        return Edge(constant=up.all)
    down_names = sorted(down.dimensions)
    up_names = sorted(up.dimensions)
    mapped = data.get("downstream_mappings_by_upstream_dimension") or {}
    parts: list[tuple[int, Edge] | None] = []
    for name in up_names:
        item = mapped.get(name)
        if item is None or item.get("dimension_name") not in down.dimensions:
            parts.append(None)
            continue
        target = item["dimension_name"]
        parts.append((down_names.index(target), _edge(
            item.get("partition_mapping") or {}, down.dimensions[target], up.dimensions[name])))

    def upstream(part: str) -> Parts:
        values = part.split(MULTI_SEPARATOR)
        if len(values) != len(down_names):
            return _NONE
        choices = [sorted(up.dimensions[name].all) if item is None
                   else sorted(item[1].parents(values[item[0]]))
                   for name, item in zip(up_names, parts, strict=True)]
        return frozenset(MULTI_SEPARATOR.join(combo) for combo in product(*choices)) & up.all

    return Edge(upstream=upstream)


def _static(data: dict[str, Any], space: PartitionSpace) -> Callable[[str], Parts]:
    table: dict[str, set[str]] = {}
    for upstream, downstream in (data.get(
            "downstream_partition_keys_by_upstream_partition_key") or {}).items():
        for key in [downstream] if isinstance(downstream, str) else downstream:
            table.setdefault(key, set()).add(upstream)
    return lambda part: frozenset(table.get(part, ())) & space.all


def _time_window(data: dict[str, Any], down: PartitionSpace, up: PartitionSpace) -> Edge:
    start_offset = int(data.get("start_offset") or 0)
    end_offset = int(data.get("end_offset") or 0)
    if down is up and not start_offset and not end_offset:
        return Edge(identity=True)
    if not (down.is_time_window and up.is_time_window) or not down.keys:
        return Edge(constant=up.all)
    index = down.index

    def upstream(part: str) -> Parts:
        position = index.get(part)
        if position is None:
            return _NONE
        start = _boundary(down, position + start_offset, down.starts)
        end = _boundary(down, position + end_offset, down.ends)
        if start >= end:
            return _NONE
        # The dependency's windows overlapping [start, end).
        first = bisect_right(up.ends, start)
        last = bisect_left(up.starts, end)
        return frozenset(up.keys[first:last])

    return Edge(upstream=upstream)


def _boundary(space: PartitionSpace, position: int, bounds: list[float]) -> float:
    """``bounds[position]``, extended past either end by whole windows of the nearest one."""
    count = len(bounds)
    if 0 <= position < count:
        return bounds[position]
    near = 0 if position < 0 else count - 1
    width = space.ends[near] - space.starts[near]
    return bounds[near] + (position - near) * width


def _multi_to_single(data: dict[str, Any], down: PartitionSpace, up: PartitionSpace) -> Edge:
    up_multi = (up.data or {}).get("kind") == "multi"
    down_multi = (down.data or {}).get("kind") == "multi"
    multi, single = (up, down) if up_multi else (down, up)
    dimensions = (multi.data or {}).get("dimensions", ())
    names = sorted(item["name"] for item in dimensions)
    name = data.get("partition_dimension_name")
    if name is None:  # the one dimension partitioned like the single-dimension asset
        same = [item["name"] for item in dimensions if item["partitions_def"] == single.data]
        name = same[0] if len(same) == 1 else None
    if up_multi == down_multi or name not in names:
        return Edge(constant=up.all)
    at = names.index(name)
    if up_multi:  # each single key reads the dependency's keys with that dimension value
        by_value: dict[str, set[str]] = {}
        for key in up.keys:
            by_value.setdefault(key.split(MULTI_SEPARATOR)[at], set()).add(key)
        return Edge(upstream=lambda part: frozenset(by_value.get(part, ())))
    return Edge(upstream=lambda part: frozenset(
        {part.split(MULTI_SEPARATOR)[at]}) & up.all)
