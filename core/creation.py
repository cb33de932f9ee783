"""What interfaces send in to create a task (TaskCreate), validated by the service, which
names the offending part of any error. Its own module, apart from core.changes: each of these
dataclasses costs a command ~1 ms to create, and an add needs only this one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.priorities import Priority
from core.schemas import Due, ReminderRead, Status


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
