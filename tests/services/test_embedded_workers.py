"""The workers in-process over the embedded log: the consumer loop (Runner + EmbeddedSource),
the recurrence, audit and notify consumers, the reminder scheduler.

Real SQLite files and the real PostgreSQL server (db_url), real HTTP and SMTP servers on
127.0.0.1; only `sleep` is injected where backoff would make a test slow.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import events, open_service
from core.changes import TaskUpdate
from core.creation import TaskCreate
from core.errors import BadInput
from core.eventlog import EventLog, LogEntry
from core.schemas import ReminderRead, ReminderState, Status
from core.selection import TaskFilter
from core.service import TaskService
from services import workers
from services.audit import AuditConsumer
from services.channels import Channel, EmailChannel, TerminalChannel, WebhookChannel
from services.embedded import EmbeddedSource
from services.notifications import NotifyConsumer, Scheduler
from services.recurrence import RecurrenceConsumer
from services.runner import Policy, Runner
from services.transport import Message
from tests.conftest import Clock, drain, make_settings
from tests.services.servers import HookServer, Inbox, hook_server, smtp_server

FAST = Policy(retries=3, backoff_s=0.5, poll_timeout_s=0.0)


# --- helpers ----------------------------------------------------------------------------


class Sleeps:
    """Stands in for time.sleep in backoff: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class Flaky:
    """A test consumer (the Consumer protocol) that fails on one task's events."""

    topic: str | None = None

    def __init__(self, poison_subject: str, group: str = "flaky") -> None:
        self.group = group
        self.poison_subject = poison_subject
        self.attempts: dict[str, int] = {}
        self.applied: list[str] = []

    def apply(self, batch: list[dict[str, Any]]) -> None:
        for env in batch:
            self.attempts[env["id"]] = self.attempts.get(env["id"], 0) + 1
            if env["subject"] == self.poison_subject:
                raise RuntimeError(f"poison task {env['subject']}")
            self.applied.append(env["id"])


def runner_for(
    service: TaskService, consumer: Any, out: io.StringIO | None = None,
    sleep: Any = time.sleep, policy: Policy = FAST,
) -> Runner:
    """The consumer loop over the embedded log with the embedded dead-letter table."""
    log = EventLog(service.store)
    source = EmbeddedSource(log, consumer.group, consumer.topic)
    dead_letter = workers._embedded_dlq(log, consumer)
    return Runner(source, consumer, dead_letter, policy, out or io.StringIO(), sleep)


def run_until_idle(runner: Runner) -> int:
    """Poll and handle until the source has nothing more; how many messages were handled."""
    handled = 0
    while (message := runner.source.poll(0.0)) is not None:
        runner.handle(message)
        handled += 1
    return handled


