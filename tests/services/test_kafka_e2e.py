"""Kafka mode end to end: the real CLI, real `todo worker ...` processes, a real broker.

CLI commands (subprocesses of `python -m todo_cli.main`) write the outbox; `todo worker
relay` publishes it to Tansu (tests/services/conftest.py); `todo worker audit`,
`recurrence` and `notify` consume it in consumer groups. Faults are real too: kill -9 of
the relay and of each worker mid-stream, a malformed record produced straight to the
task-events topic, two notify workers racing, the broker stopped and started again.

Every test has its own database (SQLite in TODO_HOME unless said otherwise) and its own
topic prefix. Every wait polls with a deadline; a failed wait names what it waited for and
shows the tail of every worker's output. Group joins take half of session.timeout.ms on
Tansu, so the workers run with 6000 ms.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import KafkaSettings, WorkerSettings
from core import open_service
from core.service import TaskService
from services import kafka, kafka_status
from services.devbroker import TansuBroker
from services.topics import topic_names
from services.transport import Message
from tests.conftest import make_settings
from tests.services.kafka_tools import partition_counts, produce_raw
from tests.services.processes import REPO, TODO, Worker
from tests.services.servers import HookServer, hook_server, smtp_server

WAIT_S = 30.0
SESSION_MS = 6000


# --- processes --------------------------------------------------------------------------


class Fleet:
    """Every worker process a test started; `stop_all` ends those still running."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workers: list[Worker] = []

    def start(self, name: str, env: dict[str, str], label: str | None = None) -> Worker:
        worker = Worker(name, env, self.folder, label or name)
        self.workers.append(worker)
        return worker

    def report(self) -> str:
        return "\n".join(w.tail() for w in self.workers) or "(no workers started)"

    def check_alive(self) -> None:
        """Fail at once when a worker the test did not end has exited."""
        for worker in self.workers:
            if not worker.killed and worker.process.poll() is not None:
                raise AssertionError(
                    f"{worker.label} exited with {worker.process.returncode}\n{self.report()}"
                )

    def stop_all(self) -> dict[str, int]:
        """SIGTERM every running worker at once, then SIGKILL what is left after 15 s."""
        running = [w for w in self.workers if w.process.poll() is None]
        for worker in running:
            worker.killed = True
            worker.process.send_signal(signal.SIGTERM)
        codes = {}
        deadline = time.monotonic() + 15.0
        for worker in running:
            try:
                codes[worker.label] = worker.process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                codes[worker.label] = worker.process.wait(10)
        return codes


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    """The test's worker processes; all are stopped (SIGTERM, then kill) at the end, and
    their output tails are printed (pytest shows them when the test failed)."""
    folder = tmp_path / "workers"
    folder.mkdir()
    workers = Fleet(folder)
    try:
        yield workers
    finally:
        workers.stop_all()
        print(workers.report())


def wait_until(
    condition: Callable[[], Any],
    what: str,
    fleet: Fleet,
    timeout: float = WAIT_S,
    state: Callable[[], Any] | None = None,
) -> float:
    """Poll `condition` until it holds; the seconds it took. Fails after `timeout` or as
    soon as a worker exits unexpectedly, with `state()` and every worker's output tail."""
    started = time.monotonic()
    deadline = started + timeout
    while not condition():
        fleet.check_alive()
        if time.monotonic() > deadline:
            now = f"\nstate: {state()}" if state is not None else ""
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what}{now}\n{fleet.report()}"
            )
        time.sleep(0.05)
    return time.monotonic() - started


# --- the CLI and the database -----------------------------------------------------------


