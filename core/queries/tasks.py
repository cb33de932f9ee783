"""The task table: task rows in and out (row <-> TaskRead), with their tags and reminders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from core.errors import NotFound
from core.priorities import Priority
from core.queries import links, reminders, tags
from core.schemas import ReminderRead, Status, TaskRead
from core.store import Db, read_day, read_dt

if TYPE_CHECKING:
    from core.recurrence.instances import Series  # reads never build one

_BY_RANK = {p.rank: p for p in Priority}
_STATUS = {s.value: s for s in Status}
_COLUMNS = (
    "t.pk, t.id, t.uuid, t.title, t.notes, t.status, t.priority, t.due_date, t.due_at, "
    "t.created, t.updated, t.completed, t.recurrence, t.recur_from_completion, t.kept, "
    "t.project, t.wait_at, t.scheduled_date, t.scheduled_at, t.until_at"
)


def select(db: Db, where_sql: str, params: Sequence[Any], tz: tzinfo) -> list[TaskRead]:
    """The tasks matching a WHERE clause over `task t`, with their tags, in id order."""
    rows = db.all(f"SELECT {_COLUMNS} FROM task t WHERE {where_sql} ORDER BY t.id", params)
    if not rows:
        return []
    tags_of = tags.for_selection(db, where_sql, params)
    reminders_of = reminders.for_selection(db, where_sql, params, tz)
    links_of = links.for_selection(db, where_sql, params)
    return [_linked(_to_task(row, tags_of.get(row[0], ()), reminders_of.get(row[0], ()), tz),
                    links_of.get(row[0]))
            for row in rows]


def _linked(task: TaskRead, found: links.Links | None) -> TaskRead:
    if found is None:
        return task  # the common case: no links, no new object
    return replace(task, parent=found.parent, depends=found.depends, blocked=found.blocked,
                   blocking=found.blocking, children=found.children)


def count(db: Db, where_sql: str, params: Sequence[Any]) -> int:
    """How many tasks match a WHERE clause over `task t`."""
    return int(db.value(f"SELECT COUNT(*) FROM task t WHERE {where_sql}", params))


def ids_text(db: Db, where_sql: str, params: Sequence[Any]) -> str | None:
    """The ids of the tasks matching a WHERE clause over `task t`, comma-separated in one
    string (None for none): at 50k matches far cheaper than a row per task."""
    agg = "group_concat(t.id)" if db.dialect == "sqlite" else "string_agg(t.id::text, ',')"
    text = db.value(f"SELECT {agg} FROM task t WHERE {where_sql}", params)
    return None if text is None else str(text)


def _to_task(
    row: Any, tags_: tuple[str, ...], reminders_: tuple[ReminderRead, ...], tz: tzinfo
) -> TaskRead:
    (
        _pk, id_, uuid, title, notes, status, priority, due_date, due_at, created, updated, done,
        recurrence, from_completion, kept, project, wait_at, scheduled_date, scheduled_at,
        until_at,
    ) = row
    due: date | datetime | None = read_day(due_date)
    if due_at is not None:
        due = _utc(due_at).astimezone(tz)
    return TaskRead(
        id=id_,
        uuid=uuid,
        title=title,
        notes=notes,
        status=_STATUS[status],
        priority=_BY_RANK[priority],
        tags=tags_,
        due=due,
        # Kept in UTC: the table never shows them, and JSON converts once when it does.
        created=_utc(created),
        updated=_utc(updated),
        completed=_utc(done) if done is not None else None,
        recurrence=recurrence,
        recur_from_completion=bool(from_completion),
        reminders=reminders_,
        kept=_kept(kept) if kept else {},
        project=project,
        wait=_optional_local(wait_at, tz),
        scheduled=_optional_local(scheduled_at, tz) or read_day(scheduled_date),
        until=_optional_local(until_at, tz),
    )


def _kept(text: str) -> dict[str, Any]:
    # core.kept (and json, ~1.5 ms) loads only for a task that keeps fields: most never do.
    from core import kept

    return kept.decode(text)


def _kept_text(fields: dict[str, Any]) -> str | None:
    from core import kept

    return kept.encode(fields)


def _optional_local(value: Any, tz: tzinfo) -> datetime | None:
    stamp = read_dt(value)
    return None if stamp is None else stamp.astimezone(tz)


def _utc(value: Any) -> datetime:
    stamp = read_dt(value)
    assert stamp is not None
    return stamp


def load(db: Db, owner: str, ids: Iterable[int], tz: tzinfo) -> list[tuple[int, TaskRead]]:
    """(pk, task) for each id, in the order given; NotFound names every missing id."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
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


