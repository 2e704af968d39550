"""The first schema: runs, event log, asset index, schedule/sensor state, ticks, kv.

Revision ID: r0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("job_name", sa.Text, nullable=False),
        sa.Column("location_name", sa.Text, nullable=True),
        sa.Column("partition_key", sa.Text, nullable=True),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.Column("start_time", sa.Double, nullable=True),
        sa.Column("end_time", sa.Double, nullable=True),
        sa.Column("failure_message", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("run_id", name="uq_runs_run_id"),
    )
    op.create_index("ix_runs_status", "runs", ["status"])
    op.create_index("ix_runs_job_name", "runs", ["job_name"])
    op.create_index("ix_runs_created_at", "runs", ["created_at"])

    op.create_table(
        "run_tags",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_run_tags"),
    )
    op.create_index("ix_run_tags_run_id", "run_tags", ["run_id"])
    op.create_index("ix_run_tags_key_value", "run_tags", ["key", "value"])

    op.create_table(
        "event_logs",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("step_key", sa.Text, nullable=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.Column("asset_key", sa.Text, nullable=True),
        sa.Column("partition", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_logs"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_logs_asset_key", "event_logs", ["asset_key"])
    op.create_index("ix_event_logs_run_id_id", "event_logs", ["run_id", "id"])

    op.create_table(
        "asset_keys",
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("last_materialization_id", sa.BigInteger, nullable=True),
        sa.Column("last_observation_id", sa.BigInteger, nullable=True),
        sa.Column("last_run_id", sa.String(255), nullable=True),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("asset_key", name="pk_asset_keys"),
    )

    op.create_table(
        "asset_events",
        sa.Column("storage_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("partition", sa.Text, nullable=True),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("storage_id", name="pk_asset_events"),
    )
    op.create_index("ix_asset_events_run_id", "asset_events", ["run_id"])
    op.create_index("ix_asset_events_key_type_partition", "asset_events",
                    ["asset_key", "event_type", "partition", "storage_id"])
    op.create_index("ix_asset_events_key_type_id", "asset_events",
                    ["asset_key", "event_type", "storage_id"])

    op.create_table(
        "asset_check_results",
        sa.Column("storage_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("check_name", sa.Text, nullable=False),
        sa.Column("partition", sa.Text, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("run_id", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("storage_id", name="pk_asset_check_results"),
    )
    op.create_index("ix_asset_check_results_run_id", "asset_check_results", ["run_id"])
    op.create_index("ix_asset_check_results_key_name_id", "asset_check_results",
                    ["asset_key", "check_name", "storage_id"])

    op.create_table(
        "instigators",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("location_name", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("instigator_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("cursor", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_instigators"),
        sa.UniqueConstraint("location_name", "name", "instigator_type",
                            name="uq_instigators_location_name_type"),
    )

    op.create_table(
        "ticks",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("location_name", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("instigator_type", sa.String(32), nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ticks"),
    )
    op.create_index("ix_ticks_instigator_timestamp", "ticks",
                    ["location_name", "name", "instigator_type", "timestamp"])

    op.create_table(
        "dynamic_partitions",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("partitions_def_name", sa.Text, nullable=False),
        sa.Column("partition_key", sa.Text, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dynamic_partitions"),
        sa.UniqueConstraint("partitions_def_name", "partition_key",
                            name="uq_dynamic_partitions_name_key"),
    )

    op.create_table(
        "kv",
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_kv"),
    )


def downgrade() -> None:
    for table in ("kv", "dynamic_partitions", "ticks", "instigators", "asset_check_results",
                  "asset_events", "asset_keys", "event_logs", "run_tags", "runs"):
        op.drop_table(table)
