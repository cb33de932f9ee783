"""TaskFilter to a WHERE clause over `task t`, shared by list, count, export and the TUI."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from core import dates, projects
from core.queries import search
from core.queries.where import Where
from core.selection import TaskFilter
from core.store import Db


def where_for(flt: TaskFilter, owner: str, now: datetime, db: Db) -> Where:
    """The conditions that select exactly the tasks `flt` describes."""
    where = Where()
    where.add("t.owner = ?", owner)
    if flt.status != "all":
        where.add("t.status = ?", flt.status)
    if flt.priority is not None:
        where.add("t.priority = ?", flt.priority.rank)
    for tag in flt.tags:
        # IN, not a correlated EXISTS: the tag index finds the few tasks first, instead of
        # a probe per task (a tag on nothing: 19 ms -> well under 1 ms at 50k tasks).
        where.add("t.pk IN (SELECT g.task_pk FROM task_tag g WHERE g.tag = ?)", tag)
    if flt.ids:
        where.add(f"t.id IN ({', '.join('?' * len(flt.ids))})", *flt.ids)
    if flt.project is not None:
        where.add("(t.project = ? OR t.project LIKE ? ESCAPE '\\')",
                  flt.project, projects.like_prefix(flt.project))
    _add_wait_condition(where, flt, now, db)
    _add_due_conditions(where, flt, now, db)
    if flt.search:
        search.add_match(where, flt.search, db)
    if flt.expression:
        _add_expression(where, flt.expression, now, db)
    return where


def _add_expression(where: Where, expression: str, now: datetime, db: Db) -> None:
    # Imported here: only expressions need the parser and its compiler.
    from core.filterlang import parse
    from core.queries.filter_expr import add_expr

    add_expr(where, parse(expression), now, db)


_APPROX_DUE = {
    "sqlite": "COALESCE(t.due_at, t.due_date)",
    "postgresql": "COALESCE(t.due_at AT TIME ZONE 'UTC', t.due_date::timestamp)",
}
_OFFSET_MARGIN = timedelta(days=3)


def first_by_due(where: Where, count: int, db: Db) -> Where:
    """`where` narrowed to a superset of the first `count` tasks by due date, as
    `sort_tasks(..., "due")` orders them: so `todo list --limit`, and the TUI's first
    screen, read a few hundred rows instead of every match.

    SQL orders all-day dates by the date and timed tasks by their UTC instant: that is the
    true order (all-day dates at local midnight) give or take the zone's offset, at most
    14 hours. So every task among the true first `count` is due before the `count`-th in SQL
    order plus twice that; the margin here is three days. When fewer tasks than `count`
    have a due date, the undated ones are in the answer too and nothing is narrowed.
    """
    if count < 1:
        return where
    key = _APPROX_DUE[db.dialect]
    row = db.all(
        f"SELECT {key} FROM task t WHERE {where.sql()} AND {key} IS NOT NULL "
        f"ORDER BY {key} LIMIT 1 OFFSET ?",
        [*where.params, count - 1],
    )
    if not row:
        return where
    last = row[0][0]
    day = last.date() if isinstance(last, datetime) else date.fromisoformat(str(last)[:10])
    narrowed = Where(list(where.clauses), list(where.params))
    narrowed.add(f"{key} < ?", db.day(day + _OFFSET_MARGIN))
    return narrowed


def _add_due_conditions(where: Where, flt: TaskFilter, now: datetime, db: Db) -> None:
    """The due criteria; with `today` or `or_scheduled`, a task scheduled for today or
    earlier matches them too (Taskwarrior's `scheduled`: when the work can start)."""
    due = Where()
    _due_criteria(due, flt, now, db)
    if not due.clauses:
        return
    if not (flt.today or flt.or_scheduled):
        where.add(due.sql(), *due.params)
        return
    tz = now.tzinfo
    assert tz is not None
    end = dates.day_start(now.date() + timedelta(days=1), tz)
    where.add(
        f"(({due.sql()}) OR t.scheduled_date <= ? OR t.scheduled_at < ?)",
        *due.params, db.day(now.date()), db.dt(end),
    )


def _due_criteria(where: Where, flt: TaskFilter, now: datetime, db: Db) -> None:
    tz = now.tzinfo
    assert tz is not None
    today = now.date()
    if flt.due_before is not None:
        _due_between(where, db, None, flt.due_before, tz)
    if flt.due_after is not None:
        _due_between(where, db, flt.due_after + timedelta(days=1), None, tz)
    if flt.overdue:
        where.add("(t.due_date < ? OR t.due_at < ?)", db.day(today), db.dt(now))
    if flt.today:
        _due_between(where, db, today, today + timedelta(days=1), tz)
    if flt.upcoming is not None:
        end = today + timedelta(days=flt.upcoming + 1)
        where.add(
            "((t.due_date >= ? AND t.due_date < ?) OR (t.due_at >= ? AND t.due_at < ?))",
            db.day(today), db.day(end), db.dt(now), db.dt(dates.day_start(end, tz)),
        )
    if flt.no_due:
        where.add("t.due_date IS NULL AND t.due_at IS NULL")


def _add_wait_condition(where: Where, flt: TaskFilter, now: datetime, db: Db) -> None:
    """`waiting`: only tasks hidden until later; the default pending list hides them."""
    if flt.waiting:
        where.add("t.wait_at > ?", db.dt(now))
        return
    if flt.status != "pending" or flt.ids:
        return
    if not _asks_waiting(flt.expression):
        where.add("(t.wait_at IS NULL OR t.wait_at <= ?)", db.dt(now))
    # A task past its `until` is gone from lists before the worker has deleted it.
    where.add("(t.until_at IS NULL OR t.until_at > ?)", db.dt(now))


def _asks_waiting(expression: str) -> bool:
    """Whether an expression says `is:waiting` anywhere: then waiting tasks are not hidden
    (`todo list is:waiting or +work`)."""
    if "waiting" not in expression.lower():
        return False  # the common case: no parse
    from core.filterlang import parse

    return _mentions_waiting(parse(expression))


def _mentions_waiting(node: object) -> bool:
    from core.filterlang import tree

    if isinstance(node, tree.Is):
        return node.what == "waiting"
    if isinstance(node, tree.Not):
        return _mentions_waiting(node.item)
    if isinstance(node, tree.And | tree.Or):
        return any(_mentions_waiting(item) for item in node.items)
    return False


def _due_between(where: Where, db: Db, start: date | None, end: date | None, tz: Any) -> None:
    """Due on a local day in [start, end); either bound may be open."""
    parts_date, parts_at, params_date, params_at = [], [], [], []
    if start is not None:
        parts_date.append("t.due_date >= ?")
        params_date.append(db.day(start))
        parts_at.append("t.due_at >= ?")
        params_at.append(db.dt(dates.day_start(start, tz)))
    if end is not None:
        parts_date.append("t.due_date < ?")
        params_date.append(db.day(end))
        parts_at.append("t.due_at < ?")
        params_at.append(db.dt(dates.day_start(end, tz)))
    where.add(
        f"(({' AND '.join(parts_date)}) OR ({' AND '.join(parts_at)}))",
        *params_date, *params_at,
    )
