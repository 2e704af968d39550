"""Backfills: one row per request to run a partitioned job or selection per partition.

Revision ID: r0003
Revises: r0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision: str | None = "r0002"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "backfills",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("backfill_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("location_name", sa.Text, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.Column("updated_at", sa.Double, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_backfills"),
        sa.UniqueConstraint("backfill_id", name="uq_backfills_backfill_id"),
    )
    op.create_index("ix_backfills_status", "backfills", ["status"])


def downgrade() -> None:
    op.drop_index("ix_backfills_status", table_name="backfills")
    op.drop_table("backfills")
