"""services.opener.open_service, the one place interfaces open the service: on the embedded
log the recurrence and audit consumers run after each committed write; with Kafka configured
they are the workers' job. A consumer failing on a real database fault leaves the change
standing, says so, and the next write catches up. On both stores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import Settings
from core import Status, TaskFilter
from core.service import TaskService
from services.opener import open_service
from tests.conftest import Clock, make_settings

EVERYTHING = TaskFilter(status="all", sort="id")
_BREAK = {
    "sqlite": [
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit "
        "BEGIN SELECT RAISE(ABORT, 'audit is down'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit is down'; END $$",
        "CREATE TRIGGER audit_down BEFORE INSERT ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_down()",
    ],
}
_MEND = {
    "sqlite": ["DROP TRIGGER audit_down"],
    "postgresql": ["DROP TRIGGER audit_down ON audit", "DROP FUNCTION audit_down()"],
}


def _run(service: TaskService, statements: list[str]) -> None:
    with service.store.write() as db:
        for sql in statements:
            db.run(sql)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def opened(settings: Settings, clock: Clock) -> Iterator[TaskService]:
    service = open_service(settings, clock)
    yield service
    service.close()


def test_completing_a_recurring_task_makes_the_next_instance_once(opened: TaskService) -> None:
    opened.add_text("water plants every day at 9am")
    [done] = opened.complete([1])
    [nxt] = opened.after_commit_results
    assert (done.status, nxt.id, nxt.title, nxt.status) == (
        Status.COMPLETED, 2, "water plants", Status.PENDING
    )
    opened.add_text("something else")  # the next write drains again: nothing new
    assert [t.title for t in opened.list_tasks(EVERYTHING)] == [
        "water plants", "water plants", "something else"
    ]
    # The audit consumer ran too.
    assert [e.type for e in opened.history(1)][-1] == "todo.task.completed"


def test_with_kafka_the_consumers_are_left_to_the_workers(
    settings: Settings, clock: Clock
) -> None:
    settings.kafka.bootstrap_servers = "127.0.0.1:9"  # never contacted: no hook registered
    service = open_service(settings, clock)
    try:
        service.add_text("water plants every day at 9am")
        service.complete([1])
        assert service.after_commit_results == []
        assert service.count(EVERYTHING) == 1
    finally:
        service.close()


def test_a_consumer_failure_leaves_the_change_and_the_next_write_catches_up(
    opened: TaskService,
) -> None:
    dialect = opened.store.dialect
    _run(opened, _BREAK[dialect])
    opened.add_text("water plants every day at 9am")
    assert opened.deferred is not None
    assert opened.deferred.startswith("background processing deferred (")
    assert "audit is down" in opened.deferred
    opened.complete([1])  # the recurrence consumer still runs; the audit one still fails
    assert [(t.id, t.status) for t in opened.list_tasks(EVERYTHING)] == [
        (1, Status.COMPLETED), (2, Status.PENDING)
    ]
    assert opened.history(1) == []
    _run(opened, _MEND[dialect])
    opened.add_text("after the fix")
    assert opened.deferred is None
    assert [e.type for e in opened.history(1)] == ["todo.task.created", "todo.task.completed"]
