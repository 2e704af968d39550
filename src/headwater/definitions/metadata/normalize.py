"""Normalising user metadata: plain Python values in, typed :class:`MetadataValue` objects out."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.metadata.table import TableColumnLineage, TableSchema
from headwater.definitions.metadata.values import (
    METADATA_VALUE_TYPES,
    AssetMetadataValue,
    BoolMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    MetadataValue,
    NullMetadataValue,
    PathMetadataValue,
    TableColumnLineageMetadataValue,
    TableSchemaMetadataValue,
    TextMetadataValue,
)
from headwater.errors import InvalidDefinitionError

_Infer = Callable[[Any], MetadataValue]


def _identity(value: MetadataValue) -> MetadataValue:
    return value


_NULL = NullMetadataValue()

# Exact-type dispatch: the common path costs one dict lookup and one call per value.
_INFER_BY_TYPE: dict[type, _Infer] = {
    str: TextMetadataValue,
    bool: BoolMetadataValue,
    int: IntMetadataValue,
    float: FloatMetadataValue,
    dict: MetadataValue.json,
    list: MetadataValue.json,
    type(None): lambda _: _NULL,
    datetime: MetadataValue.timestamp,
    AssetKey: AssetMetadataValue,
    TableSchema: TableSchemaMetadataValue,
    TableColumnLineage: TableColumnLineageMetadataValue,
    type(pathlib.Path()): lambda path: PathMetadataValue(os.fspath(path)),
    **{cls: _identity for cls in METADATA_VALUE_TYPES},
}

# Subclasses (str enums, numpy floats, pandas timestamps, ...), tried in order. bool comes
# before int because bool is a subclass of int.
_INFER_BY_BASE: tuple[tuple[type | tuple[type, ...], _Infer], ...] = (
    (MetadataValue, _identity),
    (bool, lambda value: BoolMetadataValue(bool(value))),
    (str, lambda value: TextMetadataValue(str.__str__(value))),
    (int, lambda value: IntMetadataValue(int(value))),
    (float, lambda value: FloatMetadataValue(float(value))),
    ((dict, list), MetadataValue.json),
    (datetime, MetadataValue.timestamp),
    (os.PathLike, MetadataValue.path),
    (AssetKey, AssetMetadataValue),
    (TableSchema, TableSchemaMetadataValue),
    (TableColumnLineage, TableColumnLineageMetadataValue),
)


class _BadEntry(Exception):
    def __init__(self, key: object, value: object, reason: str | None) -> None:
        super().__init__(key)
        self.key = key
        self.value = value
        self.reason = reason


def normalize_metadata(
    raw: Mapping[str, Any] | None, *, allow_invalid: bool = False
) -> dict[str, MetadataValue]:
    """Turn user-supplied metadata into ``{key: MetadataValue}``.

    Plain values are wrapped by type: ``str`` → text, ``bool`` → bool, ``int`` → int,
    ``float`` (NaN and infinities included) → float, ``dict``/``list`` → json,
    ``datetime`` (with a time zone) → timestamp, ``None`` → null, ``pathlib.Path`` → path,
    ``AssetKey`` → asset, ``TableSchema`` → table schema; ``MetadataValue`` objects are kept.

    Args:
        raw: the metadata, or None for none.
        allow_invalid: store a value of any other type as text of its ``repr`` instead of
            raising.

    Raises:
        InvalidDefinitionError: a key is not a string, or a value cannot be stored; the message
            names the key and the value's type.
    """
    if not raw:
        return {}
    try:
        return _normalize_strict(raw)
    except _BadEntry as bad:
        if allow_invalid and isinstance(bad.key, str):
            return _normalize_lenient(raw)
        raise InvalidDefinitionError(_bad_entry_message(bad)) from None


def _normalize_strict(raw: Mapping[str, Any]) -> dict[str, MetadataValue]:
    result: dict[str, MetadataValue] = {}
    infer_by_type = _INFER_BY_TYPE
    key: object = None
    value: object = None
    try:  # one handler for the whole loop: nothing is set up per value
        for key, value in raw.items():
            if type(key) is not str:
                raise _BadEntry(key, value, "key")
            infer = infer_by_type.get(type(value)) or _infer_by_base(value)
            if infer is None:
                raise _BadEntry(key, value, None)
            result[key] = infer(value)
    except InvalidDefinitionError as error:
        raise _BadEntry(key, value, str(error)) from None
    return result


def _normalize_lenient(raw: Mapping[str, Any]) -> dict[str, MetadataValue]:
    result: dict[str, MetadataValue] = {}
    for key, value in raw.items():
        try:
            result.update(_normalize_strict({key: value}))
        except _BadEntry as bad:
            if bad.reason == "key":
                raise InvalidDefinitionError(_bad_entry_message(bad)) from None
            result[key] = TextMetadataValue(repr(value))
    return result


def _infer_by_base(value: object) -> _Infer | None:
    for base, infer in _INFER_BY_BASE:
        if isinstance(value, base):
            return infer
    return None


def _bad_entry_message(bad: _BadEntry) -> str:
    kind = type(bad.value)
    type_name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else (f"{kind.__module__}.{kind.__qualname__}")
    )
    if bad.reason == "key":
        return (
            f"Metadata keys must be strings; got {type(bad.key).__name__} {bad.key!r}. "
            "Use a string key, e.g. str(key)."
        )
    if bad.reason is not None:
        return f"Metadata value for key {bad.key!r} (a {type_name}) is not valid: {bad.reason}"
    return (
        f"Metadata value for key {bad.key!r} has type {type_name}, which cannot be stored as "
        "metadata. Wrap it in a MetadataValue, e.g. MetadataValue.text(str(value)), or pass a "
        "str, int, float, bool, dict, list, None, datetime, pathlib.Path, AssetKey or "
        "TableSchema."
    )
