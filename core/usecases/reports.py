"""`todo report`: summary per project, burndown, calendar and completions, read-only.

The SQL is in core/queries/reports.py, the counting in core/report_maths.py; this module
fixes the local days each report covers and converts stored times to them.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from core import dates, events
from core import report_maths as maths
from core.errors import BadInput
from core.queries import reports as sql
from core.queries.task_filter import where_for
from core.selection import TaskFilter
from core.store import read_day, read_dt
from core.unit_of_work import UnitOfWork

MAX_WEEKS = 520


def summary(uow: UnitOfWork) -> maths.Summary:
    """Per project: pending, completed this week (since Monday) and last week, percent done
    (completed of pending plus completed) and overdue."""
    now = uow.now()
    monday = maths.week_start(now.date())
    week, last_week = (dates.day_start(d, uow.tz) for d in (monday, monday - timedelta(7)))
    with uow.store.read() as db:
        rows = sql.project_counts(db, uow.owner, now, week, last_week)
    lines = [maths.ProjectSummary(str(p), *(int(n or 0) for n in counts)) for p, *counts in rows]
    return maths.Summary(monday, lines)


def burndown(uow: UnitOfWork, weeks: int, flt: TaskFilter | None = None) -> maths.Burndown:
    """Pending tasks at the end of each day of the last `weeks` weeks, from the audit log.

    `flt` chooses the tasks by what they are now (its status is ignored: pending is counted).
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise BadInput(f"--weeks must be between 1 and {MAX_WEEKS}, not {weeks}")
    now, days = uow.now(), weeks * 7
    first = now.date() - timedelta(days=days - 1)
    with uow.store.read() as db:
        # Each day's first instant as the store writes times: a stored time falls on the last
        # day starting at or before it (text and datetimes both compare in time order), so no
        # row is converted to a local datetime (52k events: ~0.4 s saved).
        starts = [db.dt(dates.day_start(first + timedelta(n), uow.tz)) for n in range(days + 1)]
        where = where_for(replace(flt or TaskFilter(), status="all"), uow.owner, now, db)
        pending = sql.pending_count(db, where)
        # The first day's own changes come before its point: they are not needed.
        rows = sql.status_changes(db, where, dates.day_start(first + timedelta(1), uow.tz))
    changes = [_status_event(first, starts, row) for row in rows]
    now_status = {uuid: status for *_, uuid, status in rows}
    deltas = maths.pending_deltas(changes, now_status)
    return maths.burndown(pending, now.date(), days, deltas)


def _status_event(first: date, starts: list[Any], row: Any) -> maths.StatusEvent:
    time, kind, changes, uuid, _now = row
    day = first + timedelta(days=bisect_right(starts, time) - 1)
    if kind == events.CREATED:  # no changes recorded: pending_deltas works out its status
        return maths.StatusEvent(day, uuid, True, None, None)
    status = json.loads(changes).get("changes", {}).get("status") or {}
    return maths.StatusEvent(day, uuid, False, status.get("old"), status.get("new"))


def calendar(uow: UnitOfWork, month: date | None = None) -> maths.Calendar:
    """The month grid (this month by default) with each day's pending tasks due on it."""
    first = (month or uow.now().date()).replace(day=1)
    end = dates.add_months(first, 1)
    with uow.store.read() as db:
        rows = sql.due_between(db, uow.owner, first, end, dates.day_start(first, uow.tz),
                               dates.day_start(end, uow.tz))
    due = sorted(((_due_key(uow, day, at), maths.DueTask(int(id_), title))
                  for id_, title, day, at in rows), key=lambda pair: (pair[0][1], pair[1].id))
    return maths.calendar_month(first, [(key[0], task) for key, task in due])


def _due_key(uow: UnitOfWork, day: object, at: object) -> tuple[date, datetime]:
    """The local day a task is due on, and the instant it sorts by (all-day first)."""
    stamp = read_dt(at)
    if stamp is not None:
        return stamp.astimezone(uow.tz).date(), stamp
    all_day = read_day(day)
    assert all_day is not None
    return all_day, dates.day_start(all_day, uow.tz)


def done(uow: UnitOfWork, since: date | None = None) -> maths.Done:
    """Tasks completed on each day since `since` (two weeks by default), per week past
    about two months."""
    today = uow.now().date()
    since = since or today - timedelta(days=13)
    if since > today:
        raise BadInput(f"--since {since.isoformat()} is in the future")
    with uow.store.read() as db:
        stamps = sql.completed_since(db, uow.owner, dates.day_start(since, uow.tz))
    days = [s.astimezone(uow.tz).date() for s in map(read_dt, stamps) if s is not None]
    return maths.done(since, today, days)
