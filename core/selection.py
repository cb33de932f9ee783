"""Which tasks to list and in what order (TaskFilter): what `list`, `count`, the TUI and the
agent send in to read tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from core.priorities import Priority

SortKey = Literal["due", "priority", "created", "title", "urgency", "id"]
StatusFilter = Literal["pending", "completed", "deleted", "all"]


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