def message_of(entry: LogEntry) -> Message:
    """The message EmbeddedSource makes of a log entry (to replay it through Runner.handle)."""
    return Message(entry.topic, 0, entry.seq, entry.key.encode(),
                   json.dumps(entry.envelope).encode())


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of a worker log parsed as JSON (fails on a line that is not)."""
    return [json.loads(line) for line in text.splitlines()]


def audit_counts(service: TaskService) -> tuple[int, int]:
    with service.store.read() as db:
        row = db.one("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit")
    return int(row[0]), int(row[1])


def audited_ids(service: TaskService) -> set[str]:
    with service.store.read() as db:
        return {str(r[0]) for r in db.all("SELECT event_id FROM audit")}


def wait_for(condition: Any, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def sqlite_svc(tmp_path: Path, clock: Clock) -> Iterator[TaskService]:
    """A service for alice on a SQLite file (for tests not worth running twice)."""
    service = open_service(make_settings(f"sqlite:///{tmp_path / 'one.db'}"), clock=clock)
    yield service
    service.close()


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def email_to(port: int) -> EmailChannel:
    return EmailChannel("127.0.0.1", port, False, None, None, "todo@example.org",
                        "me@example.org", timeout=5)


# --- audit through the consumer loop ----------------------------------------------------


def test_audit_runner_records_every_event_once_and_is_idempotent(
    db_url: str, svc: TaskService
) -> None:
    for title in ("one", "two", "three", "four"):
        svc.add_text(title)
    svc.update([1], TaskUpdate(title="one, renamed"))
    svc.complete([2])
    svc.delete([3])
    log = EventLog(svc.store)
    entries = log.read(0, 1000)
    assert len(entries) == 7
    head = log.head()

    out = io.StringIO()
    [runner] = workers.build("audit", make_settings(db_url), out)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        wait_for(lambda: log.position("audit") == head, what="the audit position to reach head")
    finally:
        runner.stop.set()
        thread.join(5)
    assert not thread.is_alive(), "the runner did not stop after stop was set"

    assert audit_counts(svc) == (7, 7)
    assert audited_ids(svc) == {e.envelope["id"] for e in entries}
    assert len(svc.audit()) == 7
    assert log.position("audit") == head == entries[-1].seq
    assert log.backlog("audit") == 0
    lines = json_lines(out.getvalue())
    assert [(line["offset"], line["result"]) for line in lines] == [
        (e.seq, "applied") for e in entries
    ]
    assert {line["group"] for line in lines} == {"audit"}
    assert [line["event"] for line in lines] == [e.envelope["id"] for e in entries]

    # A second runner from the stored position has nothing to do.
    [again] = workers.build("audit", make_settings(db_url), io.StringIO())
    assert run_until_idle(again) == 0
    again.source.close()  # leaves the group: gives the group's lease up

    # Even with the position lost (a crash between the effect and the commit), re-reading
    # everything adds nothing: applied event ids are recorded with the audit rows.
    with svc.store.write() as db:
        db.run("DELETE FROM consumer_offset WHERE group_name = ?", ("audit",))
    [fresh] = workers.build("audit", make_settings(db_url), io.StringIO())
    assert run_until_idle(fresh) == 7
    assert audit_counts(svc) == (7, 7)
    assert log.position("audit") == head

    # Replaying the same envelopes through the consumer directly adds no rows either.
    AuditConsumer(svc).apply([e.envelope for e in entries])
    assert svc.record_audit([e.envelope for e in entries], "audit") == 0
    assert audit_counts(svc) == (7, 7)
    for part in (runner, again, fresh):
        part.consumer.service.close()


def test_audit_batch_mixing_applied_new_and_repeated_events_records_each_new_one_once(
    svc: TaskService,
) -> None:
    for title in ("one", "two", "three"):
        svc.add_text(title)
    first, second, third = [e.envelope for e in EventLog(svc.store).read(0, 10)]
    assert svc.record_audit([first], "audit") == 1
    assert svc.record_audit([first, second, third, second], "audit") == 2
    assert audit_counts(svc) == (3, 3)
    assert audited_ids(svc) == {first["id"], second["id"], third["id"]}


def test_encoded_entries_carry_exactly_the_logged_envelopes(svc: TaskService) -> None:
    svc.add_text("pay rent p1 #finance due 2026-12-01 remind 1d before")
    svc.update([1], TaskUpdate(title="pay rent — Miete"))
    svc.complete([1])
    log = EventLog(svc.store)
    read = log.read(0, 10)
    encoded = log.unsent(10)
    assert [e.seq for e in encoded] == [e.seq for e in read] and len(read) == 3
    for wire, entry in zip(encoded, read, strict=True):
        assert json.loads(wire.data) == entry.envelope["data"]
        assert (wire.topic, wire.key) == (entry.topic, entry.key)
        assert wire.attributes == {k: v for k, v in entry.envelope.items() if k != "data"}


# --- retries and dead letters -----------------------------------------------------------


def test_failing_event_is_retried_then_dead_lettered_and_the_loop_goes_on(
    svc: TaskService,
) -> None:
    for title in ("good one", "poison", "good two"):
        svc.add_text(title)
    log = EventLog(svc.store)
    first, bad, last = log.read(0, 10)
    assert bad.envelope["subject"] == "2"
    consumer = Flaky(poison_subject="2")
    sleeps = Sleeps()
    out = io.StringIO()
    runner = runner_for(svc, consumer, out, sleeps)

    assert run_until_idle(runner) == 3

    assert consumer.attempts[bad.envelope["id"]] == FAST.retries + 1
    assert sleeps.delays == [0.5, 1.0, 2.0]  # exponential backoff between the attempts
    assert consumer.applied == [first.envelope["id"], last.envelope["id"]]
    [letter] = log.dead_letters("flaky")
    assert letter["group"] == "flaky"
    assert (letter["topic"], letter["partition"], letter["offset"]) == (
        events.TASK_TOPIC, 0, bad.seq
    )
    assert "RuntimeError: poison task 2" in letter["error"]
    assert json.loads(letter["payload"])["id"] == bad.envelope["id"]
    assert log.position("flaky") == last.seq  # committed past the dead letter and the next
    assert [(line["offset"], line["result"]) for line in json_lines(out.getvalue())] == [
        (first.seq, "applied"), (bad.seq, "dead-lettered"), (last.seq, "applied"),
    ]
    assert "poison task 2" in json_lines(out.getvalue())[1]["error"]

    # Restarting the group does not bring the parked message back.
    runner.source.close()
    again = Flaky(poison_subject="2")
    assert run_until_idle(runner_for(svc, again, sleep=Sleeps())) == 0
    assert again.attempts == {}


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (b"not json {", "not JSON"),
        (b"\xff\xfe broken bytes", "not JSON"),
        (b'{"hello": "world"}', "lacks"),
        (b"[1, 2, 3]", "not a JSON object"),
        (None, "empty message"),
    ],
)
def test_malformed_message_is_dead_lettered_without_retries(
    sqlite_svc: TaskService, value: bytes | None, why: str
) -> None:
    sqlite_svc.add_text("something")
    log = EventLog(sqlite_svc.store)
    consumer = Flaky(poison_subject="-")
    sleeps = Sleeps()
    out = io.StringIO()
    runner = runner_for(sqlite_svc, consumer, out, sleeps)

    runner.handle(Message(events.TASK_TOPIC, 0, 1, b"alice/1", value))

    assert consumer.attempts == {}
    assert sleeps.delays == []
    [letter] = log.dead_letters("flaky")
    assert (letter["topic"], letter["partition"], letter["offset"]) == (events.TASK_TOPIC, 0, 1)
    assert letter["error"].startswith("malformed message")
    assert why in letter["error"]
    assert log.position("flaky") == 1
    [line] = json_lines(out.getvalue())
    assert line["result"] == "dead-lettered" and why in line["error"]


# --- recurrence through the consumer loop -----------------------------------------------


def test_recurrence_runner_makes_exactly_one_instance_and_undo_removes_both(
    svc: TaskService,
) -> None:
    svc.add_text("water plants every day at 9am")
    svc.complete([1])
    consumer = RecurrenceConsumer(svc)
    runner = runner_for(svc, consumer)

    assert run_until_idle(runner) == 3  # created, completed, and the new instance's created
    [made] = consumer.created
    plants = svc.list_tasks(TaskFilter(status="all", search="plants"))
    assert sorted((t.id, t.status) for t in plants) == [
        (1, Status.COMPLETED), (made.id, Status.PENDING),
    ]
    assert made.due is not None and made.due > svc.get(1).due  # type: ignore[operator]

    # Replays (a redelivered message, the consumer fed the event again) make nothing more.
    log = EventLog(svc.store)
    [completed] = [e for e in log.read(0, 100) if e.envelope["type"] == events.COMPLETED]
    runner.handle(message_of(completed))
    RecurrenceConsumer(svc).apply([completed.envelope])
    runner.source.close()  # leaves the group, so the next member gets the group's lease
    again = runner_for(svc, RecurrenceConsumer(svc))
    assert run_until_idle(again) == 0
    again.source.close()
    assert len(svc.list_tasks(TaskFilter(status="all", search="plants"))) == 2

    # Undo reverts the completion and what the consumer did because of it.
    svc.undo()
    assert svc.get(1).status is Status.PENDING
    assert svc.get(made.id).status is Status.DELETED
    after = RecurrenceConsumer(svc)
    run_until_idle(runner_for(svc, after))
    assert after.created == []
    assert [t.id for t in svc.list_tasks(TaskFilter(search="plants"))] == [1]


# --- reminders: scheduler and notify consumer --------------------------------------------


def claim_one(service: TaskService, clock: Clock, title: str = "pay rent") -> LogEntry:
    """A reminder that is due now, claimed by a scheduler tick: its todo.reminder.due entry."""
    service.add_text(f"{title} today at 11am remind me 30m before")
    assert Scheduler(service).tick() == 0
    clock.advance(minutes=31)
    assert Scheduler(service).tick() == 1
    assert Scheduler(service).tick() == 0
    due = [e for e in EventLog(service.store).read(0, 1000, events.REMINDER_TOPIC)
           if e.envelope["type"] == events.REMINDER_DUE]
    assert len(due) == 1
    return due[0]


def fired_events(service: TaskService) -> list[dict[str, Any]]:
    return [e.envelope for e in EventLog(service.store).read(0, 1000, events.REMINDER_TOPIC)
            if e.envelope["type"] == events.REMINDER_FIRED]


def test_notify_delivers_once_to_each_channel(
    svc: TaskService, clock: Clock, hook: HookServer, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    due = claim_one(svc, clock)
    assert due.envelope["data"]["task"]["title"] == "pay rent"
    terminal = io.StringIO()
    out = io.StringIO()
    channels: list[Channel] = [WebhookChannel(hook.url + "/hook", timeout=5), email_to(port),
                TerminalChannel(terminal)]
    consumer = NotifyConsumer(svc, channels, retries=3, backoff_s=1.0, log=out, sleep=Sleeps())

    runner = runner_for(svc, consumer)
    assert run_until_idle(runner) == 2  # the due event, then the fired event it led to

    [request] = hook.received()
    assert request.path == "/hook"
    assert request.headers["x-event-id"] == due.envelope["id"]
    assert request.body["task_title"] == "pay rent"
    [mail] = inbox.messages
    assert mail["Subject"] == "Reminder: pay rent"
    assert mail["X-Event-Id"] == due.envelope["id"]
    assert terminal.getvalue().count("Reminder: pay rent") == 1
    assert svc.delivered_channels(due.envelope["id"]) == {"webhook", "email", "terminal"}
    [fired] = fired_events(svc)
    assert set(fired["data"]["reminder"]["channels"]) == {"webhook", "email", "terminal"}
    assert fired["data"]["reminder"]["due_event"] == due.envelope["id"]
    said = json_lines(out.getvalue())
    assert sorted((s["channel"], s["result"]) for s in said) == [
        ("email", "delivered"), ("terminal", "delivered"), ("webhook", "delivered"),
    ]
    assert svc.get(1).reminders[0].state is ReminderState.FIRED

    # The same envelope again (a redelivery): every channel already has it.
    consumer.apply([due.envelope])
    runner.handle(message_of(due))
    runner.source.close()  # a restarted member reads from the committed position
    assert run_until_idle(runner_for(svc, consumer)) == 0
    assert len(hook.received()) == 1
    assert len(inbox.messages) == 1
    assert terminal.getvalue().count("Reminder: pay rent") == 1
    assert len(fired_events(svc)) == 1
    assert EventLog(svc.store).position("notify") == EventLog(svc.store).head()


def test_webhook_500s_are_retried_while_email_is_delivered_once(
    sqlite_svc: TaskService, clock: Clock, hook: HookServer, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    hook.statuses = [500, 500, 200]
    due = claim_one(sqlite_svc, clock)
    sleeps = Sleeps()
    out = io.StringIO()
    consumer = NotifyConsumer(
        sqlite_svc, [WebhookChannel(hook.url + "/hook", timeout=5), email_to(port)],
        retries=5, backoff_s=1.0, log=out, sleep=sleeps,
    )

    assert run_until_idle(runner_for(sqlite_svc, consumer)) == 2  # due, fired

    requests = hook.received()
    assert len(requests) == 3
    assert {r.headers["x-event-id"] for r in requests} == {due.envelope["id"]}
    assert len(sleeps.delays) == 2
    assert len(inbox.messages) == 1
    assert sqlite_svc.delivered_channels(due.envelope["id"]) == {"webhook", "email"}
    [fired] = fired_events(sqlite_svc)
    assert set(fired["data"]["reminder"]["channels"]) == {"webhook", "email"}


def test_a_channel_that_always_fails_does_not_stop_the_others(
    sqlite_svc: TaskService, clock: Clock, hook: HookServer, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    hook.statuses = [500]
    due = claim_one(sqlite_svc, clock)
    terminal = io.StringIO()
    out = io.StringIO()
    consumer = NotifyConsumer(
        sqlite_svc,
        [WebhookChannel(hook.url + "/hook", timeout=5), email_to(port), TerminalChannel(terminal)],
        retries=2, backoff_s=1.0, log=out, sleep=Sleeps(),
    )
    log = EventLog(sqlite_svc.store)

    assert run_until_idle(runner_for(sqlite_svc, consumer)) == 2  # due, fired

    assert len(hook.received()) == 3  # 1 + 2 retries
    assert len(inbox.messages) == 1
    assert terminal.getvalue().count("Reminder: pay rent") == 1
    assert sqlite_svc.delivered_channels(due.envelope["id"]) == {"email", "terminal"}
    [fired] = fired_events(sqlite_svc)
    assert sorted(fired["data"]["reminder"]["channels"]) == ["email", "terminal"]
    assert sqlite_svc.get(1).reminders[0].state is ReminderState.FIRED
    failed = [s for s in json_lines(out.getvalue()) if s["result"] == "failed"]
    assert [(s["channel"], "HTTP 500" in s["error"]) for s in failed] == [("webhook", True)]
    assert log.position("notify") == log.head()
    assert log.dead_letters() == []


def test_a_failing_channel_in_backoff_does_not_delay_the_others(
    sqlite_svc: TaskService, clock: Clock, hook: HookServer, smtp: tuple[Inbox, int]
) -> None:
    """'A failed channel retried with backoff never blocks others': the email goes out while
    the webhook waits for its retry, not after the webhook's backoff is over."""
    inbox, port = smtp
    hook.statuses = [500, 200]
    due = claim_one(sqlite_svc, clock)
    consumer = NotifyConsumer(
        sqlite_svc, [WebhookChannel(hook.url + "/hook", timeout=5), email_to(port)],
        retries=1, backoff_s=2.0, log=io.StringIO(),  # real sleep: 1-2 s before the retry
    )

    started = time.monotonic()
    consumer.apply([due.envelope])

    assert len(inbox.messages) == 1 and len(hook.received()) == 2
    email_after = inbox.times[0] - started
    retry_after = hook.received()[1].at - started
    assert email_after < 0.9, (
        f"the email went out {email_after:.2f} s after the start, behind the webhook's "
        f"backoff (webhook retried after {retry_after:.2f} s)"
    )


