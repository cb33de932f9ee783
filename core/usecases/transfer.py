"""Import and export: our JSON, Taskwarrior JSON, todo.txt and iCalendar, in and out.

Imported lazily by the facade: a plain command never loads the format code. What only an
import needs (the write path of new tasks, recurrence, validation, results) is imported where
an import runs, so `todo export` does not load it (~10 ms)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from core.errors import BadInput
from core.formats import Format, jsonfmt
from core.queries import series as series_rows
from core.queries import tasks as task_rows
from core.queries.task_filter import where_for
from core.schemas import Status, TaskRead
from core.selection import TaskFilter
from core.unit_of_work import Tx, UnitOfWork
from core.usecases.reading import list_tasks

if TYPE_CHECKING:
    from core.creation import TaskCreate
    from core.results import ImportResult

ProgressFn = Callable[[int, int], None]


def export(uow: UnitOfWork, fmt: str, flt: TaskFilter | None = None) -> str:
    """All tasks (or those matching `flt`) as json, todotxt or ical text."""
    flt = flt or TaskFilter(status="all", sort="id")
    if fmt == "json" and _in_id_order(flt) and _renders_in_sql(uow):
        return jsonfmt.join_lines(_json_lines(uow, flt))
    if fmt not in ("json", "todotxt", "ical", "taskwarrior"):
        raise BadInput(f"unknown export format '{fmt}': use json, taskwarrior, todotxt or ical")
    tasks = list_tasks(uow, flt)
    if fmt == "json":
        return jsonfmt.dumps(tasks, uow.tz)
    if fmt == "todotxt":
        from core.formats import todotxt

        return todotxt.dumps(tasks, uow.tz)
    with uow.store.read() as db:
        series = series_rows.by_uuid(db, uow.owner)
    from core.usecases import link_import  # the links of what other formats write

    uuid_of = link_import.uuid_map(uow, tasks)
    if fmt == "ical":
        from core.formats import ical

        return ical.dumps(tasks, uow.tz, series, uuid_of)
    from core.formats import taskwarrior_export

    return taskwarrior_export.dumps(tasks, series, uow.tz, uuid_of)


def _renders_in_sql(uow: UnitOfWork) -> bool:
    # Imported here, as the JSON renderer below: only `export` loads it.
    from core.queries.task_json import renders_in_sql

    return renders_in_sql(uow.store)


def _json_lines(uow: UnitOfWork, flt: TaskFilter) -> list[str]:
    from core.queries.task_json import task_json_lines

    with uow.store.read() as db:
        where = where_for(flt, uow.owner, uow.now(), db)
        return task_json_lines(db, where.sql(), where.params, uow.tz)


def _in_id_order(flt: TaskFilter) -> bool:
    return flt.sort == "id" and not flt.reverse and flt.limit is None


def import_text(
    uow: UnitOfWork, text: str, progress: ProgressFn | None = None, fmt: Format | None = None
) -> ImportResult:
    """Import our JSON, Taskwarrior JSON, todo.txt or iCalendar text, all or nothing.

    `fmt` names the format; None detects it. Tasks whose uuid the owner already has are
    skipped, so importing a file twice adds nothing the second time.
    """
    from core.formats import parse_any

    found, creates = parse_any(text, uow.now().date(), uow.tz, fmt)
    return uow.write("import", lambda tx: _import(uow, tx, found, creates, progress))


def _import(
    uow: UnitOfWork, tx: Tx, fmt: str, creates: list[TaskCreate], progress: ProgressFn | None
) -> ImportResult:
    from core.results import ImportResult

    added: list[TaskRead] = []
    seen: set[str] = set()
    from core.usecases import link_import

    creates = link_import.keep_unknown(uow, tx, creates)
    known = task_rows.pks_of_uuids(tx.db, uow.owner, [c.uuid for c in creates if c.uuid])
    for n, create in enumerate(creates, 1):
        if create.uuid is None or create.uuid not in seen:
            task = _import_numbered(uow, tx, n, create, known)
            if task is not None:
                added.append(task)
        if create.uuid:
            seen.add(create.uuid)
        if progress is not None:
            progress(n, len(creates))
    added = _linked(uow, tx, creates, added)
    return ImportResult(fmt, added, len(creates) - len(added))


def _linked(
    uow: UnitOfWork, tx: Tx, creates: list[TaskCreate], added: list[TaskRead]
) -> list[TaskRead]:
    from core.usecases import link_import

    try:
        return link_import.link_all(uow, tx, creates, added)
    except BadInput as exc:  # the whole import is rolled back
        raise BadInput(f"{exc.message}; nothing was imported") from None


def _import_numbered(
    uow: UnitOfWork, tx: Tx, n: int, create: TaskCreate, known: dict[str, int]
) -> TaskRead | None:
    try:
        return _import_one(uow, tx, create, known)
    except BadInput as exc:  # the whole import is rolled back
        raise BadInput(f"task {n} ({create.title[:40]!r}): {exc.message}; "
                       "nothing was imported") from None


def _import_one(
    uow: UnitOfWork, tx: Tx, create: TaskCreate, known: dict[str, int]
) -> TaskRead | None:
    """Insert a new task; a known uuid is skipped, unless deleted (then it comes back)."""
    from core.usecases.tasks import insert
    from core.validation import check_dates

    # First, before any zone arithmetic on them (a due in year 9999 would overflow there).
    check_dates(create, ("due", "reminders", "created", "updated", "completed"))
    pk = None if create.uuid is None else known.get(create.uuid)
    if pk is None:
        if _occurrence_taken(uow, tx, create):
            return None
        return insert(uow, tx, create)
    existing = task_rows.load_pk(tx.db, pk, uow.tz)
    if existing.status is not Status.DELETED or create.status is Status.DELETED:
        return None
    return uow.save(tx, pk, existing, replace(existing, status=create.status, updated=tx.now))


def _occurrence_taken(uow: UnitOfWork, tx: Tx, create: TaskCreate) -> bool:
    """Whether an imported instance's occurrence already has a task: the same series read
    again after the other tool (or our recurrence consumer) made that instance itself."""
    if create.series_id is None:
        return False
    from core.recurrence.instances import occurrence_key
    from core.validation import placed, valid_due

    due = valid_due(placed(create.due, uow.tz), uow.tz)
    if due is None:
        return False
    key = occurrence_key(due)
    return series_rows.pk_of_occurrence(tx.db, uow.owner, create.series_id, key) is not None
