"""All output formatting of the CLI: tables, details, JSON. Nothing else prints tasks."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta, tzinfo
from typing import TextIO

from core import dates
from core.formats import jsonfmt
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.text import json_safe, visible
from todo_cli import cells as cells_of

_RESET = "\033[0m"
_STYLES = {
    "bold": "\033[1m",
    "dim": "\033[2m",
    "red": "\033[31m",
    "yellow": "\033[33m",
    "green": "\033[32m",
    "cyan": "\033[36m",
    "magenta": "\033[35m",
}


class Out:
    """A text stream that knows whether it may use colour and how wide it is."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.tty = _isatty(self.stream)
        self.color = self.tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        self.width = shutil.get_terminal_size().columns if self.tty else 0

    def style(self, text: str, *names: str) -> str:
        """`text` wrapped in the named ANSI styles when colour is on."""
        if not self.color or not names or not text:
            return text
        return "".join(_STYLES[n] for n in names) + text + _RESET

    def line(self, text: str = "") -> None:
        """Write one line."""
        self.stream.write(text + "\n")


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def task_json(task: TaskRead, tz: tzinfo) -> str:
    """One task as the stable JSON object."""
    return json_safe(json.dumps(jsonfmt.task_to_dict(task, tz), ensure_ascii=False))


def tasks_json(tasks: Sequence[TaskRead], tz: tzinfo, out: Out | None = None) -> None:
    """A JSON array of tasks."""
    (out or Out()).stream.write(json_safe(jsonfmt.dumps(tasks, tz)) + "\n")


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


def task_detail(task: TaskRead, now: datetime, out: Out | None = None) -> None:
    """Every field of one task, one per line."""
    out = out or Out()
    tz = now.tzinfo
    assert tz is not None
    fields: list[tuple[str, str]] = [
        ("ID", str(task.id)),
        ("Title", visible(task.title)),
        ("Status", task.status.value),
        ("Priority", task.priority.value),
        ("Tags", visible(" ".join("#" + t for t in task.tags)) or "-"),
        ("Due", _due_detail(task, now, tz)),
        *_plan_detail(task, tz),
        *_recurrence_detail(task),
        *_reminder_detail(task, tz),
        ("Created", _day_or_stamp(task.created, tz)),
        ("Updated", stamp(task.updated, tz)),
    ]
    if task.completed is not None:
        fields.append(("Completed", _day_or_stamp(task.completed, tz)))
    fields.append(("UUID", task.uuid))
    fields += _kept_detail(task)
    for name, value in fields:
        out.line(f"{out.style(name.ljust(10), 'bold')}{value}")
    if task.notes:
        out.line(out.style("Notes", "bold"))
        for line in visible(task.notes, multiline=True).split("\n"):
            out.line(f"  {line}")


def _kept_detail(task: TaskRead) -> list[tuple[str, str]]:
    """Fields kept from another tool, one per line: "Kept      wait: 2026-12-01"."""
    from core.kept import show_value

    return [("Kept" if n == 0 else "", f"{name}: {show_value(value)}")
            for n, (name, value) in enumerate(sorted(task.kept.items()))]


def _recurrence_detail(task: TaskRead) -> list[tuple[str, str]]:
    if task.recurrence is None:
        return []
    from core import recurrence
    from core.recurrence.instances import rule_of

    rule = rule_of(task)
    rows = [("Repeats", f"{recurrence.describe(rule)}  ({task.recurrence})")]
    rows += [("", f"note: {text}") for text in repeat_notes(task)]
    return rows


def repeat_notes(task: TaskRead) -> list[str]:
    """What may surprise about a recurring task's rule from its due ("months without a 31st
    are skipped ..."), for `add` and `show`; [] for a task that does not repeat."""
    if task.recurrence is None:
        return []
    from core import recurrence
    from core.recurrence.instances import rule_of

    return recurrence.warnings(rule_of(task), start=task.due)


def _reminder_detail(task: TaskRead, tz: tzinfo) -> list[tuple[str, str]]:
    rows = []
    for n, reminder in enumerate(task.reminders):
        offset = f"{duration_words(reminder.before)} before" if reminder.before else "at"
        rows.append(("Reminders" if n == 0 else "",
                     f"{stamp(reminder.at, tz)}  {offset}  {reminder.state.value}"))
    return rows


