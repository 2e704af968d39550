"""Metadata values: inference, constructors, snapshots, truncation and the JSON view."""

from __future__ import annotations

import enum
import math
import os
import pathlib
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.metadata import (
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
    metadata_value_to_python,
    normalize_metadata,
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
from headwater.errors import InvalidDefinitionError
from headwater.snapshot.metadata import (
    TRUNCATED_METADATA_KEY,
    FloatMetadata,
    IntMetadata,
    JsonMetadata,
    MetadataEntrySnap,
    MetadataSnapError,
    SpecialNumber,
    TextMetadata,
    from_snap,
    metadata_from_snap,
    metadata_to_snap,
    to_snap,
    truncate_metadata,
)
from headwater.snapshot.metadata_json import to_json_friendly

SRC = pathlib.Path(__file__).resolve().parents[2] / "src"
SNAP_DICT = dict[str, MetadataEntrySnap]

# --- inference ---------------------------------------------------------------------------------


class Colour(str, enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


def test_inference_picks_the_kind_from_the_type() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    schema = TableSchema([TableColumn("id", "int")])
    lineage = TableColumnLineage({"id": [TableColumnDep(AssetKey("src"), "id")]})
    result = normalize_metadata(
        {
            "text": "hello",
            "yes": True,
            "no": False,
            "count": 3,
            "ratio": 0.5,
            "nan": math.nan,
            "inf": -math.inf,
            "doc": {"a": [1, 2]},
            "items": [1, "x"],
            "asset": AssetKey(["raw", "orders"]),
            "schema": schema,
            "lineage": lineage,
            "when": when,
            "none": None,
            "file": pathlib.Path("/data/out.csv"),
        }
    )
    assert result["text"] == TextMetadataValue("hello")
    assert result["yes"] == BoolMetadataValue(True)
    assert type(result["yes"]) is BoolMetadataValue
    assert type(result["no"]) is BoolMetadataValue and result["no"].value is False
    assert type(result["count"]) is IntMetadataValue and result["count"].value == 3
    assert result["ratio"] == FloatMetadataValue(0.5)
    assert math.isnan(result["nan"].value)
    assert result["inf"].value == -math.inf
    assert result["doc"] == JsonMetadataValue({"a": [1, 2]})
    assert result["items"] == JsonMetadataValue([1, "x"])
    assert result["asset"] == AssetMetadataValue(AssetKey(["raw", "orders"]))
    assert result["schema"] == TableSchemaMetadataValue(schema)
    assert result["lineage"] == TableColumnLineageMetadataValue(lineage)
    assert result["when"] == TimestampMetadataValue(when.timestamp())
    assert result["none"] == NullMetadataValue()
    assert result["file"] == PathMetadataValue("/data/out.csv")
    assert list(result)[:3] == ["text", "yes", "no"]  # order kept
    assert [v.kind for v in result.values()][:5] == ["text", "bool", "bool", "int", "float"]


def test_inference_accepts_subclasses_as_their_plain_type() -> None:
    result = normalize_metadata(
        {"colour": Colour.RED, "size": Size.BIG, "pure": pathlib.PurePosixPath("/a/b")}
    )
    assert result["colour"] == TextMetadataValue("red")
    assert type(result["colour"].value) is str
    assert result["size"] == IntMetadataValue(3)
    assert type(result["size"].value) is int
    assert result["pure"] == PathMetadataValue("/a/b")


def test_metadata_values_pass_through_unchanged() -> None:
    url = MetadataValue.url("https://example.com")
    assert normalize_metadata({"link": url})["link"] is url


def test_empty_or_missing_metadata_gives_an_empty_dict() -> None:
    assert normalize_metadata(None) == {}
    assert normalize_metadata({}) == {}


def test_json_inference_copies_and_canonicalises() -> None:
    raw: dict[Any, Any] = {"t": (1, 2), 5: "five", "nested": {"c": Colour.RED}}
    value = normalize_metadata({"doc": raw})["doc"]
    assert value.value == {"t": [1, 2], "5": "five", "nested": {"c": "red"}}
    raw["t"] = "changed"
    assert value.value["t"] == [1, 2]


def test_unknown_type_error_names_key_type_and_fix() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        normalize_metadata({"ok": 1, "bad_key": {1, 2}})
    message = str(info.value)
    assert "'bad_key'" in message
    assert "set" in message
    assert "MetadataValue.text(str(value))" in message


def test_error_names_the_module_of_a_non_builtin_type() -> None:
    class Frame:
        pass

    with pytest.raises(InvalidDefinitionError, match=r"test_metadata\..*Frame"):
        normalize_metadata({"df": Frame()})


def test_non_json_inside_a_dict_says_where() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        normalize_metadata({"doc": {"a": [1, object()]}})
    assert "'doc'" in str(info.value)
    assert "data['a'][1]" in str(info.value)


def test_self_referencing_json_is_rejected() -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(InvalidDefinitionError, match="contains itself"):
        normalize_metadata({"loop": loop})


def test_naive_datetime_is_rejected_with_the_key() -> None:
    with pytest.raises(InvalidDefinitionError, match="'when'.*time zone"):
        normalize_metadata({"when": datetime(2024, 1, 1)})


def test_non_string_key_is_rejected_even_with_allow_invalid() -> None:
    with pytest.raises(InvalidDefinitionError, match="keys must be strings"):
        normalize_metadata({1: "x"}, allow_invalid=True)  # type: ignore[dict-item]


def test_allow_invalid_stores_the_repr_as_text() -> None:
    class Thing:
        def __repr__(self) -> str:
            return "<Thing 7>"

    result = normalize_metadata(
        {"a": 1, "thing": Thing(), "doc": {"x": Thing()}, "b": "z"}, allow_invalid=True
    )
    assert result["a"] == IntMetadataValue(1)
    assert result["thing"] == TextMetadataValue("<Thing 7>")
    assert result["doc"] == TextMetadataValue("{'x': <Thing 7>}")
    assert result["b"] == TextMetadataValue("z")
    assert list(result) == ["a", "thing", "doc", "b"]


def test_metadata_value_to_python_unwraps() -> None:
    assert metadata_value_to_python(MetadataValue.int(4)) == 4
    assert metadata_value_to_python(MetadataValue.null()) is None
    assert metadata_value_to_python(MetadataValue.asset("a/b")) == AssetKey(["a", "b"])
    job = MetadataValue.job("etl", "loc")
    assert metadata_value_to_python(job) is job
    assert metadata_value_to_python("raw") == "raw"


# --- constructors ------------------------------------------------------------------------------


def _artifact() -> None:
    """A function to record as a python artifact."""


def test_every_constructor_builds_its_kind() -> None:
    schema = TableSchema([TableColumn("a", "int")])
    lineage = TableColumnLineage({"a": [TableColumnDep("up", "a")]})
    built = {
        "text": MetadataValue.text("t"),
        "int": MetadataValue.int(1),
        "float": MetadataValue.float(2),
        "bool": MetadataValue.bool(False),
        "json": MetadataValue.json({"k": [1]}),
        "md": MetadataValue.md("# hi"),
        "url": MetadataValue.url("http://x"),
        "path": MetadataValue.path(pathlib.Path("/p")),
        "notebook": MetadataValue.notebook("/n.ipynb"),
        "python_artifact": MetadataValue.python_artifact(_artifact),
        "timestamp": MetadataValue.timestamp(10),
        "null": MetadataValue.null(),
        "asset": MetadataValue.asset(AssetKey("a")),
        "job": MetadataValue.job("j", "loc", repository_name="r"),
        "table": MetadataValue.table([TableRecord({"a": 1})], schema),
        "table_schema": MetadataValue.table_schema(schema),
        "column_lineage": MetadataValue.column_lineage(lineage),
    }
    for kind, value in built.items():
        assert value.kind == kind
    assert {type(v) for v in built.values()} == set(METADATA_VALUE_TYPES)
    assert built["float"].value == 2.0 and type(built["float"].value) is float
    assert built["path"].value == "/p"
    assert built["python_artifact"].value == PythonArtifactMetadataValue(__name__, "_artifact")
    assert built["timestamp"].value == 10.0
    assert built["job"] == JobMetadataValue("j", "loc", "r")
    assert built["table_schema"].value is schema
    assert built["column_lineage"].value is lineage
    assert isinstance(built["md"], MarkdownMetadataValue)
    assert isinstance(built["notebook"], NotebookMetadataValue)
    assert isinstance(built["url"], UrlMetadataValue)


def test_timestamp_from_aware_datetime() -> None:
    when = datetime(2024, 1, 1, 6, 0, tzinfo=timezone(timedelta(hours=5)))
    assert (
        MetadataValue.timestamp(when).value
        == datetime(2024, 1, 1, 1, 0, tzinfo=timezone.utc).timestamp()
    )
    with pytest.raises(InvalidDefinitionError, match="time zone"):
        MetadataValue.timestamp(datetime(2024, 1, 1))
    with pytest.raises(InvalidDefinitionError, match="finite"):
        MetadataValue.timestamp(math.inf)


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (MetadataValue.int, True),
        (MetadataValue.int, 1.5),
        (MetadataValue.float, "1"),
        (MetadataValue.bool, 1),
        (MetadataValue.text, 3),
        (MetadataValue.json, "not a dict"),
        (MetadataValue.path, 5),
        (MetadataValue.table_schema, {"a": "int"}),
        (MetadataValue.column_lineage, {}),
        (MetadataValue.python_artifact, 3),
    ],
)
def test_constructors_reject_wrong_types(build: Any, argument: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        build(argument)


def test_values_are_frozen() -> None:
    value = MetadataValue.text("a")
    with pytest.raises(AttributeError):
        value.text = "b"  # type: ignore[misc]


def test_nan_float_values_are_equal_and_hash_alike() -> None:
    assert MetadataValue.float(math.nan) == MetadataValue.float(float("nan"))
    assert hash(MetadataValue.float(math.nan)) == hash(MetadataValue.float(float("nan")))
    assert MetadataValue.float(1.0) != MetadataValue.float(2.0)
    assert MetadataValue.float(1.0) != MetadataValue.int(1)


def test_table_infers_schema_and_checks_records() -> None:
    table = MetadataValue.table(
        [TableRecord({"id": 1, "ok": True, "x": 0.5, "name": "a", "gone": None})]
    )
    assert table.schema is not None
    assert [(c.name, c.type) for c in table.schema.columns] == [
        ("id", "int"),
        ("ok", "bool"),
        ("x", "float"),
        ("name", "string"),
        ("gone", "string"),
    ]
    with pytest.raises(InvalidDefinitionError, match="same fields"):
        MetadataValue.table([TableRecord({"a": 1}), TableRecord({"b": 1})])
    with pytest.raises(InvalidDefinitionError, match="needs a schema"):
        MetadataValue.table([])
    with pytest.raises(InvalidDefinitionError, match="TableRecord field 'a'"):
        TableRecord({"a": [1]})  # type: ignore[dict-item]


def test_table_types_have_documented_defaults() -> None:
    column = TableColumn("a")
    assert column.type == "string"
    assert column.constraints == TableColumnConstraints(nullable=True, unique=False, other=[])
    assert column.tags == {}
    schema = TableSchema([column])
    assert schema.constraints == TableConstraints()
    assert TableSchema.from_name_type_dict({"a": "string"}) == schema
    assert TableSchema([column]) == TableSchema((column,))


# --- snapshots: hypothesis strategies ----------------------------------------------------------

texts = st.text(max_size=20)
names = st.text(min_size=1, max_size=10)
finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)
big_ints = st.integers(min_value=-(2**200), max_value=2**200)
scalars = st.none() | st.booleans() | big_ints | any_float | texts
json_data = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4)
)
json_docs = st.lists(json_data, max_size=4) | st.dictionaries(texts, json_data, max_size=4)
constraints = st.builds(
    TableColumnConstraints, st.booleans(), st.booleans(), st.lists(texts, max_size=2)
)
columns = st.builds(
    TableColumn,
    names,
    texts,
    st.none() | texts,
    st.none() | constraints,
    st.none() | st.dictionaries(texts, texts, max_size=2),
)
schemas = st.builds(
    TableSchema,
    st.lists(columns, max_size=4),
    st.none() | st.builds(TableConstraints, st.lists(texts, max_size=2)),
)


