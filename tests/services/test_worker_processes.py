"""`todo worker ...` as real processes over the embedded log in a SQLite file: SIGTERM,
kill -9 and restart, delivery of a due reminder to a real webhook server on 127.0.0.1.

Every wait polls with a deadline. Backlogs are written through the service API (as another
client of the same database would), so they are not drained by the CLI after the command.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import open_service
from core.creation import TaskCreate
from core.eventlog import EventLog
from core.schemas import ReminderRead, ReminderState
from core.service import TaskService
from tests.conftest import make_settings
from tests.services.processes import REPO, TODO, Worker
from tests.services.servers import HookServer, hook_server

# --- helpers ----------------------------------------------------------------------------


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def env(home: Path, hook: HookServer) -> dict[str, str]:
    """The workers' environment: an isolated TODO_HOME, Berlin, user tester, a webhook."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    base.update(
        TODO_HOME=str(home),
        TZ="Europe/Berlin",
        TODO_USER="tester",
        NO_COLOR="1",
        TODO_NOTIFY__CHANNELS="terminal,webhook",
        TODO_NOTIFY__WEBHOOK_URL=hook.url + "/hook",
        TODO_WORKER__POLL_TIMEOUT_S="0.1",
        TODO_WORKER__SCHEDULER_INTERVAL_S="0.2",
    )
    return base


@pytest.fixture
def service(home: Path, env: dict[str, str]) -> Iterator[TaskService]:
    """The service API on the workers' database, as user tester (real clock)."""
    svc = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    yield svc
    svc.close()


def todo(env: dict[str, str], *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TODO, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )


def ok(env: dict[str, str], *args: str) -> str:
    done = todo(env, *args)
    assert done.returncode == 0, f"todo {' '.join(args)}: {done.returncode}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[[dict[str, str], str], Worker]]:
    started: list[Worker] = []

    def start(env: dict[str, str], name: str) -> Worker:
        worker = Worker(name, env, tmp_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.ensure_dead()


def wait_for(condition: Callable[[], Any], timeout: float, what: str,
             worker: Worker | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.process.returncode}) while "
                                 f"waiting for {what}\n{worker.stderr()}")
        if time.monotonic() > deadline:
            detail = f"\n{worker.stderr()}" if worker is not None else ""
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}{detail}")
        time.sleep(0.005)


def log_lines(text: str) -> list[dict[str, Any]]:
    """The JSON lines of a worker's output; a torn last line (kill -9) is dropped."""
    out = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if not line.startswith("{"):
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if n == len(lines) - 1 and not text.endswith("\n"):
                break
            raise
    return out


def audit_counts(svc: TaskService) -> tuple[int, int]:
    with svc.store.read() as db:
        row = db.one("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM audit")
    return int(row[0]), int(row[1])


def outbox_and_audit_ids(svc: TaskService) -> tuple[set[str], set[str]]:
    with svc.store.read() as db:
        outbox = {str(r[0]) for r in db.all("SELECT id FROM outbox")}
        audited = {str(r[0]) for r in db.all("SELECT event_id FROM audit")}
    return outbox, audited


