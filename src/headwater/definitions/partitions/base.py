"""The partitions definition interface and the small value types shared by every kind."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from headwater.errors import InvalidDefinitionError, NotFoundError, UnknownPartitionError

if TYPE_CHECKING:
    from headwater.definitions.partitions.subsets import PartitionsSubset

__all__ = [
    "DynamicPartitionsStore",
    "PartitionKeyRange",
    "PartitionsDefinition",
    "TimeWindow",
]

# How many valid keys an "unknown partition key" message shows.
_KEYS_SHOWN = 5


class DynamicPartitionsStore(Protocol):
    """Where the keys of dynamic partitions live (the instance implements it)."""

    def get_dynamic_partitions(self, partitions_def_name: str) -> Sequence[str]:
        """Return the keys added to the dynamic partitions definition named so, in order."""
        ...

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        """Return whether ``partition_key`` was added to that definition."""
        ...


@dataclass(frozen=True)
class PartitionKeyRange:
    """An inclusive range of partition keys, from ``start`` to ``end``."""

    start: str
    end: str

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise InvalidDefinitionError(
                    f"PartitionKeyRange {name} must be a partition key string; got {value!r}."
                )


class TimeWindow(NamedTuple):
    """A half-open span of time ``[start, end)`` with time-zone-aware ends."""

    start: datetime
    end: datetime


class PartitionsDefinition(ABC):
    """The set of partition keys an asset or job is split into.

    Subclasses say how keys are produced: a fixed list, windows of a cron schedule, the
    product of two definitions, or keys added at run time. Definitions compare and hash by
    value, and :meth:`to_dict` gives the plain-JSON form that
    :func:`~headwater.definitions.partitions.partitions_def_from_dict` reads back.
    """

    kind: ClassVar[str]

    @abstractmethod
    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """Return every partition key, in order, as of ``current_time`` (default: now)."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Return a plain-JSON description that round-trips through ``partitions_def_from_dict``."""

    def has_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> bool:
        """Return whether ``partition_key`` is one of this definition's keys."""
        return partition_key in self.get_partition_keys(current_time, dynamic_partitions_store)

    def validate_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> None:
        """Raise unless ``partition_key`` is one of this definition's keys.

        Raises:
            NotFoundError: the message shows a few valid keys.
        """
        if not self.has_partition_key(partition_key, current_time, dynamic_partitions_store):
            keys = self.get_partition_keys(current_time, dynamic_partitions_store)
            raise UnknownPartitionError(self._unknown_key_message(partition_key, keys))

    def get_partition_keys_in_range(
        self,
        partition_key_range: PartitionKeyRange,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
        *,
        current_time: datetime | None = None,
    ) -> list[str]:
        """Return the keys from ``partition_key_range.start`` to ``.end``, both included.

        Raises:
            NotFoundError: either end is not a partition key.
            InvalidDefinitionError: the range's start comes after its end.
        """
        keys = self.get_partition_keys(current_time, dynamic_partitions_store)
        positions = {key: index for index, key in enumerate(keys)}
        bounds = []
        for key in (partition_key_range.start, partition_key_range.end):
            if key not in positions:
                raise NotFoundError(self._unknown_key_message(key, keys))
            bounds.append(positions[key])
        first, last = bounds
        if first > last:
            raise InvalidDefinitionError(
                f"Partition key range {partition_key_range.start!r}..{partition_key_range.end!r} "
                f"of {self!r} starts after it ends; swap start and end."
            )
        return keys[first : last + 1]

    def get_first_partition_key(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> str | None:
        """Return the first key, or None when there are no partitions yet."""
        keys = self.get_partition_keys(current_time, dynamic_partitions_store)
        return keys[0] if keys else None

    def get_last_partition_key(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> str | None:
        """Return the last key, or None when there are no partitions yet."""
        keys = self.get_partition_keys(current_time, dynamic_partitions_store)
        return keys[-1] if keys else None

    def get_num_partitions(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> int:
        """Return how many partitions there are as of ``current_time``."""
        return len(self.get_partition_keys(current_time, dynamic_partitions_store))

    # -- subsets ------------------------------------------------------------------------

    def empty_subset(self) -> PartitionsSubset:
        """A subset of this definition with no keys."""
        from headwater.definitions.partitions.subsets import subset_for

        return subset_for(self)

    def subset_with_partition_keys(self, partition_keys: Iterable[str]) -> PartitionsSubset:
        """A subset of this definition holding ``partition_keys``."""
        from headwater.definitions.partitions.subsets import subset_for

        return subset_for(self, partition_keys)

    def subset_with_all_partitions(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> PartitionsSubset:
        """A subset holding every key as of ``current_time``."""
        return self.subset_with_partition_keys(
            self.get_partition_keys(current_time, dynamic_partitions_store)
        )

    def subset_with_partition_key_range(
        self,
        partition_key_range: PartitionKeyRange,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> PartitionsSubset:
        """A subset holding the keys of ``partition_key_range``."""
        return self.subset_with_partition_keys(
            self.get_partition_keys_in_range(partition_key_range, dynamic_partitions_store)
        )

    def _unknown_key_message(self, partition_key: str, keys: Sequence[str]) -> str:
        if not keys:
            return f"Partition key {partition_key!r} is not in {self!r}, which has no partitions."
        shown = ", ".join(repr(key) for key in keys[:_KEYS_SHOWN])
        more = f", ... ({len(keys)} in all)" if len(keys) > _KEYS_SHOWN else ""
        return (
            f"Partition key {partition_key!r} is not in {self!r}. "
            f"Use one of its keys: {shown}{more}."
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartitionsDefinition):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))