@st.composite
def tables(draw: st.DrawFn) -> TableMetadataValue:
    fields = draw(st.lists(names, max_size=4, unique=True))
    cell = st.none() | st.booleans() | big_ints | any_float | texts
    rows = draw(st.lists(st.fixed_dictionaries({name: cell for name in fields}), max_size=4))
    schema = draw(schemas if not rows else st.none() | schemas)
    return MetadataValue.table([TableRecord(row) for row in rows], schema)


lineages = st.builds(
    TableColumnLineage,
    st.dictionaries(
        names, st.lists(st.builds(TableColumnDep, st.lists(names, min_size=1, max_size=3), names))
    ),
)

metadata_values: st.SearchStrategy[MetadataValue] = st.one_of(
    texts.map(MetadataValue.text),
    big_ints.map(MetadataValue.int),
    any_float.map(MetadataValue.float),
    st.booleans().map(MetadataValue.bool),
    json_docs.map(MetadataValue.json),
    texts.map(MetadataValue.md),
    texts.map(MetadataValue.url),
    texts.map(MetadataValue.path),
    texts.map(MetadataValue.notebook),
    st.builds(PythonArtifactMetadataValue, texts, texts),
    finite.map(MetadataValue.timestamp),
    st.just(MetadataValue.null()),
    st.lists(names, min_size=1, max_size=3).map(MetadataValue.asset),
    st.builds(MetadataValue.job, names, st.none() | names, repository_name=st.none() | names),
    tables(),
    schemas.map(MetadataValue.table_schema),
    lineages.map(MetadataValue.column_lineage),
)