def todo(env: dict[str, str], *args: str) -> str:
    """Run the real CLI; its stdout (fails on a non-zero exit)."""
    done = subprocess.run(
        [*TODO, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        check=False, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, (
        f"todo {' '.join(args)[:200]} exited {done.returncode}\n{done.stderr}\n{done.stdout}"
    )
    return done.stdout


def ids(first: int, last: int) -> list[str]:
    return [str(n) for n in range(first, last + 1)]


class Db:
    """Read-only SQL on the database the CLI and the workers use (as user tester)."""

    def __init__(self, url: str) -> None:
        self.service: TaskService = open_service(make_settings(url, user="tester"))

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        with self.service.store.read() as db:
            return db.value(sql, params)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self.service.store.read() as db:
            return list(db.all(sql, params))

    def count(self, table: str, where: str = "1 = 1", params: tuple[Any, ...] = ()) -> int:
        return int(self.value(f"SELECT COUNT(*) FROM {table} WHERE {where}", params))

    # the outbox and the audit log

    def events(self) -> int:
        return self.count("outbox")

    def unsent(self) -> int:
        return self.count("outbox", "sent IS NULL")

    def audited(self) -> int:
        return self.count("audit")

    def outbox_ids(self, kind: str | None = None) -> list[str]:
        if kind is None:
            return [str(r[0]) for r in self.rows("SELECT id FROM outbox ORDER BY seq")]
        rows = self.rows("SELECT id FROM outbox WHERE type = ? ORDER BY seq", (kind,))
        return [str(r[0]) for r in rows]

    def audit_ids(self) -> list[str]:
        return [str(r[0]) for r in self.rows("SELECT event_id FROM audit ORDER BY id")]

    def all_audited(self) -> bool:
        """Every event published and audited (and nothing more)."""
        return self.unsent() == 0 and self.audited() == self.events()

    def summary(self) -> str:
        return (f"outbox={self.events()} unsent={self.unsent()} audit={self.audited()} "
                f"tasks={self.count('task')} deliveries={self.count('delivery')}")

    def close(self) -> None:
        self.service.close()


def assert_audited_exactly_once(db: Db) -> None:
    """One audit row per outbox event, no event twice, none missing, none extra."""
    outbox = db.outbox_ids()
    audited = db.audit_ids()
    duplicated = [event for event, n in Counter(audited).items() if n > 1]
    assert duplicated == [], f"audited more than once: {duplicated[:10]}"
    missing = set(outbox) - set(audited)
    extra = set(audited) - set(outbox)
    assert not missing and not extra, (
        f"{len(missing)} events not audited (e.g. {sorted(missing)[:5]}), "
        f"{len(extra)} audit rows of unknown events"
    )
    assert len(audited) == len(outbox)


def assert_per_task_order(db: Db) -> int:
    """Each task's audit rows carry increasing versions in audit id order; the task count."""
    last: dict[str, tuple[int, int]] = {}
    rows = db.rows(
        "SELECT id, task_uuid, version FROM audit WHERE version IS NOT NULL ORDER BY id"
    )
    for audit_id, task_uuid, version in rows:
        before = last.get(task_uuid)
        assert before is None or version > before[1], (
            f"task {task_uuid}: audit row {audit_id} has version {version} after row "
            f"{before[0]} with version {before[1] if before else None}"
        )
        last[task_uuid] = (audit_id, version)
    return len(last)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def env(home: Path, kafka_settings: KafkaSettings) -> dict[str, str]:
    """The CLI's and the workers' environment: Kafka mode with this test's topic prefix."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    assert kafka_settings.bootstrap_servers
    base.update(
        TODO_HOME=str(home),
        TZ="Europe/Berlin",
        TODO_USER="tester",
        NO_COLOR="1",
        TODO_KAFKA__BOOTSTRAP_SERVERS=kafka_settings.bootstrap_servers,
        TODO_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
        TODO_KAFKA__PARTITIONS=str(kafka_settings.partitions),
        TODO_KAFKA__DELIVERY_TIMEOUT_S="3",
        TODO_KAFKA__RELAY_LEASE_S="3",  # a relay started after a kill -9 waits this long
        TODO_WORKER__SESSION_TIMEOUT_MS=str(SESSION_MS),
        TODO_WORKER__POLL_TIMEOUT_S="0.1",
        TODO_WORKER__SCHEDULER_INTERVAL_S="0.2",
        TODO_NOTIFY__CHANNELS="terminal",
    )
    return base


def sqlite_db(env: dict[str, str]) -> Db:
    """The test's SQLite database (after the CLI created it)."""
    return Db(f"sqlite:///{Path(env['TODO_HOME']) / 'todo.db'}")


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


def hook_env(env: dict[str, str], hook: HookServer) -> dict[str, str]:
    return {**env, "TODO_NOTIFY__CHANNELS": "webhook",
            "TODO_NOTIFY__WEBHOOK_URL": hook.url + "/hook", "TODO_NOTIFY__RETRIES": "2",
            "TODO_NOTIFY__BACKOFF_S": "0.2"}


def hook_event_ids(hook: HookServer) -> list[str]:
    return [r.headers["x-event-id"] for r in hook.received()]


def import_tasks(env: dict[str, str], home: Path, count: int, seed: int = 1) -> None:
    """`todo import` of `count` Taskwarrior tasks generated by bench/data.py."""
    path = home / f"tasks-{count}-{seed}.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "data.py"), str(count), str(path),
                    "--seed", str(seed)], cwd=REPO, check=True, timeout=60)
    out = todo(env, "import", str(path))
    assert f"Imported {count} tasks" in out, out


