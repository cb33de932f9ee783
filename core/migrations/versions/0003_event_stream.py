"""The event stream: consumer offsets and applied events, the audit log, deliveries, dead letters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the consumer bookkeeping tables and link caused operations."""
    utc = sa.DateTime(timezone=True)
    op.add_column("operation", sa.Column("caused_by", sa.Integer(), nullable=True))
    op.add_column("outbox", sa.Column("source", sa.String(256), nullable=True))
    # The relay asks for unsent rows every 100 ms; without this it scans all history.
    op.create_index(
        "ix_outbox_unsent", "outbox", ["seq"],
        sqlite_where=sa.text("sent IS NULL"), postgresql_where=sa.text("sent IS NULL"),
    )
    op.create_table(
        "consumer_offset",
        sa.Column("group_name", sa.String(128), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated", utc, nullable=False),
    )
    op.create_table(
        "applied_event",
        sa.Column("group_name", sa.String(128), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("applied", utc, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("task_uuid", sa.String(36), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("source", sa.String(256), nullable=False),
        sa.Column("time", utc, nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("recorded", utc, nullable=False),
    )
    op.create_index("ix_audit_owner_time", "audit", ["owner", "time"])
    op.create_index("ix_audit_task", "audit", ["owner", "task_uuid", "id"])
    op.create_table(
        "delivery",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("delivered", utc, nullable=False),
    )
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_name", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("time", utc, nullable=False),
    )


    _backfill_audit()


def _backfill_audit() -> None:
    """Audit what happened before the audit log existed, and start consumers after it."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT seq, id, owner, type, time, data FROM outbox ORDER BY seq")
    ).fetchall()
    audit = sa.table(
        "audit", *(sa.column(c) for c in (
            "event_id", "owner", "task_uuid", "task_id", "type", "source", "time", "version",
            "changes", "recorded",
        ))
    )
    now = sa.func.current_timestamp()
    for _seq, event_id, owner, etype, time, data in rows:
        body = json.loads(data)
        task = body.get("task") or {}
        bind.execute(audit.insert().values(
            event_id=event_id, owner=owner, task_uuid=task.get("uuid"), task_id=task.get("id"),
            type=etype, source=f"todo/{owner}@migration", time=time, version=body.get("version"),
            changes=json.dumps({"title": task.get("title"), "changes": body.get("changes", {})}),
            recorded=now,
        ))
    last = rows[-1][0] if rows else 0
    offsets = sa.table("consumer_offset", sa.column("group_name"), sa.column("position"),
                       sa.column("updated"))
    for group in ("audit", "recurrence"):
        bind.execute(offsets.insert().values(group_name=group, position=last, updated=now))


def downgrade() -> None:
    """Drop the event-stream tables."""
    for table in ("dead_letter", "delivery", "audit", "applied_event", "consumer_offset"):
        op.drop_table(table)
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    op.drop_column("outbox", "source")
    op.drop_column("operation", "caused_by")
