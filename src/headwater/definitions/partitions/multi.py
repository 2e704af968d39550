"""Partitions along two dimensions at once, such as date and region."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from itertools import product
from typing import Any, NamedTuple

from headwater.definitions.partitions.base import DynamicPartitionsStore, PartitionsDefinition
from headwater.definitions.partitions.static import StaticPartitionsDefinition
from headwater.errors import InvalidDefinitionError, NotFoundError

__all__ = [
    "MultiPartitionKey",
    "MultiPartitionsDefinition",
    "PartitionDimensionDefinition",
    "PartitionDimensionKey",
]

SEPARATOR = "|"


class MultiPartitionKey(str):
    """A partition key of a :class:`MultiPartitionsDefinition`.

    It is the string of the per-dimension keys joined by ``|`` in dimension-name order
    (``MultiPartitionKey({"region": "eu", "date": "2024-01-31"}) == "2024-01-31|eu"``), and
    keeps the keys by dimension in :attr:`keys_by_dimension`.
    """

    _keys_by_dimension: dict[str, str]

    def __new__(cls, keys_by_dimension: Mapping[str, str]) -> MultiPartitionKey:
        if not isinstance(keys_by_dimension, Mapping) or not keys_by_dimension:
            raise InvalidDefinitionError(
                "MultiPartitionKey takes a dict of dimension name to key, e.g. "
                f"{{'date': '2024-01-31', 'region': 'eu'}}; got {keys_by_dimension!r}."
            )
        ordered = dict(sorted(keys_by_dimension.items()))
        for name, key in ordered.items():
            if not isinstance(key, str) or not key or SEPARATOR in key:
                raise InvalidDefinitionError(
                    f"MultiPartitionKey: the key of dimension {name!r} must be a non-empty "
                    f"string without {SEPARATOR!r}; got {key!r}."
                )
        instance = super().__new__(cls, SEPARATOR.join(ordered.values()))
        instance._keys_by_dimension = ordered
        return instance

    def __getnewargs__(self) -> tuple[dict[str, str]]:  # type: ignore[override]
        return (self._keys_by_dimension,)

    @property
    def keys_by_dimension(self) -> dict[str, str]:
        """The key in each dimension, by dimension name."""
        return dict(self._keys_by_dimension)

    @property
    def dimension_keys(self) -> list[PartitionDimensionKey]:
        """``PartitionDimensionKey(dimension_name, partition_key)`` per dimension, by name."""
        return [PartitionDimensionKey(name, key) for name, key in self._keys_by_dimension.items()]


class PartitionDimensionKey(NamedTuple):
    """One dimension's part of a :class:`MultiPartitionKey`."""

    dimension_name: str
    partition_key: str


class PartitionDimensionDefinition(NamedTuple):
    """One named dimension of a :class:`MultiPartitionsDefinition`."""

    name: str
    partitions_def: PartitionsDefinition


