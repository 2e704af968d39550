"""Validating a value against an old-style config schema and filling in its defaults.

One walk over the value both checks it and builds the processed config the op or resource
receives: defaults filled in, ``Enum`` strings turned into their Python values and, when the
run starts, ``{"env": "NAME"}`` sources read from the environment. Every problem is collected
(not just the first), each naming its path (``ops.my_op.config.path``), what was expected and
what was given. An environment variable's value is never shown: it may be a secret.
"""

from __future__ import annotations

import copy
import difflib
import enum as _enum
import os
import typing
from collections.abc import Mapping

from headwater.definitions.config.schema_types import (
    Array,
    ConfigType,
    Enum,
    Field,
    Map,
    Noneable,
    ScalarType,
    ScalarUnion,
    Selector,
    Shape,
    SourceType,
    has_implicit_default,
)
from headwater.errors import DagsterInvalidConfigError, InvalidDefinitionError

__all__ = ["EvaluationError", "check_default", "process_config", "validate_field"]

RUNTIME_TYPE_MISMATCH = "RUNTIME_TYPE_MISMATCH"
MISSING_REQUIRED_FIELD = "MISSING_REQUIRED_FIELD"
FIELD_NOT_DEFINED = "FIELD_NOT_DEFINED"
SELECTOR_FIELD_ERROR = "SELECTOR_FIELD_ERROR"
ENV_VAR_ERROR = "ENV_VAR_ERROR"


class EvaluationError(typing.NamedTuple):
    """One problem: where (``path``), which kind (``reason``) and the full ``message``."""

    path: str
    reason: str
    message: str


_MISSING: typing.Any = object()


def _show(value: object) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _at(path: str) -> str:
    return f"at path {path}" if path else "at the root"


class _Walk:
    """State of one validation: collected errors and whether env sources are read."""

    __slots__ = ("errors", "resolve_env")

    def __init__(self, resolve_env: bool) -> None:
        self.errors: list[EvaluationError] = []
        self.resolve_env = resolve_env

    def fail(self, path: str, reason: str, message: str) -> None:
        self.errors.append(EvaluationError(path, reason, message))

    def mismatch(self, path: str, expected: str, value: object) -> None:
        self.fail(
            path,
            RUNTIME_TYPE_MISMATCH,
            f"Invalid value {_at(path)}: expected {expected}, got {_show(value)}.",
        )

    def value(self, t: ConfigType, value: typing.Any, path: str) -> typing.Any:  # noqa: C901
        kind = t.kind
        if kind == "scalar":
            assert isinstance(t, ScalarType)
            if not t.accepts(value):
                self.mismatch(path, t.name, value)
            return value
        if kind == "any":
            return value
        if kind in ("shape", "permissive"):
            assert isinstance(t, Shape)
            return self.shape(t, value, path)
        if kind == "noneable":
            assert isinstance(t, Noneable)
            return None if value is None else self.value(t.inner_type, value, path)
        if kind == "array":
            assert isinstance(t, Array)
            if not isinstance(value, list):
                self.mismatch(path, f"a list {t.type_name}", value)
                return value
            return [self.value(t.inner_type, v, f"{path}[{i}]") for i, v in enumerate(value)]
        if kind == "enum":
            assert isinstance(t, Enum)
            return self.enum(t, value, path)
        if kind == "source":
            assert isinstance(t, SourceType)
            return self.source(t, value, path)
        if kind == "selector":
            assert isinstance(t, Selector)
            return self.selector(t, value, path)
        if kind == "map":
            assert isinstance(t, Map)
            return self.map(t, value, path)
        if kind == "mapped":  # configured(): config_mapping.MappedConfigType
            return t.process(value, path)  # type: ignore[attr-defined]
        if kind == "scalar_union":
            assert isinstance(t, ScalarUnion)
            inner = t.non_scalar_type if isinstance(value, (Mapping, list)) else t.scalar_type
            return self.value(inner, value, path)
        if value is not None:  # Nothing
            self.mismatch(path, "nothing (null)", value)
        return None

    def shape(self, t: Shape, value: typing.Any, path: str) -> typing.Any:
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            self.mismatch(path, f"a mapping {t.type_name}", value)
            return value
        fields = t.fields
        out: dict[str, typing.Any] = {}
        for key, item in value.items():
            name = str(t.field_aliases.get(key, key))
            field = fields.get(name)
            if field is not None:
                out[name] = self.value(field.config_type, item, _join(path, name))
            elif t.kind == "permissive":
                out[key] = item
            else:
                self.unknown(t, key, path)
        for name, field in fields.items():
            if name not in out and name not in value:
                filled = self.absent(field, _join(path, name))
                if filled is not _MISSING:
                    out[name] = filled
        return out

    def absent(self, field: Field, path: str) -> typing.Any:
        """The value of a field that was not given: its default, or an error if required."""
        if field.default_provided:
            default = field.default_value
            if isinstance(default, (dict, list)):  # never hand out the definition's own object
                default = copy.deepcopy(default)
            return self.value(field.config_type, default, path)
        if field.is_required:
            self.fail(
                path,
                MISSING_REQUIRED_FIELD,
                f"Missing required config entry {_at(path)}: expected "
                f"{field.config_type.type_name}. Add it to the config.",
            )
            return _MISSING
        if has_implicit_default(field.config_type):
            return self.value(field.config_type, None, path)
        return _MISSING

    def unknown(self, t: Shape | Selector, key: object, path: str) -> None:
        known = sorted(t.fields)
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        self.fail(
            _join(path, str(key)),
            FIELD_NOT_DEFINED,
            f'Unexpected config entry "{key}" {_at(path)}; the fields there are '
            f"{', '.join(known) or 'none'}.{hint} Remove it or fix its name.",
        )

    def selector(self, t: Selector, value: typing.Any, path: str) -> typing.Any:
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            self.mismatch(path, f"a mapping with {t.type_name}", value)
            return value
        names = ", ".join(sorted(t.fields))
        if not value and len(t.fields) == 1:
            name, field = next(iter(t.fields.items()))
            filled = self.absent(field, _join(path, name))
            return value if filled is _MISSING else {name: filled}
        if len(value) != 1:
            given = ", ".join(map(str, value)) if value else "none"
            self.fail(
                path,
                SELECTOR_FIELD_ERROR,
                f"Invalid value {_at(path)}: give exactly one of the fields {names}; got "
                f"{given}.",
            )
            return value
        key, item = next(iter(value.items()))
        chosen = t.fields.get(key)
        if chosen is None:
            self.unknown(t, key, path)
            return value
        return {key: self.value(chosen.config_type, item, _join(path, key))}

    def map(self, t: Map, value: typing.Any, path: str) -> typing.Any:
        if not isinstance(value, Mapping):
            self.mismatch(path, f"a mapping {t.type_name}", value)
            return value
        out = {}
        for key, item in value.items():
            where = f"{path}[{key!r}]"
            if not t.key_type.accepts(key):
                self.mismatch(where, f"a key of type {t.key_type.name}", key)
            out[key] = self.value(t.inner_type, item, where)
        return out

    def enum(self, t: Enum, value: typing.Any, path: str) -> typing.Any:
        found = t.lookup(value)
        if found is None and isinstance(value, _enum.Enum):  # a default given as a member
            found = next((v for v in t.enum_values if v.python_value is value), None)
        if found is None:
            options = ", ".join(repr(v) for v in t.config_values)
            self.mismatch(path, f"one of {options} (enum {t.name})", value)
            return value
        return found.python_value

    def source(self, t: SourceType, value: typing.Any, path: str) -> typing.Any:
        if not isinstance(value, Mapping):
            if not t.scalar.accepts(value):
                self.mismatch(path, f'{t.scalar.name} or {{"env": "NAME"}}', value)
            return value
        name = value.get("env")
        if set(value) != {"env"} or not isinstance(name, str) or not name:
            self.mismatch(path, f'{t.scalar.name} or {{"env": "NAME"}}', value)
            return value
        if not self.resolve_env:
            return value
        return self.env(t.scalar, name, path)

    def env(self, scalar: ScalarType, name: str, path: str) -> typing.Any:
        raw = os.environ.get(name)
        if raw is None:
            self.fail(
                path,
                ENV_VAR_ERROR,
                f'Environment variable "{name}" {_at(path)} is not set. Set it in the '
                "environment of the code location (its runs inherit it), or give the value "
                "directly.",
            )
            return None
        parsed = _parse_env(scalar, raw)
        if parsed is _MISSING:
            self.fail(
                path,
                ENV_VAR_ERROR,
                f'Environment variable "{name}" {_at(path)} is set, but its value is not a '
                f"valid {scalar.name} (the value is not shown; it may be a secret).",
            )
            return None
        return parsed