def _check_round_trip(value: MetadataValue, encode: Any, decode: Any) -> None:
    snap = to_snap(value)
    data = encode(snap)
    decoded = decode(data, type=MetadataEntrySnap)
    assert decoded == snap
    back = from_snap(decoded)
    assert type(back) is type(value)
    assert back == value
    # Byte equality also catches int/float drift, which == would not see.
    assert encode(to_snap(back)) == data


@settings(max_examples=400)
@given(metadata_values)
def test_json_round_trip_is_exact(value: MetadataValue) -> None:
    _check_round_trip(value, msgspec.json.encode, msgspec.json.decode)


@settings(max_examples=400)
@given(metadata_values)
def test_msgpack_round_trip_is_exact(value: MetadataValue) -> None:
    _check_round_trip(value, msgspec.msgpack.encode, msgspec.msgpack.decode)


@given(st.dictionaries(texts, metadata_values, max_size=5))
def test_whole_mappings_round_trip_in_order(metadata: dict[str, MetadataValue]) -> None:
    data = msgspec.json.encode(metadata_to_snap(metadata))
    back = metadata_from_snap(msgspec.json.decode(data, type=SNAP_DICT))
    assert back == metadata
    assert list(back) == list(metadata)


def test_special_numbers_are_stored_as_valid_json() -> None:
    nan_snap = to_snap(MetadataValue.float(math.nan))
    assert nan_snap == FloatMetadata(special="nan")
    assert msgspec.json.encode(nan_snap) == b'{"kind":"float","special":"nan"}'
    assert to_snap(MetadataValue.int(2**64)) == IntMetadata(digits=str(2**64))
    assert to_snap(MetadataValue.int(2**64 - 1)) == IntMetadata(value=2**64 - 1)
    doc = to_snap(MetadataValue.json({"a": [1.0, math.inf], "b": -(2**63) - 1}))
    assert doc == JsonMetadata(
        value={"a": [1.0, None], "b": None},
        special=[SpecialNumber(["a", 1], "inf"), SpecialNumber(["b"], str(-(2**63) - 1))],
    )
    assert b"NaN" not in msgspec.json.encode(to_snap(MetadataValue.json([math.nan])))


