"""Class-based resources: ``ConfigurableResource`` and the configurable IO managers.

A resource class declares its config as typed fields. Field values may be ``EnvVar``s (read
when the run starts) or other resources (dependencies, initialised first). For each run the
instance is copied with every value resolved, and the copy's lifecycle hooks run:
``setup_for_execution`` before the first step, ``teardown_after_execution`` after the last.

This is one of the two modules allowed to import pydantic (with ``config.py``).
"""

from __future__ import annotations

import contextlib
import copy
import inspect
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    field_validator,
)

from headwater.definitions.config.config_meta import OptionalDefaultsMeta
from headwater.definitions.config.io_managers import IOManager
from headwater.definitions.config.pythonic import (
    Config,
    ConfigProblem,
    ConfigValidationError,
    config_to_dict,
    defer_or_validate,
    field_values,
    frozen_error,
    has_deferred,
    problems_from,
    resolve_values,
)
from headwater.definitions.config.resources import (
    InitResourceContext,
    ResourceDefinition,
    is_resource_annotation,
)
from headwater.definitions.config.secrets import redact
from headwater.errors import HeadwaterError, InvalidDefinitionError

__all__ = [
    "ConfigurableIOManager",
    "ConfigurableIOManagerFactory",
    "ConfigurableResource",
    "ConfigurableResourceFactory",
    "PartialResource",
]


class _ResourceConfigBase(Config):
    model_config = ConfigDict(arbitrary_types_allowed=True)


_CONFIG_MODELS: dict[type[Any], type[Config]] = {}


def _is_resource_field(annotation: Any) -> bool:
    origin = get_origin(annotation)
    is_union = origin is Union or getattr(origin, "__name__", "") == "UnionType"
    members = get_args(annotation) if is_union else (annotation,)
    return any(is_resource_annotation(m) for m in members)


def _definition_attribute(resource: ConfigurableResourceFactory, name: str) -> Any:
    cls = type(resource)
    if name == "resource_fn":
        return resource.create_resource
    if name == "config_schema":
        return cls.config_model()
    if name == "description":
        doc = cls.__dict__.get("__doc__")
        return inspect.cleandoc(doc) if doc else None
    if name == "required_resource_keys":
        return frozenset()
    if name == "version":
        return None
    if name == "_takes_context":
        return True
    raise AttributeError(name)


_DEFINITION_ATTRIBUTES = frozenset(
    {"resource_fn", "config_schema", "description", "required_resource_keys", "version"}
    | {"_takes_context"}
)


