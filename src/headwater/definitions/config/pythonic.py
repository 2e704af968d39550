"""Structured config: ``Config`` classes, legacy schemas, validation and ``RunConfig``.

Run config reaches a definition as plain data (``{"limit": 10}``) and is validated against a
``Config`` subclass, a pydantic model. Legacy schemas (``config_schema={"limit": int}``) are
turned into such models. Validation errors are reported in our own words, naming the
definition, every failing field path, the bad value and what was expected.

Error translation lives in ``config_errors.py``, run-config output in ``config_values.py``.
"""

from __future__ import annotations

import keyword
import warnings
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import PydanticJsonSchemaWarning

from headwater.definitions.config.config_errors import (
    ConfigProblem,
    ConfigValidationError,
    is_union,
    problems_from,
    show_value,
)
from headwater.definitions.config.config_meta import OptionalDefaultsMeta
from headwater.definitions.config.config_values import RunConfig, config_to_dict, field_values
from headwater.definitions.config.discriminated import tagged_form, without_literal_validators
from headwater.definitions.config.enums import enum_by_name, enum_names_in_schema
from headwater.definitions.config.env_var import EnvVar, IntEnvVar
from headwater.definitions.config.resources import ResourceDefinition
from headwater.definitions.config.secrets import redact
from headwater.errors import HeadwaterError, InvalidDefinitionError

__all__ = [
    "Config",
    "ConfigProblem",
    "ConfigValidationError",
    "Field",
    "ImmutableFieldError",
    "PermissiveConfig",
    "RunConfig",
    "config_json_schema",
    "config_model_from_schema",
    "config_to_dict",
    "config_to_python",
    "field_values",
    "problems_from",
    "validate_config",
]

_SCALARS = (str, int, float, bool, type(None))


class ImmutableFieldError(HeadwaterError, AttributeError):
    """A field of a ``Config`` or ``ConfigurableResource`` was assigned after construction."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def is_deferred(value: object) -> bool:
    """Whether ``value`` is resolved at run time (an ``EnvVar``, a partial or legacy resource)."""
    return bool(getattr(type(value), "__headwater_deferred__", False))


def defer_or_validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Keep run-time values (``EnvVar``, partial resources) as given; validate anything else."""
    # EnvVars and resources configured at launch are kept as given; the run validates the
    # resolved value against the field's type.
    return value if is_deferred(value) else handler(value)


def frozen_error(obj: object, name: str) -> ImmutableFieldError:
    """The error for assigning ``name`` on the immutable ``obj``."""
    kind = type(obj).__name__
    return ImmutableFieldError(
        f"{kind} is immutable: cannot set field '{name}' after construction. Create a new "
        f"instance instead (e.g. obj.model_copy(update={{'{name}': ...}})), or keep run-time "
        "state in a private attribute whose name starts with '_'."
    )