def test_a_null_inside_json_stays_null() -> None:
    value = MetadataValue.json({"a": None, "b": math.nan})
    back = from_snap(
        msgspec.json.decode(msgspec.json.encode(to_snap(value)), type=MetadataEntrySnap)
    )
    assert back.value["a"] is None
    assert math.isnan(back.value["b"])


def test_from_snap_does_not_change_the_snapshot() -> None:
    snap = JsonMetadata(value=[None], special=[SpecialNumber([0], "nan")])
    from_snap(snap)
    assert snap.value == [None]


def test_unknown_kind_and_corrupt_entries_are_errors() -> None:
    with pytest.raises(msgspec.ValidationError, match="kind"):
        msgspec.json.decode(b'{"kind":"hologram","value":1}', type=MetadataEntrySnap)
    with pytest.raises(MetadataSnapError, match="special number"):
        from_snap(JsonMetadata(value={}, special=[SpecialNumber(["missing", 0], "nan")]))
    with pytest.raises(MetadataSnapError):
        from_snap(IntMetadata())


# --- truncation --------------------------------------------------------------------------------


def _size(snaps: dict[str, MetadataEntrySnap]) -> int:
    return len(msgspec.json.encode(snaps))


def test_small_metadata_is_left_alone() -> None:
    snaps = metadata_to_snap(normalize_metadata({"a": 1, "b": "x"}))
    result = truncate_metadata(snaps, max_bytes=_size(snaps))
    assert result == snaps
    assert result is not snaps


def test_largest_entries_are_replaced_first_by_a_note() -> None:
    snaps = metadata_to_snap(
        normalize_metadata({"small": "s", "huge": "h" * 5000, "big": list(range(500)), "rows": 10})
    )
    huge_size = len(msgspec.json.encode(snaps["huge"]))
    limit = _size(snaps) - huge_size + 300
    result = truncate_metadata(snaps, max_bytes=limit)
    assert list(result) == ["small", "huge", "big", "rows"]
    assert result["small"] == snaps["small"]
    assert result["big"] == snaps["big"]
    assert result["rows"] == snaps["rows"]
    note = result["huge"]
    assert isinstance(note, TextMetadata)
    assert "text" in note.value and str(huge_size) in note.value and str(limit) in note.value
    assert _size(result) <= limit
    assert snaps["huge"] == TextMetadata("h" * 5000)  # input untouched


