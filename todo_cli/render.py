"""All output formatting of the CLI: tables, details, JSON. Nothing else prints tasks."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo
from typing import TextIO

from core import dates
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.text import json_safe, visible

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
        self.width = _terminal_width() if self.tty else 0

    def style(self, text: str, *names: str) -> str:
        """`text` wrapped in the named ANSI styles when colour is on."""
        if not self.color or not names or not text:
            return text
        return "".join(_STYLES[n] for n in names) + text + _RESET

    def line(self, text: str = "") -> None:
        """Write one line."""
        self.stream.write(text + "\n")


def _terminal_width() -> int:
    # Here, not at the top: shutil (with its compression modules) costs `count` ~2 ms, and
    # only a terminal needs the width.
    import shutil

    return shutil.get_terminal_size().columns


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def task_json(task: TaskRead, tz: tzinfo) -> str:
    """One task as the stable JSON object."""
    import json

    from core.formats import jsonfmt  # JSON output only: core.formats loads uuid and platform

    return json_safe(json.dumps(jsonfmt.task_to_dict(task, tz), ensure_ascii=False))


def tasks_json(tasks: Sequence[TaskRead], tz: tzinfo, out: Out | None = None) -> None:
    """A JSON array of tasks."""
    from core.formats import jsonfmt

    (out or Out()).stream.write(json_safe(jsonfmt.dumps(tasks, tz)) + "\n")


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
