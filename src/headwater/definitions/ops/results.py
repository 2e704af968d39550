"""What user code returns or yields from assets, ops and checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey

T = TypeVar("T")


@dataclass(frozen=True)
class DataVersion:
    """A user-supplied version of an asset's data (e.g. a hash of its contents)."""

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeError(f"DataVersion takes a str, not {type(self.value).__name__} "
                            f"({self.value!r}).")


class Output(Generic[T]):
    """A value produced by an op or asset, with optional metadata.

    Return or yield it instead of the bare value to attach metadata; in a multi-output
    op, ``output_name`` says which output it is.
    """

    __slots__ = ("value", "output_name", "metadata", "data_version", "tags")

    def __init__(
        self,
        value: T,
        output_name: str = "result",
        metadata: Mapping[str, Any] | None = None,
        data_version: DataVersion | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.value = value
        self.output_name = output_name
        self.metadata = dict(metadata or {})
        self.data_version = data_version
        self.tags = dict(tags or {})

    def __repr__(self) -> str:
        return f"Output(value={self.value!r}, output_name={self.output_name!r})"


class DynamicOutput(Generic[T]):
    """One of a variable number of values yielded for a ``DynamicOut``, told apart by key."""

    __slots__ = ("value", "mapping_key", "output_name", "metadata")

    def __init__(
        self,
        value: T,
        mapping_key: str,
        output_name: str = "result",
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        from headwater.definitions.ops.dynamic import check_mapping_key

        self.value = value
        self.mapping_key = check_mapping_key(mapping_key)
        self.output_name = output_name
        self.metadata = dict(metadata or {})

    def __repr__(self) -> str:
        return f"DynamicOutput(value={self.value!r}, mapping_key={self.mapping_key!r})"


class AssetCheckSeverity(str, Enum):
    """How bad a failed check is: ``ERROR`` can block downstream work, ``WARN`` never does."""

    WARN = "WARN"
    ERROR = "ERROR"


@dataclass(frozen=True)
class AssetCheckResult:
    """The outcome of an asset check.

    ``asset_key`` and ``check_name`` may be left out when the check definition makes them
    unambiguous.
    """

    passed: bool
    asset_key: CoercibleToAssetKey | None = None
    check_name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
    description: str | None = None


@dataclass(frozen=True)
class MaterializeResult:
    """Report that an asset was materialized by the function itself (no value to store).

    ``value``, when given, is still passed to the IO manager like a returned value.
    """

    asset_key: CoercibleToAssetKey | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    check_results: Sequence[AssetCheckResult] = ()
    data_version: DataVersion | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    value: Any = None


@dataclass(frozen=True)
class ObserveResult:
    """Report an observation of an asset from an observable source asset.

    ``asset_key`` may be left out when the function observes one asset; ``check_results``
    are evaluations of the asset's checks made while observing it.
    """

    asset_key: CoercibleToAssetKey | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    data_version: DataVersion | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    check_results: Sequence[AssetCheckResult] = ()


class DataVersionsByPartition:
    """The data version of each observed partition, returned by a partitioned observable source
    asset's function (values may be ``DataVersion`` objects or plain strings)."""

    __slots__ = ("data_versions_by_partition",)

    def __init__(self, data_versions_by_partition: Mapping[str, DataVersion | str]) -> None:
        versions: dict[str, DataVersion] = {}
        for partition, version in dict(data_versions_by_partition).items():
            if not isinstance(partition, str):
                raise TypeError(f"DataVersionsByPartition keys are partition keys (str), not "
                                f"{type(partition).__name__} ({partition!r}).")
            if isinstance(version, str):
                version = DataVersion(version)
            if not isinstance(version, DataVersion):
                raise TypeError(f"The data version of partition {partition!r} must be a "
                                f"DataVersion or a str, not {type(version).__name__}.")
            versions[partition] = version
        self.data_versions_by_partition: Mapping[str, DataVersion] = versions

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DataVersionsByPartition)
                and other.data_versions_by_partition == self.data_versions_by_partition)

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, v.value) for k, v in
                                 self.data_versions_by_partition.items())))

    def __repr__(self) -> str:
        return f"DataVersionsByPartition({dict(self.data_versions_by_partition)!r})"


class _AssetEvent:
    """Shared shape of materializations and observations logged by user code."""

    __slots__ = ("asset_key", "description", "metadata", "partition", "tags")

    def __init__(
        self,
        asset_key: CoercibleToAssetKey,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        partition: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.asset_key = AssetKey.from_coercible(asset_key)
        self.description = description
        self.metadata = dict(metadata or {})
        self.partition = partition
        self.tags = dict(tags or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(asset_key={self.asset_key!r}, partition={self.partition!r})"


class AssetMaterialization(_AssetEvent):
    """Record that an asset was materialized, e.g. from an op that writes it as a side effect."""


class AssetObservation(_AssetEvent):
    """Record something observed about an asset without materializing it."""
