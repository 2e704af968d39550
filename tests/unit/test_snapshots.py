"""Location snapshots: what they record of real definitions, encoding, versions, size and speed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import headwater as hw
from headwater.errors import HeadwaterError
from headwater.snapshot import versioning
from headwater.snapshot.build import build_location_snapshot
from headwater.snapshot.location import (
    AssetCheckRef,
    AssetCheckSnap,
    AssetSnap,
    DefaultStatus,
    InputSnap,
    JobSnap,
    LocationSnapshot,
    OpSnap,
    OutputRef,
    OutputSnap,
    PartitionsSnap,
    RepositorySnapshot,
    ResourceSnap,
    ScheduleSnap,
    SensorSnap,
    SensorType,
)
from headwater.snapshot.metadata import (
    AssetMetadata,
    BoolMetadata,
    FloatMetadata,
    IntMetadata,
    JsonMetadata,
    NullMetadata,
    TextMetadata,
    UrlMetadata,
)
from headwater.snapshot.versioning import (
    SNAPSHOT_FORMAT_VERSION,
    SnapshotDecodeError,
    SnapshotVersionError,
    decode_snapshot,
    decode_snapshot_json,
    encode_snapshot,
    encode_snapshot_json,
)

# A small location using every kind of definition -----------------------------------------------

DAILY = hw.DailyPartitionsDefinition(start_date="2024-01-01")


class Warehouse(hw.ConfigurableResource):
    """Where the tables live."""

    url: str
    port: int = 5432


class LimitConfig(hw.Config):
    limit: int = 10
    label: str


@hw.resource(config_schema={"token": str}, required_resource_keys={"warehouse"})
def api_client(context: Any) -> str:
    """An API client."""
    return str(context.resource_config)


@hw.asset(
    group_name="raw",
    metadata={"team": "data", "rows": 3},
    partitions_def=DAILY,
    owners=["ann@example.com"],
    kinds={"python"},
    tags={"tier": "gold"},
    code_version="7",
)
def orders(warehouse: Warehouse) -> list[int]:
    """Orders from the warehouse."""
    return [1]


@hw.asset(deps=[orders], partitions_def=DAILY)
def summary() -> None:
    return None


@hw.asset
def scored(config: LimitConfig, users: list[str]) -> int:
    return config.limit


@hw.multi_asset(outs={"users": hw.AssetOut(), "events": hw.AssetOut(key_prefix="web")})
def load() -> tuple[list[str], list[int]]:
    return ["ann"], [1]


@hw.asset_check(asset=orders, blocking=True, description="No negative orders.")
def orders_positive(orders: list[int]) -> hw.AssetCheckResult:
    return hw.AssetCheckResult(passed=all(o >= 0 for o in orders))


@hw.op
def produce(config: LimitConfig) -> int:
    return config.limit


@hw.op(config_schema={"factor": int}, required_resource_keys=["api_client"])
def double(context: Any, x: int) -> int:
    return x * int(context.op_config["factor"])


@hw.graph
def inner(x: Any) -> Any:
    return double(x)


@hw.job(tags={"team": "data"}, description="Produce and double.")
def numbers_job() -> None:
    inner(produce())


orders_job = hw.define_asset_job("orders_job", selection=[orders, summary])


@hw.schedule("0 * * * *", job=numbers_job, execution_timezone="Europe/Paris",
             default_status=hw.DefaultScheduleStatus.RUNNING)
def hourly(context: Any) -> dict[str, Any]:
    return {}


twice_weekly = hw.ScheduleDefinition(
    name="twice_weekly", cron_schedule=["0 6 * * 1", "0 7 * * 5"], job=orders_job
)


@hw.sensor(job=numbers_job, minimum_interval_seconds=60, description="Looks for files.")
def new_files(context: Any) -> None:
    return None


@hw.sensor(asset_selection=["orders"])
def refresh_orders(context: Any) -> None:
    return None


@hw.sensor(target=[summary])
def refresh_summary(context: Any) -> None:
    return None


@hw.asset_sensor(asset_key=hw.AssetKey("orders"), job=numbers_job)
def on_orders(context: Any, event: Any) -> None:
    return None


@hw.run_status_sensor(run_status=hw.RunStatus.FAILURE, monitored_jobs=[numbers_job])
def on_failure(context: Any) -> None:
    return None


DEFS = hw.Definitions(
    assets=[orders, summary, scored, load, hw.AssetSpec("ext", group_name="external")],
    asset_checks=[orders_positive],
    jobs=[numbers_job, orders_job],
    schedules=[hourly, twice_weekly],
    sensors=[new_files, refresh_orders, refresh_summary, on_orders, on_failure],
    resources={
        "warehouse": Warehouse(url="postgres://db"),
        "api_client": api_client,
        "later": Warehouse.configure_at_launch(),
    },
)


@pytest.fixture(scope="module")
def snap() -> LocationSnapshot:
    return build_location_snapshot("shop", {"main": DEFS.get_repository_def()})


@pytest.fixture(scope="module")
def repo(snap: LocationSnapshot) -> RepositorySnapshot:
    return snap.repository("main")


def _asset(repo: RepositorySnapshot, *key: str) -> AssetSnap:
    return next(a for a in repo.assets if a.key == list(key))


def _job(repo: RepositorySnapshot, name: str) -> JobSnap:
    return next(j for j in repo.jobs if j.name == name)


def _op(job: JobSnap, name: str) -> OpSnap:
    return next(o for o in job.ops if o.name == name)


def _by_name(items: list[Any], name: str) -> Any:
    return next(item for item in items if item.name == name)


# What the snapshot records ---------------------------------------------------------------------


def test_location_header(snap: LocationSnapshot) -> None:
    assert snap.format_version == SNAPSHOT_FORMAT_VERSION == 1
    assert snap.location_name == "shop"
    assert snap.headwater_version == hw.__version__
    assert snap.python_version.startswith(f"{sys.version_info.major}.{sys.version_info.minor}")
    assert [r.name for r in snap.repositories] == ["main"]
    with pytest.raises(HeadwaterError, match="no repository 'other'.*main"):
        snap.repository("other")


def test_asset_attributes(repo: RepositorySnapshot) -> None:
    asset = _asset(repo, "orders")
    assert asset.group_name == "raw"
    assert asset.description == "Orders from the warehouse."
    assert asset.metadata == {"team": TextMetadata(value="data"), "rows": IntMetadata(value=3)}
    assert asset.owners == ["ann@example.com"]
    assert asset.kinds == ["python"]
    assert asset.tags == {"tier": "gold"}
    assert asset.code_version == "7"
    assert asset.is_executable and asset.node_name == "orders"
    assert asset.check_names == ["orders_positive"]
    assert asset.job_names == ["orders_job"]  # the implicit job is not listed
    assert asset.required_resource_keys == ["io_manager", "warehouse"]
    assert asset.io_manager_key == "io_manager"
    assert asset.partitions is not None and asset.partitions.kind == "time_window"
    assert asset.partitions.to_partitions_def() == DAILY
    assert _asset(repo, "summary").deps == [["orders"]]
    assert _asset(repo, "scored").deps == [["users"]]


def test_multi_asset_and_external_asset(repo: RepositorySnapshot) -> None:
    users, events = _asset(repo, "users"), _asset(repo, "web", "events")
    assert users.node_name == events.node_name == "load"
    assert not users.can_subset
    external = _asset(repo, "ext")
    assert not external.is_executable
    assert external.node_name is None
    assert external.group_name == "external"
    assert [a.key for a in repo.assets] == [
        ["orders"], ["summary"], ["scored"], ["users"], ["web", "events"], ["ext"]
    ]


def test_asset_checks(repo: RepositorySnapshot) -> None:
    assert repo.asset_checks == [
        AssetCheckSnap(
            asset_key=["orders"],
            name="orders_positive",
            description="No negative orders.",
            blocking=True,
            node_name="orders_orders_positive",
            job_names=["orders_job"],
            can_execute_individually=True,  # an @asset_check: runs without its asset
        )
    ]


def test_op_job_steps_and_config(repo: RepositorySnapshot) -> None:
    job = _job(repo, "numbers_job")
    assert not job.is_asset_job and not job.is_implicit
    assert job.description == "Produce and double." and job.tags == {"team": "data"}
    assert [op.name for op in job.ops] == ["produce", "inner.double"]
    double_op = _op(job, "inner.double")
    assert double_op.op_name == "double"
    assert double_op.inputs == [
        InputSnap(name="x", upstream=[OutputRef(step="produce", output="result")])
    ]
    assert double_op.depends_on == ["produce"]
    assert double_op.required_resource_keys == ["api_client", "io_manager"]
    assert double_op.config_schema is not None
    assert double_op.config_schema["required"] == ["factor"]
    produce_schema = _op(job, "produce").config_schema
    assert produce_schema is not None
    assert set(produce_schema["properties"]) == {"limit", "label"}


def test_run_config_schema_follows_the_run_config_shape(repo: RepositorySnapshot) -> None:
    schema = _job(repo, "numbers_job").run_config_schema
    ops = schema["properties"]["ops"]
    assert ops["required"] == ["inner", "produce"]
    produce_config = ops["properties"]["produce"]["properties"]["config"]
    assert produce_config["properties"]["limit"]["default"] == 10
    nested = ops["properties"]["inner"]["properties"]["ops"]["properties"]["double"]
    assert nested["required"] == ["config"]
    resources = schema["properties"]["resources"]
    # api_client is used and its token has no default; the configured warehouse needs nothing;
    # "later" (configure_at_launch) lacks url but no op of this job uses it.
    assert resources["required"] == ["api_client"]
    assert "required" not in resources["properties"]["warehouse"]["properties"]["config"]
    assert resources["properties"]["later"]["properties"]["config"]["required"] == ["url"]
    assert "required" not in resources["properties"]["later"]
    assert schema["required"] == ["ops", "resources"]


def test_asset_job(repo: RepositorySnapshot) -> None:
    job = _job(repo, "orders_job")
    assert job.is_asset_job and not job.is_implicit
    assert job.asset_selection == [["orders"], ["summary"]]
    assert job.asset_check_selection == [
        AssetCheckRef(asset_key=["orders"], name="orders_positive")
    ]
    assert job.partitions is not None and job.partitions.to_partitions_def() == DAILY
    summary_op = _op(job, "summary")
    # summary waits for orders and for orders' blocking check
    assert summary_op.depends_on == ["orders", "orders_orders_positive"]
    assert summary_op.outputs == [
        OutputSnap(name="result", stores_value=False, asset_key=["summary"])
    ]
    check_op = _op(job, "orders_orders_positive")
    assert check_op.kind == "asset_check"
    assert check_op.inputs[0].upstream == [OutputRef(step="orders", output="result")]
    assert check_op.outputs[0].check_name == "orders_positive"


def test_implicit_jobs_are_marked(repo: RepositorySnapshot) -> None:
    implicit = _job(repo, "__ASSET_JOB")
    assert implicit.is_implicit and implicit.is_asset_job
    assert ["web", "events"] in implicit.asset_selection
    assert ["ext"] not in implicit.asset_selection
    scored_op = _op(implicit, "scored")
    assert scored_op.inputs[0].upstream == [OutputRef(step="load", output="users")]
    assert implicit.run_config_schema["properties"]["ops"]["required"] == ["scored"]
    anonymous = [j for j in repo.jobs if j.name.startswith("__anonymous")]
    assert [j.asset_selection for j in anonymous] == [[["summary"]]]
    assert all(j.is_implicit for j in anonymous)
    assert _by_name(repo.sensors, "refresh_summary").job_names == [anonymous[0].name]


def test_schedules(repo: RepositorySnapshot) -> None:
    assert _by_name(repo.schedules, "hourly") == ScheduleSnap(
        name="hourly",
        cron_schedule=["0 * * * *"],
        job_name="numbers_job",
        execution_timezone="Europe/Paris",
        default_status=DefaultStatus.RUNNING,
    )
    weekly = _by_name(repo.schedules, "twice_weekly")
    assert weekly.cron_schedule == ["0 6 * * 1", "0 7 * * 5"]
    assert weekly.execution_timezone == "UTC"
    assert weekly.default_status is DefaultStatus.STOPPED


def test_sensors_of_each_type(repo: RepositorySnapshot) -> None:
    standard = _by_name(repo.sensors, "new_files")
    assert standard.sensor_type is SensorType.STANDARD
    assert standard.minimum_interval_seconds == 60
    assert standard.job_names == ["numbers_job"]
    assert standard.description == "Looks for files."
    selection = _by_name(repo.sensors, "refresh_orders")
    assert selection.asset_selection == [["orders"]]
    asset_sensor = _by_name(repo.sensors, "on_orders")
    assert asset_sensor.sensor_type is SensorType.ASSET
    assert asset_sensor.asset_key == ["orders"]
    assert asset_sensor.minimum_interval_seconds == 30
    run_status = _by_name(repo.sensors, "on_failure")
    assert run_status.sensor_type is SensorType.RUN_STATUS
    assert run_status.run_status == "FAILURE"
    assert run_status.monitored_jobs == ["numbers_job"]


def test_resources(repo: RepositorySnapshot) -> None:
    warehouse = _by_name(repo.resources, "warehouse")
    assert warehouse.type_name == f"{__name__}.Warehouse"
    assert warehouse.description == "Where the tables live."
    assert warehouse.config_schema is not None
    assert warehouse.config_schema["required"] == ["url"]
    assert warehouse.used_by_assets == [["orders"]]
    assert warehouse.used_by_jobs == ["__ASSET_JOB", "orders_job"]
    client = _by_name(repo.resources, "api_client")
    assert client.type_name == "headwater.definitions.config.resources.ResourceDefinition"
    assert client.description == "An API client."
    assert client.dependencies == ["warehouse"]
    assert client.used_by_jobs == ["numbers_job"]
    assert client.config_schema is not None and client.config_schema["required"] == ["token"]
    later = _by_name(repo.resources, "later")
    assert later.type_name == f"{__name__}.Warehouse"
    assert later.used_by_assets == [] and later.used_by_jobs == []


def test_snapshot_of_real_definitions_round_trips(snap: LocationSnapshot) -> None:
    assert decode_snapshot(encode_snapshot(snap)) == snap
    assert decode_snapshot_json(encode_snapshot_json(snap)) == snap
    assert decode_snapshot_json(encode_snapshot_json(snap).decode()) == snap


def test_a_location_without_config_does_not_import_pydantic() -> None:
    code = textwrap.dedent(
        """
        import sys
        import headwater as hw
        from headwater.snapshot.build import build_location_snapshot
        from headwater.snapshot.versioning import encode_snapshot

        @hw.asset(partitions_def=hw.StaticPartitionsDefinition(["a", "b"]))
        def a() -> int:
            return 1

        @hw.op
        def step() -> None:
            return None

        @hw.job
        def only_ops() -> None:
            step()

        defs = hw.Definitions(assets=[a], jobs=[only_ops])
        encode_snapshot(build_location_snapshot("x", {"r": defs.get_repository_def()}))
        assert "pydantic" not in sys.modules, "pydantic was imported"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# Round trips of arbitrary snapshots ------------------------------------------------------------

