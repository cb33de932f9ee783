"""The consumer loop, the same over the embedded log and over Kafka.

Poll with a short timeout; apply the event; store the offset only after the handler's
transaction committed. A failing event is retried with backoff a few times, then sent to
the dead-letter destination with the error and its origin, and the loop carries on. A
malformed message goes straight to the dead letters. `stop` (set by SIGTERM) lets the
current message finish; closing the source commits and leaves the group.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from core.events import check_envelope
from services import logs
from services.binding import envelope_of, is_binary
from services.consumers import Consumer
from services.observer import NULL, Observer
from services.transport import Message, Source

DeadLetter = Callable[[Message, str], None]
"""Keeps a message the loop gave up on; must raise if it could not keep it."""


@dataclass(frozen=True, slots=True)
class Policy:
    """How patiently a consumer treats failures."""

    retries: int = 3
    backoff_s: float = 0.5
    poll_timeout_s: float = 0.5
    batch: int = 500


class Runner:
    """Runs one consumer over one source until `stop` is set."""

    observer: Observer = NULL

    def __init__(
        self,
        source: Source,
        consumer: Consumer,
        dead_letter: DeadLetter,
        policy: Policy | None = None,
        log: TextIO | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.consumer = consumer
        self.dead_letter = dead_letter
        self.policy = policy or Policy()
        self.log = log if log is not None else sys.stderr
        self.sleep = sleep
        self.stop = threading.Event()
        self.handled = 0

    def run(self) -> None:
        """Poll and handle until stopped, then commit and leave."""
        try:
            while not self.stop.is_set():
                self.observer.tick()
                batch = self._poll_batch()
                if batch:
                    self.handle_batch(batch)
        finally:
            self.source.close()

    def _poll_batch(self) -> list[Message]:
        """What is waiting, up to `policy.batch` messages; blocks only for the first."""
        return self.source.poll_many(self.policy.batch, self.policy.poll_timeout_s)

    def handle_batch(self, messages: list[Message]) -> None:
        """Apply a batch in one consumer call (one transaction for batch-capable consumers).

        If the batch fails, its messages are handled one by one, in order, so only the failing
        one is retried and dead-lettered. Offsets are committed only in order: after the
        effects of the batch committed and its malformed messages were dead-lettered, so a
        crash at any point leaves no unapplied message behind the committed position.
        """
        started = time.monotonic()
        decoded = [(message, _decode_or_error(message)) for message in messages]
        good = [(m, e) for m, e in decoded if isinstance(e, dict)]
        self.observer.polled([envelope for _m, envelope in good])
        if good:
            try:
                self.consumer.apply([envelope for _m, envelope in good])
            except Exception:  # isolate the culprit: the one-by-one path retries and parks it
                for message in messages:
                    self.handle(message)
                return
        for message, result in decoded:
            if isinstance(result, str):
                self._give_up(message, result, None, started, commit=False)
        for message in _last_per_partition(messages):
            self.source.commit(message)
        self.handled += len(good)
        for message, envelope in good:
            self._record(message, envelope, "applied", started)

    def handle(self, message: Message) -> None:
        """Apply one message (or dead-letter it), then commit its offset."""
        started = time.monotonic()
        try:
            envelope = _decode(message)
        except ValueError as exc:
            self._give_up(message, f"malformed message: {exc}", None, started)
            return
        error = self._apply(envelope)
        if error is not None:
            self._give_up(message, error, envelope, started)
            return
        self.source.commit(message)
        self.handled += 1
        self._record(message, envelope, "applied", started)

    def _apply(self, envelope: dict[str, Any]) -> str | None:
        for attempt in range(self.policy.retries + 1):
            try:
                self.consumer.apply([envelope])
                return None
            except Exception as exc:  # a handler failure of any kind is retried, then parked
                if attempt == self.policy.retries:
                    return f"{type(exc).__name__}: {exc}"
                self.observer.event(envelope, "retried", 0.0)
                self.sleep(self.policy.backoff_s * 2**attempt)
        return None

    def _give_up(
        self, message: Message, error: str, envelope: dict[str, Any] | None, started: float,
        commit: bool = True,
    ) -> None:
        self.dead_letter(message, error)  # raises if the letter could not be kept: no commit
        if commit:
            self.source.commit(message)
        self._record(message, envelope, "dead-lettered", started, error)

    def _record(
        self,
        message: Message,
        envelope: dict[str, Any] | None,
        result: str,
        started: float,
        error: str | None = None,
    ) -> None:
        line: dict[str, Any] = {
            "group": self.consumer.group,
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "event": None if envelope is None else envelope.get("id"),
            "type": None if envelope is None else envelope.get("type"),
            "result": result,
            "ms": round((time.monotonic() - started) * 1000, 2),
        }
        if error is not None:
            line["error"] = error
        logs.write(self.log, line)
        self.observer.event(envelope, result, time.monotonic() - started)


def _last_per_partition(messages: list[Message]) -> list[Message]:
    last: dict[tuple[str, int], Message] = {}
    for message in messages:
        last[(message.topic, message.partition)] = message
    return list(last.values())


def _decode_or_error(message: Message) -> dict[str, Any] | str:
    """The envelope, or why the message is malformed."""
    try:
        return _decode(message)
    except ValueError as exc:
        return f"malformed message: {exc}"


def _decode(message: Message) -> dict[str, Any]:
    """The envelope of a message: binary mode from Kafka, structured from the embedded log."""
    if is_binary(message.headers):
        return envelope_of(message.headers, message.value)
    if message.value is None:
        raise ValueError("empty message")
    try:
        value = json.loads(message.value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    return check_envelope(value)
