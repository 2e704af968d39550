"""Structured config: ``Config`` classes, legacy schemas, validation and ``RunConfig``.

Run config reaches a definition as plain data (``{"limit": 10}``) and is validated against a
``Config`` subclass, a pydantic model. Legacy schemas (``config_schema={"limit": int}``) are
turned into such models. Validation errors are reported in our own words, naming the
definition, every failing field path, the bad value and what was expected.

This is one of the two modules allowed to import pydantic (with ``configurable.py``).
"""

from __future__ import annotations

import difflib
import enum
import keyword
import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic.json_schema import PydanticJsonSchemaWarning

from headwater.definitions.config.env_var import EnvVar, IntEnvVar
from headwater.definitions.config.resources import ResourceDefinition
from headwater.definitions.config.secrets import redact
from headwater.errors import DagsterInvalidConfigError, HeadwaterError, InvalidDefinitionError

__all__ = [
    "Config",
    "ConfigProblem",
    "ConfigValidationError",
    "Field",
    "ImmutableFieldError",
    "RunConfig",
    "config_json_schema",
    "config_model_from_schema",
    "config_to_dict",
    "config_to_python",
    "validate_config",
]

_SCALARS = (str, int, float, bool, type(None))


class ImmutableFieldError(HeadwaterError, AttributeError):
    """A field of a ``Config`` or ``ConfigurableResource`` was assigned after construction."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigProblem(NamedTuple):
    """One failing field: its dotted ``path`` ("" for the whole value), what is wrong, the value."""

    path: str
    message: str
    value: Any


class ConfigValidationError(DagsterInvalidConfigError):
    """Config failed validation; ``problems`` (also ``errors``) lists every failing field."""

    def __init__(self, where: str, problems: list[ConfigProblem]) -> None:
        lines = [f"Invalid config for {where}:"]
        lines += [f"  - {p.path or '(the config value)'}: {p.message}" for p in problems]
        lines.append(f"Correct the value(s) above in the config for {where}.")
        Exception.__init__(self, "\n".join(lines))  # not DagsterInvalidConfigError's layout
        self.where, self.problems, self.errors = where, problems, list(problems)
        self.description, self.config_value = f"Invalid config for {where}", None

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.where, self.problems))


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


class Config(BaseModel):
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

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
            return
        raise frozen_error(self, name)


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
            where, [ConfigProblem("", f"got {_show(value)}, expected {expected}", value)]
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


def field_values(model: BaseModel) -> dict[str, Any]:
    """The model's field values keyed by their input names (alias, else name)."""
    return {
        (info.alias or name): model.__dict__[name]
        for name, info in type(model).model_fields.items()
        if name in model.__dict__
    }


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
    """Replace every ``EnvVar`` in ``data`` (input for ``model``) by its value."""
    by_input_name = {(f.alias or n): f for n, f in model.model_fields.items()}
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = by_input_name.get(key)
        annotation = field.annotation if field is not None else None
        out[key] = _resolve(value, annotation, where, f"{prefix}{key}")
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
        sub = _model_in(annotation)
        if sub is not None:
            return resolve_values(sub, value, where, f"{path}.")
    if not has_deferred(value):
        return value  # untouched, so objects held by Any fields keep their identity
    if isinstance(value, Mapping):
        return {k: _resolve(v, None, where, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_resolve(v, None, where, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _is_scalar_annotation(annotation: Any) -> bool:
    members = get_args(annotation) if _is_union(annotation) else (annotation,)
    return all(m in _SCALARS for m in members)


def _is_union(annotation: Any) -> bool:
    origin = get_origin(annotation)
    return origin is Union or getattr(origin, "__name__", "") == "UnionType"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    members = get_args(annotation) if _is_union(annotation) else (annotation,)
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else None


# ---------------------------------------------------------------------------------------------
# Error translation

_KIND_WORDS = {
    "int": "an integer",
    "float": "a number",
    "string": "a string",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping",
    "tuple": "a list",
    "set": "a list of unique items",
    "datetime": "a date-time",
    "date": "a date",
}


_BOUNDS = {
    "greater_than": ">",
    "greater_than_equal": ">=",
    "less_than": "<",
    "less_than_equal": "<=",
}


def problems_from(exc: ValidationError, model: type[BaseModel]) -> list[ConfigProblem]:
    """Our description of each failing field in ``exc`` (grouping union alternatives)."""
    by_path: dict[str, list[tuple[Any, _Spot]]] = {}
    for error in exc.errors():
        spot = _walk(model, error["loc"])
        path = spot.path
        if getattr(model, "__headwater_scalar__", False) and path.startswith("value"):
            path = path[len("value") :].lstrip(".")
        by_path.setdefault(path, []).append((error, spot))
    problems = []
    for path, errors in by_path.items():
        error, spot = errors[0]
        if len(errors) > 1:
            message = f"got {_show(error['input'])}, expected {_type_name(spot.declared)}"
        else:
            message = _message(error, spot)
        problems.append(ConfigProblem(path, message, error["input"]))
    return problems


class _Spot(NamedTuple):
    """Where an error's location points: display path, declared and narrowed types, owner."""

    path: str
    declared: Any
    current: Any
    owner: Any


def _walk(model: type[BaseModel], loc: tuple[int | str, ...]) -> _Spot:
    parts: list[str] = []
    current: Any = model
    declared: Any = model
    owner: Any = None
    for item in loc:
        if _is_union(current):
            members = [a for a in get_args(current) if a is not type(None)]
            tagged = [a for a in members if getattr(a, "__name__", None) == item]
            if tagged:  # pydantic names the union member it tried; not part of the path
                current = tagged[0]
                continue
            models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            current = models[0] if len(models) == 1 else (members[0] if members else None)
        owner = None
        if isinstance(current, type) and issubclass(current, BaseModel):
            owner = current
            fields = {(f.alias or n): f for n, f in current.model_fields.items()}
            field = fields.get(str(item))
            parts.append(f".{item}")
            current = field.annotation if field is not None else None
        else:
            origin = get_origin(current)
            args = get_args(current)
            if isinstance(item, int) and origin in (list, tuple, set, frozenset):
                parts.append(f"[{item}]")
                current = args[0] if args else None
            else:
                parts.append(f"[{item!r}]" if origin is dict else f".{item}")
                current = args[1] if origin is dict and len(args) == 2 else None
        declared = current
    return _Spot("".join(parts).lstrip("."), declared, current, owner)


def _message(error: Any, spot: _Spot) -> str:
    annotation, owner = spot.current, spot.owner
    kind: str = error["type"]
    value = error["input"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing; give it a value"
    if kind == "extra_forbidden":
        return _unknown_field_message(error["loc"][-1], owner)
    if kind in ("literal_error", "enum"):
        return f"got {_show(value)}, expected one of {ctx.get('expected')}"
    if kind in _BOUNDS:
        limit = next(iter(ctx.values()), "?")
        return f"got {_show(value)}, expected a value {_BOUNDS[kind]} {limit}"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        limit = ctx.get("min_length", ctx.get("max_length"))
        word = "at least" if "short" in kind else "at most"
        return f"got {_show(value)}, expected {word} {limit} item(s)/character(s)"
    if kind in ("value_error", "assertion_error"):
        return f"got {_show(value)}: {ctx.get('error', error['msg'])}"
    if kind in ("model_type", "model_attributes_type", "dataclass_type"):
        return f"got {_show(value)}, expected a mapping of field names to values"
    expected = _type_name(annotation) if annotation is not None else _kind_word(kind)
    return f"got {_show(value)}, expected {expected}"


def _unknown_field_message(name: Any, owner: Any) -> str:
    if not (isinstance(owner, type) and issubclass(owner, BaseModel)):
        return "is not a known field; remove it"
    allowed = sorted((f.alias or n) for n, f in owner.model_fields.items())
    hint = difflib.get_close_matches(str(name), allowed, n=1)
    suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
    listed = ", ".join(allowed) or "none"
    return f"is not a known field (known fields: {listed}); remove it.{suggestion}"


def _kind_word(kind: str) -> str:
    return _KIND_WORDS.get(kind.split("_", 1)[0], "a valid value")


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return f"a mapping of {annotation.__name__}'s fields"
        if issubclass(annotation, enum.Enum):
            return "one of " + ", ".join(repr(m.value) for m in annotation)
        return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
            annotation, annotation.__name__
        )
    return str(annotation).replace("typing.", "")


def _show(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


# ---------------------------------------------------------------------------------------------
# Output: JSON Schema and run config dictionaries


def config_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of a config model (for config editors); EnvVar defaults are marked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PydanticJsonSchemaWarning)
        schema = model.model_json_schema()
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


def config_to_dict(config: BaseModel) -> dict[str, Any]:
    """Run-config data for a config (or resource) instance: ``EnvVar`` becomes ``{"env": name}``.

    Fields holding resources are left out; they are not config.
    """
    return {
        key: _dump(value)
        for key, value in field_values(config).items()
        if not isinstance(value, ResourceDefinition)
    }


def _dump(value: Any) -> Any:
    if isinstance(value, (EnvVar, IntEnvVar)):
        return {"env": value.env_var_name}
    if isinstance(value, BaseModel):
        return config_to_dict(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_dump(v) for v in value]
    return value


_ENTRY_KEYS = frozenset({"config", "inputs", "outputs"})


def _entry(value: Any) -> Any:
    """``{"config": ...}`` for a config instance or a bare config dict; full entries as is."""
    if isinstance(value, BaseModel):
        return {"config": config_to_dict(value)}
    if isinstance(value, Mapping) and "config" in value and set(value) <= _ENTRY_KEYS:
        return {k: _dump(v) for k, v in value.items()}
    return {"config": _dump(value)}


class RunConfig:
    """Run config built from ``Config`` instances and dicts, for launching runs in code.

    Args:
        ops: config per op or asset name; a ``Config`` instance or a dict of its fields (a
            dict that already has the shape ``{"config": {...}}`` is used as is).
        resources: config per resource key: a ``ConfigurableResource``/``Config`` instance or
            a dict of its fields.
        loggers: logger config, passed through.
        execution: executor config, passed through.
    """

    def __init__(
        self,
        ops: Mapping[str, Any] | None = None,
        resources: Mapping[str, Any] | None = None,
        loggers: Mapping[str, Any] | None = None,
        execution: Mapping[str, Any] | None = None,
    ) -> None:
        self.ops = dict(ops or {})
        self.resources = dict(resources or {})
        self.loggers = dict(loggers or {})
        self.execution = dict(execution or {})

    def to_config_dict(self) -> dict[str, Any]:
        """The run config as plain data; only the non-empty parts appear."""
        out: dict[str, Any] = {}
        if self.ops:
            out["ops"] = {name: _entry(value) for name, value in self.ops.items()}
        if self.resources:
            out["resources"] = {key: _entry(value) for key, value in self.resources.items()}
        if self.loggers:
            out["loggers"] = _dump(self.loggers)
        if self.execution:
            out["execution"] = _dump(self.execution)
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunConfig) and self.to_config_dict() == other.to_config_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RunConfig({self.to_config_dict()!r})"