_names = st.text(min_size=1, max_size=8)
_keys = st.lists(_names, min_size=1, max_size=3)
_small_text = st.text(max_size=12)
_opt_text = st.none() | _small_text
_tags = st.dictionaries(_names, _small_text, max_size=3)
_ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_floats = st.floats(allow_nan=False, allow_infinity=False)
_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | _ints | _floats | _small_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_small_text, inner, max_size=3),
    max_leaves=8,
)
_json_objects = st.dictionaries(_small_text, _json, max_size=3)
_metadata_entries = st.one_of(
    st.builds(TextMetadata, value=_small_text),
    st.builds(UrlMetadata, value=_small_text),
    st.builds(IntMetadata, value=_ints),
    st.builds(FloatMetadata, value=_floats),
    st.builds(BoolMetadata, value=st.booleans()),
    st.builds(NullMetadata),
    st.builds(AssetMetadata, path=_keys),
    st.builds(JsonMetadata, value=_json),
)
_metadata = st.dictionaries(_names, _metadata_entries, max_size=3)
_partitions = st.none() | st.builds(PartitionsSnap, kind=_names, data=_json_objects)
_name_lists = st.lists(_names, max_size=3)
_key_lists = st.lists(_keys, max_size=3)

_assets = st.builds(
    AssetSnap, key=_keys, deps=_key_lists, group_name=_names, description=_opt_text,
    metadata=_metadata, tags=_tags, owners=_name_lists, kinds=_name_lists,
    code_version=_opt_text, is_executable=st.booleans(), is_observable=st.booleans(),
    partitions=_partitions, node_name=st.none() | _names, can_subset=st.booleans(),
    check_names=_name_lists, job_names=_name_lists, required_resource_keys=_name_lists,
    io_manager_key=_names, automation_condition=_opt_text, op_tags=_tags,
)
_checks = st.builds(
    AssetCheckSnap, asset_key=_keys, name=_names, description=_opt_text,
    blocking=st.booleans(), node_name=st.none() | _names, additional_deps=_key_lists,
    metadata=_metadata, job_names=_name_lists,
)
_output_refs = st.lists(st.builds(OutputRef, step=_names, output=_names), max_size=2)
_ops = st.builds(
    OpSnap, name=_names, op_name=_names, kind=_names, description=_opt_text,
    inputs=st.lists(st.builds(
        InputSnap, name=_names, upstream=_output_refs, asset_key=st.none() | _keys,
        is_nothing=st.booleans(), has_default=st.booleans(), is_fan_in=st.booleans(),
    ), max_size=2),
    outputs=st.lists(st.builds(
        OutputSnap, name=_names, io_manager_key=_names, is_required=st.booleans(),
        is_dynamic=st.booleans(), stores_value=st.booleans(), asset_key=st.none() | _keys,
        check_name=st.none() | _names,
    ), max_size=2),
    depends_on=_name_lists, required_resource_keys=_name_lists, tags=_tags,
    config_schema=st.none() | _json_objects, pool=st.none() | _names,
)
_jobs = st.builds(
    JobSnap, name=_names, description=_opt_text, tags=_tags, metadata=_metadata,
    is_asset_job=st.booleans(), is_implicit=st.booleans(), asset_selection=_key_lists,
    asset_check_selection=st.lists(st.builds(AssetCheckRef, asset_key=_keys, name=_names),
                                   max_size=2),
    ops=st.lists(_ops, max_size=2), run_config_schema=_json_objects,
    default_run_config=_json_objects, partitions=_partitions, executor=st.none() | _names,
)
_statuses = st.sampled_from(DefaultStatus)
_schedules = st.builds(
    ScheduleSnap, name=_names, cron_schedule=st.lists(_names, min_size=1, max_size=2),
    job_name=_names, execution_timezone=_names, default_status=_statuses,
    description=_opt_text, tags=_tags, metadata=_metadata, required_resource_keys=_name_lists,
)
_sensors = st.builds(
    SensorSnap, name=_names, sensor_type=st.sampled_from(SensorType),
    minimum_interval_seconds=st.integers(1, 10**6), default_status=_statuses,
    job_names=_name_lists, asset_selection=st.none() | _key_lists,
    asset_key=st.none() | _keys, monitored_jobs=_name_lists,
    monitor_all_code_locations=st.booleans(), run_status=st.none() | _names,
    description=_opt_text, tags=_tags, metadata=_metadata, required_resource_keys=_name_lists,
)
_resources = st.builds(
    ResourceSnap, name=_names, type_name=_names, description=_opt_text,
    config_schema=st.none() | _json_objects, is_io_manager=st.booleans(),
    dependencies=_name_lists, used_by_assets=_key_lists, used_by_jobs=_name_lists,
    used_by_schedules=_name_lists, used_by_sensors=_name_lists,
)
_repositories = st.builds(
    RepositorySnapshot, name=_names, description=_opt_text, metadata=_metadata,
    assets=st.lists(_assets, max_size=3), asset_checks=st.lists(_checks, max_size=2),
    jobs=st.lists(_jobs, max_size=2), schedules=st.lists(_schedules, max_size=2),
    sensors=st.lists(_sensors, max_size=2), resources=st.lists(_resources, max_size=2),
)
_locations = st.builds(
    LocationSnapshot, format_version=st.just(SNAPSHOT_FORMAT_VERSION), location_name=_names,
    headwater_version=_names, python_version=_names,
    repositories=st.lists(_repositories, max_size=2),
)

