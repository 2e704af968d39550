"""The instance schema: SQLAlchemy Core tables, the same on SQLite and PostgreSQL.

This module describes the schema at the newest migration revision (``migrations/versions``);
a test checks that running every migration from an empty database gives exactly these tables.
Changing a table here needs a new migration revision.

Layout:

- ``runs`` (+ ``run_tags`` for filtering by tag): one row per run. ``body`` is the
  ``RunRecord`` as JSON; the mutable fields (status, timestamps, worker pid and heartbeat,
  failure message) are columns and win over the body when a run is read, so status updates
  never rewrite the body.
- ``event_logs``: every event; ``id`` is the storage id, increasing across the instance.
- ``asset_keys``: one row per asset key with the storage id of its newest materialization
  and observation (latest lookups without scanning); ``asset_events`` indexes every
  materialization and observation by key and partition; ``asset_check_results`` every check
  evaluation.
- ``instigators`` (schedule/sensor state), ``ticks``, ``dynamic_partitions``, ``kv``.
- ``backfills`` (revision r0003): one row per backfill, its ``BackfillRecord`` as JSON.
- ``asset_partition_status`` (revision r0005): each partition's current status per asset
  (materialized / failed / in progress / missing), written with the events that change it;
  ``asset_partition_versions`` counts the changes per asset, so a reader can fetch only the
  partitions changed since it last looked (see ``sql_partition_status``);
  ``asset_partition_snapshots`` holds each asset's statuses compacted into one row as of a
  version, so a new reader starts from it instead of reading every partition's row.
- ``automation_evaluations`` (revision r0006): per asset, the condition tree of each
  automation evaluation that changed it; ``check_name`` (r0007) marks the trees of asset
  checks' own conditions.

Asset keys are stored as their compact JSON list (``["a","b"]``). Times are Unix seconds.
No foreign keys: deletions are explicit, so SQLite table rebuilds in migrations cannot cascade.
"""

from __future__ import annotations

import sqlalchemy as sa

#: The migration revision these tables describe (a test checks it is the newest one).
SCHEMA_REVISION = "r0007"

#: The table Alembic records the schema revision in (prefixed, so a PostgreSQL database
#: shared with another Alembic-managed application does not clash).
VERSION_TABLE = "headwater_alembic_version"

#: An autoincrementing 64-bit id (SQLite needs INTEGER for its rowid alias).
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: Constraint and index names, spelled out so that both backends and every migration agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False, unique=True),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("job_name", sa.Text, nullable=False, index=True),
    sa.Column("location_name", sa.Text, nullable=True),
    sa.Column("partition_key", sa.Text, nullable=True),
    sa.Column("tags", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False, index=True),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.Column("start_time", sa.Double, nullable=True),
    sa.Column("end_time", sa.Double, nullable=True),
    sa.Column("failure_message", sa.Text, nullable=True),
    # Added by revision r0002.
    sa.Column("worker_pid", sa.Integer, nullable=True),
    sa.Column("worker_heartbeat", sa.Double, nullable=True),
)

run_tags = sa.Table(
    "run_tags",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False, index=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Index("ix_run_tags_key_value", "key", "value"),
)

