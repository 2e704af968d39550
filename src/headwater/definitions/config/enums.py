"""Python enums in config: run config names the member (``color: RED``), as in Dagster.

``Config`` fields typed with an ``enum.Enum`` accept the member itself in Python and the
member's name in run config; the config's JSON Schema lists the names, so the UI's editor
completes and checks what the server accepts.
"""

from __future__ import annotations

import enum
from typing import Any, Union, get_args, get_origin

__all__ = ["enum_by_name", "enum_class", "enum_names_in_schema"]


def enum_class(annotation: Any) -> type[enum.Enum] | None:
    """The enum class of ``annotation`` (also inside ``Optional[...]``), if it is one."""
    origin = get_origin(annotation)
    if origin is Union or getattr(origin, "__name__", "") == "UnionType":
        members = [a for a in get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    return None


def enum_by_name(value: Any, annotation: Any) -> Any:
    """``value`` with enum member names (for an enum-typed field or list) made members."""
    cls = enum_class(annotation)
    if cls is not None:
        return cls.__members__.get(value, value) if isinstance(value, str) else value
    if get_origin(annotation) is list and isinstance(value, list):
        args = get_args(annotation)
        item = enum_class(args[0]) if args else None
        if item is not None:
            return [item.__members__.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def enum_names_in_schema(schema: dict[str, Any], model: Any) -> dict[str, Any]:
    """``schema`` (the JSON Schema of ``model``) with each enum listed by member names."""
    enums = _enums_of(model, set())
    for definition in schema.get("$defs", {}).values():
        cls = enums.get(definition.get("title"))
        if cls is not None and "enum" in definition:
            definition["enum"] = list(cls.__members__)
            definition["type"] = "string"
    return schema


def _enums_of(model: Any, seen: set[int]) -> dict[str, type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    if id(model) in seen:
        return found
    seen.add(id(model))
    for field in getattr(model, "model_fields", {}).values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
                found[annotation.__name__] = annotation
            elif isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                found.update(_enums_of(annotation, seen))
            else:
                stack.extend(get_args(annotation))
    return found
