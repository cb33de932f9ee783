"""The filter terms over the columns of migration 0009 (project, scheduled_date/at, wait_at,
parent_pk, task_dependency), compiled to SQL on both stores and held to hand-made answers and
to the Python evaluator. Dependencies and parents are written as rows here, not through the
service, so the terms are tested apart from the commands that set them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.creation import TaskCreate
from core.filterlang import parse
from core.filterlang.evaluate import predicate
from core.queries.filter_expr import add_expr
from core.queries.where import Where
from core.schemas import Status
from core.service import TaskService
from tests.core.filter_rows import Row

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = date(2026, 11, 27)  # the svc fixture's clock is Sunday 2026-11-22 10:00 in Berlin


def _ids(svc: TaskService, expression: str) -> set[int]:
    with svc.uow.store.read() as db:
        where = Where()
        where.add("t.owner = ?", svc.uow.owner)
        add_expr(where, parse(expression), svc.now(), db)
        return {r[0] for r in db.all(f"SELECT t.id FROM task t WHERE {where.sql()}",
                                     where.params)}


def _pk(svc: TaskService, task_id: int) -> int:
    with svc.uow.store.read() as db:
        return int(db.value("SELECT pk FROM task WHERE owner = ? AND id = ?",
                            [svc.uow.owner, task_id]))


def _set(svc: TaskService, task_id: int, column: str, value: Any) -> None:
    with svc.uow.store.write() as db:
        db.run(f"UPDATE task SET {column} = ? WHERE owner = ? AND id = ?",
               [value, svc.uow.owner, task_id])


def _depend(svc: TaskService, task_id: int, blocker_id: int) -> None:
    task_pk, blocker_pk = _pk(svc, task_id), _pk(svc, blocker_id)
    with svc.uow.store.write() as db:
        db.run("INSERT INTO task_dependency (task_pk, blocker_pk) VALUES (?, ?)",
               [task_pk, blocker_pk])


def _check(svc: TaskService, rows: dict[int, Row], cases: dict[str, set[int]]) -> None:
    for expression, expected in cases.items():
        test = predicate(parse(expression), svc.now())
        assert _ids(svc, expression) == expected, expression
        assert {i for i, row in rows.items() if test(row)} == expected, expression


def test_project_matches_itself_and_sub_projects(svc: TaskService) -> None:
    paths = ["home", "home/garden", "homework", "Home", None, "a_b/c", "axb/c", "100%/x"]
    rows = {}
    for path in paths:
        task = svc.add(TaskCreate(title=f"in {path}"))
        _set(svc, task.id, "project", path)
        rows[task.id] = Row(project=path)
    ids = {path: i for i, path in zip(rows, paths, strict=True)}
    _check(svc, rows, {
        "project:home": {ids["home"], ids["home/garden"]},
        "project:home/garden": {ids["home/garden"]},
        "project:a_b": {ids["a_b/c"]},
        "project:100%": {ids["100%/x"]},
        "not project:home": set(rows) - {ids["home"], ids["home/garden"]},
    })


def test_scheduled_by_local_day(svc: TaskService) -> None:
    svc_db = svc.uow.store
    friday = svc.add(TaskCreate(title="friday"))
    late = svc.add(TaskCreate(title="friday late"))
    none = svc.add(TaskCreate(title="unscheduled"))
    with svc_db.write() as db:
        db.run("UPDATE task SET scheduled_date = ? WHERE owner = ? AND id = ?",
               [db.day(FRIDAY), svc.uow.owner, friday.id])
        db.run("UPDATE task SET scheduled_at = ? WHERE owner = ? AND id = ?",
               [db.dt(datetime(2026, 11, 27, 23, 30, tzinfo=BERLIN)), svc.uow.owner, late.id])
    rows = {friday.id: Row(scheduled=FRIDAY),
            late.id: Row(scheduled=datetime(2026, 11, 27, 23, 30, tzinfo=BERLIN)),
            none.id: Row()}
    _check(svc, rows, {
        "scheduled:fri": {friday.id, late.id},
        "scheduled.before:fri": set(),
        "scheduled.after:thu": {friday.id, late.id},
        "not scheduled.before:sat": {none.id},
    })


def test_waiting_until_a_future_moment(svc: TaskService) -> None:
    now = svc.now()
    later = svc.add(TaskCreate(title="later"))
    past = svc.add(TaskCreate(title="past"))
    free = svc.add(TaskCreate(title="free"))
    with svc.uow.store.write() as db:
        for task, at in ((later, now + timedelta(hours=1)), (past, now - timedelta(hours=1))):
            db.run("UPDATE task SET wait_at = ? WHERE owner = ? AND id = ?",
                   [db.dt(at), svc.uow.owner, task.id])
    rows = {later.id: Row(wait=now + timedelta(hours=1)),
            past.id: Row(wait=now - timedelta(hours=1)), free.id: Row()}
    _check(svc, rows, {"is:waiting": {later.id}, "not is:waiting": {past.id, free.id}})


def test_blocked_by_a_pending_blocker_only(svc: TaskService) -> None:
    blocker = svc.add(TaskCreate(title="blocker"))
    done_blocker = svc.add(TaskCreate(title="done blocker", status=Status.COMPLETED))
    blocked = svc.add(TaskCreate(title="blocked"))
    unblocked = svc.add(TaskCreate(title="unblocked"))
    finished = svc.add(TaskCreate(title="finished", status=Status.COMPLETED))
    _depend(svc, blocked.id, blocker.id)
    _depend(svc, unblocked.id, done_blocker.id)
    _depend(svc, finished.id, blocker.id)
    rows = {t.id: Row(status=str(t.status), blocked=t.id == blocked.id)
            for t in (blocker, done_blocker, blocked, unblocked, finished)}
    _check(svc, rows, {"is:blocked": {blocked.id},
                       "not is:blocked status:pending": {blocker.id, unblocked.id}})


def test_has_subtasks_counts_children_not_deleted(svc: TaskService) -> None:
    parent = svc.add(TaskCreate(title="parent"))
    child = svc.add(TaskCreate(title="child"))
    lone = svc.add(TaskCreate(title="lone parent of a deleted child"))
    gone = svc.add(TaskCreate(title="deleted child", status=Status.DELETED))
    _set(svc, child.id, "parent_pk", _pk(svc, parent.id))
    _set(svc, gone.id, "parent_pk", _pk(svc, lone.id))
    rows = {t.id: Row(status=str(t.status), has_children=t.id == parent.id)
            for t in (parent, child, lone, gone)}
    _check(svc, rows, {"has:subtasks": {parent.id},
                       "not has:subtasks": {child.id, lone.id, gone.id}})