event_logs = sa.Table(
    "event_logs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(255), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("step_key", sa.Text, nullable=True),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Column("asset_key", sa.Text, nullable=True, index=True),
    sa.Column("partition", sa.Text, nullable=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("ix_event_logs_run_id_id", "run_id", "id"),
    # Run-status sensors: "events of these types after storage id N" (revision r0004).
    sa.Index("ix_event_logs_type_id", "event_type", "id"),
    # Storage ids are cursors (log followers, asset sensors): never reuse a deleted one.
    sqlite_autoincrement=True,
)

asset_keys = sa.Table(
    "asset_keys",
    metadata,
    sa.Column("asset_key", sa.Text, primary_key=True),
    sa.Column("last_materialization_id", sa.BigInteger, nullable=True),
    sa.Column("last_observation_id", sa.BigInteger, nullable=True),
    sa.Column("last_run_id", sa.String(255), nullable=True),
    sa.Column("updated_at", sa.Double, nullable=False),
)

asset_events = sa.Table(
    "asset_events",
    metadata,
    sa.Column("storage_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("asset_key", sa.Text, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("partition", sa.Text, nullable=True),
    sa.Column("run_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Index("ix_asset_events_key_type_partition", "asset_key", "event_type", "partition",
             "storage_id"),
    sa.Index("ix_asset_events_key_type_id", "asset_key", "event_type", "storage_id"),
)

asset_check_results = sa.Table(
    "asset_check_results",
    metadata,
    sa.Column("storage_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("asset_key", sa.Text, nullable=False),
    sa.Column("check_name", sa.Text, nullable=False),
    sa.Column("partition", sa.Text, nullable=True),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("run_id", sa.String(255), nullable=False, index=True),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Index("ix_asset_check_results_key_name_id", "asset_key", "check_name", "storage_id"),
)

instigators = sa.Table(
    "instigators",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("location_name", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("instigator_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("cursor", sa.Text, nullable=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.UniqueConstraint("location_name", "name", "instigator_type",
                        name="uq_instigators_location_name_type"),
)

ticks = sa.Table(
    "ticks",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("location_name", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("instigator_type", sa.String(32), nullable=False),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("ix_ticks_instigator_timestamp", "location_name", "name", "instigator_type",
             "timestamp"),
)

dynamic_partitions = sa.Table(
    "dynamic_partitions",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("partitions_def_name", sa.Text, nullable=False),
    sa.Column("partition_key", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.UniqueConstraint("partitions_def_name", "partition_key",
                        name="uq_dynamic_partitions_name_key"),
)

kv = sa.Table(
    "kv",
    metadata,
    sa.Column("key", sa.String(512), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

backfills = sa.Table(
    "backfills",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("backfill_id", sa.String(255), nullable=False, unique=True),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("location_name", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

asset_partition_status = sa.Table(
    "asset_partition_status",
    metadata,
    sa.Column("asset_key", sa.Text, primary_key=True),
    sa.Column("partition", sa.Text, primary_key=True),
    # A PartitionStatus code (storage/sql_partition_status.py).
    sa.Column("status", sa.SmallInteger, nullable=False),
    # Whether the partition was ever materialized (what a run ending without one falls back to).
    sa.Column("materialized", sa.Boolean, nullable=False),
    sa.Column("run_id", sa.String(255), nullable=True),
    # The asset's version counter when this row last changed.
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Index("ix_asset_partition_status_key_version", "asset_key", "version"),
    sa.Index("ix_asset_partition_status_run_id", "run_id"),
)

asset_partition_versions = sa.Table(
    "asset_partition_versions",
    metadata,
    sa.Column("asset_key", sa.Text, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)

asset_partition_snapshots = sa.Table(
    "asset_partition_snapshots",
    metadata,
    sa.Column("asset_key", sa.Text, primary_key=True),
    # The asset's statuses as of this version: msgpack {partition: status}, missing left out.
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)

automation_evaluations = sa.Table(
    "automation_evaluations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("asset_key", sa.Text, nullable=False),
    sa.Column("evaluation_id", sa.BigInteger, nullable=False),
    sa.Column("sensor_name", sa.Text, nullable=False),
    sa.Column("location_name", sa.Text, nullable=False),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Column("num_requested", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    # NULL for an asset's own evaluation; the check's name for an asset check's (r0007).
    sa.Column("check_name", sa.Text, nullable=True),
    sa.Index("ix_automation_evaluations_key_id", "asset_key", "evaluation_id"),
)

#: Tables that identify a database as headwater's (with the version table).
HEADWATER_TABLES = frozenset(metadata.tables)
