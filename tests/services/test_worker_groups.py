"""Several `todo worker` processes of one consumer group on the embedded log, on a SQLite
file and on PostgreSQL: each event handled by one member, each effect once.

Real processes, a real webhook server and a real SMTP server (aiosmtpd) counting what they
receive. Leases are short here (TODO_WORKER__LEASE_S, __REMINDER_LEASE_S) so hand-overs
after kill -9 happen within seconds. Backlogs are written through the service API (as
another client of the same database would), so no CLI drain applies them.
"""

from __future__ import annotations

import collections
import io
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import events, open_service
from core.creation import TaskCreate
from core.eventlog import EventLog
from core.leases import Leases
from core.schemas import ReminderRead, ReminderState, Status
from core.selection import TaskFilter
from core.service import TaskService
from services import workers
from services.audit import AuditConsumer
from services.channels import WebhookChannel
from services.embedded import EmbeddedSource, run_inline
from services.notifications import NotifyConsumer
from services.runner import Policy, Runner
from services.transport import Message
from tests.conftest import make_settings
from tests.services.processes import Worker
from tests.services.servers import HookServer, Inbox, hook_server, smtp_server
from tests.services.test_worker_processes import ok, todo, wait_for

LEASE_S = 1.5  # group leases and delivery claims in these tests


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'todo.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


def worker_env(tmp_path: Path, url: str, hook: HookServer, smtp_port: int) -> dict[str, str]:
    """The workers' environment: user tester, webhook and email channels, short leases."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    base.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1",
        TODO_DATABASE__URL=url,
        TODO_NOTIFY__CHANNELS="webhook,email",
        TODO_NOTIFY__WEBHOOK_URL=hook.url + "/hook",
        TODO_NOTIFY__SMTP_HOST="127.0.0.1", TODO_NOTIFY__SMTP_PORT=str(smtp_port),
        TODO_NOTIFY__SMTP_STARTTLS="false", TODO_NOTIFY__SMTP_FROM="todo@example.org",
        TODO_NOTIFY__SMTP_TO="me@example.org",
        TODO_NOTIFY__RETRIES="2", TODO_NOTIFY__BACKOFF_S="0.1",
        TODO_WORKER__POLL_TIMEOUT_S="0.1", TODO_WORKER__SCHEDULER_INTERVAL_S="0.2",
        TODO_WORKER__LEASE_S=str(LEASE_S), TODO_WORKER__REMINDER_LEASE_S=str(LEASE_S),
        TODO_WORKER__BACKOFF_S="0.1", TODO_WORKER__BATCH="20", TODO_WORKER__RETRIES="1",
    )
    return base


class Rig:
    """Workers started by one test, the database as user tester, the two servers."""

    def __init__(self, tmp_path: Path, url: str, hook: HookServer, inbox: Inbox,
                 port: int) -> None:
        self.tmp_path = tmp_path
        self.env = worker_env(tmp_path, url, hook, port)
        self.hook = hook
        self.inbox = inbox
        self.service = open_service(make_settings(url, user="tester"))
        self.workers: list[Worker] = []

    def start(self, name: str, count: int = 1) -> list[Worker]:
        started = [Worker(name, self.env, self.tmp_path, f"{name}{len(self.workers) + i}")
                   for i in range(count)]
        self.workers.extend(started)
        return started

    def wait(self, condition: Callable[[], Any], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            for worker in self.workers:
                if not worker.killed and worker.process.poll() is not None:
                    raise AssertionError(f"{worker.label} exited while waiting for {what}\n"
                                         f"{worker.tail()}")
            if time.monotonic() > deadline:
                tails = "\n".join(w.tail() for w in self.workers)
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n"
                                     f"{self.state()}\n{tails}")
            time.sleep(0.02)

    def holder_of(self, group: str) -> Worker | None:
        """The worker whose process holds the group's lease now."""
        lease = Leases(self.service.store).current(f"group:{group}", self.service.now())
        if lease is None:
            return None
        pid = int(lease.holder.split(":")[1])
        return next((w for w in self.workers if w.process.pid == pid), None)

    def count(self, table: str, where: str = "1 = 1") -> int:
        with self.service.store.read() as db:
            return int(db.value(f"SELECT COUNT(*) FROM {table} WHERE {where}"))

    def posts(self) -> collections.Counter[str]:
        return collections.Counter(r.headers["x-event-id"] for r in self.hook.received())

    def mails(self) -> collections.Counter[str]:
        return collections.Counter(str(m["Message-ID"]) for m in list(self.inbox.messages))

    def state(self) -> str:
        return (f"posts={len(self.hook.received())} ids={len(self.posts())} "
                f"mails={len(self.inbox.messages)} due={self.count('outbox', _DUE)} "
                f"fired={self.count('outbox', _FIRED)} audit={self.count('audit')} "
                f"outbox={self.count('outbox')} dead={self.count('dead_letter')}")

    def close(self) -> None:
        for worker in self.workers:
            worker.ensure_dead()
        self.service.close()


