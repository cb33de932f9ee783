"""Issue 15's data model: projects, wait/scheduled/until dates, parents, dependencies, views.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the task columns and the dependency, saved-view and context tables."""
    # Plain ADD COLUMN, not a batch copy: on SQLite a copy would rebuild the table.
    op.add_column("task", sa.Column("project", sa.Text(), nullable=True))
    op.add_column("task", sa.Column("wait_at", _UTC, nullable=True))
    op.add_column("task", sa.Column("scheduled_date", sa.Date(), nullable=True))
    op.add_column("task", sa.Column("scheduled_at", _UTC, nullable=True))
    op.add_column("task", sa.Column("until_at", _UTC, nullable=True))
    _add_parent_column()
    op.create_index("ix_task_owner_project", "task", ["owner", "project"])
    op.create_index("ix_task_parent_pk", "task", ["parent_pk"])
    # Expiry looks for passed `until`s after every change and on every worker tick: a small
    # partial index (few tasks have one) instead of a walk over every pending task.
    op.create_index(
        "ix_task_until", "task", ["until_at"],
        sqlite_where=sa.text("until_at IS NOT NULL"),
        postgresql_where=sa.text("until_at IS NOT NULL"),
    )
    _create_tables()


def _add_parent_column() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite takes a REFERENCES clause in ADD COLUMN (the column defaults to NULL), but
        # Alembic would want a table copy to add the constraint separately.
        op.execute("ALTER TABLE task ADD COLUMN parent_pk INTEGER REFERENCES task (pk)")
        return
    op.add_column("task", sa.Column("parent_pk", sa.Integer(), nullable=True))
    op.create_foreign_key("fk_task_parent_pk", "task", "task", ["parent_pk"], ["pk"])


def _create_tables() -> None:
    op.create_table(
        "task_dependency",
        sa.Column("task_pk", sa.Integer(),
                  sa.ForeignKey("task.pk", ondelete="CASCADE"), primary_key=True),
        sa.Column("blocker_pk", sa.Integer(),
                  sa.ForeignKey("task.pk", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_task_dependency_blocker", "task_dependency", ["blocker_pk"])
    op.create_table(
        "saved_view",
        sa.Column("owner", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("filter", sa.Text(), nullable=False),
        sa.Column("created", _UTC, nullable=False),
    )
    op.create_table(
        "owner_context",
        sa.Column("owner", sa.String(128), primary_key=True),
        sa.Column("view_name", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Drop what upgrade added (projects, dates, links and views are lost)."""
    op.drop_table("owner_context")
    op.drop_table("saved_view")
    op.drop_index("ix_task_dependency_blocker", table_name="task_dependency")
    op.drop_table("task_dependency")
    op.drop_index("ix_task_until", table_name="task")
    op.drop_index("ix_task_parent_pk", table_name="task")
    op.drop_index("ix_task_owner_project", table_name="task")
    with op.batch_alter_table("task") as batch:
        for column in ("parent_pk", "until_at", "scheduled_at", "scheduled_date", "wait_at",
                       "project"):
            batch.drop_column(column)
