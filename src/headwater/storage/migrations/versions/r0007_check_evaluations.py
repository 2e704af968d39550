"""Automation evaluations of asset checks: the check's name beside its asset's key.

Revision ID: r0007
Revises: r0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0007"
down_revision: str | None = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for an asset's own evaluation; a check's name for the check's.
    with op.batch_alter_table("automation_evaluations") as batch:
        batch.add_column(sa.Column("check_name", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("automation_evaluations") as batch:
        batch.drop_column("check_name")
