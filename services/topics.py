"""Kafka topics without the SDK: names, partition checks, and when to check them again.

`services.kafka` (the only module that imports confluent_kafka) talks to the broker; this
module holds what needs no broker, so it is cheap to import and to test.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from config.settings import KafkaSettings
from core.errors import TodoError

log = logging.getLogger("services.kafka")


class EventStreamError(TodoError):
    """Kafka is misconfigured, unreachable or failed in a way a worker cannot carry on from."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class Topics:
    """The topic names for one prefix."""

    task_events: str
    reminders: str
    dlq: str

    def all(self) -> tuple[str, str, str]:
        """Every topic, task events first."""
        return (self.task_events, self.reminders, self.dlq)


def topic_names(settings: KafkaSettings) -> Topics:
    """kafka.topic_prefix + task-events / reminders / dlq."""
    prefix = settings.topic_prefix
    return Topics(f"{prefix}task-events", f"{prefix}reminders", f"{prefix}dlq")


@dataclass(frozen=True, slots=True)
class TopicState:
    """One of our topics as the broker has it: `partitions` is None when it does not exist."""

    name: str
    partitions: int | None
    wanted: int

    @property
    def ok(self) -> bool:
        """The topic exists with kafka.partitions partitions."""
        return self.partitions == self.wanted

    def describe(self) -> str:
        """One line for `todo worker status` and the logs."""
        if self.partitions is None:
            return f"missing (kafka.partitions is {self.wanted})"
        if self.ok:
            return f"{self.partitions} partitions"
        return (f"{self.partitions} partitions, but kafka.partitions is {self.wanted}: "
                "per-key order and consumer parallelism follow the topic, not the setting")


def topic_states(settings: KafkaSettings, found: Mapping[str, int]) -> list[TopicState]:
    """Our three topics compared with `found` (topic name -> partition count on the broker)."""
    return [
        TopicState(name, found.get(name), settings.partitions)
        for name in topic_names(settings).all()
    ]


def warn_mismatches(states: list[TopicState]) -> None:
    """Log each topic whose partition count differs from the setting (it is kept as it is:
    changing it would move keys to other partitions)."""
    for state in states:
        if state.partitions is not None and not state.ok:
            log.warning("topic %s has %s; the topic is kept as it is", state.name,
                        state.describe())


class TopicWatch:
    """Runs `ensure` (create or check the topics) when a client starts, and again whenever the
    broker was lost or a topic was reported missing: a broker that comes back may have lost
    its topics (Tansu's memory storage, a rebuilt cluster), and clients must not let a
    producer's metadata request auto-create them with the broker's default partition count.

    `check` is called from the client's own loop, never from a librdkafka callback; while
    `ensure` fails it is tried again every `retry_s` seconds.
    """

    def __init__(
        self, ensure: Callable[[], None], retry_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ensure = ensure
        self._retry_s = retry_s
        self._clock = clock
        self._why: str | None = "client start"
        self._next_try = 0.0

    @property
    def pending(self) -> bool:
        """A check is due (or being retried)."""
        return self._why is not None

    def lost(self, why: str) -> None:
        """The broker went away or a topic is missing: check the topics once it answers."""
        if self._why is None:
            self._why = why

    def check(self) -> None:
        """Run the pending check if it is time; a failure is logged and retried later."""
        if self._why is None or self._clock() < self._next_try:
            return
        try:
            self._ensure()
        except EventStreamError as exc:
            self._next_try = self._clock() + self._retry_s
            log.debug("topics not checked yet (%s): %s", self._why, exc)
            return
        if self._why != "client start":
            log.info("topics created or checked again after: %s", self._why)
        self._why = None
