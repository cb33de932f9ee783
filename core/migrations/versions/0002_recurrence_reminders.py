"""Recurrence (RRULE, series, occurrence) on tasks, and the reminder table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the recurrence columns, the exactly-once index and reminders."""
    utc = sa.DateTime(timezone=True)
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy would drop the FTS triggers.
    op.add_column("task", sa.Column("recurrence", sa.Text(), nullable=True))
    op.add_column(
        "task",
        sa.Column("recur_from_completion", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("task", sa.Column("recur_start", sa.String(40), nullable=True))
    op.add_column("task", sa.Column("zone", sa.String(64), nullable=True))
    op.add_column("task", sa.Column("series_id", sa.String(36), nullable=True))
    op.add_column("task", sa.Column("occurrence", sa.String(40), nullable=True))
    # One instance per occurrence of a series, whatever the code does: NULLs never collide.
    op.create_index(
        "uq_task_series_occurrence", "task", ["owner", "series_id", "occurrence"], unique=True
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "task_pk", sa.Integer(), sa.ForeignKey("task.pk", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at", utc, nullable=False),
        sa.Column("before", sa.String(32), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("fired", utc, nullable=True),
        sa.Column("claimed_until", utc, nullable=True),
    )
    op.create_index("ix_reminder_state_at", "reminder", ["state", "at"])
    op.create_index("ix_reminder_task", "reminder", ["task_pk"])


def downgrade() -> None:
    """Drop reminders and the recurrence columns."""
    op.drop_table("reminder")
    op.drop_index("uq_task_series_occurrence", table_name="task")
    with op.batch_alter_table("task") as batch:
        for column in (
            "occurrence", "series_id", "zone", "recur_start", "recur_from_completion",
            "recurrence",
        ):
            batch.drop_column(column)