_round_trip_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@_round_trip_settings
@given(_locations)
def test_msgpack_round_trip_is_exact(snapshot: LocationSnapshot) -> None:
    assert decode_snapshot(encode_snapshot(snapshot)) == snapshot


@_round_trip_settings
@given(_locations)
def test_json_round_trip_is_exact(snapshot: LocationSnapshot) -> None:
    encoded = encode_snapshot_json(snapshot)
    assert decode_snapshot_json(encoded) == snapshot
    assert encode_snapshot_json(decode_snapshot_json(encoded)) == encoded


# Versions and malformed data -------------------------------------------------------------------


def _payload(version: int, **fields: Any) -> dict[str, Any]:
    base = {"format_version": version, "location_name": "shop", "headwater_version": "9.0.0",
            "python_version": "3.12.1", "repositories": [{"name": "main"}]}
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("encode", "decode"),
    [(msgspec.msgpack.encode, decode_snapshot), (msgspec.json.encode, decode_snapshot_json)],
)
def test_a_newer_snapshot_names_both_versions(encode: Any, decode: Any) -> None:
    newer = SNAPSHOT_FORMAT_VERSION + 1
    # newer formats may change anything beyond the header; the reader must not look further
    data = encode(_payload(newer, repositories="something new"))
    with pytest.raises(SnapshotVersionError) as info:
        decode(data)
    message = str(info.value)
    assert f"format version {newer}" in message
    assert f"up to {SNAPSHOT_FORMAT_VERSION}" in message
    assert "headwater 9.0.0" in message and "'shop'" in message
    assert "Upgrade headwater on the server side" in message
    assert isinstance(info.value, HeadwaterError)