def due_reminders(env: dict[str, str], first: int, last: int) -> None:
    """Give tasks first..last a due time in an hour and a reminder that is due now."""
    todo(env, "edit", *ids(first, last), "--due", "in 1 hour", "--remind", "2h before")


# --- relay -> broker -> audit ------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_env(request: pytest.FixtureRequest, env: dict[str, str]) -> tuple[dict[str, str], str]:
    """The environment and the database URL: a SQLite file in TODO_HOME, or a fresh schema
    on the real PostgreSQL server."""
    if request.param == "sqlite":
        return env, f"sqlite:///{Path(env['TODO_HOME']) / 'todo.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return {**env, "TODO_DATABASE__URL": url}, url


def audit_headlines(text: str) -> list[str]:
    """The event types `todo audit` lists (one head line per event; changes are indented)."""
    found = []
    for line in text.splitlines():
        if line and not line[0].isspace():
            match = re.match(r"^\S+ \S+\s+(\S+)\s", line)
            assert match, line
            found.append(match.group(1))
    return found


def test_cli_changes_flow_through_the_relay_to_the_audit_worker_exactly_once(
    backend_env: tuple[dict[str, str], str], fleet: Fleet
) -> None:
    env, url = backend_env
    todo(env, "add", "pay rent tomorrow at 9am #finance")
    todo(env, "add", "water plants every day at 8am")
    todo(env, "add", "call mum", "--due", "fri")
    todo(env, "edit", "1", "--priority", "high")
    todo(env, "done", "2")
    todo(env, "rm", "3")
    todo(env, "restore", "3")
    db = Db(url)
    try:
        # With Kafka configured the CLI drains nothing in-process: no audit rows, no
        # consumer marks, and no next instance of the completed recurring task.
        before = db.events()
        assert before == 7, db.summary()
        assert db.unsent() == before
        assert db.audited() == 0
        assert db.count("applied_event") == 0
        assert db.count("task") == 3
        assert todo(env, "audit").strip() == ""

        relay = fleet.start("relay", env)
        audit = fleet.start("audit", env)
        took = wait_until(lambda: db.events() == before and db.all_audited(),
                          "the backlog to be published and audited", fleet, state=db.summary)
        print(f"backlog of {before} audited {took:.1f} s after the workers started")

        # Changes made while the workers run flow through as well.
        todo(env, "add", "late one")
        todo(env, "done", "1")
        todo(env, "edit", "4", "--due", "tomorrow", "-t", "later")
        total = before + 3
        wait_until(lambda: db.events() == total and db.all_audited(),
                   "the live changes to be audited", fleet, state=db.summary)

        assert_audited_exactly_once(db)
        assert assert_per_task_order(db) == 4
        listed = audit_headlines(todo(env, "audit"))
        types = [r[0].removeprefix("todo.") for r in db.rows("SELECT type FROM outbox")]
        assert Counter(listed) == Counter(types)
        assert Counter(listed)["task.created"] == 4
        assert set(audit.applied()) == set(db.outbox_ids())
        assert db.count("task") == 4  # no recurrence worker ran: no next instance

        codes = fleet.stop_all()
        assert codes == {"relay": 0, "audit": 0}, fleet.report()
        assert "Traceback" not in relay.stderr() + audit.stderr()
    finally:
        db.close()


# --- recurrence --------------------------------------------------------------------------


