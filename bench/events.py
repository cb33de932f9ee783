"""Events through todo's workers: throughput, commit-to-audit delay and reminder lateness.

Run from the repository root:

    .venv/bin/python bench/events.py [--events 20000] [--reminders 200]

Four sections, each on fresh databases in a temporary TODO_HOME (SQLite), with the workers
built by `services.workers.build` and run in threads of this process, their log lines going
to /dev/null (except in 2b, where they are processes of their own):

1. Embedded log. N task events are written through the core service (imports of `--batch`
   tasks, one transaction each), then the audit worker applies the backlog (events/s); the
   same backlog copied to a second database is applied by `services.embedded.drain`, the
   path the CLI takes after each command. Live mode: a producer thread adds one task per
   transaction at `--rate` for `--live-seconds` while the audit worker runs; the delay of each
   event is its audit row's `recorded - time` (p50/p99).
2. Kafka. A Tansu broker (services.devbroker, memory storage) on a free port; the relay and
   the audit worker run in threads. N events are imported as fast as the service takes them;
   end-to-end events/s runs from the first commit (the earliest event `time`) to the last audit
   row (the latest `recorded`). Then live mode at `--rate`, as above.
2b. Kafka, the deployed layout (`--sections kafka-processes`). `todo worker relay` and
   `todo worker audit` run as processes of their own (output to files), and N events are
   produced by `todo import FILE` processes, one after another (files of `--import-size`
   tasks from data.py). End-to-end events/s as in 2, plus when the import, the relay (outbox
   all sent) and the audit worker finished. The workers stop with SIGTERM at the end.
3. Reminder lateness. R reminders due over `--spread` seconds a few seconds ahead; the notify
   worker (scheduler + consumer, webhook channel to a local ThreadingHTTPServer that records
   arrival times) delivers them; lateness = arrival - due time. Embedded, then through Kafka.

Before each measurement the workers handle one warm-up event (or reminder) that is not
counted: it pays for the Kafka group join, the first connection and lazy imports.
Tables go to stdout, progress to stderr. Every wait is bounded by `--timeout`.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.metadata
import inspect
import io
import json
import math
import os
import platform
import pstats
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # bench/ is a folder of scripts, not a package: import its sibling by path

from config.settings import Settings, effective_values, load_settings
from core import open_service
from core.eventlog import EventLog
from core.schemas import ReminderRead, ReminderState, TaskCreate
from core.service import TaskService
from core.store import read_dt
from services import workers
from services.audit import AuditConsumer
from services.devbroker import BrokerError, TansuBroker, free_port, tansu_binary
from services.embedded import drain

ROOT = Path(__file__).resolve().parent.parent
USER = "bench"
KAFKA_RATE_TARGET = 5000.0  # events/s, end to end through Kafka
DELAY_TARGET = 1.0  # seconds, p99 commit-to-applied
LATENESS_TARGET = 1.0  # seconds, p99 reminder lateness
WARMUP_TIMEOUT = 60.0  # seconds for a warm-up event (a Kafka group join takes a few)
TODO = [sys.executable, "-m", "todo_cli.main"]  # the CLI as a process, as deployed
IMPORT_SIZE = 5000  # tasks per `todo import` file in kafka-processes (--import-size)
SESSION_TIMEOUT_MS = "6000"  # worker.session_timeout_ms of the `todo worker` processes
STOP_TIMEOUT = 30.0  # seconds for the worker processes to exit after SIGTERM
# The settings printed in the header: everything the measured paths read.
SHOWN_SETTINGS = (
    "user", "timezone", "database.busy_timeout_ms", "kafka.bootstrap_servers",
    "kafka.topic_prefix", "kafka.partitions", "kafka.delivery_timeout_s",
    "notify.channels", "notify.webhook_url", "notify.retries", "notify.backoff_s",
    "worker.poll_timeout_s", "worker.scheduler_interval_s", "worker.retries",
    "worker.backoff_s", "worker.session_timeout_ms",
)
SECTIONS = ("embedded", "kafka", "kafka-processes", "reminders")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class BenchTimeout(Exception):
    """A bounded wait ran out, or a worker thread died while we waited."""


def progress(message: str) -> None:
    """One progress line on stderr."""
    print(f"[events] {message}", file=sys.stderr, flush=True)


# --- figures --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation between order statistics."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(seconds: float) -> str:
    """Milliseconds with one decimal, or a dash."""
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def distribution(values: Sequence[float]) -> str:
    """p50 / p99 / max of a list of seconds."""
    return (
        f"p50 {ms(percentile(values, 0.5))}, p99 {ms(percentile(values, 0.99))}, "
        f"max {ms(max(values) if values else math.nan)} (n={len(values)})"
    )


@dataclass
class Row:
    """One line of a result table."""

    measure: str
    value: str
    target: str = "-"
    passed: bool | None = None
    note: str = ""

    @property
    def result(self) -> str:
        """PASS, MISS or a dash without a target."""
        return "-" if self.passed is None else "PASS" if self.passed else "MISS"


def table(title: str, rows: list[Row]) -> str:
    """The text table of one section."""
    header = ("measure", "value", "target", "result", "note")
    body = [(r.measure, r.value, r.target, r.result, r.note) for r in rows]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    lines = [f"== {title} =="]
    for line in (header, *body):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def rate_row(measure: str, count: int, seconds: float, target: float | None, note: str) -> Row:
    """events/s of `count` events in `seconds`, against an optional minimum."""
    rate = count / seconds if seconds > 0 else math.inf
    row = Row(measure, f"{rate:,.0f} events/s", note=f"{count:,} events in {seconds:.2f} s; {note}")
    if target is not None:
        row.target = f">= {target:,.0f} events/s"
        row.passed = rate >= target
    return row


def delay_row(measure: str, delays: list[float], target: float, note: str) -> Row:
    """A delay distribution against a p99 limit."""
    p99 = percentile(delays, 0.99)
    return Row(measure, distribution(delays), f"p99 < {target:g} s",
               None if math.isnan(p99) else p99 < target, note)


# --- CPU per thread (Linux /proc; empty elsewhere) -------------------------------------------


def _stat_cpu(path: str) -> tuple[str, float] | None:
    """(comm, user+system CPU seconds) from a /proc .../stat file."""
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return comm, (int(fields[11]) + int(fields[12])) / TICK


class CpuMeter:
    """CPU seconds per labelled thread of this process (librdkafka's threads summed) and of
    the broker process, between `start()` and `stop()`."""

    def __init__(self, labels: dict[int, str], broker_pid: int | None = None) -> None:
        self.labels = labels
        self.broker_pid = broker_pid
        self.before: dict[str, float] = {}
        self.wall = 0.0
        self.spent: dict[str, float] = {}

    def snapshot(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        with contextlib.suppress(OSError):
            for entry in os.scandir("/proc/self/task"):
                found = _stat_cpu(os.path.join(entry.path, "stat"))
                if found is None:
                    continue
                comm, cpu = found
                tid = int(entry.name)
                label = self.labels.get(tid)
                if label is None:
                    label = (
                        "librdkafka" if comm.startswith("rdk:")
                        else "main" if tid == os.getpid() else "other threads"
                    )
                totals[label] += cpu
        if self.broker_pid is not None:
            found = _stat_cpu(f"/proc/{self.broker_pid}/stat")
            if found is not None:
                totals["tansu (process)"] += found[1]
        return totals

    def start(self) -> CpuMeter:
        self.before = self.snapshot()
        self.wall = time.perf_counter()
        return self

    def stop(self) -> str:
        """A one-line account: wall seconds, then CPU seconds by thread, biggest first."""
        self.wall = time.perf_counter() - self.wall
        after = self.snapshot()
        self.spent = {k: v - self.before.get(k, 0.0) for k, v in after.items()}
        parts = [f"{k} {v:.2f}" for k, v in sorted(self.spent.items(), key=lambda kv: -kv[1])
                 if v >= 0.01]
        return f"wall {self.wall:.2f} s; CPU s: " + (", ".join(parts) or "n/a")


# --- settings, homes, workers ----------------------------------------------------------------


@dataclass
class Options:
    """What every section needs from the command line."""

    events: int
    reminders: int
    batch: int
    rate: float
    live_seconds: float
    spread: float
    scheduler_interval: float
    partitions: int
    timeout: float
    profile: bool
    root: Path
    devnull: TextIO
    import_size: int = IMPORT_SIZE
    shown: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def settings_for(opts: Options, name: str, **env: str) -> Settings:
    """Settings for a fresh home `name`, from TODO_* variables as a worker would read them."""
    home = opts.root / name
    home.mkdir()
    values = {
        "TODO_HOME": str(home),
        "TODO_USER": USER,
        "TODO_TIMEZONE": "UTC",
        "TODO_DATABASE__URL": f"sqlite:///{home / 'todo.db'}",
        "TODO_WORKER__SCHEDULER_INTERVAL_S": str(opts.scheduler_interval),
        **env,
    }
    settings = load_settings(values, file=home / "config.toml")
    opts.shown[name] = [row for row in effective_values(settings) if row[0] in SHOWN_SETTINGS]
    return settings


def kafka_env(broker: TansuBroker, opts: Options) -> dict[str, str]:
    """The TODO_KAFKA__* variables for the bench broker, with topics of this run's own."""
    return {
        "TODO_KAFKA__BOOTSTRAP_SERVERS": broker.bootstrap,
        "TODO_KAFKA__TOPIC_PREFIX": f"bench{uuid.uuid4().hex[:8]}.",
        "TODO_KAFKA__PARTITIONS": str(opts.partitions),
    }


class Workers:
    """The parts of some workers (`services.workers.build`), each in a thread of its own."""

    def __init__(self, names: Sequence[str], settings: Settings, opts: Options) -> None:
        if settings.kafka.bootstrap_servers:
            from services import kafka

            kafka.ensure_topics(settings.kafka)
        self.parts: list[tuple[str, Any]] = []
        for name in names:
            for part in workers.build(name, settings, opts.devnull):
                label = "scheduler" if type(part).__name__ == "Scheduler" else name
                self.parts.append((label, part))
        self.profile = opts.profile
        self.profiles: dict[str, cProfile.Profile] = {}
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []
        self.labels: dict[int, str] = {}

    def part(self, label: str) -> Any:
        """The part run under `label` ("audit", "relay", "notify", "scheduler")."""
        return next(part for name, part in self.parts if name == label)

    def start(self) -> None:
        for label, part in self.parts:
            thread = threading.Thread(target=self._run, args=(label, part), name=label,
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
            if thread.native_id is not None:
                self.labels[thread.native_id] = label

    def _run(self, label: str, part: Any) -> None:
        profiler = cProfile.Profile() if self.profile else None
        try:
            if profiler is not None:
                profiler.enable()
            part.run()
        except BaseException as exc:  # reported by `check` to whoever waits on us
            self.errors.append(f"{label} worker died: {type(exc).__name__}: {exc}")
        finally:
            if profiler is not None:
                profiler.disable()
                self.profiles[label] = profiler

    def check(self) -> None:
        """Raise if a worker thread died."""
        if self.errors:
            raise BenchTimeout("; ".join(self.errors))

    def stop(self, timeout: float = 30.0) -> None:
        """Stop every part, wait (bounded) for the threads, close the services they opened."""
        for _, part in self.parts:
            part.stop.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in self.threads if t.is_alive()]
        if stuck:
            progress(f"worker threads still running after {timeout:g} s: {', '.join(stuck)}")
        for label, part in self.parts:
            if label in stuck:
                continue
            with contextlib.suppress(Exception):
                _service_of(part).close()

    def __enter__(self) -> Workers:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _service_of(part: Any) -> Any:
    """What holds the database connection of a worker part."""
    if hasattr(part, "consumer"):
        return part.consumer.service
    if hasattr(part, "log"):
        return part.log.store
    return part.service


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, running: Workers | None = None,
    interval: float = 0.02,
) -> None:
    """Poll `condition` until true; BenchTimeout after `timeout` s or if a worker died."""
    deadline = time.monotonic() + timeout
    while not condition():
        if running is not None:
            running.check()
        if time.monotonic() > deadline:
            raise BenchTimeout(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(interval)


# --- producing events --------------------------------------------------------------------------


def import_batches(service: TaskService, tasks: list[dict[str, Any]], batch: int) -> float:
    """Import `tasks` in transactions of `batch` tasks; returns the wall seconds."""
    started = time.perf_counter()
    for first in range(0, len(tasks), batch):
        chunk = tasks[first : first + batch]
        result = service.import_text(json.dumps(chunk))
        if len(result.added) != len(chunk):
            raise RuntimeError(f"import added {len(result.added)} of {len(chunk)} tasks")
    return time.perf_counter() - started


class LiveProducer:
    """A thread adding one task per transaction at a steady rate (its own connection)."""

    def __init__(self, settings: Settings, rate: float, seconds: float, profile: bool) -> None:
        self.service = open_service(settings)
        self.rate = rate
        self.count = max(1, round(rate * seconds))
        self.profile = profile
        self.profiler: cProfile.Profile | None = None
        self.elapsed = 0.0
        self.behind = 0.0  # the most the producer fell behind its schedule, seconds
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, name="producer", daemon=True)

    def _run(self) -> None:
        profiler = cProfile.Profile() if self.profile else None
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        try:
            for i in range(self.count):
                delay = started + i / self.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                else:
                    self.behind = max(self.behind, -delay)
                self.service.add(TaskCreate(title=f"live task {i}", tags=("bench",)))
        except Exception as exc:  # reported by `run`
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.elapsed = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
                self.profiler = profiler

    def run(self, running: Workers, timeout: float) -> None:
        """Start, wait for the last add (bounded), close the connection."""
        self.thread.start()
        if self.thread.native_id is not None:
            running.labels[self.thread.native_id] = "producer"
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise BenchTimeout(f"the live producer did not finish within {timeout:g} s")
        self.service.close()
        if self.error:
            raise BenchTimeout(f"live producer failed: {self.error}")

    def note(self) -> str:
        achieved = self.count / self.elapsed if self.elapsed else math.inf
        return (f"{self.count:,} adds at {achieved:,.0f}/s achieved (asked {self.rate:g}/s; "
                f"at most {self.behind * 1000:.0f} ms behind schedule)")


