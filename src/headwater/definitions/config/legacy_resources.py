"""Helpers of the function-based resource API: values resources, input managers, job binding.

``@resource`` itself, ``ResourceDefinition`` and its ``hardcoded_resource``/``mock_resource``/
``none_resource``/``string_resource`` helpers live in ``resources.py``; ``build_resources`` (which
initialises resources, with teardown) lives in ``headwater.execution.build_resources``.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, overload

from headwater.definitions.config.resources import ResourceDefinition
from headwater.definitions.config.schema_types import Any as AnyType
from headwater.definitions.config.schema_types import Field

if TYPE_CHECKING:
    from headwater.definitions.config.io_managers import InputContext

__all__ = [
    "BindResourcesToJobs",
    "InputManager",
    "InputManagerDefinition",
    "input_manager",
    "make_values_resource",
    "resource_config_value",
]


def make_values_resource(**fields: Any) -> ResourceDefinition:
    """A resource whose value is its config: shared values for several ops.

    ``make_values_resource(table=str, limit=int)`` takes ``{"table": ..., "limit": ...}`` as
    its config; with no fields it takes any config (and none at all).
    """
    schema: Any = dict(fields) if fields else Field(AnyType, is_required=False)
    return ResourceDefinition(
        lambda context: context.resource_config,
        config_schema=schema,
        description="A resource whose value is its config.",
    )


def resource_config_value(entry: ResourceDefinition, run_config: Any, where: str, key: str) -> Any:
    """The validated config a resource function receives as ``context.resource_config``.

    ``run_config`` is the ``config`` value given for resource ``key``; errors name
    ``resources.<key>.config`` and ``where``.
    """
    schema = entry.config_schema
    if schema is None:
        return run_config
    from headwater.definitions.config.schema_types import schema_field

    field = schema_field(entry, schema)
    if field is not None:
        from headwater.definitions.config.schema_validation import validate_field

        return validate_field(field, run_config, where, path=f"resources.{key}.config")
    from headwater.definitions.config.pythonic import (
        config_model_from_schema,
        config_to_python,
        validate_config,
    )

    model = getattr(entry, "_headwater_config_model", None)
    if model is None:  # built once per definition, not once per run
        name = getattr(entry.resource_fn, "__name__", "resource").strip("_<>") or "resource"
        model = config_model_from_schema(schema, f"{name}_config")
        entry._headwater_config_model = model  # type: ignore[attr-defined]
    return config_to_python(validate_config(model, run_config, where))


class InputManager(ABC):
    """Loads an op's input (``In(input_manager_key=...)``), e.g. from a table, not an output."""

    @abstractmethod
    def load_input(self, context: InputContext) -> Any:
        """The value of the input described by ``context``."""


class _FunctionInputManager(InputManager):
    def __init__(self, fn: Callable[..., Any], init_context: Any, takes_context: bool) -> None:
        self._fn = fn
        self._init_context = init_context
        self._takes_context = takes_context

    def load_input(self, context: InputContext) -> Any:
        return self._fn(context) if self._takes_context else self._fn()


class InputManagerDefinition(ResourceDefinition):
    """A resource whose value is an ``InputManager``; what ``@input_manager`` returns."""


InputManagerFunction = Callable[..., Any]


@overload
def input_manager(config_schema: InputManagerFunction) -> InputManagerDefinition: ...


@overload
def input_manager(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[InputManagerFunction], InputManagerDefinition]: ...


def input_manager(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> InputManagerDefinition | Callable[[InputManagerFunction], InputManagerDefinition]:
    """Turn a function ``(input_context) -> value`` into an input manager definition.

    The function loads the input; its ``InputContext`` carries ``resource_config`` (the
    manager's validated config) and ``resources``.
    """

    def decorator(fn: InputManagerFunction) -> InputManagerDefinition:
        takes_context = bool(inspect.signature(fn).parameters)

        def build(init_context: Any) -> InputManager:
            return _BoundInputManager(fn, init_context, takes_context)

        return InputManagerDefinition(
            build,
            config_schema=config_schema,
            description=description or inspect.getdoc(fn),
            required_resource_keys=required_resource_keys,
            version=version,
        )

    if inspect.isfunction(config_schema):
        fn, config_schema = config_schema, None
        return decorator(fn)
    return decorator


class _BoundInputManager(_FunctionInputManager):
    """Exposes the manager's config on the input context, as Dagster's does."""

    def load_input(self, context: InputContext) -> Any:
        context.resource_config = getattr(self._init_context, "resource_config", None)
        return super().load_input(context)


class BindResourcesToJobs(list):  # type: ignore[type-arg]
    """Jobs given to ``Definitions(jobs=BindResourcesToJobs([...]))``.

    Kept so code written for it keeps working: every job of a ``Definitions`` already gets
    the ``Definitions``' resources.
    """
