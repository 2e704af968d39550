"""The plain-JSON view of stored metadata entries that the HTTP API serves.

It reads only the snapshot structs, so the webserver shows metadata without importing the
definitions that produced it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.snapshot.metadata_numbers import (
    MetadataSnapError,
    json_number,
    parse_number,
    put_specials,
    snap_kind,
)
from headwater.snapshot.metadata_types import (
    AssetMetadata,
    CodeReferencesMetadata,
    ColumnLineageMetadata,
    DagsterRunMetadata,
    FloatMetadata,
    IntMetadata,
    JobMetadata,
    JsonMetadata,
    MetadataEntrySnap,
    NullMetadata,
    PythonArtifactMetadata,
    TableMetadata,
    TableSchemaMetadata,
    TableSchemaSnap,
)


def _schema_json(snap: TableSchemaSnap | TableSchemaMetadata) -> dict[str, Any]:
    return {
        "columns": [
            {
                "name": column.name,
                "type": column.type,
                "description": column.description,
                "constraints": {
                    "nullable": column.constraints.nullable,
                    "unique": column.constraints.unique,
                    "other": list(column.constraints.other),
                },
                "tags": dict(column.tags),
            }
            for column in snap.columns
        ],
        "constraints": {"other": list(snap.constraints)},
    }


def _int_json(snap: IntMetadata) -> int:
    if snap.value is not None:
        return snap.value
    if snap.digits is not None:
        return int(parse_number(snap.digits))
    raise MetadataSnapError("Stored int metadata has neither a value nor digits.")


def _float_json(snap: FloatMetadata) -> float | str | None:
    if snap.special is not None:
        return str(json_number(snap.special))
    return snap.value


_JSON_VIEW: dict[type, Callable[[Any], Any]] = {
    IntMetadata: _int_json,
    FloatMetadata: _float_json,
    NullMetadata: lambda s: None,
    JsonMetadata: lambda s: put_specials(s.value, s.special, json_number),
    PythonArtifactMetadata: lambda s: {"module": s.module, "name": s.name},
    AssetMetadata: lambda s: list(s.path),
    JobMetadata: lambda s: {
        "job_name": s.job_name,
        "location_name": s.location_name,
        "repository_name": s.repository_name,
    },
    TableSchemaMetadata: _schema_json,
    TableMetadata: lambda s: {
        "records": put_specials(s.records, s.special, json_number),
        "schema": _schema_json(s.schema) if s.schema is not None else None,
    },
    DagsterRunMetadata: lambda s: s.run_id,
    CodeReferencesMetadata: lambda s: [
        {key: value for key, value in (("file_path", ref.file_path),
                                       ("line_number", ref.line_number), ("url", ref.url),
                                       ("label", ref.label)) if value is not None}
        for ref in s.code_references
    ],
    ColumnLineageMetadata: lambda s: {
        "deps_by_column": {
            column: [
                {"asset_key": list(dep.asset_key), "column_name": dep.column_name} for dep in deps
            ]
            for column, deps in s.deps_by_column.items()
        }
    },
}


def to_json_friendly(snap: MetadataEntrySnap) -> dict[str, Any]:
    """A plain-JSON view of an entry for the HTTP API: ``{"kind": ..., "value": ...}``.

    NaN and the infinities appear as the strings ``"NaN"``, ``"Infinity"`` and
    ``"-Infinity"``; asset references as their list of key parts.
    """
    view = _JSON_VIEW.get(type(snap))
    value = view(snap) if view is not None else snap.value  # type: ignore[union-attr]
    return {"kind": snap_kind(snap), "value": value}
