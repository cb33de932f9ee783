"""What interfaces send in to change tasks: a new task (TaskCreate) and a partial change to
one (TaskUpdate). Validated by the service, which names the offending part of any error."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from core.priorities import Priority
from core.schemas import UNSET, Due, ReminderRead, Status, _Unset


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
