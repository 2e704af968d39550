"""Config mappings: a simpler outer config turned into the config a definition really takes.

- ``ConfigMapping`` / ``@config_mapping`` on a job: run config is validated against the
  mapping's schema, then ``config_fn`` returns the job's full run config (``{"ops": ...}``).
- ``configured(definition, config_schema=None)(config_or_fn)`` (and the ``.configured``
  methods): a copy of a resource or op whose config is fixed, or derived from a smaller
  outer schema by a function.
"""

from __future__ import annotations

import copy
import inspect
import typing
from collections.abc import Callable

from headwater.definitions.config.resources import ResourceDefinition, is_config_class
from headwater.definitions.config.schema_types import (
    ConfigType,
    Field,
    Shape,
    resolve_top_level,
    try_resolve_config_type,
)
from headwater.errors import (
    ConfigMappingFunctionError,
    DagsterInvalidConfigError,
    InvalidDefinitionError,
    user_code_boundary,
)

__all__ = ["ConfigMapping", "MappedConfigType", "config_mapping", "configured"]


def _validate(schema: typing.Any, value: typing.Any, where: str, path: str) -> typing.Any:
    """``value`` validated against an old-style schema or a ``Config`` class."""
    if schema is None:
        return value
    field = resolve_top_level(schema)
    if field is not None:
        from headwater.definitions.config.schema_validation import validate_field

        return validate_field(field, value, where, path=path)
    from headwater.definitions.config.pythonic import config_model_from_schema, validate_config

    model = config_model_from_schema(schema, "mapped_config")
    return validate_config(model, value, where)


class ConfigMapping:
    """Maps a job's (or another definition's) outer config to the config it really takes.

    Args:
        config_fn: receives the validated outer config (a dict, or a ``Config`` instance when
            its parameter is annotated with a ``Config`` class) and returns the inner config
            (for a job: a run config dict or ``RunConfig``).
        config_schema: the outer schema; taken from the ``Config`` annotation if omitted.
        receive_processed_config_values: accepted for compatibility; values are always
            processed (defaults filled in) before ``config_fn`` sees them.
    """

    def __init__(
        self,
        config_fn: Callable[[typing.Any], typing.Any],
        config_schema: typing.Any = None,
        receive_processed_config_values: bool | None = None,
    ) -> None:
        if not callable(config_fn):
            raise InvalidDefinitionError(
                f"ConfigMapping needs a callable config_fn; got {config_fn!r}."
            )
        self.config_fn = config_fn
        self.config_schema = config_schema if config_schema is not None else _annotated(config_fn)
        self.receive_processed_config_values = receive_processed_config_values

    @property
    def name(self) -> str:
        """The function's name, for messages."""
        return getattr(self.config_fn, "__name__", "config_mapping")

    def resolve(self, value: typing.Any, where: str, path: str = "") -> typing.Any:
        """Validate the outer ``value`` and return ``config_fn``'s result as plain data."""
        outer = _validate(self.config_schema, value, f"the config mapping of {where}", path)
        with user_code_boundary(f"config mapping '{self.name}' of {where}",
                                ConfigMappingFunctionError):
            result = self.config_fn(outer)
        to_dict = getattr(result, "to_config_dict", None)
        return to_dict() if callable(to_dict) else result


def _annotated(fn: Callable[..., typing.Any]) -> typing.Any:
    try:
        params = list(inspect.signature(fn, eval_str=True).parameters.values())
    except (TypeError, ValueError, NameError):
        return None
    if params and is_config_class(params[0].annotation):
        return params[0].annotation
    return None


@typing.overload
def config_mapping(config_fn: Callable[[typing.Any], typing.Any]) -> ConfigMapping: ...


@typing.overload
def config_mapping(
    config_fn: None = None,
    *,
    config_schema: typing.Any = None,
    receive_processed_config_values: bool | None = None,
) -> Callable[[Callable[[typing.Any], typing.Any]], ConfigMapping]: ...


