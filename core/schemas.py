"""The shapes that cross the service boundary: what interfaces get back (a task, its
reminders) and the vocabulary every shape shares. What they send in lives beside this:
`core.changes` (a new task, a change to one) and `core.selection` (which tasks to list), each
loaded only by the commands that use it, since creating these dataclasses costs a command
~1 ms apiece on Python 3.11.

Plain dataclasses rather than pydantic models: importing pydantic would cost every command
more than its whole start-up budget, and the service validates their contents itself so
that each error can name the offending part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from core.priorities import Priority

Due = date | datetime
"""An all-day date, or a timezone-aware datetime. Never a fake midnight."""


class Status(StrEnum):
    """Where a task is in its life."""

    PENDING = "pending"
    COMPLETED = "completed"
    DELETED = "deleted"


class _Unset(Enum):
    UNSET = "UNSET"


UNSET = _Unset.UNSET
"""Marks a TaskUpdate field the caller did not set (None means "clear it"; core.changes)."""



class ReminderState(StrEnum):
    """Where a reminder is: waiting, delivered, or acknowledged by the user."""

    PENDING = "pending"
    FIRED = "fired"
    DISMISSED = "dismissed"


@dataclass(frozen=True, slots=True)
class ReminderRead:
    """A reminder: when it fires, its offset before the due time if relative, its state."""

    at: datetime
    before: str | None
    state: ReminderState


@dataclass(frozen=True, slots=True)
class TaskRead:
    """A task as the service returns it. `due` is local-aware or an all-day date."""

    id: int
    uuid: str
    title: str
    notes: str | None
    status: Status
    priority: Priority
    tags: tuple[str, ...]
    due: Due | None
    created: datetime
    updated: datetime
    completed: datetime | None
    recurrence: str | None = None
    recur_from_completion: bool = False
    reminders: tuple[ReminderRead, ...] = ()
    kept: dict[str, Any] = field(default_factory=dict, hash=False)
    """Fields from other tools we have no home for yet, by name (core/kept.py)."""
    project: str | None = None
    """A '/'-separated project path ("home/garden"), core/projects.py."""
    wait: datetime | None = None
    """Hidden from the default lists until this moment (local-aware)."""
    scheduled: Due | None = None
    """When the user plans to start: an all-day date or a local-aware datetime."""
    until: datetime | None = None
    """The task expires (is deleted by the recurrence worker) at this moment."""
    parent: int | None = None
    """The id of the parent task (a subtask's), or None."""
    depends: tuple[int, ...] = ()
    """The ids of the tasks that block this one, ascending."""
    blocked: bool = False
    """Pending with at least one pending blocker."""
    children: int = 0
    """How many subtasks (not deleted) this task has."""
    blocking: bool = False
    """Pending and blocks at least one pending task (urgency counts it; not in JSON)."""