# --- reading results -----------------------------------------------------------------------------


def audit_times(service: TaskService, since: datetime) -> list[tuple[datetime, datetime]]:
    """(event time, recorded) of every audit row whose event happened at or after `since`."""
    return [(when, seen) for when, seen, _ in relay_times(service, since)]


def relay_times(
    service: TaskService, since: datetime
) -> list[tuple[datetime, datetime, datetime | None]]:
    """(event time, audit recorded, outbox sent) per audit row of events since `since`;
    `sent` is when the relay marked the row, after the broker acknowledged it."""
    with service.store.read() as db:
        rows = db.all(
            "SELECT a.time, a.recorded, o.sent FROM audit a LEFT JOIN outbox o "
            "ON o.id = a.event_id WHERE a.time >= ?", (db.dt(since),)
        )
    out = []
    for stamp, recorded, sent in rows:
        when, seen = read_dt(stamp), read_dt(recorded)
        assert when is not None and seen is not None
        out.append((when, seen, read_dt(sent)))
    return out


def audit_count(service: TaskService) -> int:
    with service.store.read() as db:
        return int(db.value("SELECT COUNT(*) FROM audit"))


def delays_of(rows: list[tuple[datetime, datetime]]) -> list[float]:
    return [(seen - when).total_seconds() for when, seen in rows]


