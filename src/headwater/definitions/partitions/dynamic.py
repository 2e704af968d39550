"""Partitions whose keys are added and deleted at run time, kept in the instance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from headwater.definitions.partitions.base import DynamicPartitionsStore, PartitionsDefinition
from headwater.definitions.partitions.context import effective_store
from headwater.errors import HeadwaterError, InvalidDefinitionError

__all__ = [
    "AddDynamicPartitionsRequest",
    "DeleteDynamicPartitionsRequest",
    "DynamicPartitionsDefinition",
]


def _checked_keys(partition_keys: Sequence[str], what: str) -> tuple[str, ...]:
    if isinstance(partition_keys, str) or not isinstance(partition_keys, Sequence):
        raise InvalidDefinitionError(
            f"{what} takes a list of partition keys; got {partition_keys!r}. "
            "Wrap a single key in a list: ['key']."
        )
    for key in partition_keys:
        if not isinstance(key, str) or not key:
            raise InvalidDefinitionError(
                f"{what}: partition keys must be non-empty strings; got {key!r}."
            )
    return tuple(partition_keys)


@dataclass(frozen=True)
class AddDynamicPartitionsRequest:
    """Ask for keys to be added to a dynamic partitions definition (returned by sensors)."""

    partitions_def_name: str
    partition_keys: Sequence[str]

    def __post_init__(self) -> None:
        keys = _checked_keys(self.partition_keys, "AddDynamicPartitionsRequest")
        object.__setattr__(self, "partition_keys", keys)


@dataclass(frozen=True)
class DeleteDynamicPartitionsRequest:
    """Ask for keys to be deleted from a dynamic partitions definition (returned by sensors)."""

    partitions_def_name: str
    partition_keys: Sequence[str]

    def __post_init__(self) -> None:
        keys = _checked_keys(self.partition_keys, "DeleteDynamicPartitionsRequest")
        object.__setattr__(self, "partition_keys", keys)


class DynamicPartitionsDefinition(PartitionsDefinition):
    """Partitions whose keys are added while the system runs (by sensors, the UI or the API).

    The keys are stored in the instance under ``name``; reading them needs that store,
    passed as ``dynamic_partitions_store``.

    Args:
        name: the name the keys are stored under; unique within the instance.
    """

    kind = "dynamic"

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise InvalidDefinitionError(
                f"DynamicPartitionsDefinition needs a non-empty name; got {name!r}. "
                "Write DynamicPartitionsDefinition(name='customers')."
            )
        self.name = name

    def _require_store(
        self, dynamic_partitions_store: DynamicPartitionsStore | None
    ) -> DynamicPartitionsStore:
        dynamic_partitions_store = effective_store(dynamic_partitions_store)
        if dynamic_partitions_store is None:
            raise HeadwaterError(
                f"DynamicPartitionsDefinition {self.name!r} keeps its partition keys in the "
                "instance; pass the instance as dynamic_partitions_store, or read them inside "
                "a run or a partition_loading_context(dynamic_partitions_store=instance)."
            )
        return dynamic_partitions_store

    def get_partition_keys(
        self,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> list[str]:
        """Return the keys added so far, in the order they were added.

        Raises:
            HeadwaterError: no ``dynamic_partitions_store`` was given.
        """
        store = self._require_store(dynamic_partitions_store)
        return list(store.get_dynamic_partitions(self.name))

    def has_partition_key(
        self,
        partition_key: str,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> bool:
        """Return whether ``partition_key`` was added (asks the store directly)."""
        store = self._require_store(dynamic_partitions_store)
        return store.has_dynamic_partition(self.name, partition_key)

    def build_add_request(self, partition_keys: Sequence[str]) -> AddDynamicPartitionsRequest:
        """Return a request, for a sensor to return, that adds ``partition_keys``."""
        return AddDynamicPartitionsRequest(self.name, partition_keys)

    def build_delete_request(self, partition_keys: Sequence[str]) -> DeleteDynamicPartitionsRequest:
        """Return a request, for a sensor to return, that deletes ``partition_keys``."""
        return DeleteDynamicPartitionsRequest(self.name, partition_keys)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"kind": "dynamic", "name": ...}``."""
        return {"kind": self.kind, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DynamicPartitionsDefinition:
        """Rebuild a definition from :meth:`to_dict` output."""
        return cls(data["name"])

    def __repr__(self) -> str:
        return f"DynamicPartitionsDefinition(name={self.name!r})"
