"""The automation evaluations table: per asset, the condition tree of each evaluation.

Revision ID: r0006
Revises: r0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0006"
down_revision: str | None = "r0005"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "automation_evaluations",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("asset_key", sa.Text, nullable=False),
        sa.Column("evaluation_id", sa.BigInteger, nullable=False),
        sa.Column("sensor_name", sa.Text, nullable=False),
        sa.Column("location_name", sa.Text, nullable=False),
        sa.Column("timestamp", sa.Double, nullable=False),
        sa.Column("num_requested", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_automation_evaluations"),
    )
    op.create_index("ix_automation_evaluations_key_id", "automation_evaluations",
                    ["asset_key", "evaluation_id"])


def downgrade() -> None:
    op.drop_index("ix_automation_evaluations_key_id", table_name="automation_evaluations")
    op.drop_table("automation_evaluations")
