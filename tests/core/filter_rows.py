"""A task row for the filter language's tests: TaskRead's fields plus those migration 0009
adds (project, scheduled, wait, blocked, has_children), until TaskRead carries them."""

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


def row_of(task: TaskRead) -> Row:
    """The row of a task read back from a store."""
    return Row(title=task.title, notes=task.notes, tags=task.tags, priority=task.priority,
               due=task.due, status=str(task.status))