def test_two_schedulers_never_claim_one_reminder_twice(
    db_url: str, svc: TaskService, clock: Clock
) -> None:
    base = clock.now
    for i in range(40):
        svc.add(TaskCreate(
            title=f"t{i}", due=base + timedelta(hours=3),
            reminders=(ReminderRead(base + timedelta(minutes=i + 1), None,
                                    ReminderState.PENDING),),
        ))
    services = [open_service(make_settings(db_url), clock=clock) for _ in range(2)]
    a, b = (Scheduler(s) for s in services)
    claimed = 0
    try:
        # In alternation, the first 10 minutes.
        for minute in range(10):
            clock.advance(minutes=1)
            first, second = (a, b) if minute % 2 else (b, a)
            claimed += first.tick() + second.tick()
        assert claimed == 10

        # In threads, racing, while the remaining 30 fall due.
        totals = [0, 0]
        stop = threading.Event()

        def loop(index: int, scheduler: Scheduler) -> None:
            while not stop.is_set():
                totals[index] += scheduler.tick()
                stop.wait(0.001)

        threads = [threading.Thread(target=loop, args=(i, s)) for i, s in enumerate((a, b))]
        for thread in threads:
            thread.start()
        try:
            for _ in range(30):
                clock.advance(minutes=1)
                time.sleep(0.01)
            wait_for(lambda: claimed + sum(totals) >= 40, timeout=10, what="40 claims")
            time.sleep(0.05)  # let a duplicate claim, if any, happen
        finally:
            stop.set()
            for thread in threads:
                thread.join(5)
        claimed += sum(totals)
    finally:
        for s in services:
            s.close()

    assert claimed == 40
    due = [e.envelope for e in EventLog(svc.store).read(0, 10_000, events.REMINDER_TOPIC)
           if e.envelope["type"] == events.REMINDER_DUE]
    assert len(due) == 40
    assert len({env["data"]["reminder"]["id"] for env in due}) == 40
    assert sorted(env["data"]["task"]["title"] for env in due) == sorted(
        f"t{i}" for i in range(40)
    )
    assert all(
        r.state is ReminderState.FIRED
        for t in svc.list_tasks(TaskFilter(status="all")) for r in t.reminders
    )