def test_an_older_snapshot_without_upgrade_path_is_refused() -> None:
    with pytest.raises(SnapshotVersionError, match="format version 0.*reads format versions 1"):
        decode_snapshot(msgspec.msgpack.encode(_payload(0)))


@pytest.mark.parametrize(
    ("encode", "decode"),
    [(msgspec.msgpack.encode, decode_snapshot), (msgspec.json.encode, decode_snapshot_json)],
)
def test_older_snapshots_pass_through_registered_upgrades(
    monkeypatch: pytest.MonkeyPatch, encode: Any, decode: Any
) -> None:
    seen: list[dict[str, Any]] = []

    def v0_to_v1(payload: dict[str, Any]) -> dict[str, Any]:
        # pretend version 0 called the location "name" and held one repository inline
        seen.append(dict(payload))
        upgraded = {k: v for k, v in payload.items() if k not in ("name", "repository")}
        upgraded["location_name"] = payload["name"]
        upgraded["repositories"] = [payload["repository"]]
        return upgraded

    monkeypatch.setitem(versioning._UPGRADES, 0, v0_to_v1)
    old = {"format_version": 0, "name": "shop", "headwater_version": "0.0.1",
           "python_version": "3.10.0", "repository": {"name": "main", "assets": [{"key": ["a"]}]}}
    snapshot = decode(encode(old))
    assert len(seen) == 1
    assert snapshot == LocationSnapshot(
        format_version=1, location_name="shop", headwater_version="0.0.1",
        python_version="3.10.0",
        repositories=[RepositorySnapshot(name="main", assets=[AssetSnap(key=["a"])])],
    )


