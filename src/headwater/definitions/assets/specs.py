"""Plain descriptions of assets and their dependencies: AssetSpec, AssetIn, AssetOut, AssetDep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Union

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.errors import InvalidDefinitionError, InvariantViolationError

DEFAULT_GROUP = "default"
#: Metadata key naming the IO manager that loads an external asset's stored value.
IO_MANAGER_KEY_METADATA = "headwater/io_manager_key"


@dataclass(frozen=True)
class AssetDep:
    """A dependency on an upstream asset whose value is not passed to the function."""

    asset: Any
    partition_mapping: Any = None

    @property
    def asset_key(self) -> AssetKey:
        """The upstream key."""
        return AssetKey.from_coercible(self.asset)


CoercibleToAssetDep = Union[CoercibleToAssetKey, AssetDep, Any]


def dep_key(value: CoercibleToAssetDep) -> AssetKey:
    """The key of an ``AssetDep``, key, string, spec or single-asset definition."""
    if isinstance(value, AssetDep):
        return value.asset_key
    keys = getattr(value, "keys", None)
    if keys is not None and not isinstance(value, (str, list, tuple, AssetKey)):
        key_set = set(keys)
        if len(key_set) != 1:
            raise InvalidDefinitionError(
                f"deps= got a definition of {len(key_set)} assets; list their keys instead."
            )
        only: AssetKey = next(iter(key_set))
        return only
    return AssetKey.from_coercible(value)


def dep_keys(values: Iterable[CoercibleToAssetDep] | None) -> list[AssetKey]:
    """Keys of every dependency, in order, without repeats."""
    seen: dict[AssetKey, None] = {}
    for value in values or ():
        keys = getattr(value, "keys", None)
        if keys is not None and not isinstance(value, (str, list, tuple, AssetKey, AssetDep)):
            for key in keys:
                seen[key] = None
        else:
            seen[dep_key(value)] = None
    return list(seen)


class AssetIn:
    """How an asset's function parameter maps to an upstream asset."""

    def __init__(
        self,
        key: CoercibleToAssetKey | None = None,
        metadata: Mapping[str, Any] | None = None,
        key_prefix: str | Sequence[str] | None = None,
        input_manager_key: str | None = None,
        partition_mapping: Any = None,
        dagster_type: Any = None,
    ) -> None:
        if key is not None and key_prefix is not None:
            raise InvalidDefinitionError("AssetIn takes key= or key_prefix=, not both.")
        self.key = AssetKey.from_coercible(key) if key is not None else None
        self.metadata = dict(metadata or {})
        self.key_prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])
        self.input_manager_key = input_manager_key
        self.partition_mapping = partition_mapping
        self.dagster_type = dagster_type

    def resolve_key(self, input_name: str) -> AssetKey:
        """The upstream key: ``key``, or the prefix plus the parameter name."""
        return self.key or AssetKey([*self.key_prefix, input_name])


def decorated_asset_key(function_name: str, key: CoercibleToAssetKey | None, name: str | None,
                        key_prefix: str | Sequence[str] | None, decorator: str) -> AssetKey:
    """The key of an asset defined by decorating ``function_name``: ``key``, or ``name`` (else
    the function's name) under ``key_prefix``; ``key`` with either of the others is an error."""
    if key is not None:
        if name is not None or key_prefix is not None:
            raise InvalidDefinitionError(
                f"{decorator} on '{function_name}' got key= together with name=/key_prefix=; "
                "use one or the other."
            )
        return AssetKey.from_coercible(key)
    base = AssetKey((name or function_name,))
    return base.with_prefix(key_prefix) if key_prefix else base


def condition_from_policy(automation_condition: Any, auto_materialize_policy: Any,
                          where: str) -> Any:
    """The automation condition of an asset given either argument (an older
    ``AutoMaterializePolicy`` becomes its condition); both at once is an error."""
    if auto_materialize_policy is None:
        return automation_condition
    if automation_condition is not None:
        raise InvariantViolationError(
            f"{where}: cannot supply both automation_condition and auto_materialize_policy; "
            "give automation_condition only (auto_materialize_policy is its older form)."
        )
    convert = getattr(auto_materialize_policy, "to_automation_condition", None)
    if convert is None:
        raise InvalidDefinitionError(
            f"{where}: auto_materialize_policy must be an AutoMaterializePolicy, not "
            f"{type(auto_materialize_policy).__name__}."
        )
    return convert()


