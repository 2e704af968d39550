"""Metadata: typed values attached to assets, outputs, materializations and checks.

``values`` holds :class:`MetadataValue` and one class per kind; ``table`` the table schema,
record and column-lineage types; ``json_values`` the JSON copying rules; ``normalize`` turns
user-supplied plain values into metadata values. The serialisable form lives in
``headwater.snapshot.metadata``. This package may import ``asset_graph`` (asset metadata
values carry keys) and nothing else of ``definitions``.

The names below are re-exported so ``headwater.definitions.metadata`` reads as one module.
"""

from headwater.definitions.metadata.normalize import normalize_metadata
from headwater.definitions.metadata.values import (
    METADATA_VALUE_TYPES,
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
    infer_column_type,
    metadata_value_to_python,
)

__all__ = [
    "METADATA_VALUE_TYPES",
    "AssetMetadataValue",
    "BoolMetadataValue",
    "FloatMetadataValue",
    "IntMetadataValue",
    "JobMetadataValue",
    "JsonMetadataValue",
    "MarkdownMetadataValue",
    "MetadataValue",
    "NotebookMetadataValue",
    "NullMetadataValue",
    "PathMetadataValue",
    "PythonArtifactMetadataValue",
    "TableColumnLineageMetadataValue",
    "TableMetadataValue",
    "TableSchemaMetadataValue",
    "TextMetadataValue",
    "TimestampMetadataValue",
    "UrlMetadataValue",
    "infer_column_type",
    "metadata_value_to_python",
    "normalize_metadata",
]