def warm_up(service: TaskService, count: Callable[[], int], running: Workers, what: str) -> float:
    """Add one task and wait until the workers have handled it; returns the seconds it took."""
    started = time.perf_counter()
    before = count()
    service.add(TaskCreate(title="warm-up"))
    wait_until(lambda: count() > before, WARMUP_TIMEOUT, f"the warm-up event ({what})", running)
    return time.perf_counter() - started


# --- 1. embedded log -----------------------------------------------------------------------------


def bench_embedded(opts: Options, rows: list[Row], notes: list[str]) -> None:
    """Backlog throughput (runner and drain) and live delay over the embedded log."""
    settings = settings_for(opts, "embedded-backlog")
    service = open_service(settings)
    try:
        tasks = data.tasks(opts.events)
        progress(f"embedded: importing {opts.events:,} tasks in batches of {opts.batch}")
        seconds = import_batches(service, tasks, opts.batch)
        events = EventLog(service.store).head()
        rows.append(rate_row("producer: import", events, seconds, None,
                             f"{opts.batch} tasks per transaction"))
        copy_url = copy_database(settings, opts.root / "embedded-drain.db")

        progress("embedded: audit worker applying the backlog")
        running = Workers(["audit"], settings, opts)
        runner = running.part("audit")
        meter = CpuMeter(running.labels)
        meter.start()
        started = time.perf_counter()
        with running:
            wait_until(lambda: runner.handled >= events, opts.timeout,
                       "the audit worker to apply the backlog", running)
            elapsed = time.perf_counter() - started
            account = meter.stop()
        check_audited(service, events, "embedded backlog")
        rows.append(rate_row("audit worker, backlog", events, elapsed, None,
                             "one event per transaction + one offset commit each"))
        notes.append(f"embedded audit worker, backlog: {account}")
        if opts.profile:
            print_profiles("embedded audit worker, backlog", running.profiles)
    finally:
        service.close()

    progress("embedded: services.embedded.drain on a copy of the backlog")
    settings_copy = settings_for(opts, "embedded-drain")
    settings_copy.database.url = copy_url
    other = open_service(settings_copy)
    try:
        started = time.perf_counter()
        drain(other, [AuditConsumer(other)])
        elapsed = time.perf_counter() - started
        check_audited(other, events, "embedded drain")
        rows.append(rate_row("embedded.drain, backlog", events, elapsed, None,
                             "500 events per transaction (the CLI's after-command path)"))
    finally:
        other.close()

    settings = settings_for(opts, "embedded-live")
    service = open_service(settings)
    try:
        with Workers(["audit"], settings, opts) as running:
            runner = running.part("audit")
            warm = warm_up(service, lambda: runner.handled, running, "embedded audit")
            progress(f"embedded: live producer at {opts.rate:g}/s for {opts.live_seconds:g} s")
            since = datetime.now(UTC)
            producer = LiveProducer(settings, opts.rate, opts.live_seconds, opts.profile)
            meter = CpuMeter(running.labels).start()
            producer.run(running, opts.live_seconds * 3 + opts.timeout)
            total = 1 + producer.count
            wait_until(lambda: runner.handled >= total, opts.timeout,
                       "the audit worker to catch up with the live producer", running)
            account = meter.stop()
        delays = delays_of(audit_times(service, since))
        rows.append(delay_row("live commit-to-audit delay", delays, DELAY_TARGET,
                              f"{producer.note()}; warm-up {warm:.2f} s"))
        notes.append(f"embedded live: {account}")
        if opts.profile:
            print_profiles("embedded live", {**running.profiles, **producer_profile(producer)})
    finally:
        service.close()


def copy_database(settings: Settings, dest: Path) -> str:
    """Copy the SQLite database with the backup API; returns the copy's URL."""
    source_path = settings.database.url.split(":///", 1)[1]
    with contextlib.closing(sqlite3.connect(source_path)) as src, \
            contextlib.closing(sqlite3.connect(dest)) as dst:
        src.backup(dst)
    return f"sqlite:///{dest}"


def check_audited(service: TaskService, expected: int, what: str) -> None:
    found = audit_count(service)
    if found < expected:
        raise BenchTimeout(f"{what}: {found} audit rows for {expected} events")


def producer_profile(producer: LiveProducer) -> dict[str, cProfile.Profile]:
    return {} if producer.profiler is None else {"producer": producer.profiler}


# --- 2. Kafka ------------------------------------------------------------------------------------


