"""Config validation errors in our own words: every failing field's path, the value, the fix.

pydantic's ``ValidationError`` is translated into ``ConfigProblem`` items, each naming the
field path (``limit``, ``nested.items[2]``), what was expected and the bad value.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Mapping
from typing import Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from headwater.errors import DagsterInvalidConfigError

__all__ = ["ConfigProblem", "ConfigValidationError", "is_union", "problems_from", "show_value"]


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


def is_union(annotation: Any) -> bool:
    """Whether ``annotation`` is a ``Union``/``X | Y`` type."""
    origin = get_origin(annotation)
    return origin is Union or getattr(origin, "__name__", "") == "UnionType"


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
            message = f"got {show_value(error['input'])}, expected {_type_name(spot.declared)}"
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
        if is_union(current):
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


_CHOICE_KINDS = frozenset({"literal_error", "enum", "union_tag_invalid", "union_tag_not_found"})


def _choice_message(kind: str, value: Any, ctx: Mapping[str, Any], annotation: Any) -> str:
    if kind == "enum" and isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        names = ", ".join(annotation.__members__)
        return f"got {show_value(value)}, expected one of the names {names}"
    if kind == "union_tag_invalid":
        key, tags = ctx.get("discriminator", "?"), ctx.get("expected_tags", "?")
        return (
            f"got {show_value(ctx.get('tag'))} for {key}, expected one of {tags} (give it as "
            f"{{{key}: <one of them>, ...}} or as {{<one of them>: {{...}}}})"
        )
    if kind == "union_tag_not_found":
        key = ctx.get("discriminator", "?")
        return f"got {show_value(value)}, which does not say which variant it is; add {key}"
    return f"got {show_value(value)}, expected one of {ctx.get('expected')}"


def _message(error: Any, spot: _Spot) -> str:
    annotation, owner = spot.current, spot.owner
    kind: str = error["type"]
    value = error["input"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing; give it a value"
    if kind == "extra_forbidden":
        return _unknown_field_message(error["loc"][-1], owner)
    if kind in _CHOICE_KINDS:
        return _choice_message(kind, value, ctx, annotation)
    if kind in _BOUNDS:
        limit = next(iter(ctx.values()), "?")
        return f"got {show_value(value)}, expected a value {_BOUNDS[kind]} {limit}"
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        limit = ctx.get("min_length", ctx.get("max_length"))
        word = "at least" if "short" in kind else "at most"
        return f"got {show_value(value)}, expected {word} {limit} item(s)/character(s)"
    if kind in ("value_error", "assertion_error"):
        return f"got {show_value(value)}: {ctx.get('error', error['msg'])}"
    if kind in ("model_type", "model_attributes_type", "dataclass_type"):
        return f"got {show_value(value)}, expected a mapping of field names to values"
    expected = _type_name(annotation) if annotation is not None else _kind_word(kind)
    return f"got {show_value(value)}, expected {expected}"


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


def show_value(value: Any) -> str:
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"
