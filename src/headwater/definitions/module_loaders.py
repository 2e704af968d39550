"""Collecting definitions from modules, and the legacy ``@repository`` decorator."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, overload

from headwater.definitions.assets.asset_job import UnresolvedAssetJobDefinition
from headwater.definitions.assets.assets_definition import (
    AssetsDefinition,
    external_assets_from_specs,
)
from headwater.definitions.assets.checks import AssetChecksDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import InvalidDefinitionError


def _module_objects(modules: Iterable[ModuleType]) -> list[Any]:
    seen: dict[int, Any] = {}
    for module in modules:
        for value in vars(module).values():
            seen.setdefault(id(value), value)
    return list(seen.values())


def load_assets_from_modules(
    modules: Iterable[ModuleType],
    group_name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    include_specs: bool = False,
) -> list[AssetsDefinition]:
    """Every asset defined at module scope in ``modules`` (each once).

    ``group_name`` and ``key_prefix`` are applied to them all; dependencies between the
    loaded assets follow the new keys.
    """
    found: list[AssetsDefinition] = []
    for value in _module_objects(modules):
        if isinstance(value, AssetsDefinition) and not isinstance(value, AssetChecksDefinition):
            found.append(value)
        elif include_specs and isinstance(value, AssetSpec):
            found.extend(external_assets_from_specs([value]))
    if not (group_name or key_prefix):
        return found
    return _prefix_together(found, group_name, key_prefix)


def _prefix_together(
    defs: list[AssetsDefinition], group_name: str | None, key_prefix: str | Sequence[str] | None
) -> list[AssetsDefinition]:
    loaded = {key for d in defs for key in d.keys}
    prefixed = [d.with_attributes(key_prefix=key_prefix, group_name=group_name) for d in defs]
    if not key_prefix:
        return prefixed
    parts = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix)
    remap = {key: key.with_prefix(parts) for key in loaded}
    result = []
    for definition in prefixed:
        specs = [
            spec.replace_attributes(deps=[remap.get(dep, dep) for dep in spec.deps])
            for spec in definition.specs
        ]
        clone = definition._copy(specs=specs)
        clone.keys_by_input_name = {n: remap.get(k, k) for n, k in clone.keys_by_input_name.items()}
        result.append(clone)
    return result


def load_asset_checks_from_modules(modules: Iterable[ModuleType]) -> list[AssetChecksDefinition]:
    """Every asset check defined at module scope in ``modules``."""
    return [v for v in _module_objects(modules) if isinstance(v, AssetChecksDefinition)]


RepositoryFn = Callable[[], Any]


@overload
def repository(fn: RepositoryFn) -> RepositoryDefinition: ...


@overload
def repository(
    fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    default_executor_def: ExecutorDefinition | None = None,
    resource_defs: Mapping[str, object] | None = None,
) -> Callable[[RepositoryFn], RepositoryDefinition]: ...


def repository(
    fn: RepositoryFn | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    default_executor_def: ExecutorDefinition | None = None,
    resource_defs: Mapping[str, object] | None = None,
) -> RepositoryDefinition | Callable[[RepositoryFn], RepositoryDefinition]:
    """Legacy: a function returning a list (or dict by kind) of definitions.

    A location may hold several repositories; each is its own namespace.
    """

    def decorate(func: RepositoryFn) -> RepositoryDefinition:
        repo_name = name or func.__name__
        returned = func()
        items = _flatten_repository_items(returned, repo_name)
        buckets: dict[str, list[Any]] = {"assets": [], "jobs": [], "schedules": [], "sensors": []}
        for item in items:
            buckets[_kind_of(item, repo_name)].append(item)
        assets: list[AssetsDefinition] = []
        for item in buckets["assets"]:
            if isinstance(item, AssetSpec):
                assets.extend(external_assets_from_specs([item]))
            else:
                assets.append(item)
        return RepositoryDefinition(
            repo_name,
            assets_defs=assets,
            jobs=buckets["jobs"],
            schedules=buckets["schedules"],
            sensors=buckets["sensors"],
            resources=dict(resource_defs or {}),
            executor=default_executor_def,
            metadata=metadata,
            description=description,
        )

    return decorate(fn) if fn is not None else decorate


def _flatten_repository_items(returned: Any, repo_name: str) -> list[Any]:
    if isinstance(returned, Mapping):
        items: list[Any] = []
        for kind in ("jobs", "schedules", "sensors"):
            items.extend(dict(returned.get(kind, {})).values())
        return items
    if isinstance(returned, (list, tuple)):
        flat: list[Any] = []
        for item in returned:
            flat.extend(item if isinstance(item, (list, tuple)) else [item])
        return flat
    raise InvalidDefinitionError(
        f"@repository '{repo_name}' returned {type(returned).__name__}; return a list of "
        "definitions (assets, jobs, schedules, sensors)."
    )


def _kind_of(item: Any, repo_name: str) -> str:
    if isinstance(item, (AssetsDefinition, AssetSpec)):
        return "assets"
    if isinstance(item, (JobDefinition, UnresolvedAssetJobDefinition)):
        return "jobs"
    type_name = type(item).__name__
    if "Schedule" in type_name:
        return "schedules"
    if "Sensor" in type_name:
        return "sensors"
    raise InvalidDefinitionError(
        f"@repository '{repo_name}' returned {item!r}, which is not an asset, job, schedule or "
        "sensor."
    )
