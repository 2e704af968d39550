"""The metaclass of ``Config`` and resource classes: ``Optional`` fields default to ``None``.

Dagster users write ``name: Optional[str]`` (no default) and expect the field to be optional
both in run config and when constructing the class, as with the older schema API's
``Noneable``. pydantic would make such a field required, so the metaclass gives every
``Optional`` field without a default the default ``None`` before pydantic builds the model.
"""

from __future__ import annotations

import re
from typing import Any, Union, get_args, get_origin

from pydantic._internal._model_construction import ModelMetaclass

__all__ = ["OptionalDefaultsMeta", "is_optional_annotation"]

# ``from __future__ import annotations`` leaves annotations as strings.
_OPTIONAL_TEXT = re.compile(r"^\s*(typing\.)?Optional\[|\|\s*None\s*$|^\s*None\s*\||^Union\[.*None")


def is_optional_annotation(annotation: Any) -> bool:
    """Whether ``annotation`` (a type or its source text) admits ``None``."""
    if isinstance(annotation, str):
        return bool(_OPTIONAL_TEXT.search(annotation.strip()))
    origin = get_origin(annotation)
    if origin is Union or getattr(origin, "__name__", "") == "UnionType":
        return type(None) in get_args(annotation)
    return False


class OptionalDefaultsMeta(ModelMetaclass):
    """Gives ``Optional`` fields declared without a default the default ``None``."""

    def __new__(
        mcs, name: str, bases: tuple[type[Any], ...], namespace: dict[str, Any], **kwargs: Any
    ) -> type:
        annotations = namespace.get("__annotations__", {})
        for field, annotation in annotations.items():
            if field.startswith("_") or field in namespace:
                continue
            if "ClassVar" in str(annotation):
                continue
            if is_optional_annotation(annotation):
                namespace[field] = None
        return super().__new__(mcs, name, bases, namespace, **kwargs)
