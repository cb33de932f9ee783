"""What the Kafka clients report, kept without the SDK: delivery reports (which records the
broker acknowledged, which failed), and logging that does not repeat itself while a broker
is down."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from services.topics import TopicWatch
from services.transport import DeliveryError

log = logging.getLogger("services.kafka")
_client_log = logging.getLogger("services.kafka.librdkafka")

#: How often a repeated non-fatal client error (broker down, ...) is logged again.
REPEAT_LOG_S = 30.0


class ClientError(Protocol):
    """The part of confluent_kafka.KafkaError the logging needs."""

    def code(self) -> int: ...

    def fatal(self) -> bool: ...

    def str(self) -> str: ...


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """One record the broker did not acknowledge, and why."""

    topic: str
    partition: int | None
    key: bytes | None
    error: str


class KafkaDeliveryError(DeliveryError):
    """Records were not acknowledged; `failures` lists them in the order they were reported."""

    def __init__(self, failures: Iterable[FailedRecord], reason: str = "") -> None:
        self.failures = tuple(failures)
        shown = "; ".join(
            f"{f.topic}[{f.key.decode(errors='replace') if f.key else ''}]: {f.error}"
            for f in self.failures[:5]
        )
        more = f" (and {len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
        head = reason or f"{len(self.failures)} record(s) not delivered"
        super().__init__(f"{head}: {shown}{more}" if shown else head)


class Deliveries:
    """The delivery reports of one sink. Acknowledgements count whichever producer they came
    from; failures only from the current one (`generation`): a producer that was replaced
    had its records reported already, and its late reports must not fail its successor."""

    def __init__(self) -> None:
        self.generation = 0
        self.failures: list[FailedRecord] = []
        self._acked: list[int] = []

    def next_generation(self) -> int:
        """A new producer starts: forget the failures of the old one."""
        self.generation += 1
        self.failures.clear()
        return self.generation

    def acked(self, ref: int | None) -> None:
        """The broker acknowledged the record carrying `ref`."""
        if ref is not None:
            self._acked.append(ref)

    def failed(self, generation: int, record: FailedRecord) -> None:
        """A record of producer `generation` was not delivered."""
        if generation == self.generation:
            self.failures.append(record)

    def take_acked(self) -> list[int]:
        """The refs acknowledged since the last call, in report order."""
        acked, self._acked = self._acked, []
        return acked

    def error(self, reason: str = "") -> KafkaDeliveryError:
        """The failures so far as one error; they are forgotten."""
        failures, self.failures = self.failures, []
        return KafkaDeliveryError(failures, reason)


class ClientErrors:
    """What one client's error callback saw: the first fatal error, and the errors that put
    the topics at risk (`at_risk` codes make `watch` check them again). Non-fatal errors are
    logged, each kind at most once per REPEAT_LOG_S (they repeat while a broker is down)."""

    def __init__(self, who: str, watch: TopicWatch, at_risk: Collection[int]) -> None:
        self._who = who
        self._watch = watch
        self._at_risk = at_risk
        self._last: dict[int, float] = {}
        self.fatal: str | None = None

    def seen(self, error: ClientError) -> None:
        """Take one error from the client (its error_cb, or an error message it returned)."""
        if error.code() in self._at_risk:
            self._watch.lost(error.str())
        if error.fatal():
            self.fatal = self.fatal or error.str()
            log.error("Kafka %s fatal error: %s", self._who, error.str())
            return
        now = time.monotonic()
        if now - self._last.get(error.code(), -REPEAT_LOG_S) >= REPEAT_LOG_S:
            self._last[error.code()] = now
            log.warning("Kafka %s: %s", self._who, error.str())


class _DebugLog:
    """Receives librdkafka's own log lines (which repeat every reconnect attempt while a
    broker is down) and passes them to Python logging at DEBUG. The errors that matter also
    reach `error_cb`, which logs each kind once per REPEAT_LOG_S."""

    def log(self, level: int, msg: str, *args: object) -> None:
        del level
        _client_log.debug(msg, *args)


def with_logging(config: Mapping[str, Any]) -> dict[str, Any]:
    """librdkafka logs to Python logging (at DEBUG) instead of raw stderr."""
    return {"logger": _DebugLog(), **config}
