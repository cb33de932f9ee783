"""Prometheus metrics and health probes of a worker process: /metrics, /healthz, /readyz.

The only module that imports `prometheus_client`, and only `todo worker ... --metrics-port`
loads it. One `Metrics` per process owns a registry of its own (the todo_* metrics plus the
process and platform collectors), the loops' heartbeats and a small threaded HTTP server.
Each loop gets a `PartObserver` (services.observer.Observer) that feeds them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from config.settings import Settings
from core import events
from core.errors import BadInput
from core.eventlog import EventLog
from services.probes import Probes

#: Seconds from a reminder's time to its delivery: alerts look at p99 above 5 s.
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
#: The loop's word for an outcome -> the `result` label.
_RESULTS = {"applied": "applied", "retried": "retried", "dead-lettered": "dead_lettered"}

disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created only doubles a scrape


class Metrics:
    """The registry, the heartbeats and the HTTP server of one worker process."""

    def __init__(self, probes: Probes, stall_s: float) -> None:
        self.probes = probes
        self.stall_s = stall_s
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        reg = self.registry
        self.processed = Counter(
            "todo_events_processed", "Events handled by a consumer group, by type and result "
            "(applied, duplicate, retried, dead_lettered).", ["group", "type", "result"],
            registry=reg)
        self.handle_seconds = Histogram(
            "todo_event_handle_seconds", "Time from poll to commit of one event.", ["group"],
            registry=reg)
        self.relay_published = Counter(
            "todo_relay_published", "Outbox rows the relay published and marked sent.",
            registry=reg)
        self.dead_letters = Counter(
            "todo_dead_letters", "Events a consumer group gave up on.", ["group"], registry=reg)
        self.lateness = Histogram(
            "todo_reminder_lateness_seconds", "From a reminder's time to its delivery.",
            buckets=LATENESS_BUCKETS, registry=reg)
        self.deliveries = Counter(
            "todo_deliveries", "Reminder deliveries by channel and result.",
            ["channel", "result"], registry=reg)
        reg.register(_Gauges(probes))
        self._beats: dict[str, float] = {}
        self._server: ThreadingHTTPServer | None = None

    def part(self, name: str, group: str | None = None,
             applied: Callable[[list[str]], set[str]] | None = None) -> PartObserver:
        """The observer of one loop; `applied` tells which event ids were applied before."""
        self._beats[name] = time.monotonic()
        if group is not None:
            self.dead_letters.labels(group)  # exported as 0 from the start, for alerts
        return PartObserver(self, name, group or name, applied)

    def attach(self, parts: list[Any]) -> None:
        """Give each loop (Runner, Relay, Scheduler) its observer; register consumers' sources."""
        for part in parts:
            consumer = getattr(part, "consumer", None)
            if consumer is None:  # the relay or the scheduler
                part.observer = self.part(type(part).__name__.lower())
                continue
            service = getattr(consumer, "service", None)
            applied = None if service is None else partial(EventLog(service.store).applied,
                                                           consumer.group)
            observer = self.part(consumer.group, consumer.group, applied)
            observer.delivers = consumer.topic == events.REMINDER_TOPIC
            part.observer = consumer.observer = observer
            self.probes.sources[consumer.group] = part.source

    def beat(self, name: str) -> None:
        """Record that loop `name` went round."""
        self._beats[name] = time.monotonic()

    def stalled(self) -> str | None:
        """Which loop has not gone round within `stall_s`, or None."""
        now = time.monotonic()
        for name, last in sorted(self._beats.items()):
            if now - last > self.stall_s:
                return f"{name} has not run for {now - last:.0f} s"
        return None

    def scrape(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)

    def serve(self, host: str, port: int) -> int:
        """Serve the probes and /metrics on a daemon thread; returns the bound port."""
        try:
            server = ThreadingHTTPServer((host, port), _handler(self))
        except OSError as exc:
            reason = exc.strerror or exc
            raise BadInput(f"cannot serve metrics on {host}:{port}: {reason}") from None
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
        return int(server.server_address[1])

    def close(self) -> None:
        """Stop the server and close the probes' connection."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self.probes.close()


class PartObserver:
    """Feeds one loop's heartbeat and outcomes into the process's metrics."""

    def __init__(self, metrics: Metrics, name: str, group: str,
                 applied: Callable[[list[str]], set[str]] | None) -> None:
        self.metrics = metrics
        self.name = name
        self.group = group
        self.applied = applied
        self.delivers = False
        """Whether applying a due reminder delivers it (the reminders topic's consumer)."""
        self._replays: set[str] = set()

    def tick(self) -> None:
        """The loop went round."""
        self.metrics.beat(self.name)

    def polled(self, envelopes: list[dict[str, Any]]) -> None:
        """Note which events of the batch the group applied before (they count as duplicates)."""
        ids = [str(e.get("id")) for e in envelopes]
        self._replays = self.applied(ids) if self.applied is not None and ids else set()

    def event(self, envelope: dict[str, Any] | None, result: str, seconds: float) -> None:
        """Count one outcome; time applied and dead-lettered events."""
        label = _RESULTS.get(result, result)
        kind = "unknown" if envelope is None else str(envelope.get("type") or "unknown")
        if label == "applied" and envelope is not None and envelope.get("id") in self._replays:
            label = "duplicate"
        m = self.metrics
        m.processed.labels(self.group, kind, label).inc()
        if label == "retried":
            return
        m.handle_seconds.labels(self.group).observe(seconds)
        if label == "dead_lettered":
            m.dead_letters.labels(self.group).inc()
        elif label == "applied" and kind == events.REMINDER_DUE and self.delivers and envelope:
            at = envelope["data"]["reminder"].get("at")
            if at:
                due = datetime.fromisoformat(at)
                due = due if due.tzinfo is not None else due.replace(tzinfo=UTC)
                late = datetime.now(UTC) - due
                m.lateness.observe(max(late.total_seconds(), 0.0))

    def published(self, count: int) -> None:
        """The relay marked `count` rows sent."""
        self.metrics.relay_published.inc(count)

    def delivery(self, channel: str, result: str) -> None:
        """One delivery outcome on one channel."""
        self.metrics.deliveries.labels(channel, result).inc()


class _Gauges(Collector):
    """The gauges read at scrape time: consumer lag and outbox backlog."""

    def __init__(self, probes: Probes) -> None:
        self.probes = probes

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("todo_consumer_lag", "Events waiting for a consumer group.",
                                labels=["group", "partition"])
        backlog = GaugeMetricFamily(
            "todo_outbox_backlog",
            "Kafka: outbox rows not yet published; embedded log: the largest group backlog.")
        try:
            for (group, partition), count in sorted(self.probes.lag().items()):
                lag.add_metric([group, partition], count)
            backlog.add_metric([], self.probes.outbox_backlog())
        except Exception:  # the database is away: /readyz says so; the scrape still answers
            pass
        yield lag
        yield backlog


def _handler(metrics: Metrics) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, metrics.scrape(), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                self._verdict(metrics.stalled(), "alive")
            elif path == "/readyz":
                self._verdict(metrics.probes.ready(), "ready")
            else:
                self._send(404, b'{"status": "not found"}\n', "application/json")

        def _verdict(self, reason: str | None, good: str) -> None:
            body: dict[str, str] = {"status": good} if reason is None else {
                "status": "not " + good, "reason": reason}
            self._send(200 if reason is None else 503, (json.dumps(body) + "\n").encode(),
                       "application/json")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(ConnectionError):  # the prober gave up waiting: nothing to tell
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Probes every few seconds would drown the worker's own log."""

    return Handler


def start(settings: Settings) -> Metrics:
    """A Metrics for this worker process, already serving on worker.metrics_host/port."""
    worker = settings.worker
    assert worker.metrics_port is not None
    metrics = Metrics(Probes(settings), worker.stall_s)
    metrics.serve(worker.metrics_host, worker.metrics_port)
    return metrics