def start_broker(opts: Options) -> TansuBroker:
    """Tansu on a free port with memory storage, its log in the temporary directory."""
    broker = TansuBroker(tansu_binary(), free_port(), opts.root / "tansu.log")
    try:
        broker.start()
    except BaseException:
        broker.stop()
        raise
    return broker


def bench_kafka(opts: Options, broker: TansuBroker, rows: list[Row], notes: list[str]) -> None:
    """End-to-end throughput and live delay through the relay, Tansu and the audit worker."""
    settings = settings_for(opts, "kafka", **kafka_env(broker, opts))
    service = open_service(settings)
    pid = broker.process.pid if broker.process is not None else None
    try:
        tasks = data.tasks(opts.events)
        with Workers(["relay", "audit"], settings, opts) as running:
            relay, runner = running.part("relay"), running.part("audit")
            progress("kafka: warm-up (consumer group join)")
            warm = warm_up(service, lambda: runner.handled, running, "Kafka audit")
            notes.append(f"kafka warm-up (group join, first publish): {warm:.2f} s")

            progress(f"kafka: importing {opts.events:,} tasks in batches of {opts.batch}")
            since = datetime.now(UTC)
            meter = CpuMeter(running.labels, pid).start()
            import_started = time.perf_counter()
            produced_s = import_batches(service, tasks, opts.batch)
            total = 1 + len(tasks)
            marks = track(relay, runner, total, opts.timeout, running, import_started)
            account = meter.stop()
            check_audited(service, total, "kafka throughput")
            times = audit_times(service, since)
            first = min(when for when, _ in times)
            last = max(seen for _, seen in times)
            e2e = (last - first).total_seconds()
            since_mono = marks["start"]
            rows.append(rate_row("end to end (first commit -> last audit row)", len(times), e2e,
                                 KAFKA_RATE_TARGET, "import batches while relay+audit run"))
            rows.append(rate_row("  producer: import", len(tasks), produced_s, None,
                                 f"{opts.batch} tasks per transaction"))
            rows.append(Row("  relay published all", f"{marks['relay'] - since_mono:.2f} s",
                            note="after the import started"))
            rows.append(Row("  audit applied all", f"{marks['audit'] - since_mono:.2f} s",
                            note="after the import started"))
            notes.append(f"kafka throughput: {account}")

            progress(f"kafka: live producer at {opts.rate:g}/s for {opts.live_seconds:g} s")
            since = datetime.now(UTC)
            producer = LiveProducer(settings, opts.rate, opts.live_seconds, opts.profile)
            meter = CpuMeter(running.labels, pid).start()
            producer.run(running, opts.live_seconds * 3 + opts.timeout)
            total += producer.count
            wait_until(lambda: runner.handled >= total, opts.timeout,
                       "the audit worker to catch up with the live producer", running)
            account = meter.stop()
        stamps = relay_times(service, since)
        rows.append(delay_row("live commit-to-audit delay", delays_of(audit_times(service, since)),
                              DELAY_TARGET, producer.note()))
        sent = [(when, seen, out) for when, seen, out in stamps if out is not None]
        rows.append(Row("  commit -> marked sent", distribution(
            [(out - when).total_seconds() for when, _, out in sent]),
            note="relay: outbox scan, publish, flush (broker ack), mark sent"))
        rows.append(Row("  marked sent -> audit", distribution(
            [(seen - out).total_seconds() for _, seen, out in sent]),
            note="consumer fetch from the broker, audit worker (sent is set after the ack: "
                 "can be negative)"))
        notes.append(f"kafka live: {account}")
        if opts.profile:
            print_profiles("kafka throughput + live", {**running.profiles,
                                                       **producer_profile(producer)})
    finally:
        service.close()


def bench_kafka_stages(
    opts: Options, broker: TansuBroker, rows: list[Row], notes: list[str]
) -> None:
    """Each Kafka stage alone on a backlog: the relay publishes N imported events, then the
    audit worker applies them (timed from its first applied event: the group join is not)."""
    settings = settings_for(opts, "kafka-stages", **kafka_env(broker, opts))
    service = open_service(settings)
    pid = broker.process.pid if broker.process is not None else None
    try:
        progress(f"kafka stages: importing {opts.events:,} tasks, then the relay alone")
        import_batches(service, data.tasks(opts.events), opts.batch)
        events = EventLog(service.store).head()
        running = Workers(["relay"], settings, opts)
        relay = running.part("relay")
        meter = CpuMeter(running.labels, pid).start()
        with running:
            wait_until(lambda: relay.published >= events, opts.timeout,
                       "the relay to publish the backlog", running, interval=0.01)
            account = meter.stop()
        rows.append(rate_row("  relay alone, backlog", events, meter.wall, None,
                             f"batches of {in_code()['relay batch']}, flush, mark sent"))
        notes.append(f"relay alone: {account}")
        if opts.profile:
            print_profiles("relay alone", running.profiles)

        progress("kafka stages: the audit worker alone")
        running = Workers(["audit"], settings, opts)
        runner = running.part("audit")
        with running:
            wait_until(lambda: runner.handled >= 1, WARMUP_TIMEOUT, "the group join", running,
                       interval=0.005)
            meter = CpuMeter(running.labels, pid).start()
            wait_until(lambda: runner.handled >= events, opts.timeout,
                       "the audit worker to apply the backlog", running, interval=0.01)
            account = meter.stop()
        rows.append(rate_row("  audit worker alone, Kafka backlog", events - 1, meter.wall, None,
                             "from its first applied event (group join excluded)"))
        notes.append(f"audit alone: {account}")
        if opts.profile:
            print_profiles("audit worker alone", running.profiles)
    finally:
        service.close()


def bench_kafka_all(opts: Options, broker: TansuBroker, rows: list[Row], notes: list[str]) -> None:
    """Everything together, then each stage alone."""
    bench_kafka(opts, broker, rows, notes)
    rows.append(Row("stage capacity (each stage alone, same N):", ""))
    bench_kafka_stages(opts, broker, rows, notes)


def track(
    relay: Any, runner: Any, total: int, timeout: float, running: Workers, start: float
) -> dict[str, float]:
    """Wait until the relay published and the audit worker applied `total` events; returns
    when each got there (time.perf_counter), with `start` as "start"."""
    marks = {"start": start}

    def done() -> bool:
        now = time.perf_counter()
        if "relay" not in marks and relay.published >= total:
            marks["relay"] = now
        if "audit" not in marks and runner.handled >= total:
            marks["audit"] = now
        return "relay" in marks and "audit" in marks

    wait_until(done, timeout, "the relay and the audit worker to handle every event", running,
               interval=0.01)
    return marks


