"""What /readyz checks and what the lag and backlog gauges read, without prometheus_client.

The probes run in the metrics server's threads, so they use a database connection of their
own (opened lazily, reopened after a fault) and ask the consumers' sources only what those
can answer without the broker (Kafka: cached watermarks and positions).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO

from config.settings import Settings
from core import migrations
from core.errors import StorageError
from core.eventlog import EventLog
from core.store import Store

#: How long /readyz waits for the broker's metadata answer (below a probe's usual 3 s).
BROKER_TIMEOUT_S = 2.0


class Probes:
    """Readiness and the lag and backlog gauges of one worker process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.kafka = bool(settings.kafka.bootstrap_servers)
        self.sources: dict[str, Any] = {}
        """Each consumer group's source, registered as the parts are built."""
        self._store: Store | None = None
        self._lock = threading.Lock()

    def ready(self) -> str | None:
        """Why this worker is not ready, or None when it is."""
        try:
            revision = self._db(lambda store: store.schema_revision())
        except StorageError as exc:
            return f"database unreachable: {exc}"
        if revision != migrations.HEAD:
            return behind(revision)
        if not self.kafka:
            return None
        from services import kafka
        from services.topics import EventStreamError

        try:
            kafka.topic_partitions(self.settings.kafka, timeout=BROKER_TIMEOUT_S)
        except EventStreamError as exc:
            return f"Kafka unreachable: {exc}"
        for group, source in sorted(self.sources.items()):
            if not _joined(source):
                return f"consumer {group} has not joined its group yet"
        return None

    def lag(self) -> dict[tuple[str, str], int]:
        """(group, partition) -> events waiting. Kafka: high watermark - position per assigned
        partition ("TOPIC:N"); embedded log: the group's backlog, partition "0"."""
        found: dict[tuple[str, str], int] = {}
        for group, source in sorted(self.sources.items()):
            if self.kafka:
                for (topic, part), count in _kafka_lag(source).items():
                    found[(group, f"{topic}:{part}")] = count
            else:
                found[(group, "0")] = self._backlog(group, source.topic)
        return found

    def _backlog(self, group: str, topic: str | None) -> int:
        return int(self._db(lambda store: EventLog(store).backlog(group, topic)))

    def outbox_backlog(self) -> int:
        """Kafka: outbox rows the relay has still to publish; embedded log: the largest
        backlog of this process's consumer groups (their outbox is the log)."""
        if self.kafka:
            return int(self._db(lambda store: EventLog(store).unsent_count()))
        return max(self.lag().values(), default=0)

    def close(self) -> None:
        """Close the probes' connection."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def _db(self, read: Callable[[Store], Any]) -> Any:
        with self._lock, self._connection() as store:
            return read(store)

    @contextmanager
    def _connection(self) -> Iterator[Store]:
        if self._store is None:
            db = self.settings.database
            self._store = Store(db.url, db.busy_timeout_ms, migrate=False)
        try:
            yield self._store
        except StorageError:
            store, self._store = self._store, None  # reconnect on the next probe
            with suppress(Exception):  # a broken connection may not close: it is dropped anyway
                store.close()
            raise


def behind(revision: str | None) -> str:
    """The reason a worker gives while the schema is not the one it was built for."""
    at = revision or "empty"
    return f"schema behind: database at {at}, workers need {migrations.HEAD} (run todo db upgrade)"


def wait_for_schema(settings: Settings, stopping: threading.Event, out: TextIO,
                    every_s: float = 2.0) -> None:
    """Kafka mode: wait until `todo db upgrade` brought the schema to head (or a stop);
    replicas never migrate on start, so they never race each other."""
    db = settings.database
    said = False
    while not stopping.is_set():
        store = Store(db.url, db.busy_timeout_ms, migrate=False)
        try:
            revision = store.schema_revision()
        finally:
            store.close()
        if revision == migrations.HEAD:
            return
        if not said:
            line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "result": "waiting",
                    "reason": behind(revision)}
            out.write(json.dumps(line) + "\n")
            out.flush()
            said = True
        stopping.wait(every_s)


def _joined(source: Any) -> bool:
    try:
        return bool(source.joined())
    except Exception:  # a source closing under the probe has left its group
        return False


def _kafka_lag(source: Any) -> dict[tuple[str, int], int]:
    try:
        return dict(source.lag())
    except Exception:  # a source closing under the probe has no lag to report
        return {}
