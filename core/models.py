"""The schema, declared as SQLModel tables.

These classes are the source of truth for Alembic (autogenerate and the drift test in
tests/core/test_migrations.py). The runtime store speaks SQL over the DB-API instead of
loading the ORM, because importing SQLAlchemy alone costs more than the whole time budget
of a CLI command; see core/store.py.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


class Task(SQLModel, table=True):
    """A task; `id` is the owner's small stable number, `pk` the internal key."""

    __tablename__ = "task"
    __table_args__ = (
        sa.UniqueConstraint("owner", "id", name="uq_task_owner_id"),
        sa.UniqueConstraint("owner", "uuid", name="uq_task_owner_uuid"),
        sa.Index("ix_task_owner_status_due", "owner", "status", "due_date", "due_at"),
        sa.Index("uq_task_series_occurrence", "owner", "series_id", "occurrence", unique=True),
        sa.Index("ix_task_owner_project", "owner", "project"),
        sa.Index("ix_task_parent_pk", "parent_pk"),
        sa.Index(
            "ix_task_until", "until_at",
            sqlite_where=sa.text("until_at IS NOT NULL"),
            postgresql_where=sa.text("until_at IS NOT NULL"),
        ),
    )

    pk: int | None = Field(default=None, primary_key=True)
    owner: str = Field(sa_type=sa.String(128))
    id: int
    uuid: str = Field(sa_type=sa.String(36))
    title: str = Field(sa_type=sa.Text)
    notes: str | None = Field(default=None, sa_type=sa.Text)
    status: str = Field(sa_type=sa.String(16))
    priority: int = Field(default=0)
    due_date: date | None = Field(default=None)
    due_at: datetime | None = Field(default=None, sa_type=_utc())
    created: datetime = Field(sa_type=_utc())
    updated: datetime = Field(sa_type=_utc())
    completed: datetime | None = Field(default=None, sa_type=_utc())
    version: int = Field(default=1)
    recurrence: str | None = Field(default=None, sa_type=sa.Text)
    recur_from_completion: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    recur_start: str | None = Field(default=None, sa_type=sa.String(40))
    zone: str | None = Field(default=None, sa_type=sa.String(64))
    series_id: str | None = Field(default=None, sa_type=sa.String(36))
    occurrence: str | None = Field(default=None, sa_type=sa.String(40))
    kept: str | None = Field(default=None, sa_type=sa.Text)
    """Fields from other tools with no column yet, as a JSON object (core/kept.py)."""
    project: str | None = Field(default=None, sa_type=sa.Text)
    """A '/'-separated path as typed ("home/garden"); a project includes its sub-projects."""
    wait_at: datetime | None = Field(default=None, sa_type=_utc())
    """Hidden from the default lists while now < wait_at."""
    scheduled_date: date | None = Field(default=None)
    scheduled_at: datetime | None = Field(default=None, sa_type=_utc())
    until_at: datetime | None = Field(default=None, sa_type=_utc())
    """The task expires (the recurrence worker deletes it) at this moment."""
    parent_pk: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, sa.ForeignKey("task.pk"), nullable=True)
    )


class Reminder(SQLModel, table=True):
    """A reminder of a task: absolute, or `before` (ISO 8601 duration) its due time."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.Index("ix_reminder_state_at", "state", "at"),
        sa.Index("ix_reminder_task", "task_pk"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_pk: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("task.pk", ondelete="CASCADE"), nullable=False
        )
    )
    at: datetime = Field(sa_type=_utc())
    before: str | None = Field(default=None, sa_type=sa.String(32))
    state: str = Field(sa_type=sa.String(16))
    fired: datetime | None = Field(default=None, sa_type=_utc())
    claimed_until: datetime | None = Field(default=None, sa_type=_utc())


class TaskTag(SQLModel, table=True):
    """One tag on one task; tags are lowercase (core.tags)."""

    __tablename__ = "task_tag"
    __table_args__ = (sa.Index("ix_task_tag_tag", "tag"),)

    task_pk: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("task.pk", ondelete="CASCADE"), primary_key=True
        )
    )
    tag: str = Field(sa_type=sa.String(64), primary_key=True)


class TaskDependency(SQLModel, table=True):
    """Task `task_pk` waits for task `blocker_pk`: it is blocked while both are pending."""

    __tablename__ = "task_dependency"
    __table_args__ = (sa.Index("ix_task_dependency_blocker", "blocker_pk"),)

    task_pk: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("task.pk", ondelete="CASCADE"), primary_key=True
        )
    )
    blocker_pk: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("task.pk", ondelete="CASCADE"), primary_key=True
        )
    )


class SavedView(SQLModel, table=True):
    """A named filter expression of one owner (`todo view save NAME FILTER`)."""

    __tablename__ = "saved_view"

    owner: str = Field(sa_type=sa.String(128), primary_key=True)
    name: str = Field(sa_type=sa.String(64), primary_key=True)
    filter: str = Field(sa_type=sa.Text)
    created: datetime = Field(sa_type=_utc())


class OwnerContext(SQLModel, table=True):
    """The saved view an owner has made their context (`todo context NAME`)."""

    __tablename__ = "owner_context"

    owner: str = Field(sa_type=sa.String(128), primary_key=True)
    view_name: str = Field(sa_type=sa.String(64))


class Operation(SQLModel, table=True):
    """One user-level change (one transaction); the unit of `todo undo`."""

    __tablename__ = "operation"
    __table_args__ = (sa.Index("ix_operation_owner_id", "owner", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(sa_type=sa.String(128))
    kind: str = Field(sa_type=sa.String(32))
    created: datetime = Field(sa_type=_utc())
    undone: datetime | None = Field(default=None, sa_type=_utc())
    undo_of: int | None = Field(default=None)
    caused_by: int | None = Field(default=None)


class Outbox(SQLModel, table=True):
    """The event outbox, appended in the same transaction as the change; `seq` is its order."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_task", "task_pk", "seq"),
        sa.Index("ix_outbox_op", "op_id"),
        sa.Index(
            "ix_outbox_unsent", "seq",
            sqlite_where=sa.text("sent IS NULL"), postgresql_where=sa.text("sent IS NULL"),
        ),
    )

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(sa_type=sa.String(36), unique=True)
    op_id: int = Field(foreign_key="operation.id")
    owner: str = Field(sa_type=sa.String(128))
    type: str = Field(sa_type=sa.String(64))
    task_pk: int
    subject: str = Field(sa_type=sa.String(64))
    time: datetime = Field(sa_type=_utc())
    data: str = Field(sa_type=sa.Text)
    sent: datetime | None = Field(default=None, sa_type=_utc())
    source: str | None = Field(default=None, sa_type=sa.String(256))


