"""Schema migrations: the committed r0001 database upgrades with its rows intact, the same
revision path works on PostgreSQL, and mismatched schemas refuse to open."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import (
    BackfillRecord,
    InstigatorStatus,
    InstigatorType,
    TickStatus,
)
from headwater.storage import migrations, schema
from headwater.storage.config import (
    InstanceConfig,
    PostgresStorageConfig,
    SqliteStorageConfig,
    StorageConfig,
)
from headwater.storage.engines import create_engine_for, describe
from headwater.storage.errors import SchemaOutdatedError, SchemaTooNewError
from headwater.storage.instance import Instance
from headwater.storage.sql_storage import SqlStorage

OLD_DB = Path(__file__).parent / "data" / "headwater_r0001.db"


@pytest.fixture
def old_instance(tmp_path: Path) -> Path:
    """An instance root holding a copy of the committed r0001 database."""
    root = tmp_path / "instance"
    root.mkdir()
    shutil.copyfile(OLD_DB, root / "headwater.db")
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_code_describes_the_newest_revision() -> None:
    assert migrations.known_revisions() == ["r0001", "r0002", "r0003", "r0004", "r0005", "r0006",
                                            "r0007"]
    assert migrations.head_revision() == schema.SCHEMA_REVISION


def test_an_older_schema_asks_for_a_migration_and_stays_untouched(old_instance: Path) -> None:
    before = digest(old_instance / "headwater.db")
    with pytest.raises(SchemaOutdatedError) as info:
        SqlStorage.open(SqliteStorageConfig(old_instance))
    message = str(info.value)
    assert "'r0001'" in message and "'r0007'" in message
    assert "headwater instance migrate" in message
    assert str(old_instance / "headwater.db") in message
    assert digest(old_instance / "headwater.db") == before


def test_instance_migrate_upgrades_the_old_file_keeping_every_row(old_instance: Path) -> None:
    instance = Instance(old_instance, lazy=True)
    info = instance.info()
    assert info["schema_revision"] == "r0001" and info["schema_status"].startswith("outdated")
    result = instance.migrate()
    assert (result.before, result.after) == ("r0001", "r0007")
    assert instance.migrate().before == "r0007"  # a second run does nothing
    with instance:
        _check_old_rows(instance.storage)
        assert instance.info()["runs"] == 1


def test_sqlite_auto_migrates_when_asked(old_instance: Path) -> None:
    with Instance(old_instance, auto_migrate=True) as instance:
        assert instance.storage.schema_revision() == "r0007"
        _check_old_rows(instance.storage)


def _check_old_rows(storage: SqlStorage) -> None:
    run = storage.get_run("old-run-1")
    assert run is not None
    assert (run.status, run.job_name, run.tags) == (RunStatus.SUCCESS, "__asset_job",
                                                    {"team": "data"})
    assert (run.start_time, run.end_time) == (1_700_000_001.0, 1_700_000_010.0)
    assert run.worker_pid is None and run.worker_heartbeat is None
    assert len(storage.get_events("old-run-1")) == 4
    latest = storage.get_latest_materializations()
    assert latest[("orders",)].partition == "2023-11-14"
    assert storage.get_materialized_partitions(["orders"]) == {"2023-11-14"}
    assert storage.get_latest_check_results(["orders"])["not_empty"].passed
    state = storage.get_instigator_state("legacy", "daily", InstigatorType.SCHEDULE)
    assert state is not None and (state.status, state.cursor) == (InstigatorStatus.RUNNING,
                                                                  "c1")
    ticks = storage.get_ticks("legacy", "daily", InstigatorType.SCHEDULE)
    assert [(t.status, t.run_ids) for t in ticks] == [(TickStatus.SUCCESS, ["old-run-1"])]
    assert storage.get_dynamic_partitions("customers") == ["acme", "globex"]
    assert storage.get_kv("legacy-key") == "kept"
    # The new columns work, and new rows get ids after the old ones.
    storage.set_run_worker("old-run-1", 77)
    storage.heartbeat_run("old-run-1", 5.0)
    updated = storage.get_run("old-run-1")
    assert updated is not None and (updated.worker_pid, updated.worker_heartbeat) == (77, 5.0)


def test_every_revision_in_turn_gives_the_declared_schema(
    storage_config: StorageConfig,
) -> None:
    engine = create_engine_for(storage_config)
    where = describe(storage_config)
    try:
        first = migrations.upgrade(engine, where, target="r0001")
        assert (first.before, first.after) == (None, "r0001")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO runs (run_id, status, job_name, tags, body, created_at, "
                "updated_at) VALUES ('r1', 'QUEUED', 'job', '{}', "
                "'{\"run_id\":\"r1\",\"job_name\":\"job\"}', 1.0, 1.0)"
            ))
        with pytest.raises(SchemaOutdatedError):
            SqlStorage.open(storage_config)
        second = migrations.upgrade(engine, where)
        assert (second.before, second.after) == ("r0001", "r0007")
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": schema.VERSION_TABLE}
            )
            differences = compare_metadata(context, schema.metadata)
        assert differences == []
        storage = SqlStorage.open(storage_config)
        try:
            run = storage.get_run("r1")
            assert run is not None and run.status is RunStatus.QUEUED
        finally:
            storage.dispose()
    finally:
        engine.dispose()


def test_a_new_database_is_created_at_the_newest_revision(
    storage_config: StorageConfig,
) -> None:
    storage = SqlStorage.open(storage_config)
    try:
        assert storage.schema_revision() == "r0007"
        with storage.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"version_table": schema.VERSION_TABLE}
            )
            assert compare_metadata(context, schema.metadata) == []
            # The version row is written without Alembic; Alembic reads it as its own.
            assert context.get_current_revision() == "r0007"
    finally:
        storage.dispose()


def test_a_newer_schema_refuses_to_start(storage_config: StorageConfig) -> None:
    SqlStorage.open(storage_config).dispose()
    engine = create_engine_for(storage_config)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(
                f"UPDATE {schema.VERSION_TABLE} SET version_num = 'r9999_from_the_future'"
            ))
        with pytest.raises(SchemaTooNewError) as info:
            SqlStorage.open(storage_config, auto_migrate=True)
        message = str(info.value)
        assert "'r9999_from_the_future'" in message and "'r0007'" in message
        assert "newer headwater" in message
        with pytest.raises(SchemaTooNewError):
            migrations.upgrade(engine, describe(storage_config))
    finally:
        engine.dispose()


def test_a_postgres_database_shared_with_other_tables_is_fine(
    postgres_config: StorageConfig,
) -> None:
    engine = create_engine_for(postgres_config)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE their_orders (id integer)"))
            connection.execute(sa.text("CREATE TABLE alembic_version (version_num text)"))
            connection.execute(sa.text("INSERT INTO alembic_version VALUES ('their_rev')"))
    finally:
        engine.dispose()
    storage = SqlStorage.open(postgres_config)
    try:
        assert storage.schema_revision() == "r0007"
    finally:
        storage.dispose()



def test_postgres_is_never_migrated_implicitly(
    tmp_path: Path, postgres_config: PostgresStorageConfig
) -> None:
    engine = create_engine_for(postgres_config)
    try:
        migrations.upgrade(engine, describe(postgres_config), target="r0001")
    finally:
        engine.dispose()
    config = InstanceConfig(storage=postgres_config)
    with pytest.raises(SchemaOutdatedError, match="headwater instance migrate"):
        Instance(tmp_path, config, auto_migrate=True)
    with Instance(tmp_path, config, lazy=True) as instance:
        assert instance.migrate().after == "r0007"
        assert instance.storage.schema_revision() == "r0007"


def test_r0003_adds_backfills_to_an_r0002_database(storage_config: StorageConfig) -> None:
    engine = create_engine_for(storage_config)
    where = describe(storage_config)
    try:
        migrations.upgrade(engine, where, target="r0002")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO runs (run_id, status, job_name, tags, body, created_at, "
                "updated_at, worker_pid) VALUES ('r2', 'STARTED', 'job', '{}', "
                "'{\"run_id\":\"r2\",\"job_name\":\"job\"}', 1.0, 1.0, 42)"
            ))
        result = migrations.upgrade(engine, where)
        assert (result.before, result.after) == ("r0002", "r0007")
    finally:
        engine.dispose()
    storage = SqlStorage.open(storage_config)
    try:
        run = storage.get_run("r2")
        assert run is not None and (run.status, run.worker_pid) == (RunStatus.STARTED, 42)
        storage.add_backfill(BackfillRecord(backfill_id="b1", location_name="etl",
                                            partition_keys=["a"]))
        stored = storage.get_backfill("b1")
        assert stored is not None and stored.partition_keys == ["a"]
    finally:
        storage.dispose()


def test_r0004_indexes_event_types_and_the_planner_uses_it(
        storage_config: StorageConfig) -> None:
    engine = create_engine_for(storage_config)
    where = describe(storage_config)
    try:
        migrations.upgrade(engine, where, target="r0003")
        result = migrations.upgrade(engine, where, target="r0004")
        assert (result.before, result.after) == ("r0003", "r0004")
        with engine.connect() as connection:
            indexes = {index["name"]: index["column_names"]
                       for index in sa.inspect(connection).get_indexes("event_logs")}
            assert indexes["ix_event_logs_type_id"] == ["event_type", "id"]
            if engine.dialect.name == "sqlite":
                plan = " ".join(str(row[-1]) for row in connection.execute(sa.text(
                    "EXPLAIN QUERY PLAN SELECT id FROM event_logs WHERE id > 5 AND "
                    "event_type IN ('RUN_FAILURE') ORDER BY id LIMIT 100")))
                assert "ix_event_logs_type_id" in plan, plan
    finally:
        engine.dispose()