def test_completing_a_recurring_task_makes_one_next_instance_via_the_recurrence_worker(
    env: dict[str, str], fleet: Fleet
) -> None:
    todo(env, "add", "water plants every day at 8am")
    todo(env, "done", "1")
    db = sqlite_db(env)
    try:
        assert db.count("task") == 1  # the CLI made no instance in-process
        fleet.start("relay", env)
        recurrence = fleet.start("recurrence", env)
        took = wait_until(lambda: db.count("task") == 2, "the next instance", fleet,
                          state=db.summary)
        print(f"next instance {took:.1f} s after the workers started")

        series = "SELECT id, status, series_id, occurrence FROM task ORDER BY id"
        (one, done, series_1, occ_1), (two, pending, series_2, occ_2) = db.rows(series)
        assert (one, done, two, pending) == (1, "completed", 2, "pending")
        assert series_1 == series_2 and series_1 is not None
        assert occ_2 != occ_1
        listed = todo(env, "list")
        assert listed.count("water plants") == 1 and re.search(r"^\s*2\s", listed, re.M)

        todo(env, "reopen", "1")
        todo(env, "done", "1")
        second = db.outbox_ids("todo.task.completed")[-1]
        # The worker logs "applied" only after the handler's transaction committed.
        wait_until(lambda: second in recurrence.applied(),
                   "the recurrence worker to apply the second completion", fleet)

        assert db.count("task") == 2, db.rows(series)
        assert db.count("task", "status = 'pending'") == 1
        assert todo(env, "list").count("water plants") == 1
        assert db.unsent() == 0
    finally:
        db.close()


# --- reminders to a webhook and an SMTP server ----------------------------------------


def test_a_due_reminder_reaches_the_webhook_and_smtp_servers_via_the_notify_worker(
    env: dict[str, str], hook: HookServer, fleet: Fleet
) -> None:
    with smtp_server() as (inbox, smtp_port):
        env = {
            **hook_env(env, hook),
            "TODO_NOTIFY__CHANNELS": "webhook,email",
            "TODO_NOTIFY__SMTP_HOST": "127.0.0.1",
            "TODO_NOTIFY__SMTP_PORT": str(smtp_port),
            "TODO_NOTIFY__SMTP_STARTTLS": "false",
            "TODO_NOTIFY__SMTP_FROM": "todo@example.test",
            "TODO_NOTIFY__SMTP_TO": "me@example.test",
        }
        todo(env, "add", "pay rent", "--due", "in 1 hour", "--remind", "2h before")
        todo(env, "add", "not yet", "--due", "in 3 hours", "--remind", "1h before")
        db = sqlite_db(env)
        try:
            fleet.start("relay", env)
            notify = fleet.start("notify", env)
            took = wait_until(lambda: hook.received() and inbox.messages,
                              "the reminder at the webhook and the SMTP server", fleet,
                              state=db.summary)
            print(f"reminder delivered {took:.1f} s after the workers started")
            wait_until(lambda: db.count("outbox", "type = 'todo.reminder.fired'") == 1
                       and db.unsent() == 0, "the fired event to be published", fleet,
                       state=db.summary)
            time.sleep(1.0)  # five more scheduler ticks: nothing more may be claimed or sent

            [due_event] = db.outbox_ids("todo.reminder.due")
            [request] = hook.received()
            assert request.path == "/hook"
            assert request.headers["x-event-id"] == due_event
            assert request.body["task_title"] == "pay rent"
            assert request.body["message"].startswith("Reminder: pay rent")
            [mail] = inbox.messages
            assert mail["Subject"] == "Reminder: pay rent"
            assert mail["To"] == "me@example.test"
            assert mail["X-Event-Id"] == due_event
            assert "pay rent" in mail.get_content()
            assert db.service.delivered_channels(due_event) == {"webhook", "email"}
            [data] = [json.loads(r[0]) for r in db.rows(
                "SELECT data FROM outbox WHERE type = 'todo.reminder.fired'")]
            assert data["reminder"]["due_event"] == due_event
            assert sorted(data["reminder"]["channels"]) == ["email", "webhook"]
            delivered = [x["channel"] for x in notify.lines() if x.get("result") == "delivered"]
            assert sorted(delivered) == ["email", "webhook"]
            assert db.count("reminder", "state = 'pending'") == 1  # "not yet" waits
        finally:
            db.close()


# --- faults: kill -9 ---------------------------------------------------------------------


