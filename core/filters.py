"""TaskFilter to SQL, and the sort orders. The SQL is shared by list, count and tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from core import dates
from core.errors import BadInput
from core.schemas import SortKey, TaskFilter, TaskRead
from core.store import Db
from core.urgency import urgency

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Where:
    """A WHERE clause over `task t`, with its parameters in order."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        """AND one more condition."""
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        """The clause text, without the WHERE keyword."""
        return " AND ".join(self.clauses) or "1=1"


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
    _add_due_conditions(where, flt, now, db)
    if flt.search:
        _add_search(where, flt.search, db)
    if flt.expression:
        _add_expression(where, flt.expression, now, db)
    return where


def _add_expression(where: Where, expression: str, now: datetime, db: Db) -> None:
    # Imported here: the compiler builds on this module, and only expressions need it.
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


def _add_search(where: Where, text: str, db: Db) -> None:
    """Each word matches the start of a word in the title or notes ("pay ren" finds "Pay
    rent"); a term with signs in it ("c++", "c#", "node.js") must appear as typed, ignoring
    case, since the full-text index keeps only letters and digits ("c++" is the word "c")."""
    terms = text.split()
    if not _WORD.search(text):
        raise BadInput(f"search text '{text}' has no words to look for")
    signed = [term for term in terms if _WORD.fullmatch(term) is None]
    for term in signed:
        where.add(f"{_CONTAINS[db.dialect]} > 0", term)
    # The words go in as quoted FTS5 strings and plain tsquery lexemes: \w+ holds no quote,
    # colon, star or operator, so nothing typed is read as query syntax. FTS5 splits a signed
    # term into its words as our regex does, so they narrow the search through the index;
    # PostgreSQL's parser keeps "node.js" whole, so there only the plain words go in.
    if db.dialect == "sqlite":
        query = " AND ".join(f'"{w}"*' for w in _WORD.findall(text))
        where.add("t.pk IN (SELECT rowid FROM task_fts WHERE task_fts MATCH ?)", query)
        return
    words = [term for term in terms if term not in signed]
    if words:
        where.add(
            "to_tsvector('simple', t.title || ' ' || coalesce(t.notes, '')) "
            "@@ to_tsquery('simple', ?)",
            " & ".join(f"{w}:*" for w in words),
        )


_TEXT = "lower(t.title || ' ' || coalesce(t.notes, ''))"
_CONTAINS = {
    "sqlite": f"instr({_TEXT}, lower(?))",
    "postgresql": f"strpos({_TEXT}, lower(?))",
}


def sort_tasks(tasks: list[TaskRead], key: SortKey, reverse: bool, now: datetime) -> None:
    """Sort in place. Tasks without a due date stay last when sorting by due, even reversed."""
    if key == "due":
        with_due = [t for t in tasks if t.due is not None]
        without = [t for t in tasks if t.due is None]
        with_due.sort(key=_due_key(now), reverse=reverse)
        without.sort(key=lambda t: t.id)
        tasks[:] = with_due + without
        return
    tasks.sort(key=_KEYS[key](now), reverse=reverse)


def _due_key(now: datetime) -> Callable[[TaskRead], Any]:
    tz = now.tzinfo

    def key(t: TaskRead) -> Any:
        due = t.due
        instant = due if isinstance(due, datetime) else dates.day_start(due, tz)  # type: ignore[arg-type]
        return (instant, -t.priority.rank, t.id)

    return key


_KEYS: dict[str, Callable[[datetime], Callable[[TaskRead], Any]]] = {
    "priority": lambda now: lambda t: (-t.priority.rank, t.id),
    "created": lambda now: lambda t: (t.created, t.id),
    "title": lambda now: lambda t: (t.title.casefold(), t.id),
    "id": lambda now: lambda t: t.id,
    "urgency": lambda now: lambda t: (-urgency(t.priority, t.due, t.created, now), t.id),
}