@pytest.mark.parametrize(
    ("data", "decode"),
    [
        (b"\xc1\x00garbage", decode_snapshot),
        (b"", decode_snapshot),
        (msgspec.msgpack.encode([1, 2, 3]), decode_snapshot),
        (msgspec.msgpack.encode({"location_name": "x"}), decode_snapshot),
        (b"{not json", decode_snapshot_json),
        (b'{"format_version": "one"}', decode_snapshot_json),
    ],
)
def test_bytes_that_are_no_snapshot_give_a_clear_error(data: bytes, decode: Any) -> None:
    with pytest.raises(SnapshotDecodeError, match="Could not read a code location snapshot"):
        decode(data)


def test_a_malformed_body_names_the_location_and_version() -> None:
    data = msgspec.msgpack.encode(_payload(1, repositories=[{"name": "main", "assets": "x"}]))
    with pytest.raises(SnapshotDecodeError, match="'shop' \\(format version 1, msgpack\\)"):
        decode_snapshot(data)
    with pytest.raises(SnapshotDecodeError, match="repositories"):
        decode_snapshot_json(msgspec.json.encode(_payload(1, repositories=5)))


# Size and speed ---------------------------------------------------------------------------------


def _big_location(count: int) -> hw.Definitions:
    assets = []
    for i in range(count):
        deps = sorted({f"a{i - 1}", f"a{i // 2}"} - {f"a{i}"}) if i else []

        @hw.asset(name=f"a{i}", deps=deps, group_name=f"g{i % 10}", metadata={"i": i})
        def compute() -> None:
            return None

        assets.append(compute)
    return hw.Definitions(assets=assets, jobs=[hw.define_asset_job("everything", "*")])


