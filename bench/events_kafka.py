"""2. Kafka (Tansu) with the relay and the audit worker in threads: end-to-end events/s, live
delay split at the outbox's `sent`, and each stage alone on a backlog.

    .venv/bin/python bench/events_kafka.py [--events 20000] [--partitions 3] [--profile]
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # bench/ is a folder of scripts, not a package: import its sibling by path
from events_harness import (
    DELAY_TARGET,
    KAFKA_RATE_TARGET,
    WARMUP_TIMEOUT,
    CpuMeter,
    LiveProducer,
    Options,
    Row,
    Workers,
    audit_times,
    check_audited,
    delay_row,
    delays_of,
    distribution,
    import_batches,
    kafka_env,
    producer_profile,
    progress,
    rate_row,
    relay_times,
    settings_for,
    wait_until,
    warm_up,
)
from events_report import (
    in_code,
    print_profiles,
)

from core import open_service
from core.eventlog import EventLog
from services.devbroker import TansuBroker


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


if __name__ == "__main__":
    import events  # the runner: preamble, this section's table, the settings used

    sys.exit(events.main(["--sections", "kafka", *sys.argv[1:]]))
