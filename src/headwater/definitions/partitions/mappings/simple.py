"""Mappings that need no time arithmetic: identity, all, last, specific keys, a static table."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from headwater.definitions.partitions.base import PartitionsDefinition
from headwater.definitions.partitions.mappings.base import (
    MappedKeys,
    PartitionMapping,
    existing_keys,
)
from headwater.definitions.partitions.static import StaticPartitionsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = [
    "AllPartitionMapping",
    "IdentityPartitionMapping",
    "LastPartitionMapping",
    "SpecificPartitionsPartitionMapping",
    "StaticPartitionMapping",
]


class IdentityPartitionMapping(PartitionMapping):
    """Each downstream partition reads the upstream partition with the same key.

    Keys the upstream definition does not have are reported as required but nonexistent.
    """

    kind = "identity"

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        if downstream_partitions_def == upstream_partitions_def:
            return MappedKeys(list(downstream_keys))
        upstream = existing_keys(upstream_partitions_def)
        present = set(upstream)
        wanted = set(downstream_keys)
        return MappedKeys([key for key in upstream if key in wanted],
                          [key for key in downstream_keys if key not in present])

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        if upstream_partitions_def == downstream_partitions_def:
            return list(upstream_keys)
        wanted = set(upstream_keys)
        return [key for key in existing_keys(downstream_partitions_def) if key in wanted]

    @property
    def description(self) -> str:
        return "Each downstream partition reads the upstream partition with the same key."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


class AllPartitionMapping(PartitionMapping):
    """Every downstream partition reads every upstream partition."""

    kind = "all"

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        return MappedKeys(existing_keys(upstream_partitions_def))

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        return existing_keys(downstream_partitions_def) if upstream_keys else []

    @property
    def description(self) -> str:
        return "Every downstream partition reads every upstream partition."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


class LastPartitionMapping(PartitionMapping):
    """Every downstream partition reads the last upstream partition."""

    kind = "last"

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        last = upstream_partitions_def.get_last_partition_key()
        return MappedKeys([last] if last is not None else [])

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        last = upstream_partitions_def.get_last_partition_key()
        return existing_keys(downstream_partitions_def) if last in set(upstream_keys) else []

    @property
    def description(self) -> str:
        return "Each downstream partition reads the last partition of the upstream asset."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


class SpecificPartitionsPartitionMapping(PartitionMapping):
    """Every downstream partition reads the given upstream partitions.

    Args:
        partition_keys: upstream keys.
    """

    kind = "specific"

    def __init__(self, partition_keys: Sequence[str]) -> None:
        if isinstance(partition_keys, str) or not all(isinstance(k, str) for k in partition_keys):
            raise InvalidDefinitionError(
                "SpecificPartitionsPartitionMapping takes a list of upstream partition keys; "
                f"got {partition_keys!r}."
            )
        self.partition_keys = list(partition_keys)

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        present = set(existing_keys(upstream_partitions_def))
        return MappedKeys([key for key in self.partition_keys if key in present],
                          [key for key in self.partition_keys if key not in present])

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        if set(upstream_keys) & set(self.partition_keys):
            return existing_keys(downstream_partitions_def)
        return []

    @property
    def description(self) -> str:
        return f"Each downstream partition reads upstream partitions {self.partition_keys!r}."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "partition_keys": list(self.partition_keys)}


class StaticPartitionMapping(PartitionMapping):
    """A fixed table from upstream keys to the downstream keys that read them.

    Args:
        downstream_partition_keys_by_upstream_partition_key: upstream key to one downstream
            key or a collection of them.
    """

    kind = "static"

    def __init__(
        self,
        downstream_partition_keys_by_upstream_partition_key: Mapping[str, str | Collection[str]],
    ) -> None:
        if not isinstance(downstream_partition_keys_by_upstream_partition_key, Mapping):
            raise InvalidDefinitionError(
                "StaticPartitionMapping takes a dict of upstream key to downstream key(s); got "
                f"{downstream_partition_keys_by_upstream_partition_key!r}."
            )
        table: dict[str, list[str]] = {}
        for upstream, downstream in downstream_partition_keys_by_upstream_partition_key.items():
            table[str(upstream)] = (
                [downstream] if isinstance(downstream, str) else [str(k) for k in downstream])
        self.downstream_partition_keys_by_upstream_partition_key = table
        self._upstream_by_downstream: dict[str, list[str]] = {}
        for upstream, downstreams in table.items():
            for key in downstreams:
                self._upstream_by_downstream.setdefault(key, []).append(upstream)

    def validate_partition_mapping(
        self,
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> None:
        for what, definition, keys in (
            ("upstream", upstream_partitions_def,
             set(self.downstream_partition_keys_by_upstream_partition_key)),
            ("downstream", downstream_partitions_def, set(self._upstream_by_downstream)),
        ):
            if not isinstance(definition, StaticPartitionsDefinition):
                raise InvalidDefinitionError(
                    f"StaticPartitionMapping needs static partitions on the {what} asset; "
                    f"got {definition!r}."
                )
            unknown = sorted(keys - set(definition.partition_keys))
            if unknown:
                raise InvalidDefinitionError(
                    f"StaticPartitionMapping names {what} keys {unknown!r} that "
                    f"{definition!r} does not have. Fix the table or the partitions."
                )

    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        wanted = {up for key in downstream_keys for up in self._upstream_by_downstream.get(key, [])}
        present = set(existing_keys(upstream_partitions_def))
        ordered = [key for key in existing_keys(upstream_partitions_def) if key in wanted]
        return MappedKeys(ordered, sorted(wanted - present))

    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        table = self.downstream_partition_keys_by_upstream_partition_key
        wanted = {down for key in upstream_keys for down in table.get(key, [])}
        return [key for key in existing_keys(downstream_partitions_def) if key in wanted]

    @property
    def description(self) -> str:
        return "Each upstream partition feeds the downstream partitions its table lists."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "downstream_partition_keys_by_upstream_partition_key":
                {key: list(value) for key, value in
                 self.downstream_partition_keys_by_upstream_partition_key.items()}}