def test_five_thousand_assets_build_fast_and_round_trip() -> None:
    repository = _big_location(5000).get_repository_def()
    started = time.perf_counter()
    snapshot = build_location_snapshot("big", {"main": repository})
    elapsed = time.perf_counter() - started
    repo = snapshot.repository("main")
    assert len(repo.assets) == 5000
    assert {job.name: len(job.ops) for job in repo.jobs} == {
        "everything": 5000, "__ASSET_JOB": 5000
    }
    assert _asset(repo, "a9").deps == [["a4"], ["a8"]]
    # measured about 0.2 s; the bound only catches a regression to something much slower
    assert elapsed < 2.0, f"building the snapshot took {elapsed:.2f} s"
    assert decode_snapshot(encode_snapshot(snapshot)) == snapshot
    assert decode_snapshot_json(encode_snapshot_json(snapshot)) == snapshot


# Edge cases -------------------------------------------------------------------------------------


class _Point(hw.Config):
    x: int
    y: int = 0


class _Shape(hw.Config):
    origin: _Point
    corners: list[_Point] = []


def _follow(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    assert isinstance(node, dict)
    return node


def test_nested_config_definitions_move_to_the_run_config_root() -> None:
    @hw.asset
    def drawing(config: _Shape) -> None:
        return None

    defs = hw.Definitions(assets=[drawing])
    snapshot = build_location_snapshot("x", {"r": defs.get_repository_def()})
    job = _job(snapshot.repository("r"), "__ASSET_JOB")
    schema = job.run_config_schema
    config = schema["properties"]["ops"]["properties"]["drawing"]["properties"]["config"]
    assert "$defs" not in config
    point = _follow(schema, config["properties"]["origin"]["$ref"])
    assert point["required"] == ["x"]
    assert _follow(schema, config["properties"]["corners"]["items"]["$ref"]) == point
    # the op's own schema keeps its definitions where they were
    own = _op(job, "drawing").config_schema
    assert own is not None and "$defs" in own


def test_assets_with_different_partitions_have_no_implicit_job() -> None:
    @hw.asset(partitions_def=DAILY)
    def daily_asset() -> None:
        return None

    @hw.asset(partitions_def=hw.StaticPartitionsDefinition(["eu", "us"]))
    def regional() -> None:
        return None

    defs = hw.Definitions(assets=[daily_asset, regional])
    repo = build_location_snapshot("x", {"r": defs.get_repository_def()}).repository("r")
    assert repo.jobs == []
    regional_snap = _asset(repo, "regional")
    assert regional_snap.partitions is not None
    assert regional_snap.partitions.data == {"kind": "static", "partition_keys": ["eu", "us"]}