def status_backlog(env: dict[str, str], group: str) -> int:
    text = ok(env, "worker", "status")
    match = re.search(rf"^{group}\s+backlog\s+(\d+)\s", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


def import_backlog(svc: TaskService, n: int) -> None:
    """n created events in the outbox that no consumer has seen (no CLI drain ran)."""
    svc.import_text("\n".join(f"backlog task {i}" for i in range(n)) + "\n", fmt="todotxt")
    assert EventLog(svc.store).backlog("audit") == n


# --- audit ----------------------------------------------------------------------------


def test_audit_worker_audits_200_cli_tasks_once_and_stops_on_sigterm(
    env: dict[str, str], home: Path, service: TaskService, spawn: Any
) -> None:
    assert status_backlog(env, "audit") == 0
    worker = spawn(env, "audit")
    # Once it has audited a first event (written without a CLI drain) the worker is reading.
    service.add_text("warm-up")
    log = EventLog(service.store)
    wait_for(lambda: log.position("audit") == 1, 10, "the worker to start", worker)

    # The CLI adds 200 tasks in two concurrent streams of commands (adds and imports),
    # each command also draining the audit group itself, racing the worker.
    failures: list[str] = []

    def stream(name: str) -> None:
        for batch in range(5):
            done = todo(env, "add", f"{name} single {batch}")
            if done.returncode:
                failures.append(done.stderr)
            source = home / f"{name}-{batch}.txt"
            source.write_text("".join(f"{name} imported {batch}.{i}\n" for i in range(19)))
            done = todo(env, "import", "--format", "todotxt", str(source))
            if done.returncode:
                failures.append(done.stderr)

    threads = [threading.Thread(target=stream, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []

    assert log.head() == 201
    wait_for(lambda: log.position("audit") == 201 and len(log_lines(worker.stdout())) >= 201,
             10, "the audit worker to catch up", worker)
    assert status_backlog(env, "audit") == 0

    listed = ok(env, "audit", "--type", "created").splitlines()
    titles = [re.search(r"'(.*)'", line).group(1) for line in listed]  # type: ignore[union-attr]
    expected = [f"{name} single {b}" for name in ("left", "right") for b in range(5)] + [
        f"{name} imported {b}.{i}" for name in ("left", "right") for b in range(5)
        for i in range(19)
    ]
    assert len(expected) == 200
    assert sorted(titles) == sorted([*expected, "warm-up"])  # each exactly once
    assert audit_counts(service) == (201, 201)
    outbox, audited = outbox_and_audit_ids(service)
    assert audited == outbox

    code, took = worker.terminate()
    assert code == 0, worker.stderr()
    assert took < 3.0
    lines = log_lines(worker.stdout())
    assert all(line["group"] == "audit" and line["result"] == "applied" for line in lines)
    # The worker itself handled every event exactly once, in order, whatever the CLI did.
    assert [line["offset"] for line in lines] == list(range(1, 202))
    assert len({line["event"] for line in lines}) == 201
    assert "Traceback" not in worker.stderr()


def test_sigterm_in_a_backlog_finishes_the_current_event_and_commits(
    env: dict[str, str], service: TaskService, spawn: Any
) -> None:
    import_backlog(service, 3000)
    log = EventLog(service.store)
    worker = spawn(env, "audit")
    wait_for(lambda: audit_counts(service)[0] > 0, 10, "the first audit row", worker)

    code, took = worker.terminate()

    assert code == 0, worker.stderr()
    assert took < 3.0
    position = log.position("audit")
    assert 0 < position < 3000, "SIGTERM came too late to land in the backlog"
    handled = [line["offset"] for line in log_lines(worker.stdout())]
    assert handled == list(range(1, position + 1))  # committed exactly what it handled
    assert audit_counts(service) == (position, position)


def test_kill_9_in_a_backlog_then_restart_audits_every_event_exactly_once(
    env: dict[str, str], service: TaskService, spawn: Any
) -> None:
    import_backlog(service, 3000)
    log = EventLog(service.store)
    first = spawn(env, "audit")
    wait_for(lambda: audit_counts(service)[0] > 0, 10, "the first audit row", first)
    first.kill9()

    assert first.process.returncode == -signal.SIGKILL
    at_kill = audit_counts(service)[0]
    assert at_kill < 3000, "kill -9 came too late to land in the backlog"
    position = log.position("audit")
    assert position <= at_kill

    second = spawn(env, "audit")
    wait_for(lambda: log.position("audit") == 3000, 20, "the restarted worker", second)
    code, _took = second.terminate()
    assert code == 0, second.stderr()

    assert audit_counts(service) == (3000, 3000)
    outbox, audited = outbox_and_audit_ids(service)
    assert audited == outbox
    resumed = [line["offset"] for line in log_lines(second.stdout())]
    assert resumed == list(range(position + 1, 3001))  # from the committed position on
    assert status_backlog(env, "audit") == 0


# --- notify ---------------------------------------------------------------------------


def test_notify_worker_delivers_a_due_reminder_to_the_webhook(
    env: dict[str, str], service: TaskService, hook: HookServer, spawn: Any
) -> None:
    now = service.now()
    service.add(TaskCreate(
        title="pay rent", due=now + timedelta(hours=1),
        reminders=(ReminderRead(now - timedelta(minutes=1), None, ReminderState.PENDING),),
    ))
    service.add(TaskCreate(
        title="later", due=now + timedelta(hours=2),
        reminders=(ReminderRead(now + timedelta(hours=1), None, ReminderState.PENDING),),
    ))
    started = time.monotonic()
    worker = spawn(env, "notify")

    wait_for(lambda: hook.received(), 10, "the webhook request", worker)
    assert time.monotonic() - started < 5.0

    def delivered() -> list[dict[str, Any]]:
        return [line for line in log_lines(worker.stdout()) if line.get("result") == "delivered"]

    wait_for(lambda: len(delivered()) >= 2, 10, "both deliveries logged", worker)
    time.sleep(0.5)  # a few more scheduler ticks: nothing may be claimed or sent again
    code, _took = worker.terminate()
    assert code == 0, worker.stderr()

    [request] = hook.received()
    assert request.path == "/hook"
    assert request.body["task_title"] == "pay rent"
    event_id = request.headers["x-event-id"]
    lines = delivered()
    assert sorted(line["channel"] for line in lines) == ["terminal", "webhook"]
    assert {line["event"] for line in lines} == {event_id}
    assert all(line["group"] == "notify" for line in lines)
    # Besides the JSON log, the worker's output carries the terminal channel's reminder.
    other = [line for line in worker.stdout().splitlines() if not line.startswith("{")]
    assert len(other) == 1 and other[0].startswith("Reminder: pay rent")
    assert service.delivered_channels(event_id) == {"terminal", "webhook"}
    assert status_backlog(env, "notify") == 0


# --- the command line -----------------------------------------------------------------


def test_relay_without_kafka_and_an_unknown_worker_exit_2(env: dict[str, str]) -> None:
    relay = todo(env, "worker", "relay")
    assert relay.returncode == 2
    assert "kafka.bootstrap_servers" in relay.stderr
    assert "Traceback" not in relay.stderr

    bogus = todo(env, "worker", "bogus")
    assert bogus.returncode == 2
    assert "bogus" in bogus.stderr
    assert "Traceback" not in bogus.stderr