class ConfigurableResourceFactory(
    BaseModel, ResourceDefinition, metaclass=OptionalDefaultsMeta
):
    """A resource class whose fields are its config and whose run-time value it creates.

    Subclass it and implement ``create_resource(context)`` to provide a value of another type
    (e.g. a third-party client); subclass ``ConfigurableResource`` when the instance itself is
    the resource. Instances are immutable; use a private attribute (``_client``) for state set
    up in ``setup_for_execution``.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, protected_namespaces=(), arbitrary_types_allowed=True
    )
    __headwater_deferred__: ClassVar[bool] = False

    _headwater_context: InitResourceContext | None = PrivateAttr(default=None)

    @field_validator("*", mode="wrap")
    @classmethod
    def _headwater_defer(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return defer_or_validate(value, handler)

    if not TYPE_CHECKING:
        # The ResourceDefinition attributes are computed, so that a user field with one of
        # these names is allowed (and wins).
        def __getattr__(self, name: str) -> Any:
            if name in _DEFINITION_ATTRIBUTES:
                return _definition_attribute(self, name)
            return super().__getattr__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        raise frozen_error(self, name)

    @classmethod
    def configure_at_launch(cls, **values: Any) -> PartialResource:
        """A resource whose remaining config comes from run config at launch.

        The run config provides it as ``resources: {<key>: {config: {<field>: ...}}}``; any
        ``values`` given here are defaults that run config can override.
        """
        return PartialResource(cls, values)

    @classmethod
    def from_resource_context(cls, context: InitResourceContext) -> Any:
        """Build the resource from ``context.resource_config`` and return its value."""
        instance = cls(**dict(context.resource_config or {}))
        instance._headwater_context = context
        return instance.create_resource(context)

    @classmethod
    def config_model(cls) -> type[Config]:
        """A ``Config`` model of this class's config fields (resource fields left out)."""
        model = _CONFIG_MODELS.get(cls)
        if model is None:
            fields: dict[str, Any] = {
                name: (info.annotation, copy.copy(info))
                for name, info in cls.model_fields.items()
                if not _is_resource_field(info.annotation)
            }
            model = create_model(f"{cls.__name__}Config", __base__=_ResourceConfigBase, **fields)
            _CONFIG_MODELS[cls] = model
        return model

    def create_resource(self, context: InitResourceContext) -> Any:
        """The value assets and ops receive for this resource."""
        raise NotImplementedError(f"{type(self).__name__} must implement create_resource.")

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Called on the run's copy of the resource before any step uses it."""

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        """Called on the run's copy after the run's steps finish, even when the run failed."""

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[Any]:
        """The resource's lifetime in a run: set up, provide the value, tear down.

        Override it (as a ``@contextlib.contextmanager`` generator) to manage the lifetime
        yourself; the default calls ``setup_for_execution``, yields ``create_resource`` and
        then calls ``teardown_after_execution``.
        """
        self.setup_for_execution(context)
        yield self.create_resource(context)
        self.teardown_after_execution(context)

    def get_resource_context(self) -> InitResourceContext:
        """The init context of the run this copy was initialised for."""
        context = self._headwater_context
        if context is None:
            raise HeadwaterError(
                f"{type(self).__name__}.get_resource_context() is only available on the copy "
                "a run initialises (inside setup_for_execution, create_resource, or the assets "
                "and ops that receive the resource)."
            )
        return context

    def nested_resources(self) -> dict[str, ResourceDefinition]:
        """Fields holding other resources, by field name: this resource's dependencies."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, ResourceDefinition)}

    def resolved_for_run(
        self,
        where: str,
        run_config: Any = None,
        nested: Mapping[str, Any] | None = None,
    ) -> ConfigurableResourceFactory:
        """The run's copy: ``run_config`` merged in, ``EnvVar``s read, dependencies in place.

        Raises ``ConfigError``/``EnvVarError`` naming ``where`` (e.g. ``"resource 'db'"``).
        """
        return _build_for_run(type(self), field_values(self), run_config, nested, where)

    def attach_context(self, context: InitResourceContext) -> None:
        """Record the init context on a run's copy (for ``get_resource_context``)."""
        self._headwater_context = context


def _build_for_run(
    cls: type[ConfigurableResourceFactory],
    values: Mapping[str, Any],
    run_config: Any,
    nested: Mapping[str, Any] | None,
    where: str,
) -> ConfigurableResourceFactory:
    data = dict(values)
    if isinstance(run_config, BaseModel):
        run_config = config_to_dict(run_config)
    if run_config is not None:
        if not isinstance(run_config, Mapping):
            raise ConfigValidationError(where, problems_for_non_mapping(run_config))
        data.update(run_config)
    config_part = {k: v for k, v in data.items() if not isinstance(v, ResourceDefinition)}
    resolved = resolve_values(cls, config_part, where)
    resolved.update((k, v) for k, v in data.items() if isinstance(v, ResourceDefinition))
    instance = _validate(cls, resolved, where, data)
    if has_deferred(instance):  # EnvVar defaults, which validation leaves as declared
        config_part = {
            k: v for k, v in field_values(instance).items() if not isinstance(v, ResourceDefinition)
        }
        again = resolve_values(cls, config_part, where)
        again.update(
            (k, v) for k, v in field_values(instance).items() if isinstance(v, ResourceDefinition)
        )
        instance = _validate(cls, again, where, field_values(instance))
    for name, value in (nested or {}).items():
        instance.__dict__[name] = value  # the dependency's run-time value replaces its definition
    return instance


