"""The JSON Schema of an old-style config schema, for the UI's config editor.

The editor validates and completes run config with it, so it says what the server accepts:
required fields, defaults (as given in config, e.g. an enum's name), unknown keys refused
except in ``Permissive``, exactly one key in a ``Selector``, ``{"env": "NAME"}`` for sources.
"""

from __future__ import annotations

import typing

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
)

__all__ = ["field_json_schema", "type_json_schema"]

_ENV = {
    "type": "object",
    "properties": {"env": {"type": "string", "description": "name of an environment variable"}},
    "required": ["env"],
    "additionalProperties": False,
}


def field_json_schema(field: Field) -> dict[str, typing.Any]:
    """The schema of a field's value, with its description and default."""
    schema = type_json_schema(field.config_type)
    if field.description:
        schema["description"] = field.description
    if field.default_provided:
        schema["default"] = _config_default(field.config_type, field.default_value)
    elif not field.is_required and isinstance(field.config_type, Noneable):
        schema["default"] = None
    return schema


def _config_default(config_type: ConfigType, value: typing.Any) -> typing.Any:
    """A default as run config would give it (enum members by their config names)."""
    if isinstance(config_type, Enum):
        try:
            return config_type.to_config_value(value)
        except Exception:  # noqa: BLE001 - checked when the Field was built
            return value
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return repr(value)


def _fields_schema(fields: dict[str, Field]) -> tuple[dict[str, typing.Any], list[str]]:
    properties = {name: field_json_schema(field) for name, field in fields.items()}
    required = sorted(name for name, field in fields.items() if field.is_required)
    return properties, required


def type_json_schema(config_type: ConfigType) -> dict[str, typing.Any]:
    """The JSON Schema of one config type.

    Each node also carries what the server's messages say about it, so the UI's validator
    words its errors the same way: ``x-headwater-type`` (the type's name, for a missing
    field) and ``x-headwater-expected`` (what a wrong value is told was expected).
    """
    schema = _node_schema(config_type)
    expected = _expected(config_type)
    if expected is not None and "x-headwater-expected" not in schema:
        schema["x-headwater-expected"] = expected
        schema["x-headwater-type"] = config_type.type_name
    return schema


def _expected(config_type: ConfigType) -> str | None:
    """What a mismatch message says was expected (as ``schema_validation`` words it)."""
    if isinstance(config_type, ScalarType):
        return config_type.name
    if isinstance(config_type, SourceType):
        return f'{config_type.scalar.name} or {{"env": "NAME"}}'
    if isinstance(config_type, Enum):
        options = ", ".join(repr(v) for v in config_type.config_values)
        return f"one of {options} (enum {config_type.name})"
    if isinstance(config_type, Selector):
        return f"a mapping with {config_type.type_name}"
    if isinstance(config_type, (Shape, Map)):
        return f"a mapping {config_type.type_name}"
    if isinstance(config_type, Array):
        return f"a list {config_type.type_name}"
    if config_type.kind == "nothing":
        return "nothing (null)"
    return None  # Noneable, ScalarUnion, Any, configured: their parts say it


def _node_schema(config_type: ConfigType) -> dict[str, typing.Any]:  # noqa: C901
    """The JSON Schema of one config type, without the message annotations."""
    if isinstance(config_type, ScalarType):
        return {"type": config_type.json_type}
    if isinstance(config_type, SourceType):
        return {
            "anyOf": [{"type": config_type.scalar.json_type}, _ENV],
            "x-headwater-source": config_type.scalar.name,
        }
    if isinstance(config_type, Shape):
        properties, required = _fields_schema(config_type.fields)
        schema: dict[str, typing.Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        schema["additionalProperties"] = config_type.kind == "permissive"
        return _described(schema, config_type)
    if isinstance(config_type, Selector):
        properties, _ = _fields_schema(config_type.fields)
        return _described(
            {
                "type": "object",
                "properties": properties,
                "additionalProperties": False,
                "minProperties": 0 if len(properties) == 1 else 1,
                "maxProperties": 1,
            },
            config_type,
        )
    if isinstance(config_type, Noneable):
        return {"anyOf": [type_json_schema(config_type.inner_type), {"type": "null"}]}
    if isinstance(config_type, Array):
        return {"type": "array", "items": type_json_schema(config_type.inner_type)}
    if isinstance(config_type, Map):
        return {"type": "object", "additionalProperties": type_json_schema(config_type.inner_type)}
    if isinstance(config_type, Enum):
        return {"title": config_type.name, "enum": config_type.config_values}
    if isinstance(config_type, ScalarUnion):
        return {
            "anyOf": [
                type_json_schema(config_type.scalar_type),
                type_json_schema(config_type.non_scalar_type),
            ]
        }
    if config_type.kind == "mapped":  # configured(): run config gives the outer schema
        outer: ConfigType = getattr(config_type, "outer_type")  # noqa: B009 - no import cycle
        return type_json_schema(outer)
    if config_type.kind == "nothing":
        return {"type": "null"}
    return {}


def _described(schema: dict[str, typing.Any], config_type: ConfigType) -> dict[str, typing.Any]:
    if config_type.description:
        schema["description"] = config_type.description
    return schema