def test_an_idle_scheduler_tick_writes_nothing(sqlite_svc: TaskService) -> None:
    """The scheduler ticks every second all day; a tick that claims nothing leaves no rows
    (no empty undo operations piling up)."""
    sqlite_svc.add_text("not due yet tomorrow at 9am remind me 1h before")

    def rows() -> tuple[int, int]:
        with sqlite_svc.store.read() as db:
            return (int(db.value("SELECT COUNT(*) FROM operation")),
                    int(db.value("SELECT COUNT(*) FROM outbox")))

    before = rows()
    scheduler = Scheduler(sqlite_svc)
    assert [scheduler.tick() for _ in range(20)] == [0] * 20
    assert rows() == before


# --- reading the audit log --------------------------------------------------------------


def test_history_and_audit_read_the_audit_rows(svc: TaskService, clock: Clock) -> None:
    svc.add_text("call mum")
    svc.update([1], TaskUpdate(title="call mum and dad"))
    assert svc.history(1) == []  # nothing audited yet: history reads the audit log
    start = clock.now
    clock.advance(hours=2)
    svc.complete([1])
    svc.add_text("buy milk")
    drain(svc)

    history = svc.history(1)
    assert [h.type for h in history] == [events.CREATED, events.UPDATED, events.COMPLETED]
    assert history[1].changes["title"] == {"old": "call mum", "new": "call mum and dad"}
    assert history[2].changes["status"] == {"old": "pending", "new": "completed"}
    assert history[0].time == start

    everything = svc.audit()
    assert len(everything) == 4
    assert all(e.source.startswith("todo/alice@") for e in everything)
    recent = svc.audit(since=clock.now - timedelta(minutes=30))
    assert sorted(e.type for e in recent) == [events.COMPLETED, events.CREATED]
    [done] = svc.audit(since=clock.now - timedelta(minutes=30), kind="completed")
    assert (done.task_id, done.task_title) == (1, "call mum and dad")
    assert [e.task_title for e in svc.audit(kind="created")] == ["call mum", "buy milk"]
    assert len(svc.audit(kind=events.UPDATED)) == 1
    assert svc.audit(since=clock.now + timedelta(minutes=1)) == []
    with pytest.raises(BadInput, match="unknown event type 'bogus'"):
        svc.audit(kind="bogus")


