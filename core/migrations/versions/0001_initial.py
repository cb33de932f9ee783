"""The first schema: tasks, tags, operations (undo) and the event outbox, plus full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None



def upgrade() -> None:
    """Create the tables and the dialect's full-text index."""
    utc = sa.DateTime(timezone=True)
    op.create_table(
        "task",
        sa.Column("pk", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_at", utc, nullable=True),
        sa.Column("created", utc, nullable=False),
        sa.Column("updated", utc, nullable=False),
        sa.Column("completed", utc, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("owner", "id", name="uq_task_owner_id"),
        sa.UniqueConstraint("owner", "uuid", name="uq_task_owner_uuid"),
    )
    op.create_index(
        "ix_task_owner_status_due", "task", ["owner", "status", "due_date", "due_at"]
    )
    op.create_table(
        "task_tag",
        sa.Column(
            "task_pk",
            sa.Integer(),
            sa.ForeignKey("task.pk", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(64), primary_key=True),
    )
    op.create_index("ix_task_tag_tag", "task_tag", ["tag"])
    op.create_table(
        "operation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created", utc, nullable=False),
        sa.Column("undone", utc, nullable=True),
        sa.Column("undo_of", sa.Integer(), nullable=True),
    )
    op.create_index("ix_operation_owner_id", "operation", ["owner", "id"])
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("op_id", sa.Integer(), sa.ForeignKey("operation.id"), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("task_pk", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("time", utc, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("sent", utc, nullable=True),
    )
    op.create_index("ix_outbox_task", "outbox", ["task_pk", "seq"])
    op.create_index("ix_outbox_op", "outbox", ["op_id"])
    _create_fulltext()


def _create_fulltext() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(
            "CREATE INDEX ix_task_fts ON task USING gin "
            "(to_tsvector('simple', title || ' ' || coalesce(notes, '')))"
        )


# An external-content FTS5 table kept in step by triggers, so search costs no table scan.
_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE task_fts USING fts5(title, notes, content='task', "
    "content_rowid='pk', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER task_fts_ai AFTER INSERT ON task BEGIN "
    "INSERT INTO task_fts(rowid, title, notes) VALUES (new.pk, new.title, new.notes); END",
    "CREATE TRIGGER task_fts_ad AFTER DELETE ON task BEGIN "
    "INSERT INTO task_fts(task_fts, rowid, title, notes) "
    "VALUES ('delete', old.pk, old.title, old.notes); END",
    "CREATE TRIGGER task_fts_au AFTER UPDATE OF title, notes ON task BEGIN "
    "INSERT INTO task_fts(task_fts, rowid, title, notes) "
    "VALUES ('delete', old.pk, old.title, old.notes); "
    "INSERT INTO task_fts(rowid, title, notes) VALUES (new.pk, new.title, new.notes); END",
]


def downgrade() -> None:
    """Drop everything the first schema made."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS task_fts")
    for table in ("outbox", "operation", "task_tag", "task"):
        op.drop_table(table)