def duration_words(iso_duration: str) -> str:
    """An ISO 8601 duration as a short count and unit ("PT30M" -> "30m")."""
    from core.reminders import parse_iso_duration

    seconds = int(parse_iso_duration(iso_duration).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _plan_detail(task: TaskRead, tz: tzinfo) -> list[tuple[str, str]]:
    """Project, wait, scheduled and until, each only when set."""
    shown = [
        ("Project", None if task.project is None else visible(task.project)),
        ("Wait", None if task.wait is None else _day_or_stamp(task.wait, tz)),
        ("Scheduled", None if task.scheduled is None else dates.iso(task.scheduled, tz)),
        ("Until", None if task.until is None else _until_detail(task.until, tz)),
    ]
    return [(name, value) for name, value in shown if value is not None]


def _until_detail(until: datetime, tz: tzinfo) -> str:
    """`until:fri` is stored as the start of Saturday: shown as Friday's end, as typed."""
    local = until.astimezone(tz)
    if local.time() != time():
        return stamp(until, tz)
    return f"{(local.date() - timedelta(days=1)).isoformat()} (end of day)"


def _due_detail(task: TaskRead, now: datetime, tz: tzinfo) -> str:
    if task.due is None:
        return "-"
    return f"{dates.iso(task.due, tz)} ({dates.describe_relative(task.due, now)})"


def stamp(value: datetime, tz: tzinfo) -> str:
    """A moment as local "YYYY-MM-DD HH:MM"."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _day_or_stamp(value: datetime, tz: tzinfo) -> str:
    """A creation or completion stamp; the day alone when it is exactly local midnight.

    A day from a format without times (todo.txt's creation date) is stored as the start of
    that day; printing "00:00" would invent a time nobody wrote.
    """
    local = value.astimezone(tz)
    return local.strftime("%Y-%m-%d") if local.time() == time() else stamp(value, tz)


def changed(verb: str, tasks: Sequence[TaskRead], out: Out | None = None) -> None:
    """One confirmation line per changed task, e.g. "Completed 3 'pay rent'"."""
    out = out or Out()
    for task in tasks:
        out.line(f"{verb} {out.style(str(task.id), 'bold')} {task.title!r}")


def changed_tasks(verb: str, tasks: Sequence[TaskRead], tz: tzinfo, as_json: bool) -> None:
    """What a command changed: confirmation lines, or a JSON array with --json."""
    if as_json:
        tasks_json(tasks, tz)
    else:
        changed(verb, tasks)


def completed(tasks: Sequence[TaskRead], now: datetime, as_json: bool) -> None:
    """Completed tasks, and for recurring ones the instance that follows."""
    tz = now.tzinfo
    assert tz is not None
    if as_json:
        tasks_json(tasks, tz)
        return
    out = Out()
    for task in tasks:
        if task.status is Status.COMPLETED:
            changed("Completed", [task], out)
        else:
            due = dates.describe_relative(task.due, now) if task.due is not None else "-"
            out.line(f"  next: {out.style(str(task.id), 'bold')} {task.title!r} due {due}")


def reminder_list(pairs: Sequence[tuple[TaskRead, ReminderRead]], now: datetime) -> None:
    """Reminders with their tasks, soonest first."""
    tz = now.tzinfo
    assert tz is not None
    out = Out()
    if not pairs and out.tty:
        out.line(out.style("No reminders.", "dim"))
    for task, reminder in pairs:
        when = f"{stamp(reminder.at, tz)} ({dates.describe_relative(reminder.at, now)})"
        offset = f"{duration_words(reminder.before)} before" if reminder.before else "at"
        state = "" if reminder.state is ReminderState.PENDING else f" [{reminder.state.value}]"
        out.line(f"{when}  {out.style(str(task.id), 'bold')} {visible(task.title)}  "
                 f"{out.style(offset + state, 'dim')}")


def tag_counts(rows: Sequence[tuple[str, int]], out: Out | None = None) -> None:
    """Tags with the number of pending tasks carrying each."""
    out = out or Out()
    width = max((len(tag) for tag, _ in rows), default=0) + 1
    for tag, count in rows:
        out.line(f"{out.style(visible('#' + tag).ljust(width), 'magenta')}  {count}")


def error(message: str) -> None:
    """An error line on stderr."""
    err = Out(sys.stderr)
    sys.stderr.write(f"{err.style('error:', 'red', 'bold')} {visible(message)}\n")


def error_pointer(pointer: str) -> None:
    """The lines under an error line: a bad filter and a caret under the wrong column."""
    for line in pointer.splitlines():
        sys.stderr.write(f"  {visible(line)}\n")
