"""All output formatting of the CLI: tables, details, JSON. Nothing else prints tasks."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any, TextIO

from core import dates
from core.formats import jsonfmt
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.urgency import is_overdue

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
_PRIORITY_MARK = {Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L", Priority.NONE: ""}
_PRIORITY_STYLE = {Priority.HIGH: "red", Priority.MEDIUM: "yellow", Priority.LOW: "cyan"}


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
    return json.dumps(jsonfmt.task_to_dict(task, tz), ensure_ascii=False)


def tasks_json(tasks: Sequence[TaskRead], tz: tzinfo, out: Out | None = None) -> None:
    """A JSON array of tasks."""
    (out or Out()).stream.write(jsonfmt.dumps(tasks, tz) + "\n")


def task_table(tasks: Sequence[TaskRead], now: datetime, out: Out | None = None) -> None:
    """The compact task table; plain aligned text when not on a terminal."""
    out = out or Out()
    if not tasks:
        if out.tty:
            out.line(out.style("No tasks.", "dim"))
        return
    rows = [_row(t, now) for t in tasks]
    widths = [max(len(r[i][0]) for r in rows) for i in range(4)]
    heads = ("ID", "P", "Due", "Title")
    widths = [max(w, len(h)) for w, h in zip(widths, heads, strict=True)]
    title_room = _title_room(out, widths)
    if out.tty:
        header = "  ".join(h.ljust(w) for h, w in zip(heads[:3], widths[:3], strict=True))
        out.line(out.style(f"{header}  Title", "bold"))
    write = out.stream.write
    for row in rows:
        write(_format_row(out, row, widths, title_room) + "\n")


Cell = tuple[str, tuple[str, ...]]


def _row(task: TaskRead, now: datetime) -> tuple[Cell, Cell, Cell, Cell, Cell]:
    due_text = dates.describe_relative(task.due, now) if task.due is not None else ""
    due_style: tuple[str, ...] = ("red", "bold") if is_overdue(task.due, now) else ()
    title_style: tuple[str, ...] = ("dim",) if task.status is not Status.PENDING else ()
    tags = " ".join("#" + t for t in task.tags)
    return (
        (str(task.id), ("dim",)),
        (_PRIORITY_MARK[task.priority], _priority_style(task.priority)),
        (due_text, due_style),
        (task.title + _markers(task), title_style),
        (tags, ("magenta",)),
    )


def _markers(task: TaskRead) -> str:
    marks = ""
    if task.recurrence is not None:
        marks += " ↻"
    if any(r.state is ReminderState.PENDING for r in task.reminders):
        marks += " ⏰"
    return marks


def _priority_style(priority: Priority) -> tuple[str, ...]:
    style = _PRIORITY_STYLE.get(priority)
    return (style, "bold") if style else ()


def _title_room(out: Out, widths: list[int]) -> int | None:
    if not out.width:
        return None
    return max(out.width - sum(widths[:3]) - 6, 20)


def _format_row(out: Out, row: Sequence[Cell], widths: list[int], room: int | None) -> str:
    (id_, id_s), (pri, pri_s), (due, due_s), (title, title_s), (tags, tags_s) = row
    text = f"{title} {tags}" if tags else title
    if room is not None and len(text) > room:
        text = text[: room - 1] + "…"
    if out.color and tags and len(text) == len(title) + 1 + len(tags):
        text = out.style(title, *title_s) + " " + out.style(tags, *tags_s)
    else:
        text = out.style(text, *title_s)
    return "  ".join(
        (
            out.style(id_.rjust(widths[0]), *id_s),
            out.style(pri.ljust(widths[1]), *pri_s),
            out.style(due.ljust(widths[2]), *due_s),
            text,
        )
    )


def task_detail(task: TaskRead, now: datetime, out: Out | None = None) -> None:
    """Every field of one task, one per line."""
    out = out or Out()
    tz = now.tzinfo
    assert tz is not None
    fields: list[tuple[str, str]] = [
        ("ID", str(task.id)),
        ("Title", task.title),
        ("Status", task.status.value),
        ("Priority", task.priority.value),
        ("Tags", " ".join("#" + t for t in task.tags) or "-"),
        ("Due", _due_detail(task, now, tz)),
        *_recurrence_detail(task),
        *_reminder_detail(task, tz),
        ("Created", _stamp(task.created, tz)),
        ("Updated", _stamp(task.updated, tz)),
    ]
    if task.completed is not None:
        fields.append(("Completed", _stamp(task.completed, tz)))
    fields.append(("UUID", task.uuid))
    for name, value in fields:
        out.line(f"{out.style(name.ljust(10), 'bold')}{value}")
    if task.notes:
        out.line(out.style("Notes", "bold"))
        for line in task.notes.splitlines():
            out.line(f"  {line}")


def _recurrence_detail(task: TaskRead) -> list[tuple[str, str]]:
    if task.recurrence is None:
        return []
    from core import recurrence
    from core.series import rule_of

    rule = rule_of(task)
    rows = [("Repeats", f"{recurrence.describe(rule)}  ({task.recurrence})")]
    rows += [("", f"note: {text}") for text in recurrence.warnings(rule)]
    return rows


def _reminder_detail(task: TaskRead, tz: tzinfo) -> list[tuple[str, str]]:
    rows = []
    for n, reminder in enumerate(task.reminders):
        offset = f"{_duration_words(reminder.before)} before" if reminder.before else "at"
        rows.append(("Reminders" if n == 0 else "",
                     f"{_stamp(reminder.at, tz)}  {offset}  {reminder.state.value}"))
    return rows


def _duration_words(iso_duration: str) -> str:
    from core.reminders import parse_iso_duration

    seconds = int(parse_iso_duration(iso_duration).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _due_detail(task: TaskRead, now: datetime, tz: tzinfo) -> str:
    if task.due is None:
        return "-"
    return f"{dates.iso(task.due, tz)} ({dates.describe_relative(task.due, now)})"


def _stamp(value: datetime, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


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


def reminder_list(
    pairs: Sequence[tuple[TaskRead, ReminderRead]], now: datetime, as_json: bool
) -> None:
    """Reminders with their tasks, soonest first."""
    tz = now.tzinfo
    assert tz is not None
    out = Out()
    if as_json:
        rows = [
            {"task": t.id, "title": t.title, "at": dates.iso(r.at, tz), "before": r.before,
             "state": r.state.value}
            for t, r in pairs
        ]
        out.line(json.dumps(rows, ensure_ascii=False))
        return
    if not pairs and out.tty:
        out.line(out.style("No reminders.", "dim"))
    for task, reminder in pairs:
        when = f"{_stamp(reminder.at, tz)} ({dates.describe_relative(reminder.at, now)})"
        offset = f"{_duration_words(reminder.before)} before" if reminder.before else "at"
        state = "" if reminder.state is ReminderState.PENDING else f" [{reminder.state.value}]"
        out.line(f"{when}  {out.style(str(task.id), 'bold')} {task.title}  "
                 f"{out.style(offset + state, 'dim')}")


def history(entries: Sequence[Any], tz: tzinfo, out: Out | None = None) -> None:
    """A task's changes, oldest first: time, event type, and old -> new per field."""
    out = out or Out()
    for entry in entries:
        kind = entry.type.rsplit(".", 1)[-1]
        stamp = _stamp(entry.time, tz)
        out.line(f"{out.style(stamp, 'dim')}  {out.style(kind, 'bold')}")
        for name, change in entry.changes.items():
            out.line(f"    {name}: {_value(change['old'])} -> {_value(change['new'])}")


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return " ".join("#" + v for v in value) or "-"
    return str(value)


def tag_counts(rows: Sequence[tuple[str, int]], out: Out | None = None) -> None:
    """Tags with the number of pending tasks carrying each."""
    out = out or Out()
    width = max((len(tag) for tag, _ in rows), default=0) + 1
    for tag, count in rows:
        out.line(f"{out.style(('#' + tag).ljust(width), 'magenta')}  {count}")


def settings_table(rows: Sequence[tuple[str, str, str]], out: Out | None = None) -> None:
    """Effective settings with where each value came from."""
    out = out or Out()
    key_w = max(len(k) for k, _, _ in rows)
    val_w = max(len(v) for _, v, _ in rows)
    for key, value, source in rows:
        out.line(f"{key.ljust(key_w)}  {value.ljust(val_w)}  {out.style(source, 'dim')}")


def error(message: str) -> None:
    """An error line on stderr."""
    err = Out(sys.stderr)
    sys.stderr.write(f"{err.style('error:', 'red', 'bold')} {message}\n")
