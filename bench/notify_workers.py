"""Reminders with 1, 2 and 3 `todo worker notify` processes on the embedded log.

Run from the repository root:

    .venv/bin/python bench/notify_workers.py [--reminders 200] [--burst 300] [--workers 1,2,3]

For each worker count, on a fresh TODO_HOME (SQLite file, or `--database-url` for
PostgreSQL), N `todo worker notify` processes deliver to a local webhook server
(bench/events.py's, recording arrival times):

- lateness: `--reminders` reminders due over `--spread` seconds a few seconds ahead;
  lateness = arrival - due time (p50/p99/max), as section 3a of bench/events.py;
- events/s: `--burst` reminders already due, written in one go; from the end of that write
  to the last arrival.

Each count also reports how many POSTs arrived beyond one per reminder (the exactly-once
promise: it must be 0). One warm-up reminder per count is not counted. The workers stop
with SIGTERM at the end. Tables to stdout, progress to stderr; every wait is bounded.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import events as bench  # bench/ is a folder of scripts: its sibling by path

from config.settings import load_settings
from core import open_service
from core.creation import TaskCreate
from core.schemas import ReminderRead, ReminderState
from core.service import TaskService

LEASE_S = "10"  # worker.lease_s, the default


def env_for(home: Path, hook_url: str, opts: argparse.Namespace) -> dict[str, str]:
    """The processes' environment: a fresh home, the webhook channel, no TODO_* of ours."""
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update({
        "TODO_HOME": str(home), "TODO_USER": bench.USER, "TZ": "UTC", "NO_COLOR": "1",
        "TODO_NOTIFY__CHANNELS": "webhook", "TODO_NOTIFY__WEBHOOK_URL": hook_url,
        "TODO_WORKER__SCHEDULER_INTERVAL_S": str(opts.scheduler_interval),
        "TODO_WORKER__LEASE_S": LEASE_S,
    })
    if opts.database_url:
        env["TODO_DATABASE__URL"] = opts.database_url
    return env


def add_many(service: TaskService, titles: Sequence[str], at: Sequence[datetime]) -> None:
    """One task with one reminder per title (a transaction each)."""
    for title, when in zip(titles, at, strict=True):
        reminder = ReminderRead(when.astimezone(service.tz), None, ReminderState.PENDING)
        service.add(TaskCreate(title=title, reminders=(reminder,)))


def run_count(n: int, opts: argparse.Namespace, root: Path, rows: list[bench.Row]) -> None:
    """Lateness and burst events/s with `n` notify processes."""
    with bench.hook_server() as hook:
        env = env_for(root / f"notify-{n}", hook.url, opts)
        settings = load_settings(env, file=root / f"notify-{n}" / "config.toml")
        if not opts.database_url:
            settings.database.url = f"sqlite:///{root / f'notify-{n}' / 'todo.db'}"
        service = open_service(settings)
        procs = [bench.WorkerProcess("notify", env, root / f"notify-{n}", f"notify-{i}")
                 for i in range(n)]
        try:
            bench.progress(f"{n} worker(s): warm-up")
            add_many(service, ["warm-up"], [datetime.now(UTC) - timedelta(seconds=1)])
            _wait(lambda: hook.count() >= 1, opts.timeout, "the warm-up", procs)

            lead = 2.0 + 0.01 * opts.reminders
            base = datetime.now(UTC) + timedelta(seconds=lead)
            step = opts.spread / max(1, opts.reminders - 1)
            bench.progress(f"{n} worker(s): {opts.reminders} reminders over {opts.spread:g} s")
            add_many(service, [f"r{i}" for i in range(opts.reminders)],
                     [base + timedelta(seconds=i * step) for i in range(opts.reminders)])
            _wait(lambda: hook.count() >= 1 + opts.reminders, lead + opts.spread + opts.timeout,
                  "every reminder", procs)
            with hook.lock:
                spread_arrivals = hook.arrivals[1:]
            lateness = bench.reminder_lateness(service, spread_arrivals)["lateness"]

            bench.progress(f"{n} worker(s): a burst of {opts.burst} reminders due at once")
            due = datetime.now(UTC) + timedelta(seconds=1.0 + 0.01 * opts.burst)
            add_many(service, [f"b{i}" for i in range(opts.burst)], [due] * opts.burst)
            written = max(time.time(), due.timestamp())
            total = 1 + opts.reminders + opts.burst
            _wait(lambda: hook.count() >= total, opts.timeout, "the burst", procs)
            time.sleep(1.0)  # late duplicates would arrive now
            with hook.lock:
                arrivals = list(hook.arrivals)
            last = max(t for t, _b in arrivals[1 + opts.reminders:])
        finally:
            ended = bench.stop_processes(procs, bench.STOP_TIMEOUT)
            service.close()
    ids = collections.Counter(str(body["event_id"]) for _t, body in arrivals)
    extra = sum(ids.values()) - len(ids)
    rows.append(bench.delay_row(f"{n} worker(s): lateness (arrival - due)", lateness,
                                bench.LATENESS_TARGET,
                                f"{opts.reminders} reminders {step * 1000:.0f} ms apart"))
    rows.append(bench.rate_row(f"{n} worker(s): burst delivered", opts.burst,
                               last - written, None, "due time -> last arrival"))
    rows.append(bench.Row(f"{n} worker(s): POSTs beyond one per reminder", str(extra),
                          "0", extra == 0, ended))


def _wait(condition: Callable[[], bool], timeout: float, what: str,
          procs: Sequence[bench.WorkerProcess]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for proc in procs:
            proc.check()
        if time.monotonic() > deadline:
            raise bench.BenchTimeout(f"gave up after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


@contextlib.contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL at `url`, dropped afterwards ("" stays "")."""
    if not url:
        yield ""
        return
    import psycopg

    schema = f"bench_notify_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=200, help="reminders for lateness")
    parser.add_argument("--spread", type=float, default=10.0, help="reminders due over (s)")
    parser.add_argument("--burst", type=int, default=300, help="reminders due at once")
    parser.add_argument("--workers", default="1,2,3", help="notify process counts")
    parser.add_argument("--scheduler-interval", type=float, default=0.2,
                        help="worker.scheduler_interval_s")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL URL (a fresh schema per count); default SQLite")
    parser.add_argument("--timeout", type=float, default=300.0, help="bound of every wait (s)")
    opts = parser.parse_args(argv)
    counts = [int(x) for x in opts.workers.split(",") if x.strip()]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"notify workers benchmark | {os.cpu_count()} CPUs | load average {load} | "
          f"{bench.working_tree_state()} | store "
          f"{'PostgreSQL' if opts.database_url else 'SQLite'} | webhook channel\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
        os.environ["TODO_HOME"] = tmp  # nothing may touch the user's own todo files
        for n in counts:
            with pg_schema(opts.database_url) as url:
                count_opts = argparse.Namespace(**{**vars(opts), "database_url": url})
                bench.section(f"{n} `todo worker notify` process(es), embedded log",
                              lambda rows, _notes, n=n, o=count_opts:
                              run_count(n, o, Path(tmp), rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
