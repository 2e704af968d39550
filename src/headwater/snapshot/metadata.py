"""The serialisable form of metadata values: a tagged union of msgspec structs.

Each kind of :class:`~headwater.definitions.metadata.MetadataValue` has one struct here, tagged
by its ``kind`` (``{"kind": "int", "value": 3}``). JSON has no NaN, infinities or integers
beyond 64 bits (msgpack has no big integers either), so such numbers are written as strings
beside the value: a float entry keeps ``special`` (``"nan"``, ``"inf"``, ``"-inf"``), an int
entry keeps its decimal digits, and JSON and table entries list where inside the data each
such number sits. Every value therefore survives a JSON or msgpack round trip exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.metadata import (
    AssetMetadataValue,
    BoolMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    JobMetadataValue,
    JsonMetadataValue,
    MarkdownMetadataValue,
    MetadataValue,
    NotebookMetadataValue,
    NullMetadataValue,
    PathMetadataValue,
    PythonArtifactMetadataValue,
    TableColumnLineageMetadataValue,
    TableMetadataValue,
    TableSchemaMetadataValue,
    TextMetadataValue,
    TimestampMetadataValue,
    UrlMetadataValue,
)
from headwater.definitions.metadata.references import (
    CodeReferencesMetadataValue,
    DagsterRunMetadataValue,
    LocalFileCodeReference,
    UrlCodeReference,
)
from headwater.definitions.metadata.table import (
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableColumnLineage,
    TableConstraints,
    TableRecord,
    TableSchema,
)
from headwater.errors import HeadwaterError
from headwater.snapshot.metadata_numbers import (
    INT_MAX,
    INT_MIN,
    NON_FINITE,
    MetadataSnapError,
    parse_number,
    put_specials,
    snap_kind,
    special_text,
    split_specials,
)
from headwater.snapshot.metadata_types import (
    AssetMetadata as AssetMetadata,
)
from headwater.snapshot.metadata_types import (
    BoolMetadata as BoolMetadata,
)
from headwater.snapshot.metadata_types import (
    CodeReferencesMetadata,
    CodeReferenceSnap,
    DagsterRunMetadata,
)
from headwater.snapshot.metadata_types import (
    ColumnLineageMetadata as ColumnLineageMetadata,
)
from headwater.snapshot.metadata_types import (
    FloatMetadata as FloatMetadata,
)
from headwater.snapshot.metadata_types import (
    IntMetadata as IntMetadata,
)
from headwater.snapshot.metadata_types import (
    JobMetadata as JobMetadata,
)
from headwater.snapshot.metadata_types import (
    JsonMetadata as JsonMetadata,
)
from headwater.snapshot.metadata_types import (
    MarkdownMetadata as MarkdownMetadata,
)
from headwater.snapshot.metadata_types import (
    MetadataEntrySnap as MetadataEntrySnap,
)
from headwater.snapshot.metadata_types import (
    NonFinite as NonFinite,
)
from headwater.snapshot.metadata_types import (
    NotebookMetadata as NotebookMetadata,
)
from headwater.snapshot.metadata_types import (
    NullMetadata as NullMetadata,
)
from headwater.snapshot.metadata_types import (
    PathMetadata as PathMetadata,
)
from headwater.snapshot.metadata_types import (
    PythonArtifactMetadata as PythonArtifactMetadata,
)
from headwater.snapshot.metadata_types import (
    SpecialNumber as SpecialNumber,
)
from headwater.snapshot.metadata_types import (
    TableColumnConstraintsSnap as TableColumnConstraintsSnap,
)
from headwater.snapshot.metadata_types import (
    TableColumnDepSnap as TableColumnDepSnap,
)
from headwater.snapshot.metadata_types import (
    TableColumnSnap as TableColumnSnap,
)
from headwater.snapshot.metadata_types import (
    TableMetadata as TableMetadata,
)
from headwater.snapshot.metadata_types import (
    TableSchemaMetadata as TableSchemaMetadata,
)
from headwater.snapshot.metadata_types import (
    TableSchemaSnap as TableSchemaSnap,
)
from headwater.snapshot.metadata_types import (
    TextMetadata as TextMetadata,
)
from headwater.snapshot.metadata_types import (
    TimestampMetadata as TimestampMetadata,
)
from headwater.snapshot.metadata_types import (
    UrlMetadata as UrlMetadata,
)
from headwater.snapshot.metadata_types import (
    _Entry as _Entry,
)

# --- values to snapshots ---------------------------------------------------------------------


def _int_snap(value: IntMetadataValue) -> IntMetadata:
    number = value.value
    if INT_MIN <= number <= INT_MAX:
        return IntMetadata(value=number)
    return IntMetadata(digits=str(number))


def _float_snap(value: FloatMetadataValue) -> FloatMetadata:
    text = special_text(float(value.value))
    if text is None:
        return FloatMetadata(value=float(value.value))
    return FloatMetadata(special=text)  # type: ignore[arg-type]


def _json_snap(value: JsonMetadataValue) -> JsonMetadata:
    data, special = split_specials(value.data)
    return JsonMetadata(value=data, special=special)


def schema_to_snap(schema: TableSchema) -> TableSchemaSnap:
    """The serialisable form of a :class:`TableSchema`."""
    return TableSchemaSnap(
        columns=[_column_snap(column) for column in schema.columns],
        constraints=list(schema.constraints.other) if schema.constraints else [],
    )


def _column_snap(column: TableColumn) -> TableColumnSnap:
    constraints = column.constraints or TableColumnConstraints()
    return TableColumnSnap(
        name=column.name,
        type=column.type,
        description=column.description,
        constraints=TableColumnConstraintsSnap(
            nullable=constraints.nullable,
            unique=constraints.unique,
            other=list(constraints.other),
        ),
        tags=dict(column.tags or {}),
    )


def _table_schema_snap(value: TableSchemaMetadataValue) -> TableSchemaMetadata:
    schema = schema_to_snap(value.schema)
    return TableSchemaMetadata(columns=schema.columns, constraints=schema.constraints)


def _table_snap(value: TableMetadataValue) -> TableMetadata:
    records, special = split_specials([dict(record.data) for record in value.records])
    schema = schema_to_snap(value.schema) if value.schema is not None else None
    return TableMetadata(records=records, schema=schema, special=special)


def _lineage_snap(value: TableColumnLineageMetadataValue) -> ColumnLineageMetadata:
    return ColumnLineageMetadata(
        deps_by_column={
            column: [TableColumnDepSnap(dep.asset_key.path, dep.column_name) for dep in deps]
            for column, deps in value.column_lineage.deps_by_column.items()
        }
    )


def _code_references_snap(value: CodeReferencesMetadataValue) -> CodeReferencesMetadata:
    return CodeReferencesMetadata(code_references=[
        CodeReferenceSnap(file_path=ref.file_path, line_number=ref.line_number, label=ref.label)
        if isinstance(ref, LocalFileCodeReference)
        else CodeReferenceSnap(url=ref.url, label=ref.label)
        for ref in value.code_references
    ])


def _code_references_value(snap: CodeReferencesMetadata) -> CodeReferencesMetadataValue:
    return CodeReferencesMetadataValue(code_references=[
        UrlCodeReference(url=ref.url, label=ref.label) if ref.url is not None
        else LocalFileCodeReference(file_path=ref.file_path or "", line_number=ref.line_number,
                                    label=ref.label)
        for ref in snap.code_references
    ])


_TO_SNAP: dict[type, Callable[[Any], MetadataEntrySnap]] = {
    TextMetadataValue: lambda v: TextMetadata(v.text),
    MarkdownMetadataValue: lambda v: MarkdownMetadata(v.md_str),
    UrlMetadataValue: lambda v: UrlMetadata(v.url),
    PathMetadataValue: lambda v: PathMetadata(v.path),
    NotebookMetadataValue: lambda v: NotebookMetadata(v.path),
    IntMetadataValue: _int_snap,
    FloatMetadataValue: _float_snap,
    BoolMetadataValue: lambda v: BoolMetadata(v.value),
    TimestampMetadataValue: lambda v: TimestampMetadata(float(v.value)),
    NullMetadataValue: lambda v: NullMetadata(),
    JsonMetadataValue: _json_snap,
    PythonArtifactMetadataValue: lambda v: PythonArtifactMetadata(v.module, v.name),
    AssetMetadataValue: lambda v: AssetMetadata(v.asset_key.path),
    JobMetadataValue: lambda v: JobMetadata(v.job_name, v.location_name, v.repository_name),
    TableSchemaMetadataValue: _table_schema_snap,
    TableMetadataValue: _table_snap,
    TableColumnLineageMetadataValue: _lineage_snap,
    DagsterRunMetadataValue: lambda v: DagsterRunMetadata(v.run_id),
    CodeReferencesMetadataValue: _code_references_snap,
}


def to_snap(value: MetadataValue) -> MetadataEntrySnap:
    """The serialisable form of one metadata value."""
    convert = _TO_SNAP.get(type(value))
    if convert is None:
        raise HeadwaterError(
            f"No serialisable form for metadata value {value!r} of type {type(value).__name__}."
        )
    return convert(value)


def metadata_to_snap(metadata: Mapping[str, MetadataValue]) -> dict[str, MetadataEntrySnap]:
    """The serialisable form of a ``{key: MetadataValue}`` mapping, in the same order."""
    return {key: to_snap(value) for key, value in metadata.items()}


# --- snapshots to values ---------------------------------------------------------------------


def schema_from_snap(snap: TableSchemaSnap | TableSchemaMetadata) -> TableSchema:
    """The :class:`TableSchema` a schema snapshot describes."""
    return TableSchema(
        columns=[
            TableColumn(
                name=column.name,
                type=column.type,
                description=column.description,
                constraints=TableColumnConstraints(
                    nullable=column.constraints.nullable,
                    unique=column.constraints.unique,
                    other=column.constraints.other,
                ),
                tags=column.tags,
            )
            for column in snap.columns
        ],
        constraints=TableConstraints(other=snap.constraints),
    )


def _int_value(snap: IntMetadata) -> IntMetadataValue:
    if snap.value is not None:
        return IntMetadataValue(snap.value)
    if snap.digits is not None:
        return IntMetadataValue(int(parse_number(snap.digits)))
    raise MetadataSnapError("Stored int metadata has neither a value nor digits.")


def _float_value(snap: FloatMetadata) -> FloatMetadataValue:
    if snap.special is not None:
        return FloatMetadataValue(NON_FINITE[snap.special])
    if snap.value is not None:
        return FloatMetadataValue(float(snap.value))
    raise MetadataSnapError("Stored float metadata has neither a value nor a special value.")


def _table_value(snap: TableMetadata) -> TableMetadataValue:
    rows = put_specials(snap.records, snap.special, parse_number)
    schema = schema_from_snap(snap.schema) if snap.schema is not None else None
    return TableMetadataValue([TableRecord(row) for row in rows], schema)


def _lineage_value(snap: ColumnLineageMetadata) -> TableColumnLineageMetadataValue:
    return TableColumnLineageMetadataValue(
        TableColumnLineage(
            {
                column: [TableColumnDep(AssetKey(dep.asset_key), dep.column_name) for dep in deps]
                for column, deps in snap.deps_by_column.items()
            }
        )
    )


_FROM_SNAP: dict[type, Callable[[Any], MetadataValue]] = {
    TextMetadata: lambda s: TextMetadataValue(s.value),
    MarkdownMetadata: lambda s: MarkdownMetadataValue(s.value),
    UrlMetadata: lambda s: UrlMetadataValue(s.value),
    PathMetadata: lambda s: PathMetadataValue(s.value),
    NotebookMetadata: lambda s: NotebookMetadataValue(s.value),
    IntMetadata: _int_value,
    FloatMetadata: _float_value,
    BoolMetadata: lambda s: BoolMetadataValue(s.value),
    TimestampMetadata: lambda s: TimestampMetadataValue(s.value),
    NullMetadata: lambda s: NullMetadataValue(),
    JsonMetadata: lambda s: JsonMetadataValue(put_specials(s.value, s.special, parse_number)),
    PythonArtifactMetadata: lambda s: PythonArtifactMetadataValue(s.module, s.name),
    AssetMetadata: lambda s: AssetMetadataValue(AssetKey(s.path)),
    JobMetadata: lambda s: JobMetadataValue(s.job_name, s.location_name, s.repository_name),
    TableSchemaMetadata: lambda s: TableSchemaMetadataValue(schema_from_snap(s)),
    TableMetadata: _table_value,
    ColumnLineageMetadata: _lineage_value,
    DagsterRunMetadata: lambda s: DagsterRunMetadataValue(s.run_id),
    CodeReferencesMetadata: _code_references_value,
}


def from_snap(snap: MetadataEntrySnap) -> MetadataValue:
    """The metadata value a stored entry describes."""
    convert = _FROM_SNAP.get(type(snap))
    if convert is None:
        raise MetadataSnapError(f"Unknown metadata entry {snap!r}.")
    return convert(snap)


def metadata_from_snap(snaps: Mapping[str, MetadataEntrySnap]) -> dict[str, MetadataValue]:
    """The ``{key: MetadataValue}`` mapping a stored ``{key: entry}`` mapping describes."""
    return {key: from_snap(snap) for key, snap in snaps.items()}


# --- size limit ------------------------------------------------------------------------------

TRUNCATED_METADATA_KEY = "headwater/truncated_metadata"
"""The key of the single note left when even truncated entries exceed the size limit."""

_encoder = msgspec.json.Encoder()


def _encoded_size(value: object) -> int | None:
    try:
        return len(_encoder.encode(value))
    except (TypeError, ValueError, OverflowError, UnicodeEncodeError):
        return None


def truncate_metadata(
    metadata: Mapping[str, MetadataEntrySnap], max_bytes: int
) -> dict[str, MetadataEntrySnap]:
    """Fit metadata into ``max_bytes`` of JSON by replacing its largest entries with notes.

    Entries are replaced largest first, each by a :class:`TextMetadata` saying what was cut
    and how large it was, until the whole mapping encodes to at most ``max_bytes``. An entry
    that cannot be encoded at all is always replaced. If the notes and keys alone are still too
    large, the result is one note under :data:`TRUNCATED_METADATA_KEY`. Keys keep their order.
    The input is not changed.
    """
    result = dict(metadata)
    sizes: dict[str, int] = {}
    total = 2 + max(len(result) - 1, 0)  # braces and commas
    for key, snap in result.items():
        size = _encoded_size(snap)
        if size is None:
            snap = result[key] = TextMetadata(
                f"[not stored] This {snap_kind(snap)} metadata entry could not be encoded."
            )
            size = len(_encoder.encode(snap))
        sizes[key] = size
        total += len(_encoder.encode(key)) + 1 + size
    if total <= max_bytes:
        return result
    for key in sorted(sizes, key=sizes.__getitem__, reverse=True):
        note = TextMetadata(
            f"[truncated] This {snap_kind(result[key])} metadata entry was {sizes[key]} bytes "
            f"as JSON; the metadata of one event may take at most {max_bytes} bytes."
        )
        saved = sizes[key] - len(_encoder.encode(note))
        if saved > 0:
            result[key] = note
            total -= saved
            if total <= max_bytes:
                return result
    return {
        TRUNCATED_METADATA_KEY: TextMetadata(
            f"[truncated] All {len(result)} metadata entries were dropped: even shortened they "
            f"exceed the limit of {max_bytes} bytes for the metadata of one event."
        )
    }
