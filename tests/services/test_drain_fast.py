"""core.drain, the embedded drain's one-transaction common case, through the opener's hook:
it applies and moves each group's position without taking the group's lease, and still
leaves a group whose lease a worker holds to that worker. On both stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings
from core import TaskFilter
from core import open_service as open_core
from core.drain import GROUPS, settle
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


@pytest.fixture
def plain(db_url: str, clock: Clock) -> Iterator[TaskService]:
    """A service without the hook: each test settles by hand."""
    service = open_core(make_settings(db_url), clock)
    yield service
    service.close()


def _state(service: TaskService) -> tuple[int, int, int, int]:
    """(recurrence position, audit position, audit rows, audit's applied marks)."""
    log = EventLog(service.store)
    with service.store.read() as db:
        audited = int(db.value("SELECT COUNT(*) FROM audit"))
        marks = int(db.value(
            "SELECT COUNT(*) FROM applied_event WHERE group_name = 'audit'"))
    return log.position("recurrence"), log.position("audit"), audited, marks


def test_a_full_batch_is_left_to_the_lease_taking_way(plain: TaskService) -> None:
    for title in ("one", "two", "three"):
        plain.add_text(title)
    now = plain.now()
    # Three events waiting, a batch of three: maybe more, so each group goes batch by batch.
    assert settle(plain.store, plain.owner, now, batch=3) == ["recurrence", "audit"]
    assert _state(plain) == (0, 0, 0, 0)
    assert settle(plain.store, plain.owner, now, batch=4) == []
    assert _state(plain) == (3, 3, 3, 3)
    assert settle(plain.store, plain.owner, now) == []  # nothing waiting: nothing changes
    assert _state(plain) == (3, 3, 3, 3)


def test_a_completion_is_left_to_recurrence_and_the_audit_records_it(
    plain: TaskService,
) -> None:
    plain.add_text("water plants every day at 9am")
    plain.complete([1])
    assert settle(plain.store, plain.owner, plain.now()) == ["recurrence"]
    assert _state(plain) == (0, 2, 2, 2)  # the recurrence consumer creates the next instance


def test_an_invalid_event_rolls_every_group_back(plain: TaskService) -> None:
    plain.add_text("real one")
    with plain.store.write() as db:  # an event about a task its owner does not have
        db.run(
            "INSERT INTO outbox (id, op_id, owner, type, task_pk, subject, time, data, source) "
            "SELECT ?, op_id, owner, type, task_pk, subject, time, ?, source FROM outbox "
            "WHERE seq = 1",
            (str(uuid.uuid4()), json.dumps({"owner": "alice", "task": {"uuid": "nope"}})),
        )
    # Nothing written: the lease-taking drain applies the rest and dead-letters it.
    assert settle(plain.store, plain.owner, plain.now()) == ["recurrence", "audit"]
    assert _state(plain) == (0, 0, 0, 0)


def test_due_expiry_is_left_to_the_caller(plain: TaskService, clock: Clock) -> None:
    plain.add_text("short lived until:tomorrow")
    later = plain.now() + timedelta(days=3)
    assert settle(plain.store, plain.owner, later) is None
    assert _state(plain) == (0, 0, 0, 0)
    assert settle(plain.store, plain.owner, plain.now()) == []


def test_the_hook_after_a_plain_add_loads_only_the_drain(tmp_path: Path) -> None:
    # The hook runs after every write of every interface: its common case loads core.drain
    # alone, not the consumers, the log, the leases or the leader (~0.1 ms a module).
    script = (
        "import sys\n"
        "from todo_cli.main import plain_code\n"
        "before = set(sys.modules)\n"
        "assert plain_code(['add', 'pay', 'rent']) == 0\n"
        "print(' '.join(sorted(set(sys.modules) - before)))\n"
    )
    env = {**os.environ, "TODO_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "from todo_cli.main import plain_code; "
                    "plain_code(['add', 'first'])"], env=env, check=True)  # migrated
    done = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                          capture_output=True, text=True)
    loaded = set(done.stdout.split("\n")[-2].split())
    assert {"core.drain", "services.embedded"} <= loaded
    assert not loaded & {
        "services.audit", "services.recurrence", "services.leader",
        "core.eventlog", "core.leases",
    }


def test_the_consumers_are_the_groups_the_drain_settles() -> None:
    from services.audit import AuditConsumer
    from services.recurrence import RecurrenceConsumer

    # In drain order: `services.embedded.finish` drains every group after a left one.
    assert [(c.group, c.topic) for c in (RecurrenceConsumer, AuditConsumer)] == list(GROUPS)
