"""The planning fields of a task: its project and its wait, scheduled and until dates, as
quick add, the add options and edits set them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from core import dates, projects
from core.errors import BadInput
from core.schemas import UNSET, Due, TaskRead
from core.validation import valid_due

if TYPE_CHECKING:
    from core.changes import TaskUpdate
    from core.quickadd import Parsed
    from core.unit_of_work import UnitOfWork


class PlanFields(NamedTuple):
    """The `todo add` options for the planning fields, as typed; None: what the text says.

    A NamedTuple: every `todo add` loads this class, and a dataclass costs ~0.5 ms to create."""

    project: str | None = None
    wait: str | None = None
    scheduled: str | None = None
    until: str | None = None
    default_project: str | None = None
    """The context's project: the task's when neither the option nor the text names one."""


def planned(
    uow: UnitOfWork, parsed: Parsed, options: PlanFields, now: datetime
) -> dict[str, Any]:
    """TaskCreate's planning fields from the options, else from the quick-add text."""
    wait = _date(options.wait, now) or parsed.wait
    until = _date(options.until, now) or parsed.until
    return {
        "project": (projects.optional(options.project) or parsed.project
                    or projects.optional(options.default_project)),
        "wait": None if wait is None else dates.moment(wait, uow.tz),
        "scheduled": _date(options.scheduled, now) or parsed.scheduled,
        "until": None if until is None else dates.moment(until, uow.tz, end_of_day=True),
    }


def _date(text: str | None, now: datetime) -> Due | None:
    return dates.parse_due(text, now) if text else None


def instant(value: datetime | None, tz: tzinfo) -> datetime | None:
    """An aware moment in `tz`; BadInput for one without a zone."""
    if value is not None and value.tzinfo is None:
        raise BadInput(f"{value.isoformat()} has no timezone")
    return None if value is None else value.astimezone(tz)


def moved_plan(task: TaskRead, old_due: Due, new_due: Due) -> dict[str, Any]:
    """The next instance's planning fields: project and until as they are, wait and
    scheduled moved as far as the due moved (as Taskwarrior does, src/recur.cpp)."""
    shift = _instant(new_due) - _instant(old_due)
    scheduled = task.scheduled
    if isinstance(scheduled, datetime):
        scheduled = scheduled + shift
    elif scheduled is not None:
        scheduled = scheduled + timedelta(days=round(shift / timedelta(days=1)))
    return {
        "project": task.project, "until": task.until, "scheduled": scheduled,
        "wait": None if task.wait is None else task.wait + shift,
    }


def _instant(due: Due) -> datetime:
    return due if isinstance(due, datetime) else datetime.combine(due, time(), UTC)


def plan_changes(uow: UnitOfWork, change: TaskUpdate) -> dict[str, Any]:
    """The TaskRead values of the planning fields `change` sets (None clears one)."""
    out: dict[str, Any] = {}
    if change.project is not UNSET:
        out["project"] = projects.optional(change.project)
    if change.wait is not UNSET:
        out["wait"] = None if change.wait is None else dates.moment(change.wait, uow.tz)
    if change.scheduled is not UNSET:
        out["scheduled"] = valid_due(change.scheduled, uow.tz)
    if change.until is not UNSET:
        out["until"] = (
            None if change.until is None else dates.moment(change.until, uow.tz, end_of_day=True)
        )
    return out
