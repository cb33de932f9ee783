"""A task row for the filter language's tests: TaskRead's fields, plus `blocked` and
`has_children`, which the tests work out from the dependency and parent rows they write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.priorities import Priority
from core.schemas import TaskRead


@dataclass(frozen=True)
class Row:
    """What core.filterlang.FilterTask reads."""

    title: str = "task"
    notes: str | None = None
    tags: tuple[str, ...] = ()
    project: str | None = None
    priority: Priority = Priority.NONE
    due: date | datetime | None = None
    scheduled: date | datetime | None = None
    wait: datetime | None = None
    status: str = "pending"
    blocked: bool = False
    has_children: bool = False


def row_of(task: TaskRead, blocked: bool = False, has_children: bool = False) -> Row:
    """The row of a task read back from a store; `blocked` and `has_children` as the caller
    knows them from the dependencies and parents it wrote."""
    return Row(title=task.title, notes=task.notes, tags=task.tags, project=task.project,
               priority=task.priority, due=task.due, scheduled=task.scheduled, wait=task.wait,
               status=str(task.status), blocked=blocked, has_children=has_children)