class MultiPartitionsDefinition(PartitionsDefinition):
    """The cross product of two partitions definitions, e.g. every date for every region.

    Keys are :class:`MultiPartitionKey` strings joined by ``|`` in dimension-name order,
    listed with the first dimension (by name) varying slowest.

    Args:
        partitions_defs: exactly two entries, dimension name to definition.

    Raises:
        InvalidDefinitionError: not two dimensions, a bad name, a nested multi-dimensional
            definition, or a static key containing ``|``.
    """

    kind = "multi"

    def __init__(self, partitions_defs: Mapping[str, PartitionsDefinition]) -> None:
        if not isinstance(partitions_defs, Mapping) or len(partitions_defs) != 2:
            raise InvalidDefinitionError(
                "MultiPartitionsDefinition needs exactly two dimensions, e.g. "
                "{'date': DailyPartitionsDefinition(...), 'region': "
                f"StaticPartitionsDefinition([...])}}; got {partitions_defs!r}."
            )
        for name, definition in partitions_defs.items():
            _check_dimension(name, definition)
        self._dimensions = [
            PartitionDimensionDefinition(name, partitions_defs[name])
            for name in sorted(partitions_defs)
        ]

    @property
    def partitions_defs(self) -> list[PartitionDimensionDefinition]:
        """The dimensions, sorted by name."""
        return list(self._dimensions)

    @property
    def partition_dimension_names(self) -> list[str]:
        """The dimension names, sorted."""
        return [dimension.name for dimension in self._dimensions]

    def get_partitions_def_for_dimension(self, dimension_name: str) -> PartitionsDefinition:
        """Return the definition of dimension ``dimension_name``.

        Raises:
            NotFoundError: there is no such dimension.
        """
        for dimension in self._dimensions:
            if dimension.name == dimension_name:
                return dimension.partitions_def
        raise NotFoundError(
            f"MultiPartitionsDefinition has no dimension {dimension_name!r}; its dimensions "
            f"are {self.partition_dimension_names!r}."
        )

    @property
    def primary_dimension(self) -> PartitionDimensionDefinition:
        """The time dimension when there is exactly one, else the first by name."""
        times = [d for d in self._dimensions if hasattr(d.partitions_def, "cron_schedule")]
        return times[0] if len(times) == 1 else self._dimensions[0]

    @property
    def secondary_dimension(self) -> PartitionDimensionDefinition:
        """The dimension that is not the primary one."""
        primary = self.primary_dimension
        return next(d for d in self._dimensions if d.name != primary.name)

    @property
    def time_window_dimension(self) -> PartitionDimensionDefinition:
        """The time-window dimension.

        Raises:
            NotFoundError: no dimension is a time window.
        """
        for dimension in self._dimensions:
            if hasattr(dimension.partitions_def, "cron_schedule"):
                return dimension
        raise NotFoundError(f"{self!r} has no time-window dimension.")

    def time_window_for_partition_key(self, partition_key: str) -> Any:
        """The time window of the key's time dimension."""
        dimension = self.time_window_dimension
        part = self.get_partition_key_from_str(partition_key).keys_by_dimension[dimension.name]
        return dimension.partitions_def.time_window_for_partition_key(part)  # type: ignore[attr-defined]

    def get_multipartition_keys_with_dimension_value(
        self,
        dimension_name: str,
        dimension_partition_key: str,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
        current_time: datetime | None = None,
    ) -> list[MultiPartitionKey]:
        """Every key whose ``dimension_name`` part is ``dimension_partition_key``."""
        self.get_partitions_def_for_dimension(dimension_name)
        keys = self.get_partition_keys(current_time, dynamic_partitions_store)
        return [key for key in keys if isinstance(key, MultiPartitionKey)
                and key.keys_by_dimension[dimension_name] == dimension_partition_key]

    def get_partition_key_from_str(self, partition_key: str) -> MultiPartitionKey:
        """Split an ``a|b`` string into a :class:`MultiPartitionKey` of this definition.

        Raises:
            NotFoundError: the string does not have one part per dimension.
        """
        if isinstance(partition_key, MultiPartitionKey):
            return partition_key
        parts = partition_key.split(SEPARATOR) if isinstance(partition_key, str) else []
        if len(parts) != len(self._dimensions) or not all(parts):
            raise NotFoundError(
                f"{partition_key!r} is not a key of {self!r}: write one key per dimension, "
                f"joined by {SEPARATOR!r} in the order {self.partition_dimension_names!r}."
            )
        return MultiPartitionKey(
            {dimension.name: part for dimension, part in zip(self._dimensions, parts, strict=True)}
        )

    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """Return every combination of the dimensions' keys as of ``current_time``."""
        names = self.partition_dimension_names
        per_dimension = [
            dimension.partitions_def.get_partition_keys(current_time, dynamic_partitions_store)
            for dimension in self._dimensions
        ]
        return [
            MultiPartitionKey(dict(zip(names, combination, strict=True)))
            for combination in product(*per_dimension)
        ]

    def has_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> bool:
        """Return whether each part of ``partition_key`` is a key of its dimension."""
        try:
            key = self.get_partition_key_from_str(partition_key)
        except (NotFoundError, InvalidDefinitionError):
            return False
        by_dimension = key.keys_by_dimension
        if set(by_dimension) != set(self.partition_dimension_names):
            return False
        return all(
            dimension.partitions_def.has_partition_key(
                by_dimension[dimension.name], current_time, dynamic_partitions_store
            )
            for dimension in self._dimensions
        )

    def get_num_partitions(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> int:
        """Return the product of the dimensions' partition counts."""
        count = 1
        for dimension in self._dimensions:
            count *= dimension.partitions_def.get_num_partitions(
                current_time, dynamic_partitions_store
            )
        return count

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"kind": "multi", "dimensions": [{"name", "partitions_def"}, ...]}``."""
        return {
            "kind": self.kind,
            "dimensions": [
                {"name": dimension.name, "partitions_def": dimension.partitions_def.to_dict()}
                for dimension in self._dimensions
            ],
        }

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{dimension.name!r}: {dimension.partitions_def!r}" for dimension in self._dimensions
        )
        return f"MultiPartitionsDefinition({{{inner}}})"


def _check_dimension(name: object, definition: object) -> None:
    if not isinstance(name, str) or not name or SEPARATOR in name:
        raise InvalidDefinitionError(
            f"MultiPartitionsDefinition dimension names must be non-empty strings without "
            f"{SEPARATOR!r}; got {name!r}."
        )
    if not isinstance(definition, PartitionsDefinition):
        raise InvalidDefinitionError(
            f"MultiPartitionsDefinition dimension {name!r} must be a PartitionsDefinition; "
            f"got {definition!r}."
        )
    if isinstance(definition, MultiPartitionsDefinition):
        raise InvalidDefinitionError(
            f"MultiPartitionsDefinition dimension {name!r} is itself multi-dimensional; "
            "use exactly two single-dimension definitions."
        )
    if isinstance(definition, StaticPartitionsDefinition):
        bad = [key for key in definition.partition_keys if SEPARATOR in key]
        if bad:
            raise InvalidDefinitionError(
                f"MultiPartitionsDefinition dimension {name!r} has keys containing "
                f"{SEPARATOR!r}, which separates dimensions in multi-partition keys: {bad!r}. "
                "Rename those keys."
            )
