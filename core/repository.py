"""Task rows in and out of the store: the only module that knows the task tables' columns."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from core import kept as keptmod
from core.errors import NotFound
from core.events import Event, check_schema
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.store import Db, read_day, read_dt

if TYPE_CHECKING:
    from core.series import Series  # loaded by the functions that build one: reads skip it

_BY_RANK = {p.rank: p for p in Priority}
_STATUS = {s.value: s for s in Status}
_COLUMNS = (
    "t.pk, t.id, t.uuid, t.title, t.notes, t.status, t.priority, t.due_date, t.due_at, "
    "t.created, t.updated, t.completed, t.recurrence, t.recur_from_completion, t.kept"
)
_REMINDER_STATE = {s.value: s for s in ReminderState}



def select(db: Db, where_sql: str, params: Sequence[Any], tz: tzinfo) -> list[TaskRead]:
    """The tasks matching a WHERE clause over `task t`, with their tags, in id order."""
    rows = db.all(f"SELECT {_COLUMNS} FROM task t WHERE {where_sql} ORDER BY t.id", params)
    if not rows:
        return []
    tags = _tags_for(db, where_sql, params)
    reminders = _reminders_for(db, where_sql, params, tz)
    return [_to_task(row, tags.get(row[0], ()), reminders.get(row[0], ()), tz) for row in rows]


def _reminders_for(
    db: Db, where_sql: str, params: Sequence[Any], tz: tzinfo
) -> dict[int, tuple[ReminderRead, ...]]:
    rows = db.all(
        "SELECT r.task_pk, r.at, r.before, r.state FROM reminder r "
        f"JOIN task t ON t.pk = r.task_pk WHERE {where_sql} ORDER BY r.task_pk, r.at, r.id",
        params,
    )
    grouped: dict[int, list[ReminderRead]] = {}
    for pk, at, before, state in rows:
        grouped.setdefault(pk, []).append(
            ReminderRead(_local(read_dt(at), tz), before, _REMINDER_STATE[state])
        )
    return {pk: tuple(items) for pk, items in grouped.items()}


def _tags_for(db: Db, where_sql: str, params: Sequence[Any]) -> dict[int, tuple[str, ...]]:
    # One query for all tags of the selection beats one query per task by far at 50k rows.
    tag_rows = db.all(
        "SELECT g.task_pk, g.tag FROM task_tag g JOIN task t ON t.pk = g.task_pk "
        f"WHERE {where_sql} ORDER BY g.task_pk, g.tag",
        params,
    )
    grouped: dict[int, list[str]] = {}
    for pk, tag in tag_rows:
        grouped.setdefault(pk, []).append(tag)
    return {pk: tuple(tags) for pk, tags in grouped.items()}


def _to_task(
    row: Any, tags: tuple[str, ...], reminders: tuple[ReminderRead, ...], tz: tzinfo
) -> TaskRead:
    (
        _pk, id_, uuid, title, notes, status, priority, due_date, due_at, created, updated, done,
        recurrence, from_completion, kept,
    ) = row
    due: date | datetime | None = read_day(due_date)
    if due_at is not None:
        due = _local(read_dt(due_at), tz)
    return TaskRead(
        id=id_,
        uuid=uuid,
        title=title,
        notes=notes,
        status=_STATUS[status],
        priority=_BY_RANK[priority],
        tags=tags,
        due=due,
        # Kept in UTC: the table never shows them, and JSON converts once when it does.
        created=_utc(created),
        updated=_utc(updated),
        completed=_utc(done) if done is not None else None,
        recurrence=recurrence,
        recur_from_completion=bool(from_completion),
        reminders=reminders,
        kept=keptmod.decode(kept),
    )


def _utc(value: Any) -> datetime:
    stamp = read_dt(value)
    assert stamp is not None
    return stamp


def _local(value: datetime | None, tz: tzinfo) -> datetime:
    assert value is not None
    return value.astimezone(tz)


def load(db: Db, owner: str, ids: Iterable[int], tz: tzinfo) -> list[tuple[int, TaskRead]]:
    """(pk, task) for each id, in the order given; NotFound names every missing id."""
    wanted = list(dict.fromkeys(ids))
    marks = ", ".join("?" * len(wanted))
    rows = db.all(
        f"SELECT t.pk, t.id FROM task t WHERE t.owner = ? AND t.id IN ({marks})",
        [owner, *wanted],
    )
    pk_by_id = {id_: pk for pk, id_ in rows}
    missing = [str(i) for i in wanted if i not in pk_by_id]
    if missing:
        noun = "task" if len(missing) == 1 else "tasks"
        raise NotFound(f"no {noun} with id {', '.join(missing)}")
    tasks = {t.id: t for t in select(db, f"t.pk IN ({marks})", [pk_by_id[i] for i in wanted], tz)}
    return [(pk_by_id[i], tasks[i]) for i in wanted]


def load_pk(db: Db, pk: int, tz: tzinfo) -> TaskRead:
    """The task with internal key `pk` (it must exist)."""
    return select(db, "t.pk = ?", [pk], tz)[0]


def pk_of_uuid(db: Db, owner: str, uuid: str) -> int | None:
    """The internal key of the owner's task with this uuid, if any."""
    return pks_of_uuids(db, owner, [uuid]).get(uuid)


