"""Checks and clean-ups of task fields shared by the use cases that create and change tasks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import dates
from core.creation import TaskCreate
from core.errors import BadInput
from core.schemas import Due, ReminderRead, TaskRead
from core.text import check_text

MAX_TITLE = 1000


def valid_title(title: str) -> str:
    """The title with its whitespace collapsed; BadInput if empty or too long."""
    cleaned = " ".join(check_text("title", title).split())
    if not cleaned:
        raise BadInput("a task needs a title")
    if len(cleaned) > MAX_TITLE:
        raise BadInput(f"title is {len(cleaned)} characters long; the limit is {MAX_TITLE}")
    return cleaned


def clean_notes(notes: str | None) -> str | None:
    """Notes with Unix line ends and no trailing blanks; None for blank notes."""
    if notes is None or not notes.strip():
        return None
    return check_text("notes", notes, multiline=True).replace("\r\n", "\n").rstrip()


def placed(due: Due | None, tz: tzinfo) -> Due | None:
    """A floating (naive) due from an import, as that wall time in `tz`."""
    if isinstance(due, datetime) and due.tzinfo is None:
        return dates.combine(due.date(), due.time(), tz)
    return due


def named_zone(name: str) -> tzinfo:
    """The zone called `name`; BadInput naming it if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"unknown time zone '{name}'") from None


def valid_due(due: Due | None, tz: tzinfo | None) -> Due | None:
    """A due time in `tz`; BadInput for a time without a zone."""
    if isinstance(due, datetime):
        if due.tzinfo is None:
            raise BadInput(f"due time {due.isoformat()} has no timezone")
        return due.astimezone(tz)
    return due


def check_dates(task: TaskRead | TaskCreate, names: Sequence[str]) -> None:
    """BadInput unless the named date fields of `task` lie in the range dates.check_range
    allows: values computed from valid input (snooze, recurrence, imports) can still leave it."""
    for name in names:
        if name == "reminders":
            for reminder in task.reminders:
                dates.check_range(reminder.at, f"reminder {reminder.at.isoformat(' ', 'minutes')}")
            continue
        value = getattr(task, name)
        if value is not None:
            dates.check_range(value, f"{name} {value.isoformat()}")


def sorted_reminders(items: Sequence[ReminderRead]) -> tuple[ReminderRead, ...]:
    """Reminders in the order they go off."""
    return tuple(sorted(items, key=lambda r: r.at))


def valid_reminders(items: Sequence[ReminderRead], tz: tzinfo) -> tuple[ReminderRead, ...]:
    """Reminders in `tz`, sorted; BadInput names a malformed offset."""
    relative = [item.before for item in items if item.before is not None]
    if relative:
        # Here: a task without reminders (a plain add) does not load the reminder grammar.
        from core.reminders import parse_iso_duration

        for before in relative:
            parse_iso_duration(before)
    return sorted_reminders([replace(r, at=r.at.astimezone(tz)) for r in items])
