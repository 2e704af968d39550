"""Subsets of a partitions definition's keys: what a backfill, a mapping or a status covers.

``partitions_def.empty_subset()``, ``subset_with_partition_keys(keys)`` and
``subset_with_all_partitions()`` make them; they combine with ``|``, ``&`` and ``-`` and
list their keys in the definition's order. A subset of time-window partitions also gives its
``included_time_windows`` (consecutive partitions merged). ``to_dict``/``subset_from_dict``
give the plain-JSON form (the keys, or the windows' key ranges, for time windows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from headwater.definitions.partitions.base import (
    DynamicPartitionsStore,
    PartitionKeyRange,
    PartitionsDefinition,
    TimeWindow,
)
from headwater.errors import InvalidDefinitionError, NotFoundError

if TYPE_CHECKING:
    from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition

__all__ = [
    "DefaultPartitionsSubset",
    "PartitionsSubset",
    "TimeWindowPartitionsSubset",
    "key_ranges",
    "subset_from_dict",
]


class PartitionsSubset:
    """A set of partition keys of one partitions definition (immutable)."""

    def __init__(
        self,
        partitions_def: PartitionsDefinition | None,
        partition_keys: Iterable[str] = (),
    ) -> None:
        self._partitions_def = partitions_def
        self._keys = frozenset(str(key) for key in partition_keys)

    @property
    def partitions_def(self) -> PartitionsDefinition | None:
        """The definition the keys belong to (None for a bare set of keys)."""
        return self._partitions_def

    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """The keys, in the definition's order (keys it no longer has come last, sorted)."""
        definition = self._partitions_def
        if definition is None or not self._keys:
            return sorted(self._keys)
        try:
            ordered = definition.get_partition_keys(current_time, dynamic_partitions_store)
        except Exception:  # noqa: BLE001 - e.g. dynamic keys with no store: fall back to sorted
            return sorted(self._keys)
        if len(self._keys) * 20 < len(ordered) and _is_time_window(definition):
            try:
                return sorted(self._keys, key=_time_sort_key(definition))
            except NotFoundError:
                pass  # keys outside the definition: the general path below
        found = [key for key in ordered if key in self._keys]
        if len(found) < len(self._keys):
            found.extend(sorted(self._keys.difference(found)))
        return found

    def get_partition_key_ranges(
        self,
        partitions_def: PartitionsDefinition | None = None,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[PartitionKeyRange]:
        """The keys as the fewest ranges of consecutive partitions."""
        definition = partitions_def or self._partitions_def
        if definition is None:
            return [PartitionKeyRange(key, key) for key in sorted(self._keys)]
        ordered = definition.get_partition_keys(current_time, dynamic_partitions_store)
        return key_ranges(ordered, self._keys)

    def with_partition_keys(self, partition_keys: Iterable[str]) -> PartitionsSubset:
        """A subset with ``partition_keys`` added."""
        return self._new(self._keys | frozenset(partition_keys))

    def with_partition_key_range(
        self,
        partitions_def: PartitionsDefinition,
        partition_key_range: PartitionKeyRange,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> PartitionsSubset:
        """A subset with every key of ``partition_key_range`` added."""
        keys = partitions_def.get_partition_keys_in_range(
            partition_key_range, dynamic_partitions_store
        )
        return self.with_partition_keys(keys)

    def empty_subset(self) -> PartitionsSubset:
        """An empty subset of the same definition."""
        return self._new(frozenset())

    @property
    def is_empty(self) -> bool:
        """Whether the subset has no keys."""
        return not self._keys

    def _new(self, keys: Iterable[str]) -> PartitionsSubset:
        return type(self)(self._partitions_def, keys)

    def _other_keys(self, other: object) -> frozenset[str]:
        if isinstance(other, PartitionsSubset):
            return other._keys
        if isinstance(other, (set, frozenset, list, tuple)):
            return frozenset(str(key) for key in other)
        raise InvalidDefinitionError(f"Cannot combine a partitions subset with {other!r}.")

    def __or__(self, other: object) -> PartitionsSubset:
        return self._new(self._keys | self._other_keys(other))

    def __and__(self, other: object) -> PartitionsSubset:
        return self._new(self._keys & self._other_keys(other))

    def __sub__(self, other: object) -> PartitionsSubset:
        return self._new(self._keys - self._other_keys(other))

    def __contains__(self, partition_key: object) -> bool:
        return partition_key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self.get_partition_keys())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartitionsSubset):
            return NotImplemented
        return self._keys == other._keys and self._partitions_def == other._partitions_def

    def __hash__(self) -> int:
        return hash(self._keys)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON: the definition's ``to_dict`` and the keys."""
        return {
            "partitions_def": self._partitions_def.to_dict() if self._partitions_def else None,
            "keys": sorted(self._keys),
        }

    def serialize(self) -> str:
        """The subset as a JSON string (Dagster's name for ``to_dict``)."""
        import json

        return json.dumps(self.to_dict(), sort_keys=True)

    def __repr__(self) -> str:
        shown = sorted(self._keys)[:5]
        more = f", ... ({len(self._keys)} keys)" if len(self._keys) > 5 else ""
        return f"{type(self).__name__}({shown!r}{more})"