def problems_for_non_mapping(value: Any) -> list[ConfigProblem]:
    """The single problem reported when resource run config is not a mapping."""
    message = f"got {value!r}, expected a mapping of field names to values"
    return [ConfigProblem("", message, value)]


def _validate(
    cls: type[ConfigurableResourceFactory],
    data: Mapping[str, Any],
    where: str,
    given: Mapping[str, Any],
) -> ConfigurableResourceFactory:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        # ``given`` still holds the EnvVars, so their values can be kept out of the message.
        raise ConfigValidationError(where, redact(problems_from(exc, cls), given)) from None


class ConfigurableResource(ConfigurableResourceFactory):
    """Base class for resources configured by typed fields; the instance is the resource.

    Example::

        class Warehouse(ConfigurableResource):
            url: str
            timeout: int = 30

            def query(self, sql: str) -> list[dict]: ...

        @asset
        def orders(warehouse: Warehouse) -> list[dict]:
            return warehouse.query("select * from orders")

        Definitions(assets=[orders], resources={"warehouse": Warehouse(url=EnvVar("WH_URL"))})
    """

    def create_resource(self, context: InitResourceContext) -> Any:
        """The instance itself is the resource."""
        return self


class ConfigurableIOManagerFactory(ConfigurableResourceFactory):
    """A configurable resource that builds an ``IOManager``; implement ``create_io_manager``."""

    def create_io_manager(self, context: InitResourceContext) -> IOManager:
        """Build the IO manager for a run."""
        raise NotImplementedError(f"{type(self).__name__} must implement create_io_manager.")

    def create_resource(self, context: InitResourceContext) -> IOManager:
        """The IO manager built by ``create_io_manager``."""
        return self.create_io_manager(context)


class ConfigurableIOManager(ConfigurableResource, IOManager):
    """An IO manager configured by typed fields; implement ``handle_output``/``load_input``."""


class PartialResource(ResourceDefinition):
    """A resource class with part of its config; the rest comes from run config at launch.

    Made by ``ConfigurableResource.configure_at_launch(**values)``; usable wherever a resource
    is, including as the value of another resource's field.
    """

    __headwater_deferred__: ClassVar[bool] = True

    def __init__(self, resource_cls: type[ConfigurableResourceFactory], values: Mapping[str, Any]):
        known = {(f.alias or n) for n, f in resource_cls.model_fields.items()}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidDefinitionError(
                f"{resource_cls.__name__}.configure_at_launch got unknown field(s) "
                f"{', '.join(unknown)}; its fields are {', '.join(sorted(known)) or 'none'}."
            )
        self.resource_cls = resource_cls
        self.values = dict(values)
        doc = resource_cls.__dict__.get("__doc__")
        super().__init__(
            self._from_context,
            config_schema=resource_cls.config_model(),
            description=inspect.cleandoc(doc) if doc else None,
        )

    def _from_context(self, context: InitResourceContext) -> Any:
        built = self.resolved_for_run("the resource", context.resource_config)
        built.attach_context(context)
        return built.create_resource(context)

    def nested_resources(self) -> dict[str, ResourceDefinition]:
        """Given values holding other resources, by field name."""
        return {k: v for k, v in self.values.items() if isinstance(v, ResourceDefinition)}

    def resolved_for_run(
        self,
        where: str,
        run_config: Any = None,
        nested: Mapping[str, Any] | None = None,
    ) -> ConfigurableResourceFactory:
        """The run's instance from the given values plus ``run_config``."""
        return _build_for_run(self.resource_cls, self.values, run_config, nested, where)

    def __repr__(self) -> str:
        return f"{self.resource_cls.__name__}.configure_at_launch({self.values!r})"