def config_mapping(
    config_fn: Callable[[typing.Any], typing.Any] | None = None,
    *,
    config_schema: typing.Any = None,
    receive_processed_config_values: bool | None = None,
) -> ConfigMapping | Callable[[Callable[[typing.Any], typing.Any]], ConfigMapping]:
    """Make a ``ConfigMapping`` from a function: ``@config_mapping`` or ``@config_mapping(...)``."""
    if config_fn is not None:
        return ConfigMapping(config_fn)

    def decorator(fn: Callable[[typing.Any], typing.Any]) -> ConfigMapping:
        return ConfigMapping(fn, config_schema, receive_processed_config_values)

    return decorator


class MappedConfigType(ConfigType):
    """The schema of a configured definition: an outer schema mapped onto the original one.

    With no outer schema the config is fixed: run config may leave it out.
    """

    kind = "mapped"

    def __init__(
        self, inner_schema: typing.Any, config_or_fn: typing.Any, outer_schema: typing.Any
    ) -> None:
        self.inner_schema = inner_schema
        self.config_or_fn = config_or_fn
        self.outer_schema = outer_schema
        outer = try_resolve_config_type(outer_schema) if outer_schema is not None else None
        self.outer_type: ConfigType = outer if outer is not None else Shape({})

    @property
    def type_name(self) -> str:
        return self.outer_type.type_name

    def process(self, value: typing.Any, path: str) -> typing.Any:
        """The inner config for ``value``, validated against the original schema."""
        where = f"the configured definition at {path}" if path else "a configured definition"
        if callable(self.config_or_fn):
            outer = _validate(self.outer_schema, value, where, path)
            with user_code_boundary(f"configured function of {where}",
                                    ConfigMappingFunctionError):
                inner = self.config_or_fn(outer)
        else:
            if value not in (None, {}):
                from headwater.definitions.config.schema_validation import EvaluationError

                message = (
                    f"Unexpected config {'at path ' + path if path else 'given'}: the definition "
                    "is configured with fixed config; remove its config from the run config."
                )
                error = EvaluationError(path, "FIELD_NOT_DEFINED", message)
                raise DagsterInvalidConfigError(f"Error in config for {where}", [error], value)
            inner = copy.deepcopy(self.config_or_fn)
        return _validate(self.inner_schema, inner, where, path)


def _configured_schema(
    inner_schema: typing.Any, config_or_fn: typing.Any, config_schema: typing.Any
) -> Field:
    mapped = MappedConfigType(inner_schema, config_or_fn, config_schema)
    required = callable(config_or_fn) and config_schema is not None
    outer = resolve_top_level(config_schema) if config_schema is not None else None
    if outer is not None and not outer.is_required:
        required = False
    return Field(mapped, is_required=required)


def configured(
    definition: typing.Any,
    config_schema: typing.Any = None,
    **kwargs: typing.Any,
) -> Callable[[typing.Any], typing.Any]:
    """Configure a resource or op: ``configured(my_resource)({"url": ...})``.

    Give fixed config (a dict) or a function from the config of ``config_schema`` (the new,
    smaller schema) to the original config. Ops take a new ``name=`` keyword.
    """

    def apply(config_or_fn: typing.Any) -> typing.Any:
        field = _configured_schema(definition.config_schema, config_or_fn, config_schema)
        if isinstance(definition, ResourceDefinition):
            return _configured_resource(definition, field, kwargs.get("description"))
        copier = getattr(definition, "with_config_schema", None)
        if callable(copier):
            return copier(field, **kwargs)
        raise InvalidDefinitionError(
            f"configured() takes a resource or op definition; got {definition!r}."
        )

    return apply


def _configured_resource(
    definition: ResourceDefinition, field: Field, description: str | None
) -> ResourceDefinition:
    if hasattr(definition, "model_fields"):
        raise InvalidDefinitionError(
            f"{definition!r} is a ConfigurableResource; give it its config values directly "
            "(or use configure_at_launch()) instead of configured()."
        )
    clone = copy.copy(definition)
    clone.config_schema = field
    clone.description = description or definition.description
    return clone