def test_kill_9_of_the_relay_audit_and_recurrence_mid_stream_loses_and_repeats_nothing(
    env: dict[str, str], home: Path, fleet: Fleet
) -> None:
    import_tasks(env, home, 2000)
    todo(env, "edit", *ids(1, 300), "--due", "today 23:00", "--every", "every day")
    todo(env, "done", *ids(1, 300))
    db = sqlite_db(env)
    try:
        backlog = db.events()
        assert backlog == 2600 and db.unsent() == backlog, db.summary()

        # The relay dies after its first batch was marked sent, while it sends the next.
        relay = fleet.start("relay", env, "relay-1")
        deadline = time.monotonic() + WAIT_S
        while db.unsent() == backlog:
            fleet.check_alive()
            assert time.monotonic() < deadline, f"the relay published nothing\n{fleet.report()}"
            time.sleep(0.002)
        relay.kill9()
        unsent_at_kill = db.unsent()
        assert 0 < unsent_at_kill < backlog, "kill -9 came too late to land mid-stream"

        fleet.start("relay", env, "relay-2")
        audit = fleet.start("audit", env, "audit-1")
        recurrence = fleet.start("recurrence", env, "recurrence-1")
        # Each worker dies right after its first effect, with most of the stream ahead.
        audit_at_kill = tasks_at_kill = -1
        deadline = time.monotonic() + WAIT_S
        while audit_at_kill < 0 or tasks_at_kill < 0:
            fleet.check_alive()
            assert time.monotonic() < deadline, f"no audit row or instance\n{fleet.report()}"
            if audit_at_kill < 0 and db.audited() > 0:
                audit.kill9()
                audit_at_kill = db.audited()
            if tasks_at_kill < 0 and db.count("task") > 2000:
                recurrence.kill9()
                tasks_at_kill = db.count("task")
            time.sleep(0.002)
        assert audit_at_kill < backlog, "kill -9 of the audit worker came too late"
        assert tasks_at_kill < 2300, "kill -9 of the recurrence worker came too late"

        audit_2 = fleet.start("audit", env, "audit-2")
        recurrence_2 = fleet.start("recurrence", env, "recurrence-2")
        took = wait_until(
            lambda: db.count("task") == 2300 and db.events() == 2900 and db.all_audited(),
            "every event audited and every next instance made", fleet, timeout=60,
            state=db.summary,
        )
        print(f"unsent at relay kill {unsent_at_kill}, audit rows at kill {audit_at_kill}, "
              f"tasks at recurrence kill {tasks_at_kill}; converged {took:.1f} s after restart")

        assert_audited_exactly_once(db)
        assert assert_per_task_order(db) == 2300
        # Each of the 300 completed recurring tasks has exactly one next instance.
        sizes = Counter(r[0] for r in db.rows(
            "SELECT series_id FROM task WHERE series_id IS NOT NULL"))
        assert len(sizes) == 300 and set(sizes.values()) == {2}, Counter(sizes.values())
        assert db.count("task", "status = 'pending' AND recurrence IS NOT NULL") == 300
        assert recurrence_2.applied() and audit_2.applied()
        replayed = len(audit_2.applied()) - (2900 - audit_at_kill)
        print(f"the restarted audit worker handled {len(audit_2.applied())} records "
              f"({replayed} more than were left: replays and relay duplicates, all dropped)")
        codes = fleet.stop_all()
        assert set(codes.values()) == {0}, codes
    finally:
        db.close()


def test_kill_9_of_the_notify_worker_mid_stream_delivers_every_reminder(
    env: dict[str, str], home: Path, hook: HookServer, fleet: Fleet
) -> None:
    env = hook_env(env, hook)
    import_tasks(env, home, 200)
    due_reminders(env, 1, 200)
    db = sqlite_db(env)
    try:
        fleet.start("relay", env)
        notify = fleet.start("notify", env, "notify-1")
        wait_until(lambda: hook.received(), "the first webhook request", fleet,
                   state=db.summary)
        notify.kill9()
        at_kill = len(hook.received())
        assert at_kill < 200, "kill -9 came too late to land mid-stream"

        fleet.start("notify", env, "notify-2")
        resumed = wait_until(lambda: len(hook.received()) > at_kill,
                             "the restarted worker's first request", fleet, timeout=60,
                             state=db.summary)
        wait_until(
            lambda: len(set(hook_event_ids(hook))) == 200 and db.count("delivery") == 200
            and db.count("outbox", "type = 'todo.reminder.fired'") == 200 and db.unsent() == 0,
            "every reminder delivered and recorded", fleet, timeout=60, state=db.summary,
        )
        time.sleep(1.0)  # scheduler ticks and replays: nothing more may be sent

        due = db.outbox_ids("todo.reminder.due")
        assert len(due) == 200 and len(set(due)) == 200  # each reminder claimed once
        received = hook_event_ids(hook)
        assert set(received) == set(due)
        # At most the one request in flight at the kill may be repeated (delivered, but
        # killed before it was recorded); everything else exactly once.
        repeats = len(received) - len(set(received))
        print(f"webhook requests at kill {at_kill}, total {len(received)}, repeats {repeats}; "
              f"the restarted worker sent its first {resumed:.1f} s after it started")
        assert repeats <= 1, Counter(received).most_common(3)
        fired = [json.loads(r[0])["reminder"]["due_event"] for r in db.rows(
            "SELECT data FROM outbox WHERE type = 'todo.reminder.fired'")]
        assert sorted(fired) == sorted(due)
        assert db.count("reminder", "state = 'fired'") == 200
    finally:
        db.close()


