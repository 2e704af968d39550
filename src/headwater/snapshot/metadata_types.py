"""The serialisable metadata entry structs (no conversion code, so cheap to import).

See :mod:`headwater.snapshot.metadata` for turning metadata values into these and back.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import msgspec

TableCell = Union[str, int, float, bool, None]
"""One cell of a table record."""

NonFinite = Literal["nan", "inf", "-inf"]


class SpecialNumber(msgspec.Struct, frozen=True, array_like=True):
    """A number JSON cannot hold, found at ``path`` inside JSON or table data.

    ``value`` is ``"nan"``, ``"inf"``, ``"-inf"`` or the decimal digits of an integer outside
    the 64-bit range. The data itself holds ``null`` at that place.
    """

    path: list[Union[str, int]]
    value: str


class _Entry(msgspec.Struct, frozen=True, tag_field="kind", omit_defaults=True):
    """Base of the metadata entry structs."""


class TextMetadata(_Entry, frozen=True, tag="text"):
    """Plain text."""

    value: str


class MarkdownMetadata(_Entry, frozen=True, tag="md"):
    """Markdown text."""

    value: str


class UrlMetadata(_Entry, frozen=True, tag="url"):
    """A link."""

    value: str


class PathMetadata(_Entry, frozen=True, tag="path"):
    """A file system path."""

    value: str


class NotebookMetadata(_Entry, frozen=True, tag="notebook"):
    """The path of a notebook."""

    value: str


class IntMetadata(_Entry, frozen=True, tag="int"):
    """An integer; one outside the 64-bit range is kept as decimal ``digits`` instead."""

    value: Union[int, None] = None
    digits: Union[str, None] = None


class FloatMetadata(_Entry, frozen=True, tag="float"):
    """A float; NaN and the infinities are kept in ``special`` with ``value`` left out."""

    value: Union[float, None] = None
    special: Union[NonFinite, None] = None


class BoolMetadata(_Entry, frozen=True, tag="bool"):
    """True or False."""

    value: bool


class TimestampMetadata(_Entry, frozen=True, tag="timestamp"):
    """Seconds since the Unix epoch."""

    value: float


class NullMetadata(_Entry, frozen=True, tag="null"):
    """No value."""


class JsonMetadata(_Entry, frozen=True, tag="json"):
    """A JSON document; see :class:`SpecialNumber` for ``special``."""

    value: Any
    special: list[SpecialNumber] = msgspec.field(default_factory=list)


class PythonArtifactMetadata(_Entry, frozen=True, tag="python_artifact"):
    """A Python class or function, by module and name."""

    module: str
    name: str


class AssetMetadata(_Entry, frozen=True, tag="asset"):
    """A reference to an asset, by the parts of its key."""

    path: list[str]


class JobMetadata(_Entry, frozen=True, tag="job"):
    """A reference to a job."""

    job_name: str
    location_name: Union[str, None] = None
    repository_name: Union[str, None] = None


class DagsterRunMetadata(_Entry, frozen=True, tag="dagster_run"):
    """A reference to a run, by id."""

    run_id: str


class CodeReferenceSnap(msgspec.Struct, frozen=True, omit_defaults=True):
    """A place in source code: a local ``file_path`` (and ``line_number``) or a ``url``."""

    file_path: Union[str, None] = None
    line_number: Union[int, None] = None
    url: Union[str, None] = None
    label: Union[str, None] = None


class CodeReferencesMetadata(_Entry, frozen=True, tag="code_references"):
    """Where an asset's source code lives."""

    code_references: list[CodeReferenceSnap]


class TableColumnConstraintsSnap(msgspec.Struct, frozen=True, omit_defaults=True):
    """Constraints on one table column."""

    nullable: bool = True
    unique: bool = False
    other: list[str] = msgspec.field(default_factory=list)


class TableColumnSnap(msgspec.Struct, frozen=True, omit_defaults=True):
    """One column of a table schema."""

    name: str
    type: str = "string"
    description: Union[str, None] = None
    constraints: TableColumnConstraintsSnap = msgspec.field(
        default_factory=TableColumnConstraintsSnap
    )
    tags: dict[str, str] = msgspec.field(default_factory=dict)


class TableSchemaSnap(msgspec.Struct, frozen=True, omit_defaults=True):
    """A table schema: its columns and table-wide constraints."""

    columns: list[TableColumnSnap]
    constraints: list[str] = msgspec.field(default_factory=list)


class TableSchemaMetadata(_Entry, frozen=True, tag="table_schema"):
    """The schema of a table."""

    columns: list[TableColumnSnap]
    constraints: list[str] = msgspec.field(default_factory=list)


class TableMetadata(_Entry, frozen=True, tag="table"):
    """Rows of a table; see :class:`SpecialNumber` for ``special`` (paths are [row, column])."""

    records: list[dict[str, TableCell]]
    schema: Union[TableSchemaSnap, None] = None
    special: list[SpecialNumber] = msgspec.field(default_factory=list)


class TableColumnDepSnap(msgspec.Struct, frozen=True):
    """An upstream column: the asset's key parts and the column's name."""

    asset_key: list[str]
    column_name: str


class ColumnLineageMetadata(_Entry, frozen=True, tag="column_lineage"):
    """For each column, the upstream columns it comes from."""

    deps_by_column: dict[str, list[TableColumnDepSnap]]


MetadataEntrySnap = Union[
    TextMetadata,
    MarkdownMetadata,
    UrlMetadata,
    PathMetadata,
    NotebookMetadata,
    IntMetadata,
    FloatMetadata,
    BoolMetadata,
    TimestampMetadata,
    NullMetadata,
    JsonMetadata,
    PythonArtifactMetadata,
    AssetMetadata,
    JobMetadata,
    TableSchemaMetadata,
    TableMetadata,
    ColumnLineageMetadata,
    DagsterRunMetadata,
    CodeReferencesMetadata,
]
"""Any one metadata entry, as stored and sent between processes."""
