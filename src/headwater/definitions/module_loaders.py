"""The legacy ``@repository`` decorator (the module loaders live in ``asset_loaders``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, overload

# Re-exported: this module was their home before the package loaders were added.
from headwater.definitions.asset_loaders import (
    load_asset_checks_from_modules as load_asset_checks_from_modules,
)
from headwater.definitions.asset_loaders import (
    load_assets_from_modules as load_assets_from_modules,
)
from headwater.definitions.assets.asset_job import UnresolvedAssetJobDefinition
from headwater.definitions.assets.assets_definition import (
    AssetsDefinition,
    external_assets_from_specs,
)
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import InvalidDefinitionError

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
