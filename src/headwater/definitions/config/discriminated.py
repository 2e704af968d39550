"""Discriminated unions of ``Config`` classes: the core-schema fix-up and Dagster's key form.

``Config`` keeps ``EnvVar`` values for every field with a wrap validator, but pydantic refuses a
discriminator field (``pet_type: Literal["cat"]``) behind any validator; a literal cannot hold
an ``EnvVar``, so the validator is dropped from literal fields of the model's core schema.

Dagster writes a discriminated union in run config as a one-key mapping naming the variant
(``{"pet": {"cat": {"meows": 1}}}``); ``tagged_form`` turns that into pydantic's form
(``{"pet": {"pet_type": "cat", "meows": 1}}``). Values already in that form are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

__all__ = ["tagged_form", "without_literal_validators"]


def without_literal_validators(schema: Any) -> Any:
    """``schema`` (a model's core schema) with wrap validators removed from literal fields."""
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "model-fields":
        for field in schema.get("fields", {}).values():
            field["schema"] = _unwrapped(field["schema"])
    if kind == "definitions":
        for definition in schema.get("definitions", []):
            without_literal_validators(definition)
    inner = schema.get("schema")
    if isinstance(inner, dict):
        without_literal_validators(inner)
    return schema


def _unwrapped(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "default":
        schema["schema"] = _unwrapped(schema["schema"])
        return schema
    inner = schema.get("schema")
    if schema.get("type") == "function-wrap" and isinstance(inner, dict):
        if inner.get("type") == "literal":
            return inner
    return schema


def tagged_form(value: Any, annotation: Any, discriminator: Any) -> Any:
    """Dagster's ``{"variant": {...}}`` for a discriminated union, in pydantic's tagged form."""
    if not isinstance(discriminator, str) or not isinstance(value, Mapping) or len(value) != 1:
        return value
    ((tag, inner),) = value.items()
    if tag == discriminator or not isinstance(inner, Mapping) or discriminator in inner:
        return value
    if tag not in variant_tags(annotation, discriminator):
        return value
    return {discriminator: tag, **inner}


def variant_tags(annotation: Any, discriminator: str) -> set[Any]:
    """The discriminator values of the union ``annotation``'s members."""
    tags: set[Any] = set()
    for member in get_args(annotation):
        fields = getattr(member, "model_fields", {})
        field = fields.get(discriminator)
        if field is not None and get_origin(field.annotation) is Literal:
            tags.update(get_args(field.annotation))
    return tags
