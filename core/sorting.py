"""The sort orders of task lists (`--sort`): pure, over loaded tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from core import dates
from core.schemas import TaskRead
from core.selection import SortKey
from core.urgency import urgency


def sort_tasks(tasks: list[TaskRead], key: SortKey, reverse: bool, now: datetime) -> None:
    """Sort in place. Tasks without a due date stay last when sorting by due, even reversed."""
    if key == "due":
        with_due = [t for t in tasks if t.due is not None]
        without = [t for t in tasks if t.due is None]
        with_due.sort(key=_due_key(now), reverse=reverse)
        without.sort(key=lambda t: t.id)
        tasks[:] = with_due + without
        return
    tasks.sort(key=_KEYS[key](now), reverse=reverse)


def _due_key(now: datetime) -> Callable[[TaskRead], Any]:
    tz = now.tzinfo

    def key(t: TaskRead) -> Any:
        due = t.due
        instant = due if isinstance(due, datetime) else dates.day_start(due, tz)  # type: ignore[arg-type]
        return (instant, -t.priority.rank, t.id)

    return key


_KEYS: dict[str, Callable[[datetime], Callable[[TaskRead], Any]]] = {
    "priority": lambda now: lambda t: (-t.priority.rank, t.id),
    "created": lambda now: lambda t: (t.created, t.id),
    "title": lambda now: lambda t: (t.title.casefold(), t.id),
    "id": lambda now: lambda t: t.id,
    "urgency": lambda now: lambda t: (
        -urgency(t.priority, t.due, t.created, now, t.blocked, t.blocking), t.id
    ),
}