_DUE = f"type = '{events.REMINDER_DUE}'"
_FIRED = f"type = '{events.REMINDER_FIRED}'"


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


@pytest.fixture
def rig(tmp_path: Path, store_url: str, hook: HookServer) -> Iterator[Rig]:
    with smtp_server() as (inbox, port):
        made = Rig(tmp_path, store_url, hook, inbox, port)
        try:
            yield made
        finally:
            made.close()


def add_reminders(service: TaskService, count: int, spread_s: float) -> None:
    """`count` tasks whose reminders come due one after another over `spread_s` seconds."""
    now = service.now()
    for i in range(count):
        at = now + timedelta(seconds=spread_s * i / count)
        service.add(TaskCreate(title=f"reminded {i}", due=now + timedelta(hours=1),
                               reminders=(ReminderRead(at, None, ReminderState.PENDING),)))


_TOPICS = {"notify": events.REMINDER_TOPIC, "recurrence": events.TASK_TOPIC, "audit": None}


def idle(rig: Rig, groups: tuple[str, ...]) -> bool:
    log = EventLog(rig.service.store)
    return all(log.backlog(g, _TOPICS[g]) == 0 for g in groups)


# --- N members per group ------------------------------------------------------------------


@pytest.mark.parametrize(("members", "reminders"), [(2, 200), (3, 100)])
def test_n_workers_per_group_make_each_effect_once(
    rig: Rig, members: int, reminders: int
) -> None:
    """N `todo worker all` processes (N members of notify, recurrence and audit each): 200
    reminders (100 with three members, to keep the run short) due within a few seconds
    reach the webhook and the mailbox once each (two workers on PostgreSQL sent 379 POSTs
    for 200 reminders before the group lease and the delivery claims); 30
    completions of recurring tasks get one next instance each; one audit row per event.
    Midway, the member holding the notify lease is stopped (SIGTERM) and another takes
    over."""
    svc = rig.service
    rig.start("all", members)
    for i in range(30):
        svc.add_text(f"daily chore {i} every day at 9am")
    rig.wait(lambda: rig.holder_of("notify") is not None, 20, "a notify member to lead")
    add_reminders(svc, reminders, spread_s=3.0)
    for first in range(1, 31, 5):
        svc.complete(list(range(first, first + 5)))

    rig.wait(lambda: len(rig.posts()) >= reminders // 4, 30, "the first deliveries")
    leader = rig.holder_of("notify")
    assert leader is not None
    code, _took = leader.terminate()
    assert code == 0, leader.tail()

    rig.wait(lambda: len(rig.posts()) == reminders and len(rig.mails()) == reminders
             and rig.count("outbox", _FIRED) == reminders, 60, "every delivery")
    rig.wait(lambda: idle(rig, ("notify", "recurrence", "audit"))
             and rig.count("audit") == rig.count("outbox"), 30, "every group to catch up")
    time.sleep(0.5)  # a late duplicate would arrive now

    posts, mails = rig.posts(), rig.mails()
    assert len(rig.hook.received()) == reminders, [i for i, n in posts.items() if n > 1][:5]
    assert set(posts.values()) == {1}
    assert len(rig.inbox.messages) == reminders and set(mails.values()) == {1}
    assert rig.count("outbox", _DUE) == reminders  # each reminder claimed by one scheduler
    assert rig.count("reminder", "state = 'fired'") == reminders
    assert rig.count("delivery", "delivered IS NOT NULL AND attempts = 1") == 2 * reminders
    assert rig.count("delivery") == 2 * reminders

    chores = svc.list_tasks(TaskFilter(status="all", search="chore"))
    assert collections.Counter(t.status for t in chores) == {
        Status.COMPLETED: 30, Status.PENDING: 30,
    }
    assert len({t.title for t in chores if t.status is Status.PENDING}) == 30

    with svc.store.read() as db:
        audit_ids = [str(r[0]) for r in db.all("SELECT event_id FROM audit")]
        outbox_ids = {str(r[0]) for r in db.all("SELECT id FROM outbox")}
    assert len(audit_ids) == len(set(audit_ids)) and set(audit_ids) == outbox_ids
    assert rig.count("dead_letter") == 0
    for worker in rig.workers:
        if worker is not leader:
            assert worker.process.poll() is None, worker.tail()


def test_a_worker_killed_mid_send_repeats_that_reminder_once_with_the_same_keys(
    rig: Rig,
) -> None:
    """kill -9 lands while the webhook and the SMTP server hold the first reminder: after
    the claims run out the other worker sends it again, once, with the same X-Event-Id
    and Message-ID; every other reminder is delivered once."""
    rig.hook.delays[0] = 10.0  # the first POST is still unanswered when the kill lands
    rig.inbox.delays[0] = 10.0
    rig.start("notify", 2)
    rig.wait(lambda: rig.holder_of("notify") is not None, 20, "a notify member to lead")
    add_reminders(rig.service, 20, spread_s=0.0)
    rig.wait(lambda: rig.hook.received() and rig.inbox.messages, 20, "the first sends")
    leader = rig.holder_of("notify")
    assert leader is not None
    [first] = rig.hook.received()
    assert rig.count("delivery", "delivered IS NOT NULL") == 0  # mid-send indeed
    leader.kill9()

    rig.wait(lambda: len(rig.posts()) == 20 and len(rig.mails()) == 20
             and rig.count("outbox", _FIRED) == 20, 30, "every reminder delivered")
    time.sleep(0.5)
    posts, mails = rig.posts(), rig.mails()
    assert posts[first.headers["x-event-id"]] == 2
    assert sorted(posts.values()) == [1] * 19 + [2]  # one repeat, of the reminder in flight
    assert sorted(mails.values()) == [1] * 19 + [2]
    [again] = [r for r in rig.hook.received()[1:] if r.headers["x-event-id"] ==
               first.headers["x-event-id"]]
    assert again.body == first.body
    repeated = [m for m in rig.inbox.messages if mails[str(m["Message-ID"])] == 2]
    assert repeated[0]["X-Event-Id"] == repeated[1]["X-Event-Id"] == first.headers["x-event-id"]
    assert rig.count("delivery", "attempts = 2") == 2  # webhook and email of that reminder
    assert rig.count("delivery", "delivered IS NULL") == 0


def test_a_send_slower_than_the_lease_is_not_sent_twice(rig: Rig) -> None:
    """The first POST takes 2.5 leases' time: the claim is renewed while it runs, so the
    other worker never sends it again."""
    rig.hook.delays[0] = 2.5 * LEASE_S
    rig.start("notify", 2)
    rig.wait(lambda: rig.holder_of("notify") is not None, 20, "a notify member to lead")
    add_reminders(rig.service, 5, spread_s=0.0)
    rig.wait(lambda: len(rig.posts()) == 5 and rig.count("outbox", _FIRED) == 5, 30,
             "five deliveries")
    time.sleep(0.5)
    assert sorted(rig.posts().values()) == [1] * 5
    assert rig.count("delivery", "attempts = 1 AND delivered IS NOT NULL") == 10


def test_two_consumers_racing_on_one_reminder_send_it_once_while_it_is_slow(
    tmp_path: Path,
) -> None:
    """Without the group's lease (two members applying the same event at once), the
    delivery claim alone keeps it to one send: the second waits while the first's claim is
    renewed during a send four times longer than the lease, then finds it delivered."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    first_svc = open_service(make_settings(url))
    second_svc = open_service(make_settings(url))
    try:
        now = first_svc.now()
        first_svc.add(TaskCreate(title="slow", due=now + timedelta(hours=1),
                                 reminders=(ReminderRead(now, None, ReminderState.PENDING),)))
        first_svc.claim_due_reminders(now)
        [due] = EventLog(first_svc.store).read(0, 10, events.REMINDER_TOPIC)
        with hook_server(delays={0: 2.0}) as server:
            def consumer(svc: TaskService) -> NotifyConsumer:
                return NotifyConsumer(svc, [WebhookChannel(server.url, timeout=10)],
                                      retries=0, log=io.StringIO(), lease_s=0.5)

            racer = threading.Thread(target=consumer(first_svc).apply, args=([due.envelope],))
            racer.start()
            wait_for(lambda: server.received(), 10, "the first send")
            started = time.monotonic()
            consumer(second_svc).apply([due.envelope])
            waited = time.monotonic() - started
            racer.join(10)
            assert len(server.received()) == 1
            assert waited > 1.0  # it waited for the first send instead of skipping
            assert second_svc.delivered_channels(due.envelope["id"]) == {"webhook"}
    finally:
        first_svc.close()
        second_svc.close()


# --- the drain is a member too --------------------------------------------------------------


def test_a_completion_while_a_recurrence_worker_runs_gets_its_next_instance_from_it(
    rig: Rig,
) -> None:
    [worker] = rig.start("recurrence")
    rig.wait(lambda: rig.holder_of("recurrence") is worker, 20, "the worker to hold the lease")
    ok(rig.env, "add", "water plants every day at 8am")
    done = todo(rig.env, "done", "1")
    assert done.returncode == 0, done.stderr
    finished = time.monotonic()
    rig.wait(lambda: len(rig.service.list_tasks(TaskFilter(search="plants"))) == 1, 5,
             "the next instance")
    assert time.monotonic() - finished < 1.0  # the worker polls every 0.1 s
    [completed] = [e for e in EventLog(rig.service.store).read(0, 100)
                   if e.envelope["type"] == events.COMPLETED]
    assert completed.envelope["id"] in worker.applied()  # the worker made it, not the CLI
    plants = rig.service.list_tasks(TaskFilter(status="all", search="plants"))
    assert sorted(t.status for t in plants) == [Status.COMPLETED, Status.PENDING]

    # Stopped, the worker gives the lease back and the CLI's drain applies again at once.
    assert worker.terminate()[0] == 0
    ok(rig.env, "done", str(next(t.id for t in plants if t.status is Status.PENDING)))
    assert len(rig.service.list_tasks(TaskFilter(search="plants"))) == 1


# --- audit validates what it stores -----------------------------------------------------------


def forge(service: TaskService, kind: str, data: dict[str, Any]) -> str:
    """Append an event to the outbox directly, as a writer other than todo could."""
    event_id = str(uuid.uuid4())
    with service.store.write() as db:
        db.run(
            "INSERT INTO outbox (id, op_id, owner, type, task_pk, subject, time, data, source) "
            "SELECT ?, op_id, owner, ?, task_pk, subject, time, ?, source FROM outbox "
            "WHERE seq = 1",
            (event_id, kind, json.dumps(data)),
        )
    return event_id


def forgeries(service: TaskService) -> list[str]:
    real = service.get(1)
    task = {"id": 1, "uuid": real.uuid, "title": "forged"}
    return [
        forge(service, "todo.task.hijacked", {"owner": "tester", "task": task}),
        forge(service, events.UPDATED, {"task": task, "changes": {}}),
        forge(service, events.UPDATED, {"owner": "mallory", "task": task, "changes": {}}),
        forge(service, events.COMPLETED,
              {"owner": "tester", "task": {**task, "uuid": str(uuid.uuid4())}}),
        forge(service, events.COMPLETED, {"owner": "tester"}),
    ]


def test_the_drain_dead_letters_forged_events_and_audits_the_rest(
    store_url: str, tmp_path: Path
) -> None:
    service = open_service(make_settings(store_url, user="tester"))
    try:
        service.add_text("real one")
        forged = forgeries(service)
        service.add_text("real two")
        run_inline(service)

        with service.store.read() as db:
            audited = {str(r[0]) for r in db.all("SELECT event_id FROM audit")}
        assert audited.isdisjoint(forged) and len(audited) == 2
        log = EventLog(service.store)
        letters = log.dead_letters("audit")
        assert [json.loads(x["payload"])["id"] for x in letters] == forged
        assert all(x["error"].startswith("InvalidEvent: ") for x in letters)
        assert "unknown type 'todo.task.hijacked'" in letters[0]["error"]
        assert "no owner" in letters[1]["error"]
        assert "'mallory' has no task" in letters[2]["error"]
        assert "has no task" in letters[3]["error"]
        [recurrence_letter] = log.dead_letters("recurrence")  # the completion without a task
        assert json.loads(recurrence_letter["payload"])["id"] == forged[4]
        assert log.backlog("audit") == log.backlog("recurrence") == 0
        assert [e.type for e in service.audit()] == [events.CREATED, events.CREATED]
    finally:
        service.close()


def test_audit_workers_dead_letter_forged_events(rig: Rig) -> None:
    svc = rig.service
    rig.start("audit", 2)
    svc.add_text("real one")
    rig.wait(lambda: rig.count("audit") == 1, 20, "the first audit row")
    forged = forgeries(svc)
    svc.add_text("real two")
    rig.wait(lambda: rig.count("dead_letter") == 5 and idle(rig, ("audit",)), 30,
             "the forged events to be dead-lettered")
    letters = EventLog(svc.store).dead_letters("audit")
    assert sorted(json.loads(x["payload"])["id"] for x in letters) == sorted(forged)
    assert all("InvalidEvent" in x["error"] for x in letters)
    assert rig.count("audit") == 2
    assert [e.type for e in svc.audit()] == [events.CREATED, events.CREATED]


def test_forged_messages_published_raw_are_dead_lettered_by_the_consumer_loop(
    svc: TaskService,
) -> None:
    """Messages that never were in the outbox (published straight to a topic) meet the same
    checks: the loop dead-letters each forged one and audits the real one."""
    svc.add_text("real")
    [real] = EventLog(svc.store).read(0, 10)
    task = {"id": 1, "uuid": svc.get(1).uuid, "title": "forged"}
    forged = [
        {**real.envelope, "id": str(uuid.uuid4()), "type": "todo.task.hijacked"},
        {**real.envelope, "id": str(uuid.uuid4()), "data": {"task": task, "changes": {}}},
        {**real.envelope, "id": str(uuid.uuid4()),
         "data": {"owner": "mallory", "task": task, "changes": {}}},
        {**real.envelope, "id": str(uuid.uuid4()),
         "data": {"owner": "alice", "task": {**task, "uuid": str(uuid.uuid4())}}},
    ]
    consumer = AuditConsumer(svc)
    log = EventLog(svc.store)
    out = io.StringIO()
    runner = Runner(EmbeddedSource(log, "audit", None), consumer,
                    workers._embedded_dlq(log, consumer), Policy(retries=0), out)
    messages = [Message("raw", 0, offset, b"k", json.dumps(env).encode(), {})
                for offset, env in enumerate([*forged, real.envelope], start=1)]
    runner.handle_batch(messages)
    lines = map(json.loads, out.getvalue().splitlines())
    results = {line["event"]: line["result"] for line in lines}
    assert results == {**{env["id"]: "dead-lettered" for env in forged},
                       real.envelope["id"]: "applied"}
    letters = log.dead_letters("audit")
    assert [json.loads(x["payload"])["id"] for x in letters] == [env["id"] for env in forged]
    assert all("InvalidEvent" in x["error"] for x in letters)
    assert [e.type for e in svc.audit()] == [events.CREATED]
    runner.source.close()
