"""An index on the event log's type and storage id.

Run-status sensors read "events of these types after storage id N" on every tick; without
this index that query scans the whole event log when no such event exists.

Revision ID: r0004
Revises: r0003
"""

from __future__ import annotations

from alembic import op

revision = "r0004"
down_revision: str | None = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_event_logs_type_id", "event_logs", ["event_type", "id"])


def downgrade() -> None:
    op.drop_index("ix_event_logs_type_id", table_name="event_logs")