# --- faults: a malformed record --------------------------------------------------------


def test_a_malformed_record_is_dead_lettered_and_the_audit_worker_carries_on(
    env: dict[str, str], kafka_settings: KafkaSettings, fleet: Fleet
) -> None:
    kafka.ensure_topics(kafka_settings)
    topics = topic_names(kafka_settings)
    # Two bad records keyed like task 1's events, so task 1's events queue up behind them.
    bad = [b"{not json", json.dumps({"hello": "world"}).encode()]
    for value in bad:
        produce_raw(kafka_settings, topics.task_events, b"tester/1", value,
                          {"origin": b"test"})
    ends = kafka_status.high_watermarks(kafka_settings, [topics.task_events])
    [(topic, partition)] = [where for where, end in ends.items() if end == 2]
    assert sum(ends.values()) == 2, ends

    todo(env, "add", "first")
    todo(env, "add", "second")
    todo(env, "done", "1")
    db = sqlite_db(env)
    dlq = kafka.KafkaSource(kafka_settings, f"{kafka_settings.topic_prefix}dlq-reader",
                            [topics.dlq], worker=WorkerSettings(session_timeout_ms=SESSION_MS))
    try:
        fleet.start("relay", env)
        audit = fleet.start("audit", env)
        wait_until(lambda: db.events() == 3 and db.all_audited(),
                   "the valid events to be audited", fleet, state=db.summary)
        assert_audited_exactly_once(db)
        first_task = db.rows("SELECT type FROM audit WHERE task_id = 1 ORDER BY id")
        assert [r[0] for r in first_task] == ["todo.task.created", "todo.task.completed"]

        letters: list[Message] = []
        deadline = time.monotonic() + WAIT_S
        while len(letters) < 2 and time.monotonic() < deadline:
            message = dlq.poll(0.2)
            if message is not None:
                letters.append(message)
        assert len(letters) == 2, f"dead letters: {letters}\n{fleet.report()}"

        by_offset = {int(m.headers["dlq_offset"]): m for m in letters}
        assert sorted(by_offset) == [0, 1]
        for offset, value in enumerate(bad):
            letter = by_offset[offset]
            headers = {k: v.decode() for k, v in letter.headers.items()}
            assert letter.topic == topics.dlq
            assert letter.value == value and letter.key == b"tester/1"
            assert headers["dlq_topic"] == topic == topics.task_events
            assert headers["dlq_partition"] == str(partition)
            assert headers["dlq_group"] == f"{kafka_settings.topic_prefix}audit"
            assert headers["origin"] == "test"  # the original headers are kept
        not_json = by_offset[0].headers["dlq_error"].decode()
        not_envelope = by_offset[1].headers["dlq_error"].decode()
        assert not_json.startswith("malformed message: not JSON"), not_json
        assert not_envelope.startswith("malformed message: event lacks"), not_envelope

        dead = [x for x in audit.lines() if x.get("result") == "dead-lettered"]
        assert [(x["partition"], x["offset"]) for x in dead] == [(partition, 0), (partition, 1)]
        applied = [x for x in audit.lines() if x.get("result") == "applied"]
        assert any(x["partition"] == partition and x["offset"] > 1 for x in applied)
    finally:
        dlq.close()
        db.close()


# --- two notify workers race -----------------------------------------------------------


