"""The shared harness of the event benchmarks (bench/events.py and bench/events_*.py):
figures and tables, CPU per thread, options and settings, worker threads, producers, the
queries that read results back, and the broker (events_report.py: what is printed around
the tables, and the arguments)."""

from __future__ import annotations

import contextlib
import cProfile
import json
import math
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))


from config.settings import Settings, effective_values, load_settings
from core import open_service
from core.creation import TaskCreate
from core.service import TaskService
from core.store import read_dt
from services import workers
from services.devbroker import TansuBroker, free_port, tansu_binary

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