class Config(BaseModel, metaclass=OptionalDefaultsMeta):
    """Base class for structured config of assets, ops and resources.

    Subclass it with typed fields (defaults, nested ``Config`` classes and
    ``Field(description=...)`` all work); an asset or op parameter annotated with the subclass
    receives the validated config. Unknown fields are rejected and instances are immutable.
    An ``EnvVar`` may stand in for a ``str`` or ``int`` field; it is read when the run starts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, protected_namespaces=())

    @field_validator("*", mode="wrap")
    @classmethod
    def _headwater_defer(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return defer_or_validate(value, handler)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return without_literal_validators(handler(source))

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        raise frozen_error(self, name)


class PermissiveConfig(Config):
    """A ``Config`` that also accepts fields it does not declare (read them as attributes)."""

    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------------------------------------
# Legacy schemas


def config_model_from_schema(schema: Mapping[str, Any] | Any, name: str) -> type[Config]:
    """Turn a legacy ``config_schema`` into a ``Config`` model.

    Accepts a ``Config`` subclass (returned as is); a dict of field name to a type, a
    ``(type, default)`` tuple, a pydantic ``Field(...)``, a nested dict or a one-item list
    ``[type]``; or a single type such as ``int`` (the config is then one value).
    """
    if isinstance(schema, type) and issubclass(schema, Config):
        return schema
    if isinstance(schema, Mapping):
        fields = {key: _field_spec(spec, name, key) for key, spec in schema.items()}
        return _build_model(name, fields, scalar=False)
    return _build_model(name, {"value": _field_spec(schema, name, "value")}, scalar=True)


def _build_model(name: str, fields: dict[str, tuple[Any, Any]], scalar: bool) -> type[Config]:
    definitions: dict[str, Any] = {}
    for index, (key, (annotation, default)) in enumerate(fields.items()):
        if not isinstance(key, str) or not key:
            raise InvalidDefinitionError(
                f"config_schema of {name} has the field name {key!r}; names must be "
                "non-empty strings."
            )
        info = default if isinstance(default, FieldInfo) else Field(default)
        if not _plain_field_name(key):
            # Aliasing keeps names such as "json" or "model_x" from clashing with BaseModel.
            info = _with_alias(info, key)
            key = f"field_{index}"
        definitions[key] = (annotation, info)
    try:
        model: type[Config] = create_model(name, __base__=Config, **definitions)
    except Exception as exc:  # noqa: BLE001 - pydantic raises several types for bad annotations
        raise InvalidDefinitionError(
            f"config_schema of {name} cannot be used: {exc}. Use types such as str, int, "
            "float, bool, list[...], dict[...], a Config subclass, or (type, default) pairs."
        ) from exc
    model.__headwater_scalar__ = scalar  # type: ignore[attr-defined]
    model.__headwater_legacy__ = True  # type: ignore[attr-defined]
    return model


def _plain_field_name(key: str) -> bool:
    return (
        key.isidentifier()
        and not keyword.iskeyword(key)
        and not key.startswith(("_", "model_"))
        and not hasattr(Config, key)
    )


def _with_alias(info: FieldInfo, alias: str) -> FieldInfo:
    merged: FieldInfo = FieldInfo.merge_field_infos(
        info, alias=alias, validation_alias=alias, serialization_alias=alias
    )
    return merged


def _field_spec(spec: Any, name: str, key: str) -> tuple[Any, Any]:
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise InvalidDefinitionError(
                f"config_schema of {name}: field '{key}' is {spec!r}; a tuple must be "
                "(type, default)."
            )
        return _annotation(spec[0], name, key), spec[1]
    if isinstance(spec, FieldInfo):
        return (spec.annotation if spec.annotation is not None else Any), spec
    if isinstance(spec, Mapping):
        nested = config_model_from_schema(spec, f"{name}_{key}")
        required = any(f.is_required() for f in nested.model_fields.values())
        return nested, (Field() if required else Field(default_factory=nested))
    annotation = _annotation(spec, name, key)
    optional = annotation is Any or type(None) in get_args(annotation)
    return annotation, (None if optional else Field())


def _annotation(spec: Any, name: str, key: str) -> Any:
    if isinstance(spec, list):
        if len(spec) != 1:
            raise InvalidDefinitionError(
                f"config_schema of {name}: field '{key}' is {spec!r}; write a list type as "
                "[item_type], e.g. [str]."
            )
        return list[_annotation(spec[0], name, key)]  # type: ignore[misc]
    if isinstance(spec, Mapping):
        return config_model_from_schema(spec, f"{name}_{key}")
    if spec is None or not (isinstance(spec, type) or get_origin(spec) is not None or spec is Any):
        raise InvalidDefinitionError(
            f"config_schema of {name}: field '{key}' is {spec!r}, which is not a type. Use "
            "str, int, float, bool, list[...], dict[...], a Config subclass, or (type, default)."
        )
    return spec


# ---------------------------------------------------------------------------------------------
# Validation


def validate_config(model: type[Config], value: Any, where: str) -> Config:
    """Validate ``value`` (a dict, a ``model`` instance or ``None``) against ``model``.

    ``EnvVar`` values (and ``{"env": "NAME"}`` for scalar fields) are resolved here. Raises
    ``ConfigValidationError`` (a ``ConfigError``) naming ``where`` (e.g. ``"op 'orders'"``),
    each failing field path, the bad value and the expected type; ``EnvVarError`` for an
    unset variable.
    """
    if getattr(model, "__headwater_scalar__", False) and not isinstance(value, model):
        value = None if value is None else {"value": value}
    if value is None:
        data: Mapping[str, Any] = {}
    elif isinstance(value, model):
        if not has_deferred(value):
            return value
        data = field_values(value)
    elif isinstance(value, Mapping):
        data = value
    else:
        expected = f"a {model.__name__} or a dict of its fields"
        raise ConfigValidationError(
            where, [ConfigProblem("", f"got {show_value(value)}, expected {expected}", value)]
        )
    resolved = resolve_values(model, data, where)
    try:
        return model.model_validate(resolved)
    except ValidationError as exc:
        raise ConfigValidationError(where, redact(problems_from(exc, model), data)) from None


def config_to_python(config: Config) -> Any:
    """Plain data for a validated config: the value for single-type schemas, else a dict."""
    if getattr(type(config), "__headwater_scalar__", False):
        return getattr(config, "value", None)
    return config.model_dump(by_alias=True)


def has_deferred(value: Any) -> bool:
    """Whether a model (or container) holds an ``EnvVar`` anywhere, not counting resources."""
    if isinstance(value, (EnvVar, IntEnvVar)):
        return True
    if isinstance(value, ResourceDefinition):
        return False
    if isinstance(value, BaseModel):
        return any(has_deferred(v) for v in value.__dict__.values())
    if isinstance(value, Mapping):
        return any(has_deferred(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_deferred(v) for v in value)
    return False


def resolve_values(
    model: type[BaseModel], data: Mapping[str, Any], where: str, prefix: str = ""
) -> dict[str, Any]:
    """Replace every ``EnvVar`` in ``data`` (input for ``model``) by its value.

    Also turns Dagster's run-config spellings into pydantic input: enum members given by name
    and discriminated unions given as ``{"variant": {...}}``.
    """
    by_input_name = {(f.alias or n): f for n, f in model.model_fields.items()}
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = by_input_name.get(key)
        annotation = field.annotation if field is not None else None
        if field is not None and field.discriminator is not None:
            value = tagged_form(value, annotation, field.discriminator)
        out[key] = _resolve(enum_by_name(value, annotation), annotation, where, f"{prefix}{key}")
    return out


def _resolve(value: Any, annotation: Any, where: str, path: str) -> Any:
    if isinstance(value, (EnvVar, IntEnvVar)):
        return value.resolve(f"{where} field '{path}'")
    if isinstance(value, ResourceDefinition):
        return value
    if isinstance(value, BaseModel):
        if not has_deferred(value):
            return value
        return resolve_values(type(value), field_values(value), where, f"{path}.")
    if isinstance(value, Mapping):
        env = value.get("env") if len(value) == 1 else None
        if isinstance(env, str) and _is_scalar_annotation(annotation):
            return EnvVar(env).resolve(f"{where} field '{path}'")
    structured = _resolve_structured(value, annotation, where, path)
    if structured is not _UNSTRUCTURED:
        return structured
    if not has_deferred(value):
        return value  # untouched, so objects held by Any fields keep their identity
    if isinstance(value, Mapping):
        return {k: _resolve(v, None, where, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_resolve(v, None, where, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


_UNSTRUCTURED = object()


def _resolve_structured(value: Any, annotation: Any, where: str, path: str) -> Any:
    """``value`` resolved against a ``Config`` (or list/dict of them) in ``annotation``."""
    if isinstance(value, Mapping):
        sub = _model_in(annotation) or _tagged_member(value, annotation)
        if sub is not None:
            return resolve_values(sub, value, where, f"{path}.")
        item = _item_model(annotation, dict)
        if item is not None:
            return {
                k: resolve_values(item, v, where, f"{path}.{k}.") if isinstance(v, Mapping) else v
                for k, v in value.items()
            }
    if isinstance(value, (list, tuple)):
        item = _item_model(annotation, list)
        if item is not None:
            return [
                resolve_values(item, v, where, f"{path}[{i}].") if isinstance(v, Mapping) else v
                for i, v in enumerate(value)
            ]
    return _UNSTRUCTURED


def _is_scalar_annotation(annotation: Any) -> bool:
    members = get_args(annotation) if is_union(annotation) else (annotation,)
    return all(m in _SCALARS for m in members)


def _item_model(annotation: Any, container: type) -> type[BaseModel] | None:
    """The ``Config`` class of a ``list[Model]``/``dict[str, Model]`` annotation, if any."""
    if get_origin(annotation) is not container:
        return None
    args = get_args(annotation)
    item = args[-1] if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _tagged_member(value: Mapping[str, Any], annotation: Any) -> type[BaseModel] | None:
    """The member of a discriminated union that a tagged ``value`` selects."""
    if not is_union(annotation):
        return None
    for member in get_args(annotation):
        for name, field in getattr(member, "model_fields", {}).items():
            if get_origin(field.annotation) is Literal and value.get(name) in get_args(
                field.annotation
            ):
                return member  # type: ignore[no-any-return]
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    members = get_args(annotation) if is_union(annotation) else (annotation,)
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else None


# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Output: JSON Schema


def config_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a config model (for config editors); EnvVar defaults are marked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PydanticJsonSchemaWarning)
        schema = enum_names_in_schema(model.model_json_schema(), model)
    properties = schema.get("properties", {})
    for name, info in model.model_fields.items():
        prop = properties.get(info.alias or name)
        if prop is not None and isinstance(info.default, (EnvVar, IntEnvVar)):
            prop.pop("default", None)
            prop["x-headwater-env"] = info.default.env_var_name
    if getattr(model, "__headwater_scalar__", False):
        value_schema: dict[str, Any] = dict(properties.get("value", {}))
        value_schema.pop("title", None)
        if "$defs" in schema:
            value_schema["$defs"] = schema["$defs"]
        return value_schema
    return schema