def load_pks(db: Db, pks: Sequence[int], tz: tzinfo) -> list[TaskRead]:
    """The tasks with these internal keys, in id order."""
    marks = ", ".join("?" * len(pks))
    return select(db, f"t.pk IN ({marks})", pks, tz)


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


def insert(db: Db, owner: str, task: TaskRead, series: Series | None) -> int:
    """Store a new task with its tags and reminders, and its place in a series (None: it does
    not repeat); returns its internal key."""
    from core.queries import search  # writes only, as the series rows below

    due_date, due_at = _split_due(task.due)
    start, zone, series_id, occurrence = (
        (None, None, None, None) if series is None
        else (series.recur_start, series.zone, series.series_id, series.occurrence)
    )
    scheduled_date, scheduled_at = _split_due(task.scheduled)
    pk = int(
        db.insert(
            "INSERT INTO task (owner, id, uuid, title, notes, status, priority, due_date, "
            "due_at, created, updated, completed, version, recurrence, recur_from_completion, "
            "recur_start, zone, series_id, occurrence, kept, project, wait_at, scheduled_date, "
            "scheduled_at, until_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                owner, task.id, task.uuid, task.title, task.notes, task.status.value,
                task.priority.rank, db.day(due_date), db.dt(due_at), db.dt(task.created),
                db.dt(task.updated), db.dt(task.completed), task.recurrence,
                task.recur_from_completion, start, zone, series_id, occurrence,
                _kept_text(task.kept), task.project, db.dt(task.wait),
                db.day(scheduled_date), db.dt(scheduled_at), db.dt(task.until),
            ),
        )
    )
    search.index(db, pk, task.title, task.notes)
    tags.insert(db, pk, task.tags)
    reminders.insert(db, pk, task.reminders)
    if task.parent is not None:
        links.set_parent(db, pk, task.parent)
    if task.depends:
        links.set_depends(db, pk, task.depends)
    return pk


def update(
    db: Db, pk: int, task: TaskRead, changed: Iterable[str], series: Series | None = None
) -> int:
    """Write every field of `task` over row `pk`; returns the new per-task version.

    Tags and reminders are rewritten only when named in `changed`; the series bookkeeping
    only when `series` is given.
    """
    from core.queries import search
    from core.queries import series as series_rows

    due_date, due_at = _split_due(task.due)
    scheduled_date, scheduled_at = _split_due(task.scheduled)
    search.unindex(db, pk)
    version = int(
        db.value(
            "UPDATE task SET title = ?, notes = ?, status = ?, priority = ?, due_date = ?, "
            "due_at = ?, updated = ?, completed = ?, recurrence = ?, recur_from_completion = ?, "
            "project = ?, wait_at = ?, scheduled_date = ?, scheduled_at = ?, until_at = ?, "
            "version = version + 1 WHERE pk = ? RETURNING version",
            (
                task.title, task.notes, task.status.value, task.priority.rank,
                db.day(due_date), db.dt(due_at), db.dt(task.updated), db.dt(task.completed),
                task.recurrence, task.recur_from_completion, task.project, db.dt(task.wait),
                db.day(scheduled_date), db.dt(scheduled_at), db.dt(task.until), pk,
            ),
        )
    )
    search.index(db, pk, task.title, task.notes)
    if series is not None:
        series_rows.write(db, pk, series)
    changed = set(changed)
    if "tags" in changed:
        tags.replace(db, pk, task.tags)
    if "reminders" in changed:
        reminders.replace(db, pk, task.reminders)
    if "parent" in changed:
        links.set_parent(db, pk, task.parent)
    if "depends" in changed:
        links.set_depends(db, pk, task.depends)
    return version


def _split_due(due: date | datetime | None) -> tuple[date | None, datetime | None]:
    if isinstance(due, datetime):
        return None, due
    return due, None