def test_truncation_replaces_as_many_entries_as_needed() -> None:
    snaps = metadata_to_snap(
        normalize_metadata({f"k{i}": "v" * (1000 + i) for i in range(5)} | {"tiny": 1})
    )
    result = truncate_metadata(snaps, max_bytes=3000)
    assert _size(result) <= 3000
    replaced = [k for k in snaps if result[k] != snaps[k]]
    assert replaced == ["k2", "k3", "k4"]  # the three largest
    assert result["tiny"] == snaps["tiny"]


def test_truncation_falls_back_to_a_single_note() -> None:
    snaps = metadata_to_snap(normalize_metadata({f"key-{i}": "v" * 100 for i in range(50)}))
    result = truncate_metadata(snaps, max_bytes=400)
    assert list(result) == [TRUNCATED_METADATA_KEY]
    note = result[TRUNCATED_METADATA_KEY]
    assert isinstance(note, TextMetadata) and "50" in note.value
    assert _size(result) <= 400


def test_truncation_replaces_entries_that_cannot_be_encoded() -> None:
    snaps: dict[str, MetadataEntrySnap] = {
        "bad": JsonMetadata(value={"x": object()}),
        "ok": TextMetadata("fine"),
    }
    result = truncate_metadata(snaps, max_bytes=10_000)
    assert result["ok"] == TextMetadata("fine")
    assert isinstance(result["bad"], TextMetadata) and "json" in result["bad"].value
    msgspec.json.encode(result)


@given(st.dictionaries(texts, metadata_values, max_size=6), st.integers(300, 3000))
def test_truncated_metadata_always_fits_and_encodes(
    metadata: dict[str, MetadataValue], limit: int
) -> None:
    result = truncate_metadata(metadata_to_snap(metadata), max_bytes=limit)
    assert _size(result) <= limit
    msgspec.json.decode(msgspec.json.encode(result), type=SNAP_DICT)


# --- plain JSON view ---------------------------------------------------------------------------


def test_json_friendly_view() -> None:
    schema = TableSchema([TableColumn("a", "float", constraints=TableColumnConstraints(False))])
    cases: list[tuple[MetadataValue, Any]] = [
        (MetadataValue.text("t"), "t"),
        (MetadataValue.int(2**70), 2**70),
        (MetadataValue.float(math.nan), "NaN"),
        (MetadataValue.float(-math.inf), "-Infinity"),
        (MetadataValue.float(1.5), 1.5),
        (MetadataValue.json({"x": [math.inf, None]}), {"x": ["Infinity", None]}),
        (MetadataValue.null(), None),
        (MetadataValue.asset("a/b"), ["a", "b"]),
        (
            MetadataValue.job("j"),
            {"job_name": "j", "location_name": None, "repository_name": None},
        ),
        (MetadataValue.python_artifact(_artifact), {"module": __name__, "name": "_artifact"}),
        (
            MetadataValue.table([TableRecord({"a": math.nan})], schema),
            {
                "records": [{"a": "NaN"}],
                "schema": {
                    "columns": [
                        {
                            "name": "a",
                            "type": "float",
                            "description": None,
                            "constraints": {"nullable": False, "unique": False, "other": []},
                            "tags": {},
                        }
                    ],
                    "constraints": {"other": []},
                },
            },
        ),
        (
            MetadataValue.column_lineage(TableColumnLineage({"c": [TableColumnDep("u", "d")]})),
            {"deps_by_column": {"c": [{"asset_key": ["u"], "column_name": "d"}]}},
        ),
    ]
    for value, expected in cases:
        view = to_json_friendly(to_snap(value))
        assert view == {"kind": value.kind, "value": expected}


@given(metadata_values)
def test_json_friendly_view_is_strict_json(value: MetadataValue) -> None:
    view = to_json_friendly(to_snap(value))
    assert view["kind"] == value.kind
    text = msgspec.json.encode(view)
    assert b"NaN" not in text.replace(b'"NaN"', b"")
    assert msgspec.json.decode(text)["kind"] == value.kind


# --- layering ----------------------------------------------------------------------------------


def test_definitions_metadata_does_not_import_msgspec() -> None:
    code = (
        "import sys, headwater.definitions.metadata, headwater.definitions.metadata.table;"
        "print('msgspec' in sys.modules, 'headwater.snapshot' in sys.modules)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert output.split() == ["False", "False"]
