"""SQLite: the full-text index is kept by the repository, not by row triggers.

An AFTER INSERT trigger that writes an FTS5 table makes every insert a statement
transaction, and FTS5 flushes its pending terms at each one: ~40 µs per task and an index
of one-row segments. The repository now writes the index in the same transaction (see
core/repository.py `_index_text`), which is what the triggers did, minus the flushes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the insert and update triggers and merge the index built by them."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS task_fts_ai")
    op.execute("DROP TRIGGER IF EXISTS task_fts_au")
    op.execute("INSERT INTO task_fts(task_fts) VALUES ('optimize')")


def downgrade() -> None:
    """Bring the triggers back."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TRIGGER task_fts_ai AFTER INSERT ON task BEGIN "
        "INSERT INTO task_fts(rowid, title, notes) VALUES (new.pk, new.title, new.notes); END"
    )
    op.execute(
        "CREATE TRIGGER task_fts_au AFTER UPDATE OF title, notes ON task BEGIN "
        "INSERT INTO task_fts(task_fts, rowid, title, notes) "
        "VALUES ('delete', old.pk, old.title, old.notes); "
        "INSERT INTO task_fts(rowid, title, notes) VALUES (new.pk, new.title, new.notes); END"
    )