def test_two_notify_workers_racing_fire_each_reminder_once(
    env: dict[str, str], home: Path, hook: HookServer, fleet: Fleet
) -> None:
    env = hook_env(env, hook)
    import_tasks(env, home, 100)
    due_reminders(env, 1, 60)  # due before the workers start: their schedulers race at once
    db = sqlite_db(env)
    try:
        fleet.start("relay", env)
        left = fleet.start("notify", env, "notify-left")
        right = fleet.start("notify", env, "notify-right")

        def fired(n: int) -> bool:
            return (len(hook.received()) >= n and db.count("delivery") == n
                    and db.count("outbox", "type = 'todo.reminder.fired'") == n
                    and db.unsent() == 0)

        wait_until(lambda: fired(60), "the first 60 reminders", fleet, state=db.summary)
        due_reminders(env, 61, 100)  # while both run in one group
        wait_until(lambda: fired(100), "the next 40 reminders", fleet, state=db.summary)
        time.sleep(1.5)  # more ticks, commits and rebalances: nothing may be sent again

        received = hook_event_ids(hook)
        twice = {event: n for event, n in Counter(received).items() if n > 1}
        assert twice == {}, f"reminders sent more than once: {twice}"
        due = db.outbox_ids("todo.reminder.due")
        assert len(due) == 100 and sorted(received) == sorted(due)
        assert sorted(r.body["task_id"] for r in hook.received()) == list(range(1, 101))
        per_worker = {
            w.label: [x["event"] for x in w.lines() if x.get("result") == "delivered"]
            for w in (left, right)
        }
        print({label: len(events) for label, events in per_worker.items()})
        assert sorted(per_worker["notify-left"] + per_worker["notify-right"]) == sorted(due)
        assert all(per_worker.values()), "one worker delivered nothing: no race took place"
    finally:
        db.close()


# --- the broker restarts -----------------------------------------------------------------


def test_the_relay_and_workers_recover_when_the_broker_restarts(
    env: dict[str, str], home: Path, kafka_broker: TansuBroker, kafka_settings: KafkaSettings,
    fleet: Fleet
) -> None:
    import_tasks(env, home, 30, seed=1)  # ~10 records per partition before the outage
    db = sqlite_db(env)
    try:
        relay = fleet.start("relay", env)
        audit = fleet.start("audit", env)
        recurrence = fleet.start("recurrence", env)
        wait_until(lambda: db.all_audited(), "the first events to be audited", fleet,
                   state=db.summary)
        time.sleep(1.5)  # the consumers' offsets are committed (every second)

        kafka_broker.stop()
        try:
            # An event written during the outage waits in the outbox.
            todo(env, "add", "during the outage")
            time.sleep(4.0)  # longer than the relay's 3 s delivery timeout
            assert db.unsent() == 1
        finally:
            kafka_broker.start()
        # Tansu keeps everything in memory: the restarted broker has no topics, records or
        # group offsets. The running relay and workers create the topics again themselves,
        # with kafka.partitions partitions: no client may let the broker auto-create one
        # (with its default count), and none is restarted here.
        wanted = {name: kafka_settings.partitions for name in topic_names(kafka_settings).all()}

        def ours() -> dict[str, int]:
            return {n: p for n, p in partition_counts(kafka_settings).items() if n in wanted}

        took = wait_until(lambda: ours() == wanted, "the workers to create the topics again",
                          fleet, timeout=30, state=ours)
        print(f"topics back {took:.1f} s after the broker restarted: {ours()}")

        # More records per partition than the consumers had read before the outage: a
        # consumer that kept its old position would skip the first ones of each partition.
        import_tasks(env, home, 60, seed=2)
        todo(env, "add", "water plants every day at 8am")
        todo(env, "done", "92")
        took = wait_until(lambda: db.count("task") == 93 and db.events() == 94
                          and db.all_audited(), "the events after the restart", fleet,
                          timeout=60, state=db.summary)
        print(f"recovered {took:.1f} s after the new events")
        assert ours() == wanted  # still: nothing re-created a topic with another count

        assert_audited_exactly_once(db)
        assert assert_per_task_order(db) == 93
        titles = [r[0] for r in db.rows("SELECT title FROM task WHERE id > 91 ORDER BY id")]
        assert titles == ["water plants", "water plants"]
        assert db.value("SELECT title FROM task WHERE id = 31") == "during the outage"
        for worker in (relay, audit, recurrence):
            assert worker.process.poll() is None, f"{worker.label} exited\n{fleet.report()}"
        codes = fleet.stop_all()
        assert set(codes.values()) == {0}, codes
    finally:
        db.close()
