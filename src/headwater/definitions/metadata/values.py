"""Metadata values: typed values attached to assets, outputs, materializations and checks.

User code passes plain Python values (``{"rows": 10, "preview": MetadataValue.md(...)}``);
:func:`normalize_metadata` turns each into a :class:`MetadataValue`, whose ``kind`` tells the UI
how to show it. This module is pure Python; the serialisable form lives in
``headwater.snapshot.metadata``.
"""

from __future__ import annotations

import builtins
import math
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from headwater.core.frozen import FrozenRecord
from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.metadata.json_values import json_copy
from headwater.definitions.metadata.table import (
    TableColumn,
    TableColumnLineage,
    TableRecord,
    TableSchema,
    same_value,
)
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.metadata.references import DagsterRunMetadataValue

_set = object.__setattr__


class MetadataValue:
    """Base class of every metadata value, and the home of their constructors.

    Each value has a ``kind`` (``"text"``, ``"int"``, ``"table"``, ...) and a ``value`` giving
    the wrapped Python object. Build values with the static constructors, e.g.
    ``MetadataValue.url("https://example.com")``.
    """

    __slots__ = ()
    kind: ClassVar[str]

    if TYPE_CHECKING:

        @property
        def value(self) -> Any:
            """The wrapped Python value."""

    @staticmethod
    def text(text: str) -> TextMetadataValue:
        """Plain text."""
        return TextMetadataValue(_need_str(text, "text"))

    @staticmethod
    def int(value: builtins.int) -> IntMetadataValue:
        """An integer (not a bool: use :meth:`bool`)."""
        if isinstance(value, builtins.bool) or not isinstance(value, builtins.int):
            raise InvalidDefinitionError(
                f"MetadataValue.int takes an int; got {type(value).__name__} {value!r}."
            )
        return IntMetadataValue(builtins.int(value))

    @staticmethod
    def float(value: builtins.float) -> FloatMetadataValue:
        """A float; NaN and infinities are kept as they are."""
        if isinstance(value, builtins.bool) or not isinstance(
            value, (builtins.float, builtins.int)
        ):
            raise InvalidDefinitionError(
                f"MetadataValue.float takes a float; got {type(value).__name__} {value!r}."
            )
        return FloatMetadataValue(builtins.float(value))

    @staticmethod
    def bool(value: builtins.bool) -> BoolMetadataValue:
        """True or False."""
        if not isinstance(value, builtins.bool):
            raise InvalidDefinitionError(
                f"MetadataValue.bool takes a bool; got {type(value).__name__} {value!r}."
            )
        return BoolMetadataValue(value)

    @staticmethod
    def json(data: Mapping[str, Any] | Sequence[Any]) -> JsonMetadataValue:
        """A JSON document: a dict or list of str, int, float, bool, None, dicts and lists.

        The data is copied; tuples become lists and integer dict keys become strings, as in
        JSON.
        """
        if isinstance(data, (str, bytes)) or not isinstance(data, (Mapping, Sequence)):
            raise InvalidDefinitionError(
                f"MetadataValue.json takes a dict or a list; got {type(data).__name__}."
            )
        return JsonMetadataValue(json_copy(data))

    @staticmethod
    def md(md_str: str) -> MarkdownMetadataValue:
        """Markdown text, rendered by the UI."""
        return MarkdownMetadataValue(_need_str(md_str, "md"))

    @staticmethod
    def url(url: str) -> UrlMetadataValue:
        """A link."""
        return UrlMetadataValue(_need_str(url, "url"))

    @staticmethod
    def path(path: str | os.PathLike[str]) -> PathMetadataValue:
        """A file system path."""
        return PathMetadataValue(_fs_path(path, "path"))

    @staticmethod
    def notebook(path: str | os.PathLike[str]) -> NotebookMetadataValue:
        """The path of a notebook."""
        return NotebookMetadataValue(_fs_path(path, "notebook"))

    @staticmethod
    def python_artifact(python_artifact: Callable[..., Any] | type) -> PythonArtifactMetadataValue:
        """A Python class or function, recorded as its module and name."""
        module = getattr(python_artifact, "__module__", None)
        name = getattr(python_artifact, "__name__", None)
        if not isinstance(module, str) or not isinstance(name, str):
            raise InvalidDefinitionError(
                "MetadataValue.python_artifact takes a class or function with __module__ and "
                f"__name__; got {python_artifact!r}."
            )
        return PythonArtifactMetadataValue(module, name)

    @staticmethod
    def timestamp(value: builtins.float | datetime) -> TimestampMetadataValue:
        """A point in time: seconds since the Unix epoch, or a datetime with a time zone."""
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InvalidDefinitionError(
                    f"MetadataValue.timestamp needs a datetime with a time zone; "
                    f"{value.isoformat()} has none. Use e.g. value.replace(tzinfo=timezone.utc)."
                )
            return TimestampMetadataValue(value.timestamp())
        if isinstance(value, builtins.bool) or not isinstance(
            value, (builtins.float, builtins.int)
        ):
            raise InvalidDefinitionError(
                "MetadataValue.timestamp takes seconds since the epoch or a datetime; "
                f"got {type(value).__name__} {value!r}."
            )
        return TimestampMetadataValue(builtins.float(value))

    @staticmethod
    def null() -> NullMetadataValue:
        """No value."""
        return NullMetadataValue()

    @staticmethod
    def asset(asset_key: CoercibleToAssetKey) -> AssetMetadataValue:
        """A reference to an asset, shown as a link to it."""
        return AssetMetadataValue(AssetKey.from_coercible(asset_key))

    @staticmethod
    def job(
        job_name: str, location_name: str | None = None, *, repository_name: str | None = None
    ) -> JobMetadataValue:
        """A reference to a job, optionally in a given code location."""
        _need_str(job_name, "job")
        return JobMetadataValue(job_name, location_name, repository_name)

    @staticmethod
    def dagster_run(run_id: str) -> DagsterRunMetadataValue:
        """A reference to a run, shown as a link to it."""
        from headwater.definitions.metadata.references import DagsterRunMetadataValue

        return DagsterRunMetadataValue(run_id)

    @staticmethod
    def table(
        records: Sequence[TableRecord], schema: TableSchema | None = None
    ) -> TableMetadataValue:
        """Rows of a table; without a schema, one is inferred from the first record."""
        return TableMetadataValue(records, schema)

    @staticmethod
    def table_schema(schema: TableSchema) -> TableSchemaMetadataValue:
        """The schema of a table."""
        if not isinstance(schema, TableSchema):
            raise InvalidDefinitionError(
                f"MetadataValue.table_schema takes a TableSchema; got {type(schema).__name__}."
            )
        return TableSchemaMetadataValue(schema)

    @staticmethod
    def column_lineage(lineage: TableColumnLineage) -> TableColumnLineageMetadataValue:
        """For each column of a table, the upstream columns it comes from."""
        if not isinstance(lineage, TableColumnLineage):
            raise InvalidDefinitionError(
                "MetadataValue.column_lineage takes a TableColumnLineage; "
                f"got {type(lineage).__name__}."
            )
        return TableColumnLineageMetadataValue(lineage)


