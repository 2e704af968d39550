"""``with_resources``: copies of asset definitions (or jobs) with resources bound to them.

Resources bound this way travel with the asset: ``materialize([asset])`` and any
``Definitions`` holding it use them for keys the ``Definitions`` does not provide itself.
``resource_config_by_key`` fixes a resource's config at binding time, in the run config's
shape (``{"key": {"config": ...}}``), validated there and then.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.config.io_managers import IOManagerDefinition
from headwater.definitions.config.resources import InitResourceContext, ResourceDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import ConfigError, InvalidDefinitionError, UnknownResourceError

T = TypeVar("T")

#: Provided by the run when nothing binds it (the filesystem IO manager).
_DEFAULT_KEYS = frozenset({"io_manager"})


def with_resources(
    definitions: Iterable[T],
    resource_defs: Mapping[str, object],
    resource_config_by_key: Mapping[str, Any] | None = None,
) -> list[T]:
    """Copies of ``definitions`` with ``resource_defs`` bound to them.

    Each copy keeps only the resources it uses (its required keys and their dependencies).

    Args:
        definitions: asset definitions (``@asset``, ``@multi_asset``, ``@asset_check``) or jobs.
        resource_defs: resources by key: ``ConfigurableResource`` instances,
            ``ResourceDefinition``s, IO managers or plain values.
        resource_config_by_key: config per resource key, ``{"key": {"config": ...}}``.

    Raises:
        InvalidDefinitionError: a definition of another kind, a config entry of the wrong
            shape or for a key not in ``resource_defs``, or a key an asset binds differently.
        ConfigError: a resource's config does not match its schema.
        UnknownResourceError: a definition needs a resource that is still not provided.
    """
    configured = _apply_config(dict(resource_defs), dict(resource_config_by_key or {}))
    return [_bind(definition, configured) for definition in definitions]


def _bind(definition: T, resource_defs: Mapping[str, object]) -> T:
    if isinstance(definition, AssetsDefinition):
        bound: Any = _bind_assets(definition, resource_defs)
        return bound  # type: ignore[no-any-return]
    if isinstance(definition, JobDefinition):
        from headwater.definitions.repository_def import check_job_resources

        job = definition.with_resources(resource_defs)
        check_job_resources(job)
        return job  # type: ignore[return-value]
    if isinstance(definition, AssetSpec):
        raise InvalidDefinitionError(
            f"with_resources got AssetSpec '{definition.key.to_user_string()}', which has no "
            "computation to bind resources to. Give the IO manager it is loaded with in "
            "Definitions(resources={...}) and name it with spec.with_io_manager_key(...)."
        )
    raise InvalidDefinitionError(
        f"with_resources got {type(definition).__name__} ({definition!r}); it binds resources "
        "to asset definitions (@asset, @multi_asset, @asset_check) and jobs only."
    )


def _bind_assets(
    definition: AssetsDefinition, resource_defs: Mapping[str, object]
) -> AssetsDefinition:
    conflicts = sorted(
        key
        for key, value in resource_defs.items()
        if key in definition.resource_defs
        and key not in _DEFAULT_KEYS
        and definition.resource_defs[key] is not value
    )
    if conflicts:
        raise InvalidDefinitionError(
            f"{definition.describe} already binds resource(s) {_listing(conflicts)}, which "
            "with_resources also provides. Remove them from the asset's resource_defs or give "
            "with_resources other keys."
        )
    merged = {**resource_defs, **definition.resource_defs}
    needed = _transitive_keys(definition.required_resource_keys, merged, definition.describe)
    return definition._copy(resource_defs={k: v for k, v in merged.items() if k in needed})


def _transitive_keys(
    required: Iterable[str], resource_defs: Mapping[str, object], describe: str
) -> set[str]:
    """``required`` and the keys the resources behind them need, checking each is provided."""
    needed: set[str] = set()
    pending = [(key, describe) for key in sorted(required)]
    while pending:
        key, what = pending.pop()
        if key in needed:
            continue
        if key not in resource_defs:
            if key in _DEFAULT_KEYS:
                continue
            raise UnknownResourceError(
                f"Resource '{key}', required by {what}, is not provided (resources given to "
                f"with_resources: {_listing(resource_defs)}). Add '{key}' to the resources "
                "passed to with_resources."
            )
        needed.add(key)
        entry = resource_defs[key]
        if isinstance(entry, ResourceDefinition):
            pending.extend((dep, f"resource '{key}'") for dep in entry.required_resource_keys)
    return needed


def _listing(keys: Iterable[str]) -> str:
    return ", ".join(f"'{key}'" for key in sorted(keys)) or "none"


# Config --------------------------------------------------------------------------------------


def _apply_config(
    resource_defs: dict[str, object], config_by_key: Mapping[str, Any]
) -> dict[str, object]:
    for key, entry in config_by_key.items():
        if key not in resource_defs:
            raise InvalidDefinitionError(
                f"resource_config_by_key has config for '{key}', which is not one of the "
                f"resources given to with_resources ({_listing(resource_defs)}). Fix the key or "
                "add the resource."
            )
        if not isinstance(entry, Mapping) or set(entry) != {"config"}:
            raise InvalidDefinitionError(
                f"resource_config_by_key['{key}'] must have the shape {{'config': ...}}; got "
                f"{entry!r}. Write {{'{key}': {{'config': {entry!r}}}}}."
            )
        resource_defs[key] = configured_resource(resource_defs[key], entry["config"], key)
    return resource_defs


def configured_resource(entry: object, config: Any, key: str) -> object:
    """``entry`` with ``config`` fixed: validated now, given to the resource at each run.

    Raises:
        ConfigError: ``config`` does not match the resource's schema.
        InvalidDefinitionError: ``entry`` is a plain value, which takes no config.
    """
    where = f"resource '{key}'"
    configurable = _configurable_copy(entry, config, where)
    if configurable is not None:
        return configurable
    if not isinstance(entry, ResourceDefinition):
        raise InvalidDefinitionError(
            f"resource_config_by_key gives config for {where}, but its value "
            f"({type(entry).__name__}) is not a resource definition and takes no config."
        )
    value = _validated(entry, config, where)
    inner = entry

    def init(context: InitResourceContext) -> Any:
        return inner(
            InitResourceContext(
                value, context.resources, context.log, context.instance, context.run_id, inner
            )
        )

    kind = type(entry) if type(entry) in (ResourceDefinition, IOManagerDefinition) else None
    return (kind or ResourceDefinition)(
        init,
        description=entry.description,
        required_resource_keys=entry.required_resource_keys,
        version=entry.version,
    )


def _validated(entry: ResourceDefinition, config: Any, where: str) -> Any:
    if entry.config_schema is None:
        return config
    from headwater.definitions.config.pythonic import (
        config_model_from_schema,
        config_to_python,
        validate_config,
    )

    name = getattr(entry.resource_fn, "__name__", "resource").strip("_<>") or "resource"
    model = config_model_from_schema(entry.config_schema, f"{name}_config")
    return config_to_python(validate_config(model, config, where))


def _configurable_copy(entry: object, config: Any, where: str) -> object | None:
    """For class-based resources: the same class with ``config`` merged into its fields."""
    if "headwater.definitions.config.configurable" not in sys.modules:
        return None  # no class-based resource can exist
    from headwater.definitions.config.configurable import (
        ConfigurableResourceFactory,
        PartialResource,
    )

    if not isinstance(entry, (ConfigurableResourceFactory, PartialResource)):
        return None
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"Config for {where} must be a mapping of its field names to values; got {config!r}."
        )
    if isinstance(entry, PartialResource):
        # Still completed at launch: run config may give the fields left out here.
        return entry.resource_cls.configure_at_launch(**{**entry.values, **config})
    from pydantic import ValidationError

    from headwater.definitions.config.pythonic import (
        ConfigValidationError,
        field_values,
        problems_from,
    )

    cls = type(entry)
    try:
        return cls.model_validate({**field_values(entry), **config})
    except ValidationError as exc:
        raise ConfigValidationError(where, problems_from(exc, cls)) from None
