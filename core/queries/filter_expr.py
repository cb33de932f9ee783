"""Compiling a filter tree (core.filterlang) to a WHERE clause over `task t`, with `?`
parameters, for SQLite and PostgreSQL. Its meaning is core.filterlang.evaluate's, term for
term; tests/core/test_filter_expr_sql.py holds the two together on both stores.

SQL's NULL is never let through a `not`: `not X` compiles to `(X) IS NOT TRUE`, so a task
without a due date is "not due before fri", as in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.dates import day_start
from core.filterlang import tree as t
from core.filterlang.days import day_bounds
from core.queries.search import add_match
from core.queries.where import Where
from core.store import Db

Sql = tuple[str, list[Any]]
_PENDING = "pending"


def compile_expr(node: t.Node, now: datetime, db: Db) -> Sql:
    """The clause selecting exactly the tasks `node` matches at `now` (aware, user's zone),
    and its parameters in order. It does not restrict the owner: AND it with the caller's."""
    return _RULES[type(node)](node, now, db)


def add_expr(where: Where, node: t.Node, now: datetime, db: Db) -> None:
    """AND the expression `node` into `where` (e.g. the one `task_filter.where_for` built)."""
    if not isinstance(node, t.Everything):
        clause, params = compile_expr(node, now, db)
        where.add(clause, *params)


def _join(word: str, items: tuple[t.Node, ...], now: datetime, db: Db) -> Sql:
    parts = [compile_expr(item, now, db) for item in items]
    params = [p for _, ps in parts for p in ps]
    return "(" + f" {word} ".join(sql for sql, _ in parts) + ")", params


def _not(node: t.Not, now: datetime, db: Db) -> Sql:
    sql, params = compile_expr(node.item, now, db)
    return f"(({sql}) IS NOT TRUE)", params


def _tag(node: t.Tag, now: datetime, db: Db) -> Sql:
    # IN, not a correlated EXISTS, as task_filter does: the tag index finds the few tasks.
    return "t.pk IN (SELECT g.task_pk FROM task_tag g WHERE g.tag = ?)", [node.name]


def _project(node: t.Project, now: datetime, db: Db) -> Sql:
    """`home` and every `home/...`. SQLite's LIKE ignores case, so there a range of the
    binary order holds the sub-projects: '/' + 1 is '0'."""
    if db.dialect == "sqlite":
        return ("(t.project = ? OR (t.project >= ? AND t.project < ?))",
                [node.path, node.path + "/", node.path + "0"])
    escaped = node.path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "(t.project = ? OR t.project LIKE ? ESCAPE '\\')", [node.path, escaped + "/%"]


def _day_range(node: t.DayRange, now: datetime, db: Db) -> Sql:
    """On a local day in [start, end): all-day dates by the date, times by the instant of the
    local midnights (the same rule as core.queries.task_filter's due filters)."""
    start, end = day_bounds(node, now)
    tz = now.tzinfo
    assert tz is not None
    prefix = "t.due" if node.field == "due" else "t.scheduled"
    on_date, on_at, by_date, by_at = [], [], [], []
    for bound, op in ((start, ">="), (end, "<")):
        if bound is not None:
            on_date.append(f"{prefix}_date {op} ?")
            by_date.append(db.day(bound))
            on_at.append(f"{prefix}_at {op} ?")
            by_at.append(db.dt(day_start(bound, tz)))
    return (f"(({' AND '.join(on_date)}) OR ({' AND '.join(on_at)}))", by_date + by_at)


def _is(node: t.Is, now: datetime, db: Db) -> Sql:
    if node.what == "overdue":
        return "(t.due_date < ? OR t.due_at < ?)", [db.day(now.date()), db.dt(now)]
    if node.what == "waiting":
        return "(t.wait_at > ?)", [db.dt(now)]
    return (
        "(t.status = ? AND EXISTS (SELECT 1 FROM task_dependency d JOIN task b "
        "ON b.pk = d.blocker_pk WHERE d.task_pk = t.pk AND b.status = ?))",
        [_PENDING, _PENDING],
    )


def _has(node: t.Has, now: datetime, db: Db) -> Sql:
    if node.what == "due":
        return "(t.due_date IS NOT NULL OR t.due_at IS NOT NULL)", []
    # On SQLite the index is named: with no subtask at all ANALYZE rates it useless, and the
    # planner would scan the table once per task.
    hint = " INDEXED BY ix_task_parent_pk" if db.dialect == "sqlite" else ""
    return (f"EXISTS (SELECT 1 FROM task c{hint} WHERE c.parent_pk = t.pk AND c.status <> ?)",
            ["deleted"])


def _status(node: t.StatusIs, now: datetime, db: Db) -> Sql:
    return ("1=1", []) if node.status == "all" else ("t.status = ?", [node.status])


def _text(node: t.Text, now: datetime, db: Db) -> Sql:
    # The very search `todo list WORDS` runs (core.queries.search), not a second one.
    where = Where()
    add_match(where, node.text, db)
    return f"({where.sql()})", where.params


_RULES: dict[type, Callable[[Any, datetime, Db], Sql]] = {
    t.Everything: lambda node, now, db: ("1=1", []),
    t.Tag: _tag,
    t.Project: _project,
    t.PriorityIs: lambda node, now, db: ("t.priority = ?", [node.priority.rank]),
    t.StatusIs: _status,
    t.DayRange: _day_range,
    t.Is: _is,
    t.Has: _has,
    t.Text: _text,
    t.Not: _not,
    t.And: lambda node, now, db: _join("AND", node.items, now, db),
    t.Or: lambda node, now, db: _join("OR", node.items, now, db),
}