def _parse_env(scalar: ScalarType, raw: str) -> typing.Any:
    if scalar.name == "String":
        return raw
    if scalar.name == "Bool":
        return raw.strip().lower() not in ("false", "none", "0", "")
    try:
        return int(raw.strip()) if scalar.name == "Int" else float(raw.strip())
    except ValueError:
        return _MISSING


def process_config(
    field: Field, value: typing.Any, *, path: str = "", resolve_env: bool = True
) -> tuple[typing.Any, list[EvaluationError]]:
    """Validate ``value`` for the top-level ``field``: ``(processed value, errors)``.

    ``None`` means "not given": the field's default (or implicit default) is used. With
    ``resolve_env=False`` sources stay ``{"env": NAME}`` and the environment is not read
    (for checking run config before a run, in a process that may not have the variables).
    """
    walk = _Walk(resolve_env)
    if value is None and not (field.is_required and not has_implicit_default(field.config_type)):
        result = walk.absent(field, path)
        return (None if result is _MISSING else result), walk.errors
    if value is None:
        walk.fail(
            path,
            MISSING_REQUIRED_FIELD,
            f"Missing required config entry {_at(path)}: expected "
            f"{field.config_type.type_name}. Add it to the config.",
        )
        return None, walk.errors
    return walk.value(field.config_type, value, path), walk.errors


def validate_field(
    field: Field,
    value: typing.Any,
    where: str,
    *,
    path: str = "",
    resolve_env: bool = True,
) -> typing.Any:
    """The processed config; raises ``DagsterInvalidConfigError`` listing every problem.

    ``where`` names the owner for the message's first line (``op 'my_op'``); ``path`` is where
    the value sits in the run config (``ops.my_op.config``).
    """
    processed, errors = process_config(field, value, path=path, resolve_env=resolve_env)
    if errors:
        count = f"{len(errors)} errors" if len(errors) > 1 else "1 error"
        raise DagsterInvalidConfigError(
            f"Error in config for {where} ({count}); correct the run config:", errors, value
        )
    return processed


def check_default(config_type: ConfigType, default: typing.Any) -> None:
    """Refuse a ``Field`` default that does not match its type (at definition time)."""
    walk = _Walk(resolve_env=False)
    walk.value(config_type, default, "")
    # Required nested fields may be left for run config only when there is no default.
    problems = [e for e in walk.errors if e.reason != ENV_VAR_ERROR]
    if problems:
        details = "; ".join(e.message for e in problems)
        raise InvalidDefinitionError(
            f"Invalid default_value {default!r} for Field({config_type.type_name}): {details} "
            "Give a default that matches the field's type."
        )

