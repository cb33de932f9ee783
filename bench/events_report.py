"""What an event benchmark prints around its tables: the preamble (versions, sizes, source),
the settings block, per-thread profiles, and the arguments every events script takes."""

from __future__ import annotations

import argparse
import cProfile
import importlib.metadata
import inspect
import io
import os
import platform
import pstats
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from events_harness import (  # bench/ is a folder of scripts: siblings are imported by path
    IMPORT_SIZE,
    ROOT,
    SECTIONS,
    BenchTimeout,
    Options,
    Row,
    table,
)

from services.devbroker import BrokerError, tansu_binary

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
    parser = argparse.ArgumentParser(
        description="Events through todo's workers: throughput, commit-to-audit delay and "
        "reminder lateness."
    )
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
