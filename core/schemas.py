"""The shapes that cross the service boundary: what interfaces send in and get back.

Plain dataclasses rather than pydantic models: they cost nothing to import, which
keeps every CLI command fast, and the service validates their contents itself so
that each error can name the offending part.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any, Literal

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
"""Marks a TaskUpdate field the caller did not set (None means "clear it")."""

SortKey = Literal["due", "priority", "created", "title", "urgency", "id"]
StatusFilter = Literal["pending", "completed", "deleted", "all"]


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


@dataclass(frozen=True, slots=True)
class TaskCreate:
    """A new task. Only imports set `uuid`, `status`, `created`, `updated`, `completed`,
    `zone`, the fields they keep and the series an instance belongs to, and only they may give
    a naive `due`: floating wall time, placed in the user's zone."""

    title: str
    notes: str | None = None
    priority: Priority = Priority.NONE
    tags: tuple[str, ...] = ()
    due: Due | None = None
    uuid: str | None = None
    status: Status = Status.PENDING
    created: datetime | None = None
    updated: datetime | None = None
    completed: datetime | None = None
    recurrence: str | None = None
    recur_from_completion: bool = False
    reminders: tuple[ReminderRead, ...] = ()
    zone: str | None = None
    """The IANA zone a recurring task's series expands in (imports); None: the user's."""
    kept: dict[str, Any] = field(default_factory=dict, hash=False)
    series_id: str | None = None
    """An imported instance's series: instances with one series_id form one series."""
    recur_start: Due | None = None
    """Where that series' rule starts (its first occurrence); the instance's due if None."""
    project: str | None = None
    wait: datetime | None = None
    scheduled: Due | None = None
    until: datetime | None = None
    parent: int | None = None
    """The id of an existing, not deleted task this one is a subtask of."""
    depends: tuple[int, ...] = ()
    """The ids of existing, not deleted tasks that block this one."""
    parent_uuid: str | None = None
    """Imports: the parent by uuid (in the same file or already stored)."""
    depends_uuids: tuple[str, ...] = ()
    """Imports: the blockers by uuid (in the same file or already stored)."""


@dataclass(frozen=True, slots=True)
class TaskUpdate:
    """A partial change: fields left UNSET are untouched; None clears notes or due."""

    title: str | _Unset = UNSET
    notes: str | _Unset | None = UNSET
    priority: Priority | _Unset = UNSET
    due: Due | _Unset | None = UNSET
    tags: tuple[str, ...] | _Unset = UNSET
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    recurrence: str | _Unset | None = UNSET
    """A recurrence phrase or RRULE applying from this instance on; None ends the series."""
    add_reminders: tuple[str, ...] = ()
    """Reminder phrases to add: "30m before", "at 3pm", "tomorrow 9am"."""
    project: str | _Unset | None = UNSET
    wait: Due | _Unset | None = UNSET
    """A date is the start of that local day."""
    scheduled: Due | _Unset | None = UNSET
    until: Due | _Unset | None = UNSET
    """A date is the end of that local day."""
    parent: int | _Unset | None = UNSET
    """The id of the new parent task; None makes the task top-level again."""
    depends: tuple[int, ...] | _Unset = UNSET
    """The ids of the tasks that block this one (replacing the old ones); () clears them."""

    def changes(self) -> dict[str, Any]:
        """The fields the caller set, by name (the dataclass twin of model_dump(exclude_unset))."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            # `depends=()` clears the blockers; an empty add/remove list changes nothing.
            if value is not UNSET and (value != () or f.name == "depends"):
                out[f.name] = value
        return out


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """Which tasks to list and in what order; every criterion must hold."""

    status: StatusFilter = "pending"
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool = False
    today: bool = False
    upcoming: int | None = None
    no_due: bool = False
    search: str | None = None
    project: str | None = None
    """This project and its sub-projects."""
    waiting: bool = False
    """Only tasks still waiting (now < wait); without it they are hidden."""
    or_scheduled: bool = False
    """The due criteria also match tasks scheduled for today or earlier (`today` implies it)."""
    expression: str = ""
    """A filter-language expression (core.filterlang), ANDed with the fields above."""
    ids: tuple[int, ...] = ()
    sort: SortKey = "due"
    reverse: bool = False
    limit: int | None = None
