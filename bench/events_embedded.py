"""1. Embedded log: the audit worker's events/s on a backlog, `services.embedded.drain` on the
same backlog (the CLI's after-command path), and commit-to-audit delay in live mode.

    .venv/bin/python bench/events_embedded.py [--events 20000] [--live-seconds 10]
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # bench/ is a folder of scripts, not a package: import its sibling by path
from events_harness import (
    DELAY_TARGET,
    CpuMeter,
    LiveProducer,
    Options,
    Row,
    Workers,
    audit_times,
    check_audited,
    copy_database,
    delay_row,
    delays_of,
    import_batches,
    producer_profile,
    progress,
    rate_row,
    settings_for,
    wait_until,
    warm_up,
)
from events_report import (
    print_profiles,
)

from core import open_service
from core.eventlog import EventLog
from services.audit import AuditConsumer
from services.embedded import drain

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


if __name__ == "__main__":
    import events  # the runner: preamble, this section's table, the settings used

    sys.exit(events.main(["--sections", "embedded", *sys.argv[1:]]))
