"""AssetsDefinition: one op that computes one or more assets (and maybe runs checks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.specs import DEFAULT_GROUP, IO_MANAGER_KEY_METADATA, AssetSpec
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.assets.checks import AssetCheckSpec
    from headwater.definitions.ops.op_definition import OpDefinition


class AssetsDefinition:
    """The definition of one or more assets computed together by one op.

    External assets (from ``AssetSpec``) are assets definitions without an op: they can be
    depended on but not materialized.
    """

    def __init__(
        self,
        *,
        specs: Sequence[AssetSpec] | None = None,
        op: OpDefinition | None = None,
        keys_by_output_name: Mapping[str, AssetKey] | None = None,
        keys_by_input_name: Mapping[str, AssetKey] | None = None,
        check_specs_by_output_name: Mapping[str, AssetCheckSpec] | None = None,
        partitions_def: Any = None,
        can_subset: bool = False,
        resource_defs: Mapping[str, object] | None = None,
        selected_keys: Iterable[AssetKey] | None = None,
        is_observable: bool = False,
        partition_mappings: Mapping[AssetKey, Any] | None = None,
        backfill_policy: Any = None,
        node_def: Any = None,
        selected_asset_keys: Iterable[AssetKey] | None = None,
        group_names_by_key: Mapping[AssetKey, str] | None = None,
    ) -> None:
        #: The op or graph computing the assets (None for external assets).
        self.node_def: Any = node_def if node_def is not None else op
        if specs is None:
            specs = _specs_from_keys(
                keys_by_output_name, keys_by_input_name, group_names_by_key, partitions_def
            )
        if selected_keys is None:
            selected_keys = selected_asset_keys
        self.specs_by_key = {spec.key: spec for spec in specs}
        if len(self.specs_by_key) != len(specs):
            raise InvalidDefinitionError(
                f"{self._describe(specs)} lists the same asset key twice."
            )
        self.keys_by_output_name = dict(keys_by_output_name or {})
        self.keys_by_input_name = dict(keys_by_input_name or {})
        self.check_specs_by_output_name = dict(check_specs_by_output_name or {})
        self.partitions_def = partitions_def
        self.can_subset = can_subset
        self.resource_defs = dict(resource_defs or {})
        self.is_observable = is_observable
        #: For observable source assets: how often it should be observed (not acted upon yet).
        self.auto_observe_interval_minutes: float | None = None
        #: Upstream key -> PartitionMapping given with AssetIn/AssetDep (others inferred).
        self.partition_mappings = dict(partition_mappings or {})
        self.backfill_policy = backfill_policy
        self.selected_keys = (
            frozenset(selected_keys) if selected_keys is not None else frozenset(self.specs_by_key)
        )
        self.output_names_by_key = {key: name for name, key in self.keys_by_output_name.items()}

    @staticmethod
    def _describe(specs: Sequence[AssetSpec]) -> str:
        return "asset definition " + ", ".join(f"'{s.key.to_user_string()}'" for s in specs[:3])

    # Identity -----------------------------------------------------------------------------

    @property
    def op(self) -> Any:
        """The op computing these assets (None for external assets).

        Raises for a graph-backed definition, which has several: use ``node_def``.
        """
        node = self.node_def
        if node is not None and getattr(node, "kind", "") == "graph":
            from headwater.errors import InvariantViolationError

            raise InvariantViolationError(
                f"{self.describe} is computed by graph '{node.name}', not by one op; use "
                ".node_def for the graph."
            )
        return node

    @property
    def is_graph_backed(self) -> bool:
        """Whether a graph of several ops computes these assets."""
        return getattr(self.node_def, "kind", "") == "graph"

    @property
    def input_names(self) -> list[str]:
        """Names of the inputs that load upstream assets."""
        return list(self.keys_by_input_name)

    @property
    def asset_and_check_keys(self) -> frozenset[Any]:
        """The asset keys and asset check keys of this definition."""
        return frozenset(self.keys) | self.check_keys

    def subset_for(self, selected_asset_keys: Iterable[AssetKey],
                   selected_asset_check_keys: Iterable[Any] | None = None) -> AssetsDefinition:
        """A copy computing only ``selected_asset_keys`` (``can_subset`` must allow it)."""
        return self.subset(selected_asset_keys)

    @classmethod
    def from_graph(cls, graph_def: Any, **kwargs: Any) -> AssetsDefinition:
        """Assets computed by ``graph_def``: one per graph output (``keys_by_output_name``),
        its inputs loading upstream assets (``keys_by_input_name``)."""
        from headwater.definitions.assets.graph_assets import assets_from_node

        return assets_from_node(graph_def, **kwargs)

    @classmethod
    def from_op(cls, op_def: Any, **kwargs: Any) -> AssetsDefinition:
        """Assets computed by ``op_def``: one per op output, its inputs loading upstream
        assets."""
        from headwater.definitions.assets.graph_assets import assets_from_node

        return assets_from_node(op_def, **kwargs)

    @property
    def keys(self) -> frozenset[AssetKey]:
        """Keys of the assets this definition computes (or declares)."""
        cached = self.__dict__.get("_keys_cache")
        if cached is None or cached[0] is not self.specs_by_key:
            cached = (self.specs_by_key, frozenset(self.specs_by_key))
            self.__dict__["_keys_cache"] = cached
        keys: frozenset[AssetKey] = cached[1]
        return keys

    @property
    def key(self) -> AssetKey:
        """The key of a single-asset definition."""
        if len(self.specs_by_key) != 1:
            raise InvalidDefinitionError(
                f"{self.describe} has {len(self.specs_by_key)} assets; use .keys instead of .key."
            )
        return next(iter(self.specs_by_key))

    @property
    def node_name(self) -> str:
        """Name of the op computing these assets (the key's identifier for external assets)."""
        if self.node_def is not None:
            return str(self.node_def.name)
        return min(self.specs_by_key).to_python_identifier()

    @property
    def describe(self) -> str:
        """How messages name this definition."""
        if len(self.specs_by_key) == 1:
            return f"asset '{next(iter(self.specs_by_key)).to_user_string()}'"
        if self.node_def is not None:
            return f"{self.node_def.kind} '{self.node_def.name}'"
        return self._describe(list(self.specs_by_key.values()))

    @property
    def is_executable(self) -> bool:
        """Whether a run can materialize these assets."""
        return self.node_def is not None

    @property
    def specs(self) -> list[AssetSpec]:
        """One spec per asset, with its resolved attributes."""
        return list(self.specs_by_key.values())

    # Attributes per key -------------------------------------------------------------------

    @property
    def check_specs(self) -> list[AssetCheckSpec]:
        """Checks this op executes."""
        return list(self.check_specs_by_output_name.values())

    @property
    def check_keys(self) -> frozenset[AssetCheckKey]:
        """Keys of the checks this op executes."""
        specs = self.check_specs_by_output_name
        cached = self.__dict__.get("_check_keys_cache")
        if cached is None or cached[0] is not specs:
            cached = (specs, frozenset(spec.key for spec in specs.values()))
            self.__dict__["_check_keys_cache"] = cached
        keys: frozenset[AssetCheckKey] = cached[1]
        return keys

    @property
    def group_names_by_key(self) -> dict[AssetKey, str]:
        """Group of each asset."""
        return {key: spec.group_name or DEFAULT_GROUP for key, spec in self.specs_by_key.items()}

    @property
    def group_name(self) -> str:
        """Group of a single-asset definition."""
        return self.group_names_by_key[self.key]

    @property
    def asset_deps(self) -> dict[AssetKey, set[AssetKey]]:
        """Upstream keys of each asset."""
        return {key: set(spec.deps) for key, spec in self.specs_by_key.items()}

    @property
    def dependency_keys(self) -> set[AssetKey]:
        """Every upstream key outside this definition."""
        upstream = {dep for spec in self.specs_by_key.values() for dep in spec.deps}
        return upstream - self.keys

    @property
    def descriptions_by_key(self) -> dict[AssetKey, str | None]:
        """Description of each asset."""
        return {key: spec.description for key, spec in self.specs_by_key.items()}

    @property
    def metadata_by_key(self) -> dict[AssetKey, Mapping[str, Any]]:
        """Definition metadata of each asset."""
        return {key: spec.metadata for key, spec in self.specs_by_key.items()}

    @property
    def code_versions_by_key(self) -> dict[AssetKey, str | None]:
        """Code version of each asset."""
        return {key: spec.code_version for key, spec in self.specs_by_key.items()}

    def get_partition_mapping(self, upstream_key: AssetKey, upstream_partitions_def: Any) -> Any:
        """The mapping from ``upstream_key``'s partitions: the one given, or the default."""
        from headwater.definitions.partitions.mappings import infer_partition_mapping

        return infer_partition_mapping(
            self.partition_mappings.get(upstream_key), self.partitions_def, upstream_partitions_def
        )

    def io_manager_key_for(self, key: AssetKey) -> str:
        """The IO manager storing the asset's value."""
        name = self.output_names_by_key.get(key)
        if self.node_def is None or name is None:
            metadata = self.specs_by_key[key].metadata
            return str(metadata.get(IO_MANAGER_KEY_METADATA, "io_manager"))
        return str(self.node_def.output_def(name).io_manager_key)

    def output_stores_value(self, key: AssetKey) -> bool:
        """Whether the asset's value goes through an IO manager (not ``-> None``)."""
        name = self.output_names_by_key.get(key)
        node = self.node_def
        return node is not None and name is not None and not node.output_def(name).is_nothing

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """Resource keys the op needs, IO managers included."""
        if self.node_def is None:
            return frozenset()
        return frozenset(self.node_def.required_resource_keys | self.node_def.io_manager_keys)

    # Derived definitions ------------------------------------------------------------------

    def with_attributes(
        self,
        *,
        key_prefix: str | Sequence[str] | None = None,
        group_name: str | None = None,
        resource_defs: Mapping[str, object] | None = None,
    ) -> AssetsDefinition:
        """A copy with keys prefixed (and deps on prefixed siblings rewritten) or regrouped."""
        mapping: dict[AssetKey, AssetKey] = {}
        if key_prefix:
            mapping = {key: key.with_prefix(key_prefix) for key in self.specs_by_key}

        def remap(key: AssetKey) -> AssetKey:
            return mapping.get(key, key)

        specs = [
            replace(
                spec,
                key=remap(spec.key),
                group_name=group_name or spec.group_name,
                deps=tuple(remap(dep) for dep in spec.deps),
            )
            for spec in self.specs_by_key.values()
        ]
        clone = self._copy(
            specs=specs, resource_defs={**self.resource_defs, **(resource_defs or {})}
        )
        clone.keys_by_output_name = {n: remap(k) for n, k in self.keys_by_output_name.items()}
        clone.keys_by_input_name = {n: remap(k) for n, k in self.keys_by_input_name.items()}
        clone.output_names_by_key = {k: n for n, k in clone.keys_by_output_name.items()}
        clone.selected_keys = frozenset(remap(key) for key in self.selected_keys)
        clone.partition_mappings = {remap(k): m for k, m in self.partition_mappings.items()}
        clone.check_specs_by_output_name = {
            name: spec.with_asset_key(remap(spec.asset_key)) if spec.asset_key in mapping else spec
            for name, spec in self.check_specs_by_output_name.items()
        }
        return clone

    def map_asset_specs(self, fn: Callable[[AssetSpec], AssetSpec]) -> AssetsDefinition:
        """A copy whose specs are ``fn`` of each spec (metadata, tags, group, ...); ``fn``
        must keep every key."""
        mapped = []
        for spec in self.specs_by_key.values():
            new = fn(spec)
            if not isinstance(new, AssetSpec):
                raise InvalidDefinitionError(
                    f"map_asset_specs: the function returned {type(new).__name__} for "
                    f"{spec.key.to_user_string()}; it must return an AssetSpec."
                )
            if new.key != spec.key:
                raise InvalidDefinitionError(
                    f"map_asset_specs: the function changed asset key "
                    f"{spec.key.to_user_string()} to {new.key.to_user_string()}; a mapping "
                    "function must keep every key (use with_attributes(key_prefix=...) to "
                    "rename)."
                )
            mapped.append(new)
        return self._copy(specs=mapped)

    def subset(self, keys: Iterable[AssetKey]) -> AssetsDefinition:
        """A copy that computes only ``keys`` (which must be allowed by ``can_subset``)."""
        clone = self._copy()
        clone.selected_keys = frozenset(keys) & self.keys
        return clone

    def _copy(self, **changes: Any) -> AssetsDefinition:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        if "specs" in changes:
            clone.specs_by_key = {spec.key: spec for spec in changes.pop("specs")}
        clone.__dict__.update(changes)
        return clone

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.node_def is None:
            raise InvalidDefinitionError(f"{self.describe} is external; it cannot be called.")
        return self.node_def(*args, **kwargs)

    def __repr__(self) -> str:
        keys = ", ".join(sorted(k.to_user_string() for k in self.specs_by_key))
        return f"<{type(self).__name__} {keys}>"


def _specs_from_keys(
    keys_by_output_name: Mapping[str, AssetKey] | None,
    keys_by_input_name: Mapping[str, AssetKey] | None,
    group_names_by_key: Mapping[AssetKey, str] | None,
    partitions_def: Any,
) -> list[AssetSpec]:
    """Specs for the constructor's Dagster form (keys by output, no ``specs=``)."""
    if not keys_by_output_name:
        raise InvalidDefinitionError(
            "AssetsDefinition(...) needs specs= or keys_by_output_name= to know its assets."
        )
    upstream = [AssetKey.from_coercible(k) for k in (keys_by_input_name or {}).values()]
    return [
        AssetSpec(
            AssetKey.from_coercible(key),
            deps=upstream,
            group_name=(group_names_by_key or {}).get(key),
            partitions_def=partitions_def,
        )
        for key in keys_by_output_name.values()
    ]


def map_asset_specs(
    func: Callable[[AssetSpec], AssetSpec],
    iterable: Iterable[AssetsDefinition | AssetSpec],
) -> list[AssetsDefinition | AssetSpec]:
    """Apply ``func`` to every ``AssetSpec`` in ``iterable`` and to the specs inside every
    ``AssetsDefinition`` (which must keep their keys), in order."""
    return [item.map_asset_specs(func) if isinstance(item, AssetsDefinition) else func(item)
            for item in iterable]


def external_assets_from_specs(specs: Iterable[AssetSpec]) -> list[AssetsDefinition]:
    """One external (non-executable) definition per spec."""
    return [AssetsDefinition(specs=[spec], partitions_def=spec.partitions_def) for spec in specs]
