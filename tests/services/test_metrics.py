"""Worker metrics and probes, end to end: real `todo worker ... --metrics-port` processes on
the embedded log (SQLite) and on the test broker, scraped over HTTP and parsed with
prometheus_client's own parser; the counters must equal what the test made happen.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config.settings import KafkaSettings, Settings
from core import events, open_service
from core.creation import TaskCreate
from core.eventlog import EventLog
from core.schemas import ReminderRead, ReminderState
from core.service import TaskService
from core.store import Store
from services.devbroker import TansuBroker, free_port
from services.metrics import Metrics
from services.probes import Probes
from services.topics import topic_names
from tests.conftest import drain, make_settings
from tests.services.kafka_tools import produce_raw
from tests.services.processes import REPO, TODO, Worker
from tests.services.servers import HookServer, hook_server

WAIT_S = 45.0
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

# --- helpers ----------------------------------------------------------------------------


def get(port: int, path: str) -> tuple[int, str]:
    """GET http://127.0.0.1:PORT/PATH: status and body (a refused connection is status 0)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def scrape(port: int) -> Samples:
    """Every sample of /metrics, parsed by prometheus_client's parser."""
    status, text = get(port, "/metrics")
    assert status == 200, text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, lab), v in samples.items() if n == name and wanted <= lab)


def wait_until(condition: Callable[[], Any], what: str, workers: list[Worker],
               timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            assert worker.process.poll() is None, f"{worker.label} exited\n{worker.tail()}"
        if time.monotonic() > deadline:
            tails = "\n".join(w.tail() for w in workers)
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n{tails}")
        time.sleep(0.1)


def todo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TODO, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False, stdin=subprocess.DEVNULL)


def count_events(service: TaskService, prefix: str = "") -> int:
    """How many outbox events (of types starting with `prefix`) there are."""
    with service.store.read() as db:
        return int(db.value("SELECT COUNT(*) FROM outbox WHERE type LIKE ?", (prefix + "%",)))


def due_now(service: TaskService, title: str) -> None:
    """A task with a reminder a minute ago: the scheduler claims it on its first tick."""
    now = service.now()
    service.add(TaskCreate(
        title=title, due=now + timedelta(hours=1),
        reminders=(ReminderRead(now - timedelta(minutes=1), None, ReminderState.PENDING),),
    ))


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.terminate()
        print(worker.tail())


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server() as server:
        yield server


def base_env(home: Path, hook: HookServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1",
        TODO_NOTIFY__CHANNELS="webhook", TODO_NOTIFY__WEBHOOK_URL=hook.url + "/hook",
        TODO_WORKER__POLL_TIMEOUT_S="0.1", TODO_WORKER__SCHEDULER_INTERVAL_S="0.2",
    )
    return env


# --- the embedded log -------------------------------------------------------------------


