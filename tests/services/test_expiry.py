"""`until`: the recurrence worker's Expirer and the embedded drain delete expired tasks, with
an event, undoably; on SQLite and PostgreSQL."""

from __future__ import annotations

from core import events
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService
from services.embedded import run_inline
from services.opener import open_service
from services.recurrence import Expirer
from tests.conftest import Clock, make_settings
from tests.core.test_service import outbox


def test_expirer_deletes_expired_tasks_of_every_owner(svc: TaskService, clock: Clock) -> None:
    mine = svc.add_text("soon until:today").id
    keep = svc.add_text("later until:tomorrow").id
    bob = svc.for_owner("bob")
    theirs = bob.add_text("bob's until:today").id
    expirer = Expirer(svc)
    assert expirer.tick() == []
    clock.advance(days=1)
    assert sorted(t.title for t in expirer.tick()) == ["bob's", "soon"]
    assert svc.get(mine).status is Status.DELETED
    assert bob.get(theirs).status is Status.DELETED
    assert svc.get(keep).status is Status.PENDING
    assert expirer.tick() == []
    etype, _, data = outbox(svc)[-1]
    assert etype == events.DELETED
    assert data["changes"]["status"] == {"old": "pending", "new": "deleted"}


def test_undoing_an_expiry_keeps_the_task_without_until(svc: TaskService, clock: Clock) -> None:
    task = svc.add_text("soon until:today").id
    clock.advance(days=1)
    assert [t.id for t in svc.expire_due(svc.now())] == [task]
    assert svc.undo().kind == "expire"
    back = svc.get(task)
    assert (back.status, back.until) == (Status.PENDING, None)
    assert svc.expire_due(svc.now()) == []


def test_expired_tasks_leave_lists_before_the_worker_runs(svc: TaskService, clock: Clock) -> None:
    svc.add_text("soon until:today")
    clock.advance(days=1)
    assert svc.list_tasks(TaskFilter()) == []
    assert len(svc.list_tasks(TaskFilter(status="all"))) == 1


def test_the_embedded_drain_expires_too(svc: TaskService, clock: Clock) -> None:
    task = svc.add_text("soon until:today").id
    clock.advance(days=1)
    run_inline(svc)
    assert svc.get(task).status is Status.DELETED


def test_an_interfaces_next_write_expires_through_the_after_commit_hook(
    db_url: str, clock: Clock
) -> None:
    service = open_service(make_settings(db_url), clock=clock)
    try:
        task = service.add_text("soon until:today").id
        clock.advance(days=1)
        service.add_text("any change")
        assert service.get(task).status is Status.DELETED
        # The expiry is an operation of its own, after the change: undo reverts it first.
        assert service.undo().kind == "expire"
        assert service.get(task).status is Status.PENDING
    finally:
        service.close()
