"""The cells of one task row, for the CLI table (todo_cli/render.py) and the TUI table
(todo_cli/tui/widgets/task_table.py): the text of each cell and a semantic style name.

The names say what a cell means ("overdue", "done", "prio.high"); each surface maps them to
its own look, the CLI to ANSI escapes and the TUI to its theme's component classes, so the two
tables agree on what is overdue or settled and differ only in colours. A completed or deleted
task is never overdue. Standard library and core only: this is imported by every `list`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from core import dates
from core.priorities import Priority
from core.schemas import Due, ReminderState, Status, TaskRead
from core.text import visible
from core.urgency import is_overdue

OVERDUE = "overdue"
"""A pending task whose due has passed (its due cell)."""
DONE = "done"
DELETED = "deleted"
"""A settled task's title: completed or deleted."""
TAGS = "tags"
MARKER = "marker"
"""The repeat and reminder marks."""
BLOCKED = "blocked"
"""The mark of a pending task with a pending blocker (`Cells.blocked`)."""
BLOCKED_MARK = "[blocked]"

PRIORITY_MARK = {Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L", Priority.NONE: ""}
PRIORITY_STYLE = {
    Priority.HIGH: "prio.high", Priority.MEDIUM: "prio.medium", Priority.LOW: "prio.low",
}
_SETTLED_STYLE = {Status.COMPLETED: DONE, Status.DELETED: DELETED}

DueWords = Callable[[Due], str]


class Cells(NamedTuple):
    """One task's cells: text, and the semantic style of each (None: the plain style).

    A NamedTuple, not a dataclass: `list` builds one per task, and this is the cheapest.
    """

    id: str
    mark: str
    """The priority mark, "" without a priority."""
    mark_style: str | None
    title: str
    title_style: str | None
    tags: str
    """"#home #work", control characters made visible; "" without tags."""
    due: str
    """The due date in words ("tomorrow", "2 days ago"); "" without one."""
    due_style: str | None
    recurring: bool
    reminder: bool
    """Whether a reminder is still to come."""
    blocked: bool = False
    """Whether the task waits for a pending blocker (marked with BLOCKED_MARK, style BLOCKED)."""


def cells(task: TaskRead, now: datetime, due_words: DueWords | None = None) -> Cells:
    """The cells of `task` at `now`; `due_words` is `due_words_at(now)` when a table shares
    one for all its rows."""
    if task.due is None:
        due = ""
    else:
        due = due_words(task.due) if due_words else dates.describe_relative(task.due, now)
    return Cells(
        str(task.id),
        PRIORITY_MARK[task.priority],
        PRIORITY_STYLE.get(task.priority),
        visible(task.title),
        _SETTLED_STYLE.get(task.status),
        visible(" ".join(["#" + t for t in task.tags])),
        due,
        OVERDUE if overdue(task, now) else None,
        task.recurrence is not None,
        any(r.state is ReminderState.PENDING for r in task.reminders),
        task.blocked,
    )


def overdue(task: TaskRead, now: datetime) -> bool:
    """Whether `task` is pending and its due has passed; a settled task never is."""
    return task.status is Status.PENDING and task.due is not None and is_overdue(task.due, now)


def due_words_at(now: datetime) -> DueWords:
    """`dates.describe_relative` at `now`, each distinct due worked out once.

    Many tasks share a due date; describing each distinct one once saves a third of `list`.
    """
    cache: dict[Due, str] = {}

    def describe(due: Due) -> str:
        text = cache.get(due)
        if text is None:
            text = cache[due] = dates.describe_relative(due, now)
        return text

    return describe


def fit(title: str, tags: str, room: int) -> tuple[str, str]:
    """Title and tags cut to `room` characters side by side (a space between): the title
    keeps priority, the tags give way first; a cut ends in "…"."""
    if len(title) > room or (len(title) == room and tags):
        return title[: room - 1] + "…", ""
    left = room - len(title) - 1
    if len(tags) > left:
        tags = tags[: left - 1] + "…" if left > 1 else ""
    return title, tags
