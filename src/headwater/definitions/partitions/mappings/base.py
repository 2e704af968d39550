"""The partition mapping interface: which upstream partitions a downstream partition reads."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, NamedTuple

from headwater.definitions.partitions.base import DynamicPartitionsStore, PartitionsDefinition
from headwater.definitions.partitions.context import partition_loading_context
from headwater.definitions.partitions.subsets import PartitionsSubset, subset_for

__all__ = ["MappedKeys", "PartitionMapping", "UpstreamPartitionsResult"]


class UpstreamPartitionsResult(NamedTuple):
    """The upstream partitions a downstream subset depends on.

    ``required_but_nonexistent_subset`` holds keys the mapping asked for that the upstream
    definition does not have (yet), e.g. the day before an upstream's start date.
    """

    partitions_subset: PartitionsSubset
    required_but_nonexistent_subset: PartitionsSubset

    @property
    def required_but_nonexistent_partition_keys(self) -> list[str]:
        """The missing keys, in order."""
        return self.required_but_nonexistent_subset.get_partition_keys()


class MappedKeys(NamedTuple):
    """Keys a mapping produced, and (upstream direction) the keys that do not exist."""

    keys: list[str]
    missing: list[str] = []


class PartitionMapping(ABC):
    """How the partitions of a downstream asset depend on those of an upstream asset.

    Subclasses implement the key-level :meth:`upstream_keys` and :meth:`downstream_keys`;
    the subset-level methods Dagster users call wrap them. Mappings compare by value and
    round-trip through :meth:`to_dict` / ``partition_mapping_from_dict``.
    """

    kind: ClassVar[str]

    @abstractmethod
    def upstream_keys(
        self,
        downstream_keys: Sequence[str],
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
    ) -> MappedKeys:
        """The upstream keys ``downstream_keys`` read (in upstream order), and missing ones.

        Call inside a ``partition_loading_context`` to fix the time and dynamic store.
        """

    @abstractmethod
    def downstream_keys(
        self,
        upstream_keys: Sequence[str],
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> list[str]:
        """The downstream keys that read any of ``upstream_keys`` (existing ones only)."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON with a ``kind``, read back by ``partition_mapping_from_dict``."""

    @property
    def description(self) -> str:
        """One sentence describing the mapping, for the UI."""
        return type(self).__name__

    def validate_partition_mapping(
        self,
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
    ) -> None:
        """Raise ``InvalidDefinitionError`` when the mapping cannot join these definitions."""
        return None

    # Dagster's subset-level API --------------------------------------------------------

    def get_upstream_mapped_partitions_result_for_partitions(
        self,
        downstream_partitions_subset: PartitionsSubset | None,
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> UpstreamPartitionsResult:
        """The upstream partitions the downstream subset reads, and those that do not exist."""
        keys = (
            downstream_partitions_subset.get_partition_keys()
            if downstream_partitions_subset is not None else []
        )
        with partition_loading_context(current_time, dynamic_partitions_store):
            mapped = self.upstream_keys(keys, downstream_partitions_def, upstream_partitions_def)
        return UpstreamPartitionsResult(
            subset_for(upstream_partitions_def, mapped.keys),
            subset_for(upstream_partitions_def, mapped.missing),
        )

    def get_downstream_partitions_for_partitions(
        self,
        upstream_partitions_subset: PartitionsSubset,
        upstream_partitions_def: PartitionsDefinition,
        downstream_partitions_def: PartitionsDefinition | None,
        current_time: datetime | None = None,
        dynamic_partitions_store: DynamicPartitionsStore | None = None,
    ) -> PartitionsSubset:
        """The downstream partitions that read any partition of the upstream subset."""
        with partition_loading_context(current_time, dynamic_partitions_store):
            keys = self.downstream_keys(
                upstream_partitions_subset.get_partition_keys(),
                upstream_partitions_def, downstream_partitions_def)
        return subset_for(downstream_partitions_def, keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartitionMapping):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(sorted(self.to_dict().items())))

    def __repr__(self) -> str:
        fields = {k: v for k, v in self.to_dict().items() if k != "kind"}
        inner = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"{type(self).__name__}({inner})"


def existing_keys(definition: PartitionsDefinition | None) -> list[str]:
    """Every key of ``definition`` as of the loading context (empty when unpartitioned)."""
    return [] if definition is None else definition.get_partition_keys()