class ConsumerOffset(SQLModel, table=True):
    """How far a consumer group has read the embedded log (outbox seq)."""

    __tablename__ = "consumer_offset"

    group_name: str = Field(sa_type=sa.String(128), primary_key=True)
    position: int = Field(sa_type=sa.BigInteger)
    updated: datetime = Field(sa_type=_utc())


class Lease(SQLModel, table=True):
    """A named lease one process holds until it expires: a group's active member, the relay's
    leader. `fence` grows each time the lease changes hands."""

    __tablename__ = "lease"

    name: str = Field(sa_type=sa.String(128), primary_key=True)
    holder: str = Field(sa_type=sa.String(256))
    fence: int = Field(sa_type=sa.BigInteger)
    acquired: datetime = Field(sa_type=_utc())
    expires: datetime = Field(sa_type=_utc())


class AppliedEvent(SQLModel, table=True):
    """An event a consumer group has applied, written in the same transaction as its effect."""

    __tablename__ = "applied_event"

    group_name: str = Field(sa_type=sa.String(128), primary_key=True)
    event_id: str = Field(sa_type=sa.String(36), primary_key=True)
    applied: datetime = Field(sa_type=_utc())


class Audit(SQLModel, table=True):
    """The append-only audit log: who changed what, when, with old and new values."""

    __tablename__ = "audit"
    __table_args__ = (
        sa.Index("ix_audit_owner_time", "owner", "time"),
        sa.Index("ix_audit_task", "owner", "task_uuid", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(sa_type=sa.String(36), unique=True)
    owner: str = Field(sa_type=sa.String(128))
    task_uuid: str | None = Field(default=None, sa_type=sa.String(36))
    task_id: int | None = Field(default=None)
    type: str = Field(sa_type=sa.String(64))
    source: str = Field(sa_type=sa.String(256))
    time: datetime = Field(sa_type=_utc())
    version: int | None = Field(default=None)
    changes: str = Field(sa_type=sa.Text)
    recorded: datetime = Field(sa_type=_utc())


class Delivery(SQLModel, table=True):
    """A reminder's delivery on one channel, claimed before it is sent: one row per (event,
    channel). Without `delivered` it is a claim, live while `lease_until` lies ahead."""

    __tablename__ = "delivery"

    event_id: str = Field(sa_type=sa.String(36), primary_key=True)
    channel: str = Field(sa_type=sa.String(32), primary_key=True)
    delivered: datetime | None = Field(default=None, sa_type=_utc())
    holder: str | None = Field(default=None, sa_type=sa.String(256))
    lease_until: datetime | None = Field(default=None, sa_type=_utc())
    attempts: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class DeadLetter(SQLModel, table=True):
    """A message a consumer gave up on, with the error and where it came from (embedded mode)."""

    __tablename__ = "dead_letter"

    id: int | None = Field(default=None, primary_key=True)
    group_name: str = Field(sa_type=sa.String(128))
    topic: str = Field(sa_type=sa.String(128))
    partition: int
    offset: int = Field(sa_type=sa.BigInteger)
    error: str = Field(sa_type=sa.Text)
    payload: str | None = Field(default=None, sa_type=sa.Text)
    time: datetime = Field(sa_type=_utc())


class Conversation(SQLModel, table=True):
    """A chat conversation with the agent (`todo chat --continue` resumes the latest)."""

    __tablename__ = "conversation"
    __table_args__ = (sa.Index("ix_conversation_owner_updated", "owner", "updated"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(sa_type=sa.String(128))
    title: str = Field(sa_type=sa.String(200))
    created: datetime = Field(sa_type=_utc())
    updated: datetime = Field(sa_type=_utc())


class ConversationMessage(SQLModel, table=True):
    """One message of a conversation, as the agent's JSON, in insertion order."""

    __tablename__ = "conversation_message"
    __table_args__ = (
        sa.Index("ix_conversation_message_conversation", "conversation_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False
        )
    )
    body: str = Field(sa_type=sa.Text)
    created: datetime = Field(sa_type=_utc())


metadata = SQLModel.metadata
