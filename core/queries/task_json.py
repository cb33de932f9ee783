"""Tasks as our JSON, rendered by SQLite itself: the fast path of `todo export` on SQLite.

Building 50,000 TaskRead objects and encoding them in Python costs about a second; SQLite's
JSON functions do the same work in C in a fraction of that. The output is byte for byte what
`core.formats.jsonfmt.dumps_one` writes for the same task (a test holds the two paths to it),
so this module and `jsonfmt.task_to_dict` change together. Local times need the user's zone,
which SQLite does not know: the zone's UTC offsets over the range of stored instants are
computed once in Python (`dates.offset_spans`) and inlined into the query as a CASE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from core import dates
from core.priorities import Priority
from core.store import Db, Store, read_dt

_RANGE = (
    "SELECT MIN(t.created), MAX(t.created), MIN(t.updated), MAX(t.updated), "
    "MIN(t.completed), MAX(t.completed), MIN(t.due_at), MAX(t.due_at), MIN(t.wait_at), "
    "MAX(t.wait_at), MIN(t.scheduled_at), MAX(t.scheduled_at), MIN(t.until_at), "
    "MAX(t.until_at) FROM task t WHERE {where}"
)
_REMINDER_RANGE = (
    "SELECT MIN(r.at), MAX(r.at) FROM reminder r JOIN task t ON t.pk = r.task_pk WHERE {where}"
)


def renders_in_sql(store: Store) -> bool:
    """Whether `store` can render our JSON itself (SQLite's JSON functions)."""
    return store.dialect == "sqlite"


def task_json_lines(db: Db, where_sql: str, params: Sequence[Any], tz: tzinfo) -> list[str]:
    """One JSON object per task matching a WHERE clause over `task t`, in id order."""
    stamps = [
        *db.all(_RANGE.format(where=where_sql), params)[0],
        *db.all(_REMINDER_RANGE.format(where=where_sql), params)[0],
    ]
    instants = [d for d in map(read_dt, stamps) if d is not None] or [datetime.now(UTC)]
    spans = dates.offset_spans(tz, min(instants), max(instants))
    sql = _task_sql(spans).format(where=where_sql)
    return [row[0] for row in db.all(sql, params)]


def _task_sql(spans: list[dates.OffsetSpan]) -> str:
    def local(column: str) -> str:
        return _local_sql(column, spans)

    priority = " ".join(f"WHEN {p.rank} THEN '{p.value}'" for p in Priority)
    # Keys in the order of jsonfmt.task_to_dict: that order is part of the contract.
    return (
        "SELECT json_object("
        "'id', t.id, 'title', t.title, 'notes', t.notes, 'status', t.status, "
        f"'priority', CASE t.priority {priority} END, "
        "'tags', json((SELECT json_group_array(g.tag) FROM "
        "(SELECT tag FROM task_tag g WHERE g.task_pk = t.pk ORDER BY g.tag) g)), "
        f"'due', CASE WHEN t.due_at IS NULL THEN t.due_date ELSE {local('t.due_at')} END, "
        "'recurrence', t.recurrence, "
        # Most tasks have no reminder; the EXISTS probe is much cheaper than an empty aggregate.
        "'reminders', CASE WHEN EXISTS (SELECT 1 FROM reminder x WHERE x.task_pk = t.pk) "
        "THEN json((SELECT json_group_array(json_object("
        f"'at', {local('r.at')}, 'before', r.before, 'state', r.state)) FROM "
        "(SELECT at, before, state FROM reminder r WHERE r.task_pk = t.pk ORDER BY r.at, r.id) r"
        ")) ELSE json_array() END, "
        f"'created', {local('t.created')}, 'updated', {local('t.updated')}, "
        f"'completed', CASE WHEN t.completed IS NULL THEN NULL ELSE {local('t.completed')} END, "
        "'uuid', t.uuid, "
        "'recurrence_from', CASE WHEN t.recurrence IS NULL THEN NULL "
        "WHEN t.recur_from_completion THEN 'completion' ELSE 'due' END, "
        "'kept', json(COALESCE(t.kept, '{{}}')), 'project', t.project, "
        f"'wait', CASE WHEN t.wait_at IS NULL THEN NULL ELSE {local('t.wait_at')} END, "
        "'scheduled', CASE WHEN t.scheduled_at IS NULL THEN t.scheduled_date "
        f"ELSE {local('t.scheduled_at')} END, "
        f"'until', CASE WHEN t.until_at IS NULL THEN NULL ELSE {local('t.until_at')} END, "
        "'parent', (SELECT p.id FROM task p WHERE p.pk = t.parent_pk), "
        "'depends', CASE WHEN EXISTS (SELECT 1 FROM task_dependency x WHERE x.task_pk = t.pk) "
        "THEN json((SELECT json_group_array(b.id) FROM (SELECT b.id FROM task_dependency d "
        "JOIN task b ON b.pk = d.blocker_pk WHERE d.task_pk = t.pk ORDER BY b.id) b)) "
        "ELSE json_array() END, "
        "'blocked', json(CASE WHEN t.status = 'pending' AND EXISTS (SELECT 1 FROM "
        "task_dependency d JOIN task b ON b.pk = d.blocker_pk WHERE d.task_pk = t.pk "
        "AND b.status = 'pending') THEN 'true' ELSE 'false' END), "
        "'children', (SELECT COUNT(*) FROM task c WHERE c.parent_pk = t.pk "
        "AND c.status <> 'deleted')"
        ") FROM task t WHERE {where} ORDER BY t.id"
    )


def _local_sql(column: str, spans: list[dates.OffsetSpan]) -> str:
    """SQL for a stored UTC instant as local ISO 8601 text, the latest span tested first."""
    *changes, first = list(reversed(spans))
    branches = [
        f"WHEN {column} >= '{_stored(span.start)}' THEN {_shifted(column, span)}"
        for span in changes
        if span.start is not None
    ]
    if not branches:
        return _shifted(column, first)
    return f"(CASE {' '.join(branches)} ELSE {_shifted(column, first)} END)"


def _shifted(column: str, span: dates.OffsetSpan) -> str:
    # Whole seconds first: SQLite's date functions round to the millisecond, and ISO text
    # from Python truncates (12:00:00.9996 is 12:00:00, not 12:00:01).
    whole = f"substr({column}, 1, 19)"
    seconds = int(span.offset.total_seconds())
    if seconds:
        # datetime() then a space to "T" is a third cheaper than strftime with a format.
        whole = f"datetime({whole}, '{seconds:+d} seconds')"
    return f"(replace({whole}, ' ', 'T') || '{span.suffix}')"


def _stored(instant: datetime | None) -> str:
    # Text as Db.dt stores it on SQLite, so that string order is time order.
    assert instant is not None
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
