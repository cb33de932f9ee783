"""2b. Kafka, the deployed layout: `todo worker relay` and `todo worker audit` as processes of
their own, N tasks produced by `todo import` processes; end-to-end events/s.

    .venv/bin/python bench/events_processes.py [--events 20000] [--import-size 5000]
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # bench/ is a folder of scripts, not a package: import its sibling by path
from events_harness import (
    KAFKA_RATE_TARGET,
    ROOT,
    SESSION_TIMEOUT_MS,
    SHOWN_SETTINGS,
    STOP_TIMEOUT,
    TODO,
    USER,
    WARMUP_TIMEOUT,
    BenchTimeout,
    CpuMeter,
    Options,
    Row,
    _stat_cpu,
    audit_count,
    kafka_env,
    progress,
    rate_row,
    relay_times,
    wait_until,
)

from config.settings import Settings, effective_values, load_settings
from core import open_service
from core.eventlog import EventLog
from core.service import TaskService
from services.devbroker import TansuBroker

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


if __name__ == "__main__":
    import events  # the runner: preamble, this section's table, the settings used

    sys.exit(events.main(["--sections", "kafka-processes", *sys.argv[1:]]))