def _need_str(value: object, constructor: str) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise InvalidDefinitionError(
        f"MetadataValue.{constructor} takes a str; got {type(value).__name__} {value!r}."
    )


def _fs_path(value: object, constructor: str) -> str:
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, str):
            return str.__str__(path)
    raise InvalidDefinitionError(
        f"MetadataValue.{constructor} takes a str or pathlib.Path; got {type(value).__name__}."
    )


class TextMetadataValue(MetadataValue, FrozenRecord):
    """Plain text; ``value`` is the string."""

    __slots__ = ("text",)
    kind: ClassVar[str] = "text"
    text: str  # type: ignore[assignment]

    def __init__(self, text: str) -> None:
        _set(self, "text", text)

    @property
    def value(self) -> str:
        """The text."""
        return self.text


class MarkdownMetadataValue(MetadataValue, FrozenRecord):
    """Markdown text; ``value`` is the string."""

    __slots__ = ("md_str",)
    kind: ClassVar[str] = "md"
    md_str: str

    def __init__(self, md_str: str) -> None:
        _set(self, "md_str", md_str)

    @property
    def value(self) -> str:
        """The markdown source."""
        return self.md_str


class UrlMetadataValue(MetadataValue, FrozenRecord):
    """A link; ``value`` is the URL."""

    __slots__ = ("url",)
    kind: ClassVar[str] = "url"
    url: str  # type: ignore[assignment]

    def __init__(self, url: str) -> None:
        _set(self, "url", url)

    @property
    def value(self) -> str:
        """The URL."""
        return self.url


