"""The compact task table of `list` (the CLI's; the TUI has its own widget): the cells of
todo_cli/cells.py in aligned columns, styled when on a terminal. Its own module so that the
commands that print no table (add, count, export) do not load the cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from core.priorities import Priority
from core.schemas import TaskRead
from todo_cli import cells as cells_of
from todo_cli.render import Out


def task_table(
    tasks: Sequence[TaskRead],
    now: datetime,
    out: Out | None = None,
    depths: Sequence[int] | None = None,
) -> None:
    """The compact task table; plain aligned text when not on a terminal. `depths` (one per
    task, `list --tree`) indents subtasks under their parent."""
    out = out or Out()
    if not tasks:
        if out.tty:
            out.line(out.style("No tasks.", "dim"))
        return
    words, repeats = cells_of.due_words_at(now), _repeats()
    rows = [_Row(cells_of.cells(t, now, words), repeats(t)) for t in tasks]
    for row, depth in zip(rows, depths or (), strict=False):
        if depth:
            row.title = "  " * (depth - 1) + "└ " + row.title
    id_w = max(max(len(r.cells.id) for r in rows), 2)
    due_w = max(max(len(r.cells.due) for r in rows), 3)
    rep_w = max(len(r.repeats) for r in rows)
    if rep_w:
        # Only lists with a recurring task pay for the column.
        rep_w = max(rep_w, 7)
        for r in rows:
            r.due = f"{r.due.ljust(due_w)}  {r.repeats.ljust(rep_w)}"
    room = max(out.width - id_w - due_w - rep_w - 9, 20) if out.width else None
    if out.tty:
        due_head = "Due".ljust(due_w) + (f"  {'Repeats'.ljust(rep_w)}" if rep_w else "")
        out.line(out.style(f"{'ID'.rjust(id_w)}  P  {due_head}  Title", "bold"))
    due_w += rep_w + 2 if rep_w else 0
    format_row = _styled_row if out.color else _plain_row
    out.stream.write("".join(format_row(out, r, id_w, due_w, room) for r in rows))


# The CLI's look for each semantic style of todo_cli/cells.py.
_LOOK: dict[str | None, tuple[str, ...]] = {
    cells_of.OVERDUE: ("red", "bold"),
    cells_of.DONE: ("dim",),
    cells_of.DELETED: ("dim",),
    cells_of.TAGS: ("magenta",),
    cells_of.BLOCKED: ("yellow",),
    cells_of.PRIORITY_STYLE[Priority.HIGH]: ("red", "bold"),
    cells_of.PRIORITY_STYLE[Priority.MEDIUM]: ("yellow", "bold"),
    cells_of.PRIORITY_STYLE[Priority.LOW]: ("cyan", "bold"),
    None: (),
}


class _Row:
    """One task's cells, with the due column's text (the Repeats column joins it)."""

    __slots__ = ("cells", "due", "repeats", "title")

    def __init__(self, cells: cells_of.Cells, repeats: str) -> None:
        self.cells = cells
        self.due = cells.due
        self.repeats = repeats
        # The CLI has no marker column: a pending reminder shows after the title.
        self.title = cells.title + " ⏰" if cells.reminder else cells.title
        if cells.blocked:
            self.title = f"{self.title} {cells_of.BLOCKED_MARK}"


def _repeats() -> Callable[[TaskRead], str]:
    cache: dict[tuple[str, bool], str] = {}

    def describe(task: TaskRead) -> str:
        if task.recurrence is None:
            return ""
        key = (task.recurrence, task.recur_from_completion)
        text = cache.get(key)
        if text is None:
            from core import recurrence

            rule = recurrence.Rule(task.recurrence, task.recur_from_completion)
            text = cache[key] = recurrence.describe(rule)
        return text

    return describe


def _fitted(r: _Row, room: int | None) -> tuple[str, str]:
    if room is None:
        return r.title, r.cells.tags
    return cells_of.fit(r.title, r.cells.tags, room)


def _plain_row(out: Out, r: _Row, id_w: int, due_w: int, room: int | None) -> str:
    title, tags = _fitted(r, room)
    text = f"{title} {tags}" if tags else title
    return f"{r.cells.id.rjust(id_w)}  {r.cells.mark:1}  {r.due.ljust(due_w)}  {text}\n"


def _styled_row(out: Out, r: _Row, id_w: int, due_w: int, room: int | None) -> str:
    c = r.cells
    title, tags = _fitted(r, room)
    text = out.style(title, *_LOOK[c.title_style])
    if tags:
        text += " " + out.style(tags, *_LOOK[cells_of.TAGS])
    return "  ".join((
        out.style(c.id.rjust(id_w), "dim"),
        out.style(c.mark.ljust(1), *_LOOK[c.mark_style]),
        out.style(r.due.ljust(due_w), *_LOOK[c.due_style]),
        text,
    )) + "\n"
