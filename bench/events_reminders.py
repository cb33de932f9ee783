"""3. Reminder lateness: the notify worker delivers R reminders to a local webhook, embedded
(3a) and through the relay and Kafka (3b).

    .venv/bin/python bench/events_reminders.py [--reminders 200] [--spread 10] [--no-kafka]
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from events_harness import (
    LATENESS_TARGET,
    WARMUP_TIMEOUT,
    CpuMeter,
    Options,
    Row,
    Workers,
    delay_row,
    distribution,
    kafka_env,
    progress,
    settings_for,
    wait_until,
)
from events_report import (
    print_profiles,
)

from core import open_service
from core.creation import TaskCreate
from core.schemas import ReminderRead, ReminderState
from core.service import TaskService
from core.store import read_dt
from services.devbroker import TansuBroker

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


if __name__ == "__main__":
    import events  # the runner: preamble, this section's table, the settings used

    sys.exit(events.main(["--sections", "reminders", *sys.argv[1:]]))