class PathMetadataValue(MetadataValue, FrozenRecord):
    """A file system path; ``value`` is the path as a string."""

    __slots__ = ("path",)
    kind: ClassVar[str] = "path"
    path: str  # type: ignore[assignment]

    def __init__(self, path: str) -> None:
        _set(self, "path", path)

    @property
    def value(self) -> str:
        """The path."""
        return self.path


class NotebookMetadataValue(MetadataValue, FrozenRecord):
    """The path of a notebook; ``value`` is the path as a string."""

    __slots__ = ("path",)
    kind: ClassVar[str] = "notebook"
    path: str  # type: ignore[assignment]

    def __init__(self, path: str) -> None:
        _set(self, "path", path)

    @property
    def value(self) -> str:
        """The notebook's path."""
        return self.path


class IntMetadataValue(MetadataValue, FrozenRecord):
    """An integer."""

    __slots__ = ("value",)
    kind: ClassVar[str] = "int"
    value: int

    def __init__(self, value: int) -> None:
        _set(self, "value", value)


class FloatMetadataValue(MetadataValue, FrozenRecord):
    """A float. Unlike a bare float, a NaN value equals another NaN value."""

    __slots__ = ("value",)
    kind: ClassVar[str] = "float"
    value: float

    def __init__(self, value: float) -> None:
        _set(self, "value", value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FloatMetadataValue) and same_value(self.value, other.value)

    def __hash__(self) -> int:
        return hash(("float", "nan" if math.isnan(self.value) else self.value))


class BoolMetadataValue(MetadataValue, FrozenRecord):
    """True or False."""

    __slots__ = ("value",)
    kind: ClassVar[str] = "bool"
    value: bool

    def __init__(self, value: bool) -> None:
        _set(self, "value", value)


class TimestampMetadataValue(MetadataValue, FrozenRecord):
    """A point in time, as finite seconds since the Unix epoch."""

    __slots__ = ("value",)
    kind: ClassVar[str] = "timestamp"
    value: float

    def __init__(self, value: float) -> None:
        _set(self, "value", value)
        if not math.isfinite(value):
            raise InvalidDefinitionError(f"A timestamp must be finite; got {value!r}.")


class NullMetadataValue(MetadataValue, FrozenRecord):
    """No value; ``value`` is None."""

    __slots__ = ()
    kind: ClassVar[str] = "null"

    @property
    def value(self) -> None:
        """Always None."""
        return None


class JsonMetadataValue(MetadataValue, FrozenRecord):
    """A JSON document (dict or list); ``value`` is the data. NaN equals NaN inside it."""

    __slots__ = ("data",)
    kind: ClassVar[str] = "json"
    data: Any

    def __init__(self, data: Any) -> None:
        _set(self, "data", data)

    @property
    def value(self) -> Any:
        """The JSON data."""
        return self.data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonMetadataValue) and same_value(self.data, other.data)

    __hash__ = None  # type: ignore[assignment]


class PythonArtifactMetadataValue(MetadataValue, FrozenRecord):
    """A Python class or function, by module and name; ``value`` is this object."""

    __slots__ = ("module", "name")
    kind: ClassVar[str] = "python_artifact"
    module: str
    name: str

    def __init__(self, module: str, name: str) -> None:
        _set(self, "module", module)
        _set(self, "name", name)

    @property
    def value(self) -> PythonArtifactMetadataValue:
        """This value itself."""
        return self


class AssetMetadataValue(MetadataValue, FrozenRecord):
    """A reference to an asset; ``value`` is its :class:`AssetKey`."""

    __slots__ = ("asset_key",)
    kind: ClassVar[str] = "asset"
    asset_key: AssetKey

    def __init__(self, asset_key: AssetKey) -> None:
        _set(self, "asset_key", asset_key)

    @property
    def value(self) -> AssetKey:
        """The asset's key."""
        return self.asset_key