def pks_of_uuids(db: Db, owner: str, uuids: Sequence[str]) -> dict[str, int]:
    """uuid -> internal key of the owner's tasks among `uuids` (one query per 500)."""
    found: dict[str, int] = {}
    unique = list(dict.fromkeys(uuids))
    for first in range(0, len(unique), 500):
        chunk = unique[first : first + 500]
        marks = ", ".join("?" * len(chunk))
        rows = db.all(
            f"SELECT uuid, pk FROM task WHERE owner = ? AND uuid IN ({marks})", [owner, *chunk]
        )
        found.update((uuid, int(pk)) for uuid, pk in rows)
    return found


def next_id(db: Db, owner: str) -> int:
    """The owner's next task number (ids are never reused: tasks are only soft-deleted)."""
    return int(db.value("SELECT COALESCE(MAX(id), 0) + 1 FROM task WHERE owner = ?", (owner,)))


def insert(db: Db, owner: str, task: TaskRead, series: Series) -> int:
    """Store a new task with its tags and reminders; returns its internal key."""
    due_date, due_at = _split_due(task.due)
    pk = int(
        db.insert(
            "INSERT INTO task (owner, id, uuid, title, notes, status, priority, due_date, "
            "due_at, created, updated, completed, version, recurrence, recur_from_completion, "
            "recur_start, zone, series_id, occurrence, kept) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (
                owner, task.id, task.uuid, task.title, task.notes, task.status.value,
                task.priority.rank, db.day(due_date), db.dt(due_at), db.dt(task.created),
                db.dt(task.updated), db.dt(task.completed), task.recurrence,
                task.recur_from_completion, series.recur_start, series.zone, series.series_id,
                series.occurrence, keptmod.encode(task.kept),
            ),
        )
    )
    _index_text(db, pk, task.title, task.notes)
    _insert_tags(db, pk, task.tags)
    _insert_reminders(db, pk, task.reminders)
    return pk


def update(
    db: Db, pk: int, task: TaskRead, changed: Iterable[str], series: Series | None = None
) -> int:
    """Write every field of `task` over row `pk`; returns the new per-task version.

    Tags and reminders are rewritten only when named in `changed`; the series bookkeeping
    only when `series` is given.
    """
    due_date, due_at = _split_due(task.due)
    _unindex_text(db, pk)
    version = int(
        db.value(
            "UPDATE task SET title = ?, notes = ?, status = ?, priority = ?, due_date = ?, "
            "due_at = ?, updated = ?, completed = ?, recurrence = ?, recur_from_completion = ?, "
            "version = version + 1 WHERE pk = ? RETURNING version",
            (
                task.title, task.notes, task.status.value, task.priority.rank,
                db.day(due_date), db.dt(due_at), db.dt(task.updated), db.dt(task.completed),
                task.recurrence, task.recur_from_completion, pk,
            ),
        )
    )
    _index_text(db, pk, task.title, task.notes)
    if series is not None:
        db.run(
            "UPDATE task SET recur_start = ?, zone = ?, series_id = ?, occurrence = ? "
            "WHERE pk = ?",
            (series.recur_start, series.zone, series.series_id, series.occurrence, pk),
        )
    changed = set(changed)
    if "tags" in changed:
        db.run("DELETE FROM task_tag WHERE task_pk = ?", (pk,))
        _insert_tags(db, pk, task.tags)
    if "reminders" in changed:
        db.run("DELETE FROM reminder WHERE task_pk = ?", (pk,))
        _insert_reminders(db, pk, task.reminders)
    return version


def _index_text(db: Db, pk: int, title: str, notes: str | None) -> None:
    """Add a task's text to SQLite's full-text index (PostgreSQL indexes an expression).

    Written here rather than by a trigger: a trigger that writes FTS5 costs each insert a
    statement transaction, at which FTS5 flushes its pending terms (migration 0005).
    """
    if db.dialect == "sqlite":
        db.run("INSERT INTO task_fts(rowid, title, notes) VALUES (?, ?, ?)", (pk, title, notes))