class DefaultPartitionsSubset(PartitionsSubset):
    """A subset of static, dynamic or multi-dimensional partitions."""


class TimeWindowPartitionsSubset(PartitionsSubset):
    """A subset of time-window partitions; also seen as merged time windows."""

    @property
    def included_time_windows(self) -> list[TimeWindow]:
        """The windows of the keys, consecutive partitions merged into one window."""
        definition = self._partitions_def
        assert definition is not None
        window_for = definition.time_window_for_partition_key  # type: ignore[attr-defined]
        merged: list[TimeWindow] = []
        for key in self.get_partition_keys():
            window = window_for(key)
            if merged and merged[-1].end.timestamp() >= window.start.timestamp():
                merged[-1] = TimeWindow(merged[-1].start, window.end)
            else:
                merged.append(window)
        return merged


def _is_time_window(definition: PartitionsDefinition) -> bool:
    return definition.kind == "time_window"


def _time_sort_key(definition: PartitionsDefinition) -> Any:
    window_for = definition.time_window_for_partition_key  # type: ignore[attr-defined]
    return lambda key: window_for(key).start.timestamp()


def key_ranges(ordered: Sequence[str], keys: frozenset[str] | set[str]) -> list[PartitionKeyRange]:
    """The fewest ranges of consecutive entries of ``ordered`` that are in ``keys``."""
    ranges: list[PartitionKeyRange] = []
    start: str | None = None
    previous: str | None = None
    for key in ordered:
        if key in keys:
            if start is None:
                start = key
            previous = key
        elif start is not None and previous is not None:
            ranges.append(PartitionKeyRange(start, previous))
            start = None
    if start is not None and previous is not None:
        ranges.append(PartitionKeyRange(start, previous))
    return ranges


def subset_for(
    partitions_def: PartitionsDefinition | None, keys: Iterable[str] = ()
) -> PartitionsSubset:
    """The right subset class for ``partitions_def``."""
    if partitions_def is not None and _is_time_window(partitions_def):
        return TimeWindowPartitionsSubset(partitions_def, keys)
    return DefaultPartitionsSubset(partitions_def, keys)


def subset_from_dict(data: dict[str, Any]) -> PartitionsSubset:
    """Rebuild a subset from :meth:`PartitionsSubset.to_dict` output."""
    from headwater.definitions.partitions.serialization import partitions_def_from_dict

    raw = data.get("partitions_def")
    definition = partitions_def_from_dict(raw) if raw is not None else None
    return subset_for(definition, data.get("keys", []))


def time_window_def(definition: PartitionsDefinition) -> TimeWindowPartitionsDefinition:
    """``definition`` as a time-window definition (for typing)."""
    from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition

    assert isinstance(definition, TimeWindowPartitionsDefinition)
    return definition
