"""Issue 15's data model: projects, wait/scheduled/until dates, parents, dependencies, views.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

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
    _move_kept_fields()


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


def _move_kept_fields() -> None:
    """Tasks imported before this revision kept Taskwarrior's project, scheduled and wait
    aside (task.kept): move them into their columns. A wait that is a bare day stays kept:
    which instant it starts at depends on the user's zone, which a migration does not know."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    rows = bind.execute(sa.text("SELECT pk, kept FROM task WHERE kept IS NOT NULL")).fetchall()
    for pk, text in rows:
        kept = json.loads(text)
        if not isinstance(kept, dict):
            continue
        values = _columns_from(kept, sqlite)
        if values:
            values["kept"] = _encode(kept)
            sets = ", ".join(f"{name} = :{name}" for name in values)
            bind.execute(sa.text(f"UPDATE task SET {sets} WHERE pk = :pk"), {**values, "pk": pk})


def _columns_from(kept: dict[str, Any], sqlite: bool) -> dict[str, Any]:
    """The column values taken out of `kept` (which loses them)."""
    values: dict[str, Any] = {}
    project = _project(kept.get("project"))
    if project is not None:
        values["project"] = project
        del kept["project"]
    scheduled = _when(kept.get("scheduled"))
    if scheduled is not None:
        column = "scheduled_at" if isinstance(scheduled, datetime) else "scheduled_date"
        values[column] = _stored(scheduled, sqlite)
        del kept["scheduled"]
    wait = _when(kept.get("wait"))
    if isinstance(wait, datetime):
        values["wait_at"] = _stored(wait, sqlite)
        del kept["wait"]
    return values


def _project(value: Any) -> str | None:
    """"home.garden" -> "home/garden", as core.projects would hold it; None if it cannot be
    one (then it stays kept)."""
    if not isinstance(value, str):
        return None
    parts = [part.strip() for part in value.replace(".", "/").split("/")]
    if not all(parts) or any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in value):
        return None
    return "/".join(parts)


def _when(value: Any) -> date | datetime | None:
    """A kept date ("2026-12-10") or UTC instant ("2026-12-10T18:00:00Z"), else None."""
    if not isinstance(value, str):
        return None
    try:
        if "T" in value:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        return date.fromisoformat(value)
    except ValueError:
        return None


def _stored(value: date | datetime, sqlite: bool) -> Any:
    """As core.store.Db writes it (text on SQLite)."""
    if not sqlite:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value.isoformat()


def _encode(kept: dict[str, Any]) -> str | None:
    """As core.kept.encode writes it: compact, sorted keys, None when empty."""
    if not kept:
        return None
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


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