class AssetOut:
    """One output of a ``@multi_asset``, and the asset it produces."""

    def __init__(
        self,
        key_prefix: str | Sequence[str] | None = None,
        key: CoercibleToAssetKey | None = None,
        dagster_type: Any = None,
        description: str | None = None,
        is_required: bool = True,
        io_manager_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        group_name: str | None = None,
        code_version: str | None = None,
        tags: Mapping[str, str] | None = None,
        owners: Sequence[str] | None = None,
        kinds: Iterable[str] | None = None,
        automation_condition: Any = None,
        deps: Iterable[CoercibleToAssetDep] | None = None,
        auto_materialize_policy: Any = None,
        freshness_policy: Any = None,
    ) -> None:
        self.key_prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])
        self.key = AssetKey.from_coercible(key) if key is not None else None
        self.dagster_type = dagster_type
        self.description = description
        self.is_required = is_required
        self.io_manager_key = io_manager_key
        self.metadata = dict(metadata or {})
        self.group_name = group_name
        self.code_version = code_version
        self.tags = dict(tags or {})
        self.owners = list(owners or [])
        self.kinds = set(kinds or [])
        self.automation_condition = condition_from_policy(
            automation_condition, auto_materialize_policy, "AssetOut")
        self.deps = deps
        self.freshness_policy = freshness_policy

    def resolve_key(self, output_name: str) -> AssetKey:
        """The produced key: ``key``, or the prefix plus the output name."""
        return self.key or AssetKey([*self.key_prefix, output_name])


@dataclass(frozen=True)
class AssetSpec:
    """Everything about an asset except how to compute it.

    On its own in ``Definitions(assets=[...])`` it declares an external asset that others
    can depend on; in ``@multi_asset(specs=[...])`` it describes one computed asset.
    """

    key: AssetKey
    deps: tuple[AssetKey, ...] = ()
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    group_name: str | None = None
    skippable: bool = False
    code_version: str | None = None
    owners: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    kinds: frozenset[str] = frozenset()
    automation_condition: Any = None
    partitions_def: Any = None
    freshness_policy: Any = None

    def __init__(
        self,
        key: CoercibleToAssetKey,
        *,
        deps: Iterable[CoercibleToAssetDep] | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        group_name: str | None = None,
        skippable: bool = False,
        code_version: str | None = None,
        owners: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None,
        kinds: Iterable[str] | None = None,
        automation_condition: Any = None,
        partitions_def: Any = None,
        freshness_policy: Any = None,
        auto_materialize_policy: Any = None,
    ) -> None:
        if auto_materialize_policy is not None:
            automation_condition = condition_from_policy(
                automation_condition, auto_materialize_policy, f"AssetSpec({key!r})")
        # One dict update instead of a frozen __setattr__ per field: specs are built per asset.
        self.__dict__.update(
            key=AssetKey.from_coercible(key),
            deps=tuple(dep_keys(deps)),
            description=description,
            metadata=dict(metadata or {}),
            group_name=group_name,
            skippable=skippable,
            code_version=code_version,
            owners=tuple(owners or ()),
            tags=dict(tags or {}),
            kinds=frozenset(kinds or ()),
            automation_condition=automation_condition,
            partitions_def=partitions_def,
            freshness_policy=freshness_policy,
        )

    def replace_attributes(self, **changes: Any) -> AssetSpec:
        """A copy with the given attributes replaced."""
        if "key" in changes:
            changes["key"] = AssetKey.from_coercible(changes["key"])
        if "deps" in changes:
            changes["deps"] = tuple(dep_keys(changes["deps"]))
        return replace(self, **changes)

    def merge_attributes(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        owners: Sequence[str] | None = None,
        kinds: Iterable[str] | None = None,
        deps: Iterable[CoercibleToAssetDep] | None = None,
    ) -> AssetSpec:
        """A copy with metadata/tags/owners/kinds/deps added to the existing ones."""
        return replace(
            self,
            metadata={**self.metadata, **(metadata or {})},
            tags={**self.tags, **(tags or {})},
            owners=tuple(dict.fromkeys([*self.owners, *(owners or ())])),
            kinds=self.kinds | frozenset(kinds or ()),
            deps=tuple(dict.fromkeys([*self.deps, *dep_keys(deps)])),
        )

    def with_io_manager_key(self, io_manager_key: str) -> AssetSpec:
        """A copy whose stored value (as an external asset) is loaded by ``io_manager_key``."""
        return replace(self, metadata={**self.metadata, IO_MANAGER_KEY_METADATA: io_manager_key})

    def with_group(self, group_name: str | None) -> AssetSpec:
        """A copy in the given group (None keeps the current one)."""
        return replace(self, group_name=group_name) if group_name else self


def apply_freshness_policy(
    spec: AssetSpec, policy: Any, overwrite_existing: bool = True
) -> AssetSpec:
    """``spec`` with ``policy`` as its freshness policy (kept as it is when it already has
    one and ``overwrite_existing`` is false); use with ``map_asset_specs`` over many assets."""
    if spec.freshness_policy is not None and not overwrite_existing:
        return spec
    return spec.replace_attributes(freshness_policy=policy)
