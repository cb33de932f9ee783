"""core.drain, the embedded drain's one-transaction common case, through the opener's hook:
it applies and moves each group's position without taking the group's lease, and still
leaves a group whose lease a worker holds to that worker. On both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from config.settings import Settings
from core import TaskFilter
from core.eventlog import EventLog
from core.leases import Leases
from core.service import TaskService
from services.opener import open_service
from tests.conftest import Clock, make_settings


@pytest.fixture
def opened(db_url: str, clock: Clock) -> Iterator[TaskService]:
    settings: Settings = make_settings(db_url)
    service = open_service(settings, clock)
    yield service
    service.close()


def _lease_names(service: TaskService) -> list[str]:
    with service.store.read() as db:
        return sorted(str(name) for (name,) in db.all("SELECT name FROM lease"))


def test_a_plain_write_is_drained_without_taking_a_lease(opened: TaskService) -> None:
    opened.add_text("pay rent +home")
    opened.add_text("call mum")
    log = EventLog(opened.store)
    assert log.position("audit") == log.position("recurrence") == log.head() == 2
    assert [e.task_title for e in opened.audit()] == ["pay rent", "call mum"]
    assert opened.deferred is None
    assert _lease_names(opened) == []  # one transaction, no lease dance


def test_a_worker_holding_the_lease_keeps_the_drain_off_its_group(
    opened: TaskService,
) -> None:
    leases = Leases(opened.store)
    assert leases.acquire("group:audit", "worker@elsewhere", 60, datetime.now(UTC))
    opened.add_text("pay rent")
    log = EventLog(opened.store)
    assert log.position("audit") == 0  # the worker's to apply
    assert log.position("recurrence") == 1  # a free group drains as before
    assert opened.audit() == []
    leases.release("group:audit", "worker@elsewhere")
    opened.add_text("call mum")  # the next write catches up
    assert log.position("audit") == 2
    assert [e.task_title for e in opened.audit()] == ["pay rent", "call mum"]


def test_a_completion_goes_the_lease_taking_way_and_spawns_once(opened: TaskService) -> None:
    opened.add_text("water plants every day at 9am")
    opened.complete([1])
    assert [t.id for t in opened.after_commit_results] == [2]
    log = EventLog(opened.store)
    # The next instance's own event is audited at once too, not at the next write.
    assert log.position("audit") == log.position("recurrence") == log.head() == 3
    assert [(e.type, e.task_id) for e in opened.audit()][-1] == ("todo.task.created", 2)
    opened.add_text("something else")
    assert log.position("audit") == log.position("recurrence") == log.head()
    assert opened.count(TaskFilter(status="all")) == 3
