"""Per-asset partition status: each partition's current status, kept as events are stored.

The partitions view reads these rows (and only those changed since its last read, by the
per-asset version counter) instead of the event log; a compacted copy of an asset's statuses
(one row) lets a new reader start without reading every partition's row.
Existing materializations are copied in.

Revision ID: r0005
Revises: r0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0005"
down_revision: str | None = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_partition_status",
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("partition", sa.Text, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("materialized", sa.Boolean, nullable=False),
        sa.Column("run_id", sa.String(255), nullable=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("asset_key", "partition", name="pk_asset_partition_status"),
    )
    op.create_index("ix_asset_partition_status_key_version", "asset_partition_status",
                    ["asset_key", "version"])
    op.create_index("ix_asset_partition_status_run_id", "asset_partition_status", ["run_id"])
    op.create_table(
        "asset_partition_versions",
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("asset_key", name="pk_asset_partition_versions"),
    )
    op.create_table(
        "asset_partition_snapshots",
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("asset_key", name="pk_asset_partition_snapshots"),
    )
    # Partitions materialized before this revision: status 1 (materialized), version 1.
    op.execute(
        "INSERT INTO asset_partition_status "
        "(asset_key, partition, status, materialized, run_id, version) "
        "SELECT asset_key, partition, 1, TRUE, MAX(run_id), 1 FROM asset_events "
        "WHERE event_type = 'ASSET_MATERIALIZATION' AND partition IS NOT NULL "
        "GROUP BY asset_key, partition"
    )
    op.execute(
        "INSERT INTO asset_partition_versions (asset_key, version) "
        "SELECT DISTINCT asset_key, 1 FROM asset_partition_status"
    )


def downgrade() -> None:
    op.drop_table("asset_partition_snapshots")
    op.drop_table("asset_partition_versions")
    op.drop_index("ix_asset_partition_status_run_id", table_name="asset_partition_status")
    op.drop_index("ix_asset_partition_status_key_version", table_name="asset_partition_status")
    op.drop_table("asset_partition_status")