# --- 2b. Kafka, the deployed layout: worker processes ---------------------------------------------


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a process's output file, for failure messages."""
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"(no {path.name}: {exc})"
    return f"{path.name} (last {lines} lines):\n" + "\n".join(text[-lines:])


def process_env(
    opts: Options, name: str, broker: TansuBroker
) -> tuple[dict[str, str], Settings]:
    """The environment of the `todo` processes on a fresh TODO_HOME `name` (no TODO_* variable
    of ours leaks in), and the settings they read from it, for the bench's own reads."""
    home = opts.root / name
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update({
        "TODO_HOME": str(home),
        "TODO_USER": USER,
        "TZ": "UTC",
        "NO_COLOR": "1",
        "TODO_WORKER__SESSION_TIMEOUT_MS": SESSION_TIMEOUT_MS,
        **kafka_env(broker, opts),
    })
    settings = load_settings(env, file=home / "config.toml")
    # The processes derive the database from their TODO_HOME (this process has another one).
    settings.database.url = f"sqlite:///{home / 'todo.db'}"
    opts.shown[name] = [row for row in effective_values(settings) if row[0] in SHOWN_SETTINGS]
    return env, settings


class WorkerProcess:
    """A `todo worker NAME` process, its stdout and stderr in files (a pipe could fill up)."""

    def __init__(self, name: str, env: dict[str, str], folder: Path, stem: str = "") -> None:
        self.name = name
        stem = stem or f"worker-{name}"
        self.err_path = folder / f"{stem}.err"
        with (folder / f"{stem}.out").open("wb") as out, self.err_path.open("wb") as err:
            self.process = subprocess.Popen(
                [*TODO, "worker", name], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=err,
            )

    @property
    def label(self) -> str:
        return f"todo worker {self.name} (process)"

    def check(self) -> None:
        """Raise if the process has exited (it should run until SIGTERM)."""
        code = self.process.poll()
        if code is not None:
            raise BenchTimeout(f"`todo worker {self.name}` exited with code {code}; "
                               f"{tail(self.err_path)}")


def stop_processes(procs: Sequence[WorkerProcess], timeout: float) -> str:
    """SIGTERM every process still running, wait (bounded) for each to exit, SIGKILL the rest;
    returns how each one ended."""
    started = time.monotonic()
    ended: dict[str, str] = {}
    for proc in procs:
        code = proc.process.poll()
        if code is None:
            proc.process.send_signal(signal.SIGTERM)
        else:
            ended[proc.name] = f"had exited with code {code} before SIGTERM"
    deadline = started + timeout
    while len(ended) < len(procs) and time.monotonic() < deadline:
        for proc in procs:
            code = proc.process.poll()
            if proc.name not in ended and code is not None:
                ended[proc.name] = (f"exit code {code} {time.monotonic() - started:.2f} s "
                                    "after SIGTERM")
        time.sleep(0.02)
    for proc in procs:
        if proc.name not in ended:
            proc.process.kill()
            proc.process.wait(5)
            ended[proc.name] = f"did not exit within {timeout:g} s of SIGTERM: killed"
    return "; ".join(f"{proc.name} {ended[proc.name]}" for proc in procs)


class ProcessCpuMeter(CpuMeter):
    """CPU seconds of labelled processes (all their threads), of the `todo import` children
    reaped meanwhile, and of this process, between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, int], reaped: str) -> None:
        super().__init__({})
        self.pids = pids
        self.reaped = reaped

    def snapshot(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for label, pid in self.pids.items():
            found = _stat_cpu(f"/proc/{pid}/stat")
            if found is not None:
                totals[label] = found[1]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        totals[self.reaped] = children.ru_utime + children.ru_stime
        own = resource.getrusage(resource.RUSAGE_SELF)
        totals["bench process (polling)"] = own.ru_utime + own.ru_stime
        return totals


def write_import_files(tasks: list[dict[str, Any]], size: int, folder: Path) -> list[Path]:
    """`tasks` in files of at most `size`, in data.py's format (a JSON array, a task a line)."""
    paths = []
    for n, first in enumerate(range(0, len(tasks), size), 1):
        chunk = tasks[first : first + size]
        lines = ",\n".join(json.dumps(obj, separators=(",", ":")) for obj in chunk)
        path = folder / f"tasks-{n}.json"
        path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
        paths.append(path)
    return paths


