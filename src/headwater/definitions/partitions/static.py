"""Partitions from a fixed list of keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from headwater.definitions.partitions.base import DynamicPartitionsStore, PartitionsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = ["StaticPartitionsDefinition"]

_REPR_KEYS = 3


class StaticPartitionsDefinition(PartitionsDefinition):
    """A fixed, ordered list of partition keys, e.g. one per region.

    Args:
        partition_keys: distinct, non-empty strings, in the order they should be listed.

    Raises:
        InvalidDefinitionError: a key is not a non-empty string, or a key appears twice.
    """

    kind = "static"

    def __init__(self, partition_keys: Sequence[str]) -> None:
        if isinstance(partition_keys, str) or not isinstance(partition_keys, Sequence):
            raise InvalidDefinitionError(
                f"StaticPartitionsDefinition takes a list of partition keys; got "
                f"{partition_keys!r}. Write StaticPartitionsDefinition(['a', 'b'])."
            )
        keys = list(partition_keys)
        for key in keys:
            if not isinstance(key, str) or not key:
                raise InvalidDefinitionError(
                    f"StaticPartitionsDefinition keys must be non-empty strings; got {key!r}."
                )
        seen: set[str] = set()
        duplicates: set[str] = set()
        for key in keys:
            (duplicates if key in seen else seen).add(key)
        if duplicates:
            raise InvalidDefinitionError(
                f"StaticPartitionsDefinition keys must be distinct; {sorted(duplicates)!r} "
                "appear more than once. Remove the repeated keys."
            )
        self._keys = keys
        self._key_set = frozenset(keys)

    @property
    def partition_keys(self) -> list[str]:
        """The keys, in order."""
        return list(self._keys)

    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """Return the keys, in order; the arguments are accepted for a uniform interface."""
        return list(self._keys)

    def has_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> bool:
        """Return whether ``partition_key`` is one of the keys."""
        return partition_key in self._key_set

    def get_num_partitions(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> int:
        """Return the number of keys."""
        return len(self._keys)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"kind": "static", "partition_keys": [...]}``."""
        return {"kind": self.kind, "partition_keys": list(self._keys)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StaticPartitionsDefinition:
        """Rebuild a definition from :meth:`to_dict` output."""
        return cls(data["partition_keys"])

    def __repr__(self) -> str:
        shown = ", ".join(repr(key) for key in self._keys[:_REPR_KEYS])
        more = f", ... ({len(self._keys)} keys)" if len(self._keys) > _REPR_KEYS else ""
        return f"StaticPartitionsDefinition([{shown}{more}])"
