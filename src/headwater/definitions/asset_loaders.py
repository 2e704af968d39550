"""``load_assets_from_*`` and ``load_asset_checks_from_*``: the assets and checks defined at
module scope, from a list of modules, a package (recursively), or the calling module.

Attributes given to a loader apply to everything it returns: ``key_prefix`` prefixes the
keys of computed assets (and dependencies between loaded assets follow), ``source_key_prefix``
prefixes loaded ``AssetSpec``s (and the dependencies on them), ``group_name`` and
``automation_condition`` set those attributes on every asset.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.checks import AssetChecksDefinition, AssetCheckSpec
from headwater.definitions.assets.specs import DEFAULT_GROUP, AssetSpec, condition_from_policy
from headwater.definitions.module_scope import (
    ModuleScope,
    caller_module,
    find_modules_in_package,
    import_package,
    is_asset,
)
from headwater.errors import InvalidDefinitionError

KeyPrefix = str | Sequence[str]
LoadedAsset = AssetsDefinition | AssetSpec


def load_assets_from_modules(
    modules: Iterable[ModuleType],
    group_name: str | None = None,
    key_prefix: KeyPrefix | None = None,
    *,
    automation_condition: Any = None,
    source_key_prefix: KeyPrefix | None = None,
    include_specs: bool = False,
    auto_materialize_policy: Any = None,
) -> list[LoadedAsset]:
    """Every asset defined at module scope in ``modules`` (each object once).

    Module-level lists of assets count too. Asset checks are left out (see
    ``load_asset_checks_from_modules``); ``AssetSpec``s are included with
    ``include_specs=True``.

    Args:
        modules: the modules to search.
        group_name: group of every loaded asset; an asset already in another (non-default)
            group is an error.
        key_prefix: prefix for the keys of the loaded computed assets; dependencies between
            loaded assets are rewritten to the new keys.
        automation_condition: automation condition of every loaded asset.
        auto_materialize_policy: the older form of ``automation_condition``.
        source_key_prefix: prefix for the keys of loaded ``AssetSpec``s (and dependencies on
            them).
        include_specs: also return the ``AssetSpec``s defined in the modules.

    Raises:
        DuplicateDefinitionError: two different objects define one asset key; the message
            names their modules.
    """
    types: tuple[type, ...] = (AssetsDefinition,)
    if include_specs:
        types = (AssetsDefinition, AssetSpec)
    found = [item for item in ModuleScope(modules, types).objects if is_asset(item)]
    automation_condition = condition_from_policy(
        automation_condition, auto_materialize_policy, "load_assets_from_modules")
    return _with_attributes(found, group_name, key_prefix, source_key_prefix, automation_condition)


def load_assets_from_current_module(
    group_name: str | None = None,
    key_prefix: KeyPrefix | None = None,
    *,
    automation_condition: Any = None,
    source_key_prefix: KeyPrefix | None = None,
    include_specs: bool = False,
    auto_materialize_policy: Any = None,
) -> list[LoadedAsset]:
    """Like :func:`load_assets_from_modules`, for the module calling this function.

    Only what the module has defined when the call runs is found: call it after the assets.
    """
    return load_assets_from_modules(
        [caller_module(1)],
        group_name,
        key_prefix,
        automation_condition=automation_condition,
        source_key_prefix=source_key_prefix,
        include_specs=include_specs,
        auto_materialize_policy=auto_materialize_policy,
    )


def load_assets_from_package_module(
    package_module: ModuleType,
    group_name: str | None = None,
    key_prefix: KeyPrefix | None = None,
    *,
    automation_condition: Any = None,
    source_key_prefix: KeyPrefix | None = None,
    include_specs: bool = False,
    auto_materialize_policy: Any = None,
) -> list[LoadedAsset]:
    """Like :func:`load_assets_from_modules`, for a package and all its modules, recursively.

    Every module of the package is imported.
    """
    return load_assets_from_modules(
        find_modules_in_package(package_module),
        group_name,
        key_prefix,
        automation_condition=automation_condition,
        source_key_prefix=source_key_prefix,
        include_specs=include_specs,
        auto_materialize_policy=auto_materialize_policy,
    )


def load_assets_from_package_name(
    package_name: str,
    group_name: str | None = None,
    key_prefix: KeyPrefix | None = None,
    *,
    automation_condition: Any = None,
    source_key_prefix: KeyPrefix | None = None,
    include_specs: bool = False,
    auto_materialize_policy: Any = None,
) -> list[LoadedAsset]:
    """Like :func:`load_assets_from_package_module`, importing the package by name first."""
    return load_assets_from_package_module(
        import_package(package_name),
        group_name,
        key_prefix,
        automation_condition=automation_condition,
        source_key_prefix=source_key_prefix,
        include_specs=include_specs,
        auto_materialize_policy=auto_materialize_policy,
    )


def load_asset_checks_from_modules(
    modules: Iterable[ModuleType], asset_key_prefix: KeyPrefix | None = None
) -> list[AssetChecksDefinition]:
    """Every asset check definition at module scope in ``modules``.

    ``asset_key_prefix`` prefixes the keys of the checked assets; pass the ``key_prefix``
    the same modules' assets were loaded with.
    """
    scope = ModuleScope(modules, (AssetsDefinition,))
    checks: list[AssetChecksDefinition] = scope.of_type(AssetChecksDefinition)
    if not asset_key_prefix:
        return checks
    targets = {key for item in scope.objects for key in _keys_and_targets(item)}
    replacements = {key: key.with_prefix(_parts(asset_key_prefix)) for key in targets}
    return [_replace_keys(check, replacements) for check in checks]


def load_asset_checks_from_current_module(
    asset_key_prefix: KeyPrefix | None = None,
) -> list[AssetChecksDefinition]:
    """Like :func:`load_asset_checks_from_modules`, for the module calling this function."""
    return load_asset_checks_from_modules([caller_module(1)], asset_key_prefix)


def load_asset_checks_from_package_module(
    package_module: ModuleType, asset_key_prefix: KeyPrefix | None = None
) -> list[AssetChecksDefinition]:
    """Like :func:`load_asset_checks_from_modules`, for a package and all its modules."""
    return load_asset_checks_from_modules(find_modules_in_package(package_module), asset_key_prefix)


def load_asset_checks_from_package_name(
    package_name: str, asset_key_prefix: KeyPrefix | None = None
) -> list[AssetChecksDefinition]:
    """Like :func:`load_asset_checks_from_package_module`, importing the package by name."""
    return load_asset_checks_from_package_module(import_package(package_name), asset_key_prefix)


# Attributes ----------------------------------------------------------------------------------


def _parts(prefix: KeyPrefix) -> list[str]:
    return [prefix] if isinstance(prefix, str) else list(prefix)


def _keys_and_targets(item: Any) -> list[AssetKey]:
    if isinstance(item, AssetsDefinition):
        return [*item.keys, *(check.asset_key for check in item.check_keys)]
    return []


def _with_attributes(
    found: list[LoadedAsset],
    group_name: str | None,
    key_prefix: KeyPrefix | None,
    source_key_prefix: KeyPrefix | None,
    automation_condition: Any,
) -> list[LoadedAsset]:
    replacements: dict[AssetKey, AssetKey] = {}
    if key_prefix:
        computed = [item for item in found if isinstance(item, AssetsDefinition)]
        replacements.update(
            (key, key.with_prefix(_parts(key_prefix))) for item in computed for key in item.keys
        )
    if source_key_prefix:
        specs = [item for item in found if isinstance(item, AssetSpec)]
        replacements.update((s.key, s.key.with_prefix(_parts(source_key_prefix))) for s in specs)
    update = _spec_updater(group_name, automation_condition)
    result: list[LoadedAsset] = []
    for item in found:
        if isinstance(item, AssetSpec):
            spec = item.replace_attributes(
                key=replacements.get(item.key, item.key),
                deps=[replacements.get(dep, dep) for dep in item.deps],
            )
            result.append(update(spec) if update else spec)
            continue
        definition = _replace_keys(item, replacements)
        if update is not None:
            definition = definition._copy(specs=[update(spec) for spec in definition.specs])
        result.append(definition)
    return result


def _spec_updater(
    group_name: str | None, automation_condition: Any
) -> Callable[[AssetSpec], AssetSpec] | None:
    if group_name is None and automation_condition is None:
        return None

    def update(spec: AssetSpec) -> AssetSpec:
        changes: dict[str, Any] = {}
        if group_name is not None:
            if spec.group_name not in (None, DEFAULT_GROUP, group_name):
                raise InvalidDefinitionError(
                    f"Asset '{spec.key.to_user_string()}' is in group '{spec.group_name}', which "
                    f"conflicts with group_name='{group_name}' given to the loader. Remove one "
                    "of the two group names."
                )
            changes["group_name"] = group_name
        if automation_condition is not None:
            changes["automation_condition"] = automation_condition
        return spec.replace_attributes(**changes)

    return update


def _replace_keys(
    definition: AssetsDefinition, replacements: Mapping[AssetKey, AssetKey]
) -> Any:
    """A copy with asset keys (its own, its dependencies', its checks' targets) replaced."""
    if not replacements:
        return definition

    def remap(key: AssetKey) -> AssetKey:
        return replacements.get(key, key)

    specs = [
        spec.replace_attributes(key=remap(spec.key), deps=[remap(dep) for dep in spec.deps])
        for spec in definition.specs
    ]
    clone = definition._copy(specs=specs)
    clone.keys_by_output_name = {n: remap(k) for n, k in definition.keys_by_output_name.items()}
    clone.keys_by_input_name = {n: remap(k) for n, k in definition.keys_by_input_name.items()}
    clone.output_names_by_key = {k: n for n, k in clone.keys_by_output_name.items()}
    clone.selected_keys = frozenset(remap(key) for key in definition.selected_keys)
    clone.check_specs_by_output_name = {
        name: _retarget(spec, remap) for name, spec in definition.check_specs_by_output_name.items()
    }
    return clone


def _retarget(spec: AssetCheckSpec, remap: Callable[[AssetKey], AssetKey]) -> AssetCheckSpec:
    clone = copy.copy(spec)
    clone.asset_key = remap(spec.asset_key)
    clone.additional_deps = [remap(dep) for dep in spec.additional_deps]
    return clone