def run_todo(args: Sequence[str], env: dict[str, str], folder: Path, stem: str,
             timeout: float) -> None:
    """Run `todo ARGS` to completion (bounded), its output in files; raise if it failed."""
    out_path, err_path = folder / f"{stem}.out", folder / f"{stem}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        try:
            done = subprocess.run([*TODO, *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                  stdout=out, stderr=err, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BenchTimeout(f"`todo {' '.join(args)}` did not finish within {timeout:g} s"
                               ) from None
    if done.returncode != 0:
        raise RuntimeError(f"`todo {' '.join(args)}` exited with code {done.returncode}; "
                           f"{tail(err_path)}")


def bench_kafka_processes(
    opts: Options, broker: TansuBroker, rows: list[Row], notes: list[str]
) -> None:
    """End-to-end throughput in the deployed layout: `todo worker relay` and `todo worker
    audit` as processes of their own, events produced by `todo import FILE` processes."""
    name = "kafka-processes"
    env, settings = process_env(opts, name, broker)
    folder = opts.root / f"{name}-files"
    folder.mkdir()
    from services import kafka
    from services.topics import EventStreamError

    try:
        kafka.ensure_topics(settings.kafka)  # once, before two processes race to create them
    except EventStreamError as exc:
        raise RuntimeError(str(exc)) from None
    service = open_service(settings)  # creates the database (migrations) before the workers
    log = EventLog(service.store)
    procs: list[WorkerProcess] = []

    def check() -> None:
        for proc in procs:
            proc.check()

    try:
        files = write_import_files(data.tasks(opts.events), opts.import_size, folder)
        progress("kafka processes: starting `todo worker relay` and `todo worker audit`")
        started = time.perf_counter()
        for worker in ("relay", "audit"):
            procs.append(WorkerProcess(worker, env, folder))
        run_todo(["add", "warm-up"], env, folder, "warm-up", WARMUP_TIMEOUT)

        def warmed() -> bool:
            check()
            return audit_count(service) >= 1

        wait_until(warmed, WARMUP_TIMEOUT, "the warm-up `todo add` in the audit log",
                   interval=0.05)
        notes.append(f"kafka processes warm-up (process start, group join, first publish, "
                     f"`todo add`): {time.perf_counter() - started:.2f} s")

        progress(f"kafka processes: `todo import` of {opts.events:,} tasks in {len(files)} "
                 f"file(s) of up to {opts.import_size:,}, one after another")
        pids = {proc.label: proc.process.pid for proc in procs}
        if broker.process is not None:
            pids["tansu (process)"] = broker.process.pid
        meter = ProcessCpuMeter(pids, "todo import (processes)")
        since = datetime.now(UTC)
        meter.start()
        walls = []
        for n, path in enumerate(files, 1):
            begun = time.perf_counter()
            run_todo(["import", str(path)], env, folder, f"import-{n}", opts.timeout)
            walls.append(time.perf_counter() - begun)
        imported = datetime.now(UTC)
        total = 1 + opts.events

        def finished() -> bool:
            check()
            return audit_count(service) >= total and log.unsent_count() == 0

        wait_until(finished, opts.timeout, "the relay and audit processes to handle every event",
                   interval=0.05)
        account = meter.stop()

        stamps = relay_times(service, since)
        if len(stamps) < opts.events:
            raise BenchTimeout(f"{len(stamps)} audit rows for {opts.events} imported events")
        first = min(when for when, _, _ in stamps)
        audited = max(seen for _, seen, _ in stamps)
        sent = [out for _, _, out in stamps if out is not None]
        if len(sent) < len(stamps):
            raise BenchTimeout(f"{len(stamps) - len(sent)} audited events not marked sent")
        relayed = max(sent)

        def after(moment: datetime) -> str:
            return f"{(moment - first).total_seconds():.2f} s"

        rows.append(rate_row("end to end (first event time -> last audit row)", len(stamps),
                             (audited - first).total_seconds(), KAFKA_RATE_TARGET,
                             "todo import processes while the relay and audit processes run"))
        rows.append(rate_row("  producer: todo import processes", opts.events, sum(walls), None,
                             f"{len(files)} process(es) of up to {opts.import_size:,} tasks, "
                             "one transaction each, one after another; process start included"))
        rows.append(Row("  import finished", after(imported),
                        note="after the first event time: the last `todo import` exited"))
        rows.append(Row("  relay finished (outbox all sent)", after(relayed),
                        note="after the first event time: the latest outbox `sent`"))
        rows.append(Row("  audit finished (last audit row)", after(audited),
                        note="after the first event time: the latest audit `recorded`"))
        notes.append(
            f"kafka processes: first event time {(first - since).total_seconds():.2f} s "
            "after the first `todo import` was started (process start, parsing; not in the "
            "end-to-end window); `todo import` walls "
            + ", ".join(f"{wall:.2f}" for wall in walls) + " s"
        )
        notes.append(f"kafka processes: {account}")
        notes.append(f"kafka processes: environment TODO_HOME=<tmp>/{name} (SQLite todo.db), "
                     f"TZ=UTC, TODO_USER={USER}, TODO_WORKER__SESSION_TIMEOUT_MS="
                     f"{SESSION_TIMEOUT_MS}, TODO_KAFKA__* as in the settings below; worker "
                     "output to files")
        if opts.profile:
            notes.append("kafka processes: not profiled (--profile covers threads of this "
                         "process only)")
        backlog_phase(opts, env, folder, service, procs, rows, notes)
    finally:
        if procs:
            progress("kafka processes: SIGTERM to the workers")
            notes.append(f"kafka processes stop: {stop_processes(procs, STOP_TIMEOUT)}")
        service.close()


def backlog_phase(
    opts: Options, env: dict[str, str], folder: Path, service: TaskService,
    procs: list[WorkerProcess], rows: list[Row], notes: list[str],
) -> None:
    """Relay, broker and audit worker alone: N events wait in the outbox while the relay is
    stopped; a new relay process drains them through the broker to the running audit worker.
    The window runs from the first outbox row the relay marked sent to the last audit row, so
    neither the producer nor the relay's process start is in it."""
    log = EventLog(service.store)
    relay = next(proc for proc in procs if proc.name == "relay")
    stopped = stop_processes([relay], STOP_TIMEOUT)
    notes.append(f"kafka processes backlog: the first relay stopped ({stopped})")
    procs.remove(relay)
    (folder / "backlog").mkdir()
    files = write_import_files(data.tasks(opts.events, seed=data.SEED + 1), opts.import_size,
                               folder / "backlog")
    since = datetime.now(UTC)
    for n, path in enumerate(files, 1):
        run_todo(["import", str(path)], env, folder, f"backlog-import-{n}", opts.timeout)
    waiting = log.unsent_count()
    progress(f"kafka processes: {waiting:,} events wait in the outbox; starting a new relay")
    procs.append(WorkerProcess("relay", env, folder, stem="worker-relay-2"))
    pids = {proc.label: proc.process.pid for proc in procs}
    meter = ProcessCpuMeter(pids, "children (none run in this window)")
    meter.start()
    expected = audit_count(service) + opts.events

    def finished() -> bool:
        for proc in procs:
            proc.check()
        return audit_count(service) >= expected and log.unsent_count() == 0

    wait_until(finished, opts.timeout, "the new relay and the audit worker to drain the backlog",
               interval=0.05)
    account = meter.stop()
    stamps = relay_times(service, since)
    sent = [out for _, _, out in stamps if out is not None]
    if len(stamps) < opts.events or len(sent) < len(stamps):
        raise BenchTimeout(f"{len(stamps)} audit rows, {len(sent)} sent, for {opts.events}")
    first_sent = min(sent)
    audited = max(seen for _, seen, _ in stamps)
    rows.append(rate_row("relay -> broker -> audit (outbox backlog)", len(stamps),
                         (audited - first_sent).total_seconds(), KAFKA_RATE_TARGET,
                         f"{waiting:,} events waiting in the outbox; a new `todo worker relay` "
                         "publishes them to the running audit process; window from the first "
                         "row marked sent to the last audit row"))
    rows.append(Row("  relay finished (outbox all sent)",
                    f"{(max(sent) - first_sent).total_seconds():.2f} s",
                    note="after the first row marked sent"))
    notes.append(f"kafka processes backlog: {account}")


# --- 3. reminders --------------------------------------------------------------------------------


@dataclass
class Hook:
    """What the webhook server received: (arrival time.time(), JSON body)."""

    url: str = ""
    arrivals: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


@contextlib.contextmanager
def hook_server() -> Iterator[Hook]:
    """A ThreadingHTTPServer on 127.0.0.1 that answers 200 and records each POST."""
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrived = time.time()
            with hook.lock:
                hook.arrivals.append((arrived, json.loads(raw)))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, name="webhook", daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def bench_reminders(
    opts: Options, broker: TansuBroker | None, rows: list[Row], notes: list[str]
) -> None:
    """Lateness of R reminders due over `spread` seconds, embedded or through Kafka."""
    mode = "kafka" if broker else "embedded"
    with hook_server() as hook:
        env = {"TODO_NOTIFY__CHANNELS": "webhook", "TODO_NOTIFY__WEBHOOK_URL": hook.url}
        if broker is not None:
            env.update(kafka_env(broker, opts))
        settings = settings_for(opts, f"reminders-{mode}", **env)
        service = open_service(settings)
        names = ["relay", "notify"] if broker else ["notify"]
        pid = broker.process.pid if broker is not None and broker.process else None
        try:
            with Workers(names, settings, opts) as running:
                progress(f"reminders ({mode}): warm-up reminder")
                started = time.perf_counter()
                add_reminder(service, "warm-up", datetime.now(UTC) - timedelta(seconds=1))
                wait_until(lambda: hook.count() >= 1, WARMUP_TIMEOUT,
                           "the warm-up reminder at the webhook", running)
                warm = time.perf_counter() - started
                lead = 2.0 + 0.01 * opts.reminders
                base = datetime.now(UTC) + timedelta(seconds=lead)
                step = opts.spread / max(1, opts.reminders - 1)
                progress(f"reminders ({mode}): {opts.reminders} due from {lead:.1f} s ahead "
                         f"over {opts.spread:g} s")
                meter = CpuMeter(running.labels, pid).start()
                for i in range(opts.reminders):
                    add_reminder(service, f"reminder {i}", base + timedelta(seconds=i * step))
                created_late = (datetime.now(UTC) - base).total_seconds()
                wait_until(lambda: hook.count() >= 1 + opts.reminders,
                           lead + opts.spread + opts.timeout,
                           "every reminder at the webhook", running)
                account = meter.stop()
            with hook.lock:
                arrivals = hook.arrivals[1:]
            figures = reminder_lateness(service, arrivals)
        finally:
            service.close()
    note = (f"{opts.reminders} reminders {step * 1000:.0f} ms apart; scheduler_interval_s "
            f"{opts.scheduler_interval:g}; warm-up {warm:.2f} s")
    if created_late > 0:
        note += f"; WARNING: creation ended {created_late:.2f} s after the first due time"
    rows.append(delay_row(f"{mode}: lateness (arrival - due)", figures["lateness"],
                          LATENESS_TARGET, note))
    rows.append(Row(f"  {mode}: due -> claimed", distribution(figures["claim"]),
                    note="scheduler tick (reminder.fired - at)"))
    rows.append(Row(f"  {mode}: claimed -> arrival", distribution(figures["deliver"]),
                    note="log/relay/Kafka, notify consumer, HTTP POST"))
    if figures["relay"]:
        rows.append(Row(f"    {mode}: claimed -> marked sent", distribution(figures["relay"]),
                        note="relay: outbox scan, publish, broker ack, mark sent"))
        rows.append(Row(f"    {mode}: marked sent -> arrival", distribution(figures["consume"]),
                        note="consumer fetch, notify consumer, HTTP POST"))
    notes.append(f"reminders {mode}: {account}")
    if opts.profile:
        print_profiles(f"reminders {mode}", running.profiles)


def add_reminder(service: TaskService, title: str, at: datetime) -> None:
    reminder = ReminderRead(at.astimezone(service.tz), None, ReminderState.PENDING)
    service.add(TaskCreate(title=title, reminders=(reminder,)))


def reminder_lateness(
    service: TaskService, arrivals: list[tuple[float, dict[str, Any]]]
) -> dict[str, list[float]]:
    """Per reminder (seconds): arrival - due ("lateness"), claimed - due ("claim"),
    arrival - claimed ("deliver"), and with Kafka claimed -> marked sent ("relay") and
    marked sent -> arrival ("consume").

    The due time is the reminder row's `at` (microseconds), not the webhook body's `at`,
    which is rounded down to the second."""
    with service.store.read() as db:
        stored = {
            int(task_id): (read_dt(at), read_dt(fired))
            for task_id, at, fired in db.all(
                "SELECT t.id, r.at, r.fired FROM reminder r JOIN task t ON t.pk = r.task_pk "
                "WHERE t.owner = ?", (service.owner,)
            )
        }
        sent = {
            str(event_id): read_dt(when)
            for event_id, when in db.all(
                "SELECT id, sent FROM outbox WHERE type = 'todo.reminder.due' AND sent IS NOT NULL"
            )
        }
    out: dict[str, list[float]] = defaultdict(list)
    for arrived, body in arrivals:
        at, fired = stored[int(body["task_id"])]
        assert at is not None
        due = at.timestamp()
        out["lateness"].append(arrived - due)
        if fired is not None:
            out["claim"].append(fired.timestamp() - due)
            out["deliver"].append(arrived - fired.timestamp())
            relayed = sent.get(str(body["event_id"]))
            if relayed is not None:
                out["relay"].append(relayed.timestamp() - fired.timestamp())
                out["consume"].append(arrived - relayed.timestamp())
    return out


# --- the run -------------------------------------------------------------------------------------


def print_profiles(title: str, profiles: dict[str, cProfile.Profile], top: int = 12) -> None:
    """The functions with the most own time in each profiled thread."""
    for label, profiler in profiles.items():
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(top)
        body = buffer.getvalue().strip().splitlines()
        start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
        print(f"-- profile: {title}, thread {label} (top {top} by own time) --")
        print("\n".join(line.rstrip() for line in body[max(0, start - 2) :]) + "\n", flush=True)


def working_tree_state() -> str:
    """The commit of the working tree and how many paths differ (read-only git)."""
    try:
        git = ["git", "--no-optional-locks", "-C", str(ROOT)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        changes = subprocess.run([*git, "status", "--porcelain"], capture_output=True,
                                 text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "working tree (no git)"
    suffix = f" + {len(changes)} uncommitted paths" if changes else ""
    return f"working tree at {commit}{suffix}"


def version_of(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def preamble(opts: Options, kafka: bool, processes: bool = False) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    tansu = "skipped (--no-kafka)"
    if kafka:
        try:
            tansu = f"{tansu_binary()} (memory storage, 127.0.0.1)"
        except Exception as exc:  # reported in the header; the section then fails clearly
            tansu = f"unavailable: {exc}"
    return "\n".join([
        f"todo events benchmark | Python {platform.python_version()} | {platform.platform()}"
        f" | {os.cpu_count()} CPUs | load average {load}",
        f"todo source: {working_tree_state()} | SQLite {sqlite3.sqlite_version}"
        f" | confluent-kafka {version_of('confluent-kafka')} | httpx {version_of('httpx')}",
        f"broker: Tansu {tansu}",
        f"sizes: --events {opts.events:,} (import transactions of --batch {opts.batch}),"
        f" live --rate {opts.rate:g}/s for --live-seconds {opts.live_seconds:g},"
        f" --reminders {opts.reminders} over --spread {opts.spread:g} s,"
        f" --scheduler-interval {opts.scheduler_interval:g} s, --timeout {opts.timeout:g} s"
        + (f"; 2b: `todo import` files of --import-size {opts.import_size:,}"
           if processes else "")
        + (" | PROFILING (figures are slower)" if opts.profile else ""),
        "all workers are threads of this process (services.workers.build), log lines to"
        " /dev/null; producers are threads (live) or the main thread (imports)"
        + (". Except 2b: `todo worker relay`, `todo worker audit` and `todo import` run as"
           " processes of their own." if processes else "."),
        "delay = audit.recorded - audit.time: from the event's write transaction (time is"
        " taken once its write lock is held) to the audit consumer's clock just before its own"
        " write transaction.",
        "",
    ])


def settings_block(opts: Options) -> str:
    """Every setting that matters: those all databases share once, then each one's own."""
    def shown(row: tuple[str, str, str]) -> str:
        key, value, src = row
        return f"{key}={value or '-'}" + ("" if src.startswith("env") else " (default)")

    homes = list(opts.shown.values())
    common = set.intersection(*(set(rows) for rows in homes)) if homes else set()
    lines = ["settings (from TODO_* variables, as `todo worker` reads them):"]
    first = homes[0] if homes else []
    groups = [("every database", [shown(r) for r in first if r in common])]
    groups += [(name, [shown(r) for r in rows if r not in common])
               for name, rows in opts.shown.items()]
    groups.append(("in code, not settings", [f"{k}={v}" for k, v in in_code().items()]))
    for name, items in groups:
        if items:
            lines += wrap_items(items, f"  {name}: ")
    return "\n".join(lines)


def wrap_items(items: list[str], prefix: str, width: int = 100) -> list[str]:
    """`items` joined with commas, in lines of at most `width`, never splitting an item."""
    lines, line = [], prefix
    for n, item in enumerate(items):
        text = item + ("," if n < len(items) - 1 else "")
        if line.strip() and len(line) + 1 + len(text) > width and line != prefix:
            lines.append(line.rstrip())
            line = "    "
        line += ("" if line.endswith((" ", ": ")) else " ") + text
    lines.append(line.rstrip())
    return lines


def in_code() -> dict[str, object]:
    """Constants of the measured code that no setting changes, read from the code itself."""
    from services import embedded
    from services.relay import FLUSH_MARGIN_S, Relay

    relay = inspect.signature(Relay.__init__).parameters
    return {
        "relay batch": relay["batch"].default,
        "relay idle wait s": inspect.signature(Relay.run).parameters["idle_s"].default,
        "relay flush wait s": f"kafka.delivery_timeout_s + {FLUSH_MARGIN_S:g}",
        "embedded read batch": embedded.BATCH,
        "Runner": "one event per consumer transaction",
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="task events to produce")
    parser.add_argument("--reminders", type=int, default=200, help="reminders to deliver")
    parser.add_argument("--batch", type=int, default=500, help="tasks per import transaction")
    parser.add_argument("--rate", type=float, default=200.0, help="live adds per second")
    parser.add_argument("--live-seconds", type=float, default=10.0, help="live mode duration")
    parser.add_argument("--spread", type=float, default=10.0, help="reminders due over (s)")
    parser.add_argument("--scheduler-interval", type=float, default=0.2,
                        help="worker.scheduler_interval_s for the notify worker")
    parser.add_argument("--partitions", type=int, default=3, help="kafka.partitions")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound of every wait (s)")
    parser.add_argument("--no-kafka", action="store_true", help="skip the Kafka measurements")
    parser.add_argument("--import-size", type=int, default=IMPORT_SIZE,
                        help="tasks per `todo import` file in kafka-processes")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each worker and producer thread; print the top functions")
    args = parser.parse_args(argv)
    if min(args.events, args.reminders, args.batch, args.import_size) < 1 or args.rate <= 0:
        parser.error("--events, --reminders, --batch, --import-size and --rate must be positive")
    args.sections = {name.strip() for name in args.sections.split(",") if name.strip()}
    unknown = args.sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def section(title: str, body: Callable[[list[Row], list[str]], None]) -> None:
    """Run one section and print its table; a timeout or failure becomes a line of its own."""
    rows: list[Row] = []
    notes: list[str] = []
    try:
        body(rows, notes)
    except (BenchTimeout, BrokerError, OSError, RuntimeError) as exc:
        rows.append(Row("FAILED", type(exc).__name__, note=str(exc)))
    print(table(title, rows), flush=True)
    for note in notes:
        print(f"  {note}", flush=True)
    print(flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp, \
            open(os.devnull, "w", encoding="utf-8") as devnull:
        os.environ["TODO_HOME"] = tmp  # nothing may touch the user's own todo files
        opts = Options(
            events=args.events, reminders=args.reminders, batch=args.batch, rate=args.rate,
            live_seconds=args.live_seconds, spread=args.spread,
            scheduler_interval=args.scheduler_interval, partitions=args.partitions,
            timeout=args.timeout, profile=args.profile, root=Path(tmp), devnull=devnull,
            import_size=args.import_size,
        )
        kafka_sections = {"kafka", "kafka-processes", "reminders"}
        use_kafka = not args.no_kafka and bool(args.sections & kafka_sections)
        print(preamble(opts, use_kafka, use_kafka and "kafka-processes" in args.sections),
              flush=True)
        if "embedded" in args.sections:
            section("1. embedded log: audit worker", lambda r, n: bench_embedded(opts, r, n))
        broker: TansuBroker | None = None
        try:
            if use_kafka:
                progress("starting Tansu")
                try:
                    broker = start_broker(opts)
                except (BrokerError, OSError, ImportError) as exc:
                    print(f"== 2. Kafka: broker unavailable: {exc} ==\n", flush=True)
            if broker is not None and "kafka" in args.sections:
                section("2. Kafka (Tansu): relay + audit worker",
                        lambda r, n: bench_kafka_all(opts, broker, r, n))
            if broker is not None and "kafka-processes" in args.sections:
                section("2b. Kafka (Tansu), deployed layout: `todo worker relay` + `todo worker "
                        "audit` processes, `todo import` processes",
                        lambda r, n: bench_kafka_processes(opts, broker, r, n))
            if "reminders" in args.sections:
                section("3a. reminder lateness, embedded: notify worker, webhook channel",
                        lambda r, n: bench_reminders(opts, None, r, n))
                if broker is not None:
                    section("3b. reminder lateness, Kafka: relay + notify worker, webhook "
                            "channel", lambda r, n: bench_reminders(opts, broker, r, n))
        finally:
            if broker is not None:
                broker.stop()
        print(settings_block(opts), flush=True)
    progress(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
