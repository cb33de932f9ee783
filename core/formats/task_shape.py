"""The shape of one task in our JSON (`task_to_dict`), apart from jsonfmt's parsers: every
write builds it for its event's data, and a plain `todo add` should load none of the import
machinery (core.formats._common, jsonfmt) to do so. jsonfmt re-exports it.

The key order is part of the contract; add keys at the end, never rename. Datetimes are
written in the caller's zone with their UTC offset, to the second.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from core.dates import iso
from core.schemas import ReminderRead, TaskRead


def task_to_dict(task: TaskRead, tz: tzinfo) -> dict[str, Any]:
    """The scripting shape of one task, keys in their documented order."""
    return {
        "id": task.id,
        "title": task.title,
        "notes": task.notes,
        "status": task.status.value,
        "priority": task.priority.value,
        "tags": list(task.tags),
        "due": None if task.due is None else iso(task.due, tz),
        "recurrence": task.recurrence,
        "reminders": [_reminder_to_dict(r, tz) for r in task.reminders],
        "created": iso(task.created, tz),
        "updated": iso(task.updated, tz),
        "completed": _optional_iso(task.completed, tz),
        "uuid": task.uuid,
        "recurrence_from": _recurrence_from(task),
        # Sorted, as core.kept stores them: the SQLite fast path copies the stored text.
        "kept": dict(sorted(task.kept.items())),
        "project": task.project,
        "wait": _optional_iso(task.wait, tz),
        "scheduled": None if task.scheduled is None else iso(task.scheduled, tz),
        "until": _optional_iso(task.until, tz),
        "parent": task.parent,
        "depends": list(task.depends),
        "blocked": task.blocked,
        "children": task.children,
    }


def _recurrence_from(task: TaskRead) -> str | None:
    """What the next instance counts from: the schedule ("due") or the completion (`every!`)."""
    if task.recurrence is None:
        return None
    return "completion" if task.recur_from_completion else "due"


def _reminder_to_dict(reminder: ReminderRead, tz: tzinfo) -> dict[str, Any]:
    return {"at": iso(reminder.at, tz), "before": reminder.before, "state": reminder.state.value}


def _optional_iso(value: datetime | None, tz: tzinfo) -> str | None:
    return None if value is None else iso(value, tz)
