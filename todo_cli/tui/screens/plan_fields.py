"""The edit form's planning fields (project, wait, scheduled, until): the text each shows
for a task, and the change the typed text asks for.

A field whose text is what it showed is no change (UNSET), so an untouched form saves
nothing. Dates are read by core's date words, as `todo edit --wait` reads them; an error
names the field and is raised before anything is saved.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from core import dates
from core.errors import BadInput
from core.schemas import UNSET, Due, TaskRead, _Unset
from core.text import visible

CLEAR = ("", "none", "never")
"""What a cleared field may say."""


def shown(task: TaskRead, tz: tzinfo) -> dict[str, str]:
    """Each planning field's text for `task`, by field name."""
    return {
        "project": visible(task.project or ""),
        "wait": "" if task.wait is None else _instant(task.wait, tz),
        "scheduled": "" if task.scheduled is None else dates.iso(task.scheduled, tz),
        "until": "" if task.until is None else _instant(task.until, tz, end_of_day=True),
    }


def _instant(value: datetime, tz: tzinfo, end_of_day: bool = False) -> str:
    """A wait or until as typed: the day alone when it is a day's start (wait) or end
    (until, stored as the next day's start), else the full ISO moment, which reads back."""
    local = value.astimezone(tz)
    if local.time() != time():
        return dates.iso(local, tz)
    day = local.date() - timedelta(days=1) if end_of_day else local.date()
    return day.isoformat()


def project_change(text: str, was: str) -> str | _Unset | None:
    """The project the field asks for: UNSET when unchanged, None to clear (core checks it)."""
    text = text.strip()
    if text == was:
        return UNSET
    return None if text.lower() in CLEAR else text


def date_change(label: str, text: str, was: str, now: datetime) -> Due | _Unset | None:
    """The date the field asks for: UNSET when unchanged, None to clear; BadInput naming
    the field when core cannot read the words."""
    text = text.strip()
    if text == was:
        return UNSET
    if text.lower() in CLEAR:
        return None
    try:
        return dates.parse_due(text, now)
    except BadInput as exc:
        raise BadInput(f"{label}: {exc.message}") from None


def links_shown(task: TaskRead) -> dict[str, str]:
    """The parent and depends fields' text for `task`: an id, and ids with commas."""
    return {
        "parent": "" if task.parent is None else str(task.parent),
        "depends": ",".join(map(str, task.depends)),
    }


def parent_change(text: str, was: str) -> int | _Unset | None:
    """The parent the field asks for: UNSET when unchanged, None for no parent; BadInput
    for what is not a task id (core checks that the task exists and makes no cycle)."""
    text = text.strip().lstrip("#")
    if text == was:
        return UNSET
    if text.lower() in CLEAR:
        return None
    return _task_id("Parent", text)


def depends_change(text: str, was: str) -> tuple[int, ...] | _Unset:
    """The blockers the field asks for ("3,4" or "3 4"): UNSET when unchanged, () for none."""
    ids = tuple(_task_id("Depends", word.lstrip("#"))
                for word in text.replace(",", " ").split() if word.lower() not in CLEAR)
    if ids == tuple(_task_id("Depends", w) for w in was.split(",") if w):
        return UNSET
    return ids


def _task_id(label: str, word: str) -> int:
    if not word.isascii() or not word.isdigit() or int(word) < 1:
        raise BadInput(f"{label}: '{visible(word)}' is not a task id (a number like 12)")
    return int(word)