def test_cli_history_and_audit_commands(todo_home: Path) -> None:
    from tests.cli.helpers import fails, ok

    ok("add", "call mum")
    ok("edit", "1", "--title", "call mum and dad")
    ok("done", "1")
    ok("add", "buy milk")

    history = ok("history", "1").stdout.splitlines()
    assert [line.split()[-1] for line in history if not line.startswith(" ")] == [
        "created", "updated", "completed",
    ]
    assert "    title: call mum -> call mum and dad" in history
    created = ok("audit", "--since", "today", "--type", "created").stdout.splitlines()
    assert len(created) == 2
    assert all("task.created" in line and "todo/tester@" in line for line in created)
    assert "1 'call mum'" in created[0] and "2 'buy milk'" in created[1]
    [completed] = [
        line for line in ok("audit", "--type", "completed").stdout.splitlines()
        if not line.startswith(" ")
    ]
    assert "task.completed  1 'call mum and dad'" in completed
    assert ok("audit", "--since", "tomorrow").stdout == ""
    assert "unknown event type 'bogus'" in fails(2, "audit", "--type", "bogus").stderr
    assert "--since" in fails(2, "audit", "--since", "not a date").stderr


# --- the embedded log under concurrent writers (PostgreSQL) -------------------------------


def test_event_committed_after_a_later_one_is_still_consumed(
    pg_schema_url: str, clock: Clock
) -> None:
    """Outbox rows must commit in `seq` order (writers are serialised database-wide), so a
    consumer reading by position never passes a row that is still to commit."""
    import psycopg

    url = pg_schema_url
    alice = open_service(make_settings(url, user="alice"), clock=clock)
    claimer = open_service(make_settings(url, user="alice"), clock=clock)
    bob = open_service(make_settings(url, user="bob"), clock=clock)
    blocker = psycopg.connect(url)
    watcher = psycopg.connect(url, autocommit=True)
    try:
        alice.add_text("first today at 11am remind me 30m before")
        alice.add_text("second today at 11am remind me 30m before")
        clock.advance(minutes=31)
        runner = runner_for(alice, AuditConsumer(alice))
        assert run_until_idle(runner) == 2
        with alice.store.read() as db:
            second_reminder = db.value("SELECT MAX(id) FROM reminder")

        # Hold the second reminder's row: the claim appends the first reminder's event,
        # then waits for the row, its transaction still open.
        blocker.execute("SELECT id FROM reminder WHERE id = %s FOR UPDATE", (second_reminder,))
        blocker_pid = blocker.info.backend_pid
        claimed: list[int] = []
        thread = threading.Thread(
            target=lambda: claimed.append(len(claimer.claim_due_reminders(clock.now)))
        )
        thread.start()

        def claim_waits() -> bool:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                (blocker_pid,),
            ).fetchone()
            return row is not None and row[0] > 0

        wait_for(claim_waits, what="the claim to wait for the locked reminder")

        # Bob's write must not commit a higher seq while alice's event is still open: it
        # waits for the database-wide write lock instead.
        bob_done = threading.Event()
        writer = threading.Thread(target=lambda: (bob.add_text("bob's task"), bob_done.set()))
        writer.start()
        assert not bob_done.wait(0.5), "a second writer committed while the first was open"
        run_until_idle(runner)
        blocker.rollback()
        thread.join(10)
        writer.join(10)
        assert claimed == [2]
        assert bob_done.is_set()
        run_until_idle(runner)

        everything = {e.envelope["id"]: e for e in EventLog(alice.store).read(0, 1000)}
        missing = sorted(
            (e.seq, e.envelope["type"]) for i, e in everything.items()
            if i not in audited_ids(alice)
        )
        assert missing == [], f"events never consumed by the audit group: {missing}"
    finally:
        blocker.close()
        watcher.close()
        for s in (alice, claimer, bob):
            s.close()