def _unindex_text(db: Db, pk: int) -> None:
    """Remove a task's current text from the index, before the row changes."""
    if db.dialect == "sqlite":
        db.run(
            "INSERT INTO task_fts(task_fts, rowid, title, notes) "
            "SELECT 'delete', pk, title, notes FROM task WHERE pk = ?",
            (pk,),
        )


def series_of(db: Db, pk: int) -> Series:
    """The recurrence bookkeeping of task `pk`."""
    from core.series import Series

    row = db.one(
        "SELECT series_id, occurrence, recur_start, zone FROM task WHERE pk = ?", (pk,)
    )
    return Series(*row)


def series_by_uuid(db: Db, owner: str) -> dict[str, Series]:
    """The series bookkeeping of every recurring task of the owner, by task uuid."""
    from core.series import Series

    rows = db.all(
        "SELECT uuid, series_id, occurrence, recur_start, zone FROM task "
        "WHERE owner = ? AND series_id IS NOT NULL",
        (owner,),
    )
    return {uuid: Series(*rest) for uuid, *rest in rows}


def pk_of_occurrence(db: Db, owner: str, series_id: str, occurrence: str) -> int | None:
    """The task that is this occurrence of the series, if one was ever created."""
    value = db.value(
        "SELECT pk FROM task WHERE owner = ? AND series_id = ? AND occurrence = ?",
        (owner, series_id, occurrence),
    )
    return None if value is None else int(value)


def _insert_reminders(db: Db, pk: int, reminders: Sequence[ReminderRead]) -> None:
    if reminders:
        db.many(
            "INSERT INTO reminder (task_pk, at, before, state) VALUES (?, ?, ?, ?)",
            [(pk, db.dt(r.at), r.before, r.state.value) for r in reminders],
        )


def _insert_tags(db: Db, pk: int, tags: Sequence[str]) -> None:
    if tags:
        db.many("INSERT INTO task_tag (task_pk, tag) VALUES (?, ?)", [(pk, t) for t in tags])


def _split_due(due: date | datetime | None) -> tuple[date | None, datetime | None]:
    if isinstance(due, datetime):
        return None, due
    return due, None


def start_operation(
    db: Db, owner: str, kind: str, now: datetime, undo_of: int | None, caused_by: int | None = None
) -> int:
    """Open the operation row that groups this transaction's events (the unit of undo)."""
    return int(
        db.value(
            "INSERT INTO operation (owner, kind, created, undo_of, caused_by) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (owner, kind, db.dt(now), undo_of, caused_by),
        )
    )


def mark_applied(db: Db, group: str, event_id: str, now: datetime) -> bool:
    """Record that `group` applied `event_id`; False if it had already (a replayed event)."""
    return event_id in mark_applied_many(db, group, [event_id], now)


def mark_applied_many(db: Db, group: str, event_ids: Sequence[str], now: datetime) -> set[str]:
    """Record that `group` applied these events; returns the ids it had not applied before.

    For a consumer's batch: a few statements instead of one per event. Safe against a second
    member of the group because it runs inside a write transaction, which holds the store's
    write lock (SQLite) or its writer lock (PostgreSQL) for the whole check-then-insert.
    """
    wanted = list(dict.fromkeys(event_ids))
    known: set[str] = set()
    for first in range(0, len(wanted), 500):
        chunk = wanted[first : first + 500]
        marks = ", ".join("?" * len(chunk))
        known.update(row[0] for row in db.all(
            f"SELECT event_id FROM applied_event WHERE group_name = ? AND event_id IN ({marks})",
            [group, *chunk],
        ))
    fresh = [event_id for event_id in wanted if event_id not in known]
    stamp = db.dt(now)
    db.many(
        "INSERT INTO applied_event (group_name, event_id, applied) VALUES (?, ?, ?)",
        [(group, event_id, stamp) for event_id in fresh],
    )
    return set(fresh)


def append_event(
    db: Db, op_id: int, owner: str, task_pk: int, event: Event, source: str
) -> None:
    """Append an event to the outbox, inside the caller's transaction."""
    check_schema(event)
    db.run(
        "INSERT INTO outbox (id, op_id, owner, type, task_pk, subject, time, data, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.id, op_id, owner, event.type, task_pk, event.subject, db.dt(event.time),
            json.dumps(event.data, ensure_ascii=False, separators=(",", ":")), source,
        ),
    )