def test_embedded_worker_all_counts_every_event_once_and_answers_its_probes(
    tmp_path: Path, hook: HookServer, workers: list[Worker]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(home, hook)
    service = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    try:
        for title in ("one", "two", "three"):
            service.add(TaskCreate(title=title))
        drain(service)  # applied in-process, as the CLI does after a command...
        replayed = count_events(service)
        with service.store.write() as db:  # ...then an operator rewinds audit: it replays them
            db.run("UPDATE consumer_offset SET position = 0 WHERE group_name = 'audit'")
        recurrence_from = EventLog(service.store).position("recurrence")
        due_now(service, "pay rent")
        port = free_port()
        worker = Worker("all", env, tmp_path, args=("--metrics-port", str(port)))
        workers.append(worker)

        def settled() -> bool:
            log = EventLog(service.store)
            groups = (("audit", None), ("recurrence", events.TASK_TOPIC),
                      ("notify", events.REMINDER_TOPIC))
            return (len(hook.received()) == 1 and all(log.backlog(*g) == 0 for g in groups)
                    and count_events(service, events.REMINDER_FIRED) == 1)

        wait_until(settled, "the reminder delivered and every group caught up", workers)
        everything = count_events(service)
        task_events = count_events(service, "todo.task.")
        reminder_events = count_events(service, "todo.reminder.")
        with service.store.read() as db:
            recurrence_new = int(db.value(
                "SELECT COUNT(*) FROM outbox WHERE type LIKE 'todo.task.%' AND seq > ?",
                (recurrence_from,)))
    finally:
        service.close()

    def counted() -> bool:
        found = scrape(port)
        return total(found, "todo_events_processed_total", group="audit") == everything
    wait_until(counted, "audit's counter to reach the event count", workers)
    found = scrape(port)
    audit = {r: total(found, "todo_events_processed_total", group="audit", result=r)
             for r in ("applied", "duplicate", "retried", "dead_lettered")}
    assert audit == {"applied": everything - replayed, "duplicate": replayed, "retried": 0,
                     "dead_lettered": 0}
    assert total(found, "todo_events_processed_total", group="recurrence",
                 result="applied") == recurrence_new
    assert total(found, "todo_events_processed_total", group="notify") == reminder_events
    assert task_events + reminder_events == everything
    assert total(found, "todo_event_handle_seconds_count", group="audit") == everything
    assert total(found, "todo_deliveries_total", channel="webhook", result="delivered") == 1
    assert total(found, "todo_reminder_lateness_seconds_count") == 1
    assert 0 < total(found, "todo_reminder_lateness_seconds_sum") < 60 + 10
    for group in ("audit", "recurrence", "notify"):
        assert found[("todo_dead_letters_total", frozenset({("group", group)}))] == 0
        assert found[("todo_consumer_lag", frozenset({("group", group), ("partition", "0")}))] == 0
    assert found[("todo_outbox_backlog", frozenset())] == 0
    assert total(found, "todo_relay_published_total") == 0
    assert total(found, "process_cpu_seconds_total") > 0
    assert total(found, "python_info") == 1
    assert get(port, "/healthz") == (200, '{"status": "alive"}\n')
    assert get(port, "/readyz") == (200, '{"status": "ready"}\n')
    assert get(port, "/nothing")[0] == 404


def test_healthz_turns_503_when_a_loop_stops_going_round(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'todo.db'}")
    metrics = Metrics(Probes(settings), stall_s=0.3)
    port = metrics.serve("127.0.0.1", 0)
    try:
        loop = metrics.part("audit", "audit")
        for _ in range(5):  # going round: alive
            loop.tick()
            assert get(port, "/healthz")[0] == 200
            time.sleep(0.1)
        time.sleep(0.5)  # stuck
        status, body = get(port, "/healthz")
        assert status == 503
        assert json.loads(body)["reason"].startswith("audit has not run for")
        loop.tick()
        assert get(port, "/healthz")[0] == 200
    finally:
        metrics.close()


def test_a_busy_metrics_port_is_a_clear_error(tmp_path: Path, hook: HookServer) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with hook_server() as other:  # something already listens there
        port = int(other.url.rsplit(":", 1)[1])
        done = todo(base_env(home, hook), "worker", "audit", "--metrics-port", str(port))
    assert done.returncode == 2, done.stderr
    assert re.fullmatch(rf"error: cannot serve metrics on 127\.0\.0\.1:{port}: .+\n", done.stderr)


# --- Kafka ------------------------------------------------------------------------------


def kafka_env(home: Path, hook: HookServer, kafka_settings: KafkaSettings) -> dict[str, str]:
    assert kafka_settings.bootstrap_servers
    return {
        **base_env(home, hook),
        "TODO_KAFKA__BOOTSTRAP_SERVERS": kafka_settings.bootstrap_servers,
        "TODO_KAFKA__TOPIC_PREFIX": kafka_settings.topic_prefix,
        "TODO_KAFKA__PARTITIONS": str(kafka_settings.partitions),
        "TODO_KAFKA__DELIVERY_TIMEOUT_S": "3",
        "TODO_KAFKA__RELAY_LEASE_S": "3",
        "TODO_WORKER__SESSION_TIMEOUT_MS": "6000",
    }


def start_fleet(env: dict[str, str], folder: Path, workers: list[Worker]) -> dict[str, int]:
    ports = {}
    for name in ("relay", "recurrence", "audit", "notify"):
        ports[name] = free_port()
        workers.append(Worker(name, {**env, "TODO_WORKER__METRICS_PORT": str(ports[name])},
                              folder))
    return ports


def test_kafka_workers_count_what_flowed_and_readyz_follows_the_broker(
    tmp_path: Path, hook: HookServer, kafka_settings: KafkaSettings, kafka_broker: TansuBroker,
    workers: list[Worker],
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = kafka_env(home, hook, kafka_settings)
    assert todo(env, "db", "upgrade").returncode == 0
    for title in ("alpha", "beta", "gamma", "delta"):
        assert todo(env, "add", title).returncode == 0
    assert todo(env, "add", "water plants every day at 8am").returncode == 0
    assert todo(env, "done", "5").returncode == 0
    service = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    try:
        due_now(service, "pay rent")
        ports = start_fleet(env, tmp_path, workers)
        for port in ports.values():
            wait_until(lambda p=port: get(p, "/readyz")[0] == 200, "every worker ready", workers)
        # One malformed record straight onto the task topic: recurrence and audit park it.
        produce_raw(kafka_settings, topic_names(kafka_settings).task_events, b"k", b"not json")

        def settled() -> bool:
            return (len(hook.received()) == 1 and EventLog(service.store).unsent_count() == 0
                    and count_events(service, events.REMINDER_FIRED) == 1
                    and total(scrape(ports["audit"]), "todo_events_processed_total")
                    >= count_events(service) + 1)

        wait_until(settled, "every event through relay, audit and notify", workers)
        time.sleep(1.0)  # anything counted twice would show up now
        everything = count_events(service)
        task_events = count_events(service, "todo.task.")
        reminder_events = count_events(service, "todo.reminder.")
    finally:
        service.close()
    found = {name: scrape(port) for name, port in ports.items()}
    assert total(found["relay"], "todo_relay_published_total") == everything
    audit = found["audit"]
    assert total(audit, "todo_events_processed_total", group="audit",
                 result="applied") == everything
    assert total(audit, "todo_events_processed_total", group="audit",
                 result="dead_lettered", type="unknown") == 1
    assert total(audit, "todo_dead_letters_total", group="audit") == 1
    recurrence = found["recurrence"]
    assert total(recurrence, "todo_events_processed_total", group="recurrence",
                 result="applied") == task_events
    assert total(recurrence, "todo_dead_letters_total", group="recurrence") == 1
    notify = found["notify"]
    assert total(notify, "todo_events_processed_total", group="notify",
                 result="applied") == reminder_events
    assert total(notify, "todo_dead_letters_total", group="notify") == 0
    assert total(notify, "todo_deliveries_total", channel="webhook", result="delivered") == 1
    assert total(notify, "todo_reminder_lateness_seconds_count") == 1
    for name in ("recurrence", "audit", "notify"):
        lags = [v for (n, _), v in found[name].items() if n == "todo_consumer_lag"]
        assert lags and sum(lags) == 0, (name, lags)
    assert total(found["relay"], "todo_outbox_backlog") == 0

    kafka_broker.stop()
    try:
        for name, port in ports.items():
            wait_until(lambda p=port: get(p, "/readyz")[0] == 503, f"{name} not ready", workers)
            _status, body = get(port, "/readyz")
            assert json.loads(body)["reason"].startswith("Kafka unreachable"), body
            assert get(port, "/healthz")[0] == 200  # alive: waiting for the broker is no crash
    finally:
        kafka_broker.start()
    for name, port in ports.items():
        wait_until(lambda p=port: get(p, "/readyz")[0] == 200, f"{name} ready again", workers,
                   timeout=90)
    assert all(w.process.poll() is None for w in workers)  # no restart was needed


def test_a_kafka_worker_waits_for_db_upgrade_instead_of_migrating(
    tmp_path: Path, hook: HookServer, kafka_settings: KafkaSettings, workers: list[Worker],
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = kafka_env(home, hook, kafka_settings)
    port = free_port()
    workers.append(Worker("audit", {**env, "TODO_WORKER__METRICS_PORT": str(port)}, tmp_path))
    wait_until(lambda: get(port, "/readyz")[0] == 503, "the probe to answer", workers)
    time.sleep(1.0)
    status, body = get(port, "/readyz")
    assert status == 503
    assert json.loads(body)["reason"].startswith("schema behind: database at empty"), body
    assert get(port, "/healthz")[0] == 200
    current = todo(env, "db", "current")
    assert current.returncode == 3, current.stdout  # the worker migrated nothing
    assert todo(env, "db", "upgrade").returncode == 0
    wait_until(lambda: get(port, "/readyz")[0] == 200, "ready after the upgrade", workers)
    assert todo(env, "add", "after the upgrade").returncode == 0


# --- the deploy artefacts ---------------------------------------------------------------


def exported_names(folder: Path) -> set[str]:
    """Every sample name a worker's registry exports (counters' _total, histograms' parts),
    the gauges read from a real database with one embedded consumer group registered."""
    settings = Settings()
    settings.database.url = f"sqlite:///{folder / 'todo.db'}"
    Store(settings.database.url).close()  # a migrated database for the gauges to read
    probes = Probes(settings)
    probes.sources["audit"] = SimpleNamespace(topic=None)
    metrics = Metrics(probes, stall_s=60)
    metrics.part("audit", "audit").event({"id": "x", "type": "t"}, "applied", 0.1)
    metrics.part("notify", "notify").delivery("webhook", "delivered")
    metrics.relay_published.inc(0)
    try:
        return {s.name for f in metrics.registry.collect() for s in f.samples}
    finally:
        probes.close()


def test_every_todo_metric_the_deploy_artefacts_use_is_exported(tmp_path: Path) -> None:
    exported = exported_names(tmp_path)
    assert {"todo_consumer_lag", "todo_outbox_backlog"} <= exported
    deploy = REPO / "deploy"
    used: dict[str, set[str]] = {}
    for path in deploy.rglob("*"):
        if path.is_file() and path.suffix in {".yaml", ".yml", ".json", ".tpl", ".txt"}:
            for name in re.findall(r"\btodo_[a-z_]+", path.read_text(errors="replace")):
                used.setdefault(name, set()).add(str(path.relative_to(REPO)))
    missing = {name: sorted(where) for name, where in used.items()
               if name not in exported}
    assert not missing, f"metrics the deploy artefacts use but no worker exports: {missing}"


def test_the_metrics_port_setting_is_optional_and_checked(tmp_path: Path) -> None:
    from config.settings import SettingsError, load_settings

    home = {"TODO_HOME": str(tmp_path)}
    assert load_settings(home).worker.metrics_port is None
    assert load_settings({**home, "TODO_WORKER__METRICS_PORT": ""}).worker.metrics_port is None
    chosen = load_settings({**home, "TODO_WORKER__METRICS_PORT": "9464"}).worker
    assert (chosen.metrics_port, chosen.metrics_host) == (9464, "127.0.0.1")
    with pytest.raises(SettingsError, match=r"'worker\.metrics_port' must be a whole number"):
        load_settings({**home, "TODO_WORKER__METRICS_PORT": "ninety"})


def test_without_a_metrics_port_a_worker_loads_no_prometheus_client(tmp_path: Path) -> None:
    probe = (
        "import sys, io\n"
        "from services import workers\n"
        "from tests.conftest import make_settings\n"
        f"settings = make_settings('sqlite:///{tmp_path / 'todo.db'}')\n"
        "parts = workers.build('notify', settings, io.StringIO())\n"
        "print(sorted(type(p.observer).__name__ for p in parts))\n"
        "print('prometheus_client' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['_Null', '_Null']\nFalse\n"