class JobMetadataValue(MetadataValue, FrozenRecord):
    """A reference to a job; ``value`` is this object."""

    __slots__ = ("job_name", "location_name", "repository_name")
    kind: ClassVar[str] = "job"
    job_name: str
    location_name: str | None
    repository_name: str | None

    def __init__(
        self, job_name: str, location_name: str | None = None, repository_name: str | None = None
    ) -> None:
        _set(self, "job_name", job_name)
        _set(self, "location_name", location_name)
        _set(self, "repository_name", repository_name)

    @property
    def value(self) -> JobMetadataValue:
        """This value itself."""
        return self


class TableMetadataValue(MetadataValue, FrozenRecord):
    """Rows of a table with their schema; ``value`` is this object.

    Every record must have the same fields. Without a schema, one is inferred from the first
    record (``bool``, ``int``, ``float``, else ``string``); with no records a schema is needed.
    """

    __slots__ = ("records", "schema")
    kind: ClassVar[str] = "table"
    records: Sequence[TableRecord]
    schema: TableSchema | None

    def __init__(self, records: Sequence[TableRecord], schema: TableSchema | None = None) -> None:
        rows = tuple(records)
        for record in rows:
            if not isinstance(record, TableRecord):
                raise InvalidDefinitionError(
                    f"Table metadata records must be TableRecord objects; got {record!r}."
                )
        if rows:
            fields = rows[0].data.keys()
            for index, record in enumerate(rows[1:], start=1):
                if record.data.keys() != fields:
                    raise InvalidDefinitionError(
                        "All records of table metadata must have the same fields: record 0 has "
                        f"{sorted(fields)}, record {index} has {sorted(record.data)}."
                    )
        if schema is None:
            if not rows:
                raise InvalidDefinitionError("Table metadata with no records needs a schema.")
            schema = TableSchema(
                [TableColumn(name, infer_column_type(cell)) for name, cell in rows[0].data.items()]
            )
        elif not isinstance(schema, TableSchema):
            raise InvalidDefinitionError(
                f"Table metadata schema must be a TableSchema; got {type(schema).__name__}."
            )
        _set(self, "records", rows)
        _set(self, "schema", schema)

    @property
    def value(self) -> TableMetadataValue:
        """This value itself."""
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TableMetadataValue)
            and self.schema == other.schema
            and len(self.records) == len(other.records)
            and all(a == b for a, b in zip(self.records, other.records, strict=True))
        )

    __hash__ = None  # type: ignore[assignment]


class TableSchemaMetadataValue(MetadataValue, FrozenRecord):
    """The schema of a table; ``value`` is the :class:`TableSchema`."""

    __slots__ = ("schema",)
    kind: ClassVar[str] = "table_schema"
    schema: TableSchema

    def __init__(self, schema: TableSchema) -> None:
        _set(self, "schema", schema)

    @property
    def value(self) -> TableSchema:
        """The schema."""
        return self.schema


class TableColumnLineageMetadataValue(MetadataValue, FrozenRecord):
    """Column lineage; ``value`` is the :class:`TableColumnLineage`."""

    __slots__ = ("column_lineage",)
    kind: ClassVar[str] = "column_lineage"
    column_lineage: TableColumnLineage  # type: ignore[assignment]

    def __init__(self, column_lineage: TableColumnLineage) -> None:
        _set(self, "column_lineage", column_lineage)

    @property
    def value(self) -> TableColumnLineage:
        """The lineage."""
        return self.column_lineage


def infer_column_type(value: object) -> str:
    """The column type a table schema is given for a record value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "string"


METADATA_VALUE_TYPES: tuple[type[MetadataValue], ...] = (
    TextMetadataValue,
    MarkdownMetadataValue,
    UrlMetadataValue,
    PathMetadataValue,
    NotebookMetadataValue,
    IntMetadataValue,
    FloatMetadataValue,
    BoolMetadataValue,
    TimestampMetadataValue,
    NullMetadataValue,
    JsonMetadataValue,
    PythonArtifactMetadataValue,
    AssetMetadataValue,
    JobMetadataValue,
    TableMetadataValue,
    TableSchemaMetadataValue,
    TableColumnLineageMetadataValue,
)
"""Every concrete metadata value class."""


def metadata_value_to_python(value: object) -> Any:
    """Unwrap a :class:`MetadataValue` to its ``value``; anything else is returned as it is."""
    return value.value if isinstance(value, MetadataValue) else value


#: Dagster's names for the asset and job reference values.
DagsterAssetMetadataValue = AssetMetadataValue
DagsterJobMetadataValue = JobMetadataValue
