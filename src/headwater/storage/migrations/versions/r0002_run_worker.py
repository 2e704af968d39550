"""Runs record the pid and heartbeat of the process executing them (for the run monitor).

Revision ID: r0002
Revises: r0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision: str | None = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("worker_pid", sa.Integer, nullable=True))
        batch.add_column(sa.Column("worker_heartbeat", sa.Double, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("worker_heartbeat")
        batch.drop_column("worker_pid")
