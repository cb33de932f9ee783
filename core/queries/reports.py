"""The SQL of `todo report`: per-project counts, status changes from the audit log, due
tasks of a month, completion times.

Rows come back raw (store values); core/usecases/reports.py turns them into local dates and
core/report_maths.py counts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.queries.where import Where
from core.store import Db

PROJECT_KEY = "NULL"
"""The SQL expression a task's project is grouped by. Until migration 0009 adds the column
every task is in no project; with it this becomes "t.project" (schema15.md)."""

_STATUS_TYPES = ("created", "completed", "reopened", "deleted", "restored")
"""The event types that can move a task into or out of pending (an update never does)."""


def project_counts(
    db: Db, owner: str, now: datetime, week: datetime, last_week: datetime,
    key: str = PROJECT_KEY,
) -> list[Any]:
    """Per project key: pending, completed, completed since `week`, completed in
    [last_week, week), and pending overdue at `now`; ordered by project. `key` is the SQL
    expression over `task t` to group by (a constant, never user input)."""
    pending, completed = "t.status = 'pending'", "t.status = 'completed'"
    return db.all(
        f"SELECT COALESCE({key}, '(none)') AS project, "
        f"SUM(CASE WHEN {pending} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {completed} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {completed} AND t.completed >= ? THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {completed} AND t.completed >= ? AND t.completed < ? THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {pending} AND (t.due_date < ? OR t.due_at < ?) THEN 1 ELSE 0 END) "
        "FROM task t WHERE t.owner = ? AND t.status IN ('pending', 'completed') "
        "GROUP BY 1 ORDER BY 1",
        (db.dt(week), db.dt(last_week), db.dt(week), db.day(now.date()), db.dt(now), owner),
    )


def pending_count(db: Db, where: Where) -> int:
    """How many of the tasks `where` selects are pending."""
    return int(db.value(
        f"SELECT COUNT(*) FROM task t WHERE {where.sql()} AND t.status = 'pending'", where.params
    ))


def status_changes(db: Db, where: Where, since: datetime) -> list[Any]:
    """(time, type, changes JSON, task uuid, its status now) of every audited event since
    `since` that may have changed the status of a task `where` selects, oldest first."""
    kinds = [f"todo.task.{k}" for k in _STATUS_TYPES]
    rows = db.all(
        # A created event records no changes: its text is not worth reading.
        "SELECT a.time, a.type, CASE WHEN a.type = 'todo.task.created' THEN NULL "
        "ELSE a.changes END, t.uuid, t.status FROM audit a "
        f"JOIN task t ON t.owner = a.owner AND t.uuid = a.task_uuid WHERE {where.sql()} "
        f"AND a.type IN ({', '.join('?' * len(kinds))}) AND a.time >= ? ORDER BY a.time, a.id",
        [*where.params, *kinds, db.dt(since)],
    )
    return rows


def due_between(db: Db, owner: str, first: date, end: date, start: datetime, stop: datetime
                ) -> list[Any]:
    """(id, title, due_date, due_at) of pending tasks due on a day in [first, end) or at an
    instant in [start, stop), by due then id."""
    return db.all(
        "SELECT t.id, t.title, t.due_date, t.due_at FROM task t WHERE t.owner = ? "
        "AND t.status = 'pending' AND ((t.due_date >= ? AND t.due_date < ?) "
        "OR (t.due_at >= ? AND t.due_at < ?)) ORDER BY t.id",
        (owner, db.day(first), db.day(end), db.dt(start), db.dt(stop)),
    )


def completed_since(db: Db, owner: str, since: datetime) -> list[Any]:
    """The completion time of every task completed (and still so) since `since`."""
    return [row[0] for row in db.all(
        "SELECT t.completed FROM task t WHERE t.owner = ? AND t.status = 'completed' "
        "AND t.completed >= ?",
        (owner, db.dt(since)),
    )]
