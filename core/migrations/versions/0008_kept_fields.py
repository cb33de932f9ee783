"""Fields kept from other tools that we have no column for yet (Taskwarrior's wait, UDAs...).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add task.kept: a JSON object of field name -> value, NULL when there is none."""
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy would rebuild the table.
    op.add_column("task", sa.Column("kept", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop task.kept (what it held is lost)."""
    with op.batch_alter_table("task") as batch:
        batch.drop_column("kept")
