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

Each section is a module of its own, runnable alone (bench/events_embedded.py,
events_kafka.py, events_processes.py, events_reminders.py); bench/events_harness.py holds what
they share. This script runs the sections asked for (all by default).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is a folder of scripts, not a package: import the siblings by path
from events_embedded import bench_embedded
from events_harness import (
    Options,
    progress,
    start_broker,
)
from events_kafka import bench_kafka_all
from events_processes import bench_kafka_processes
from events_reminders import bench_reminders
from events_report import (
    parse_args,
    preamble,
    section,
    settings_block,
)

from services.devbroker import BrokerError, TansuBroker


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
