"""What the worker loops report as they go, for metrics and health (services.metrics).

The loops hold an `Observer`; without `--metrics-port` it is `NULL`, which does nothing, so
a worker without metrics never imports prometheus_client.
"""

from __future__ import annotations

from typing import Any, Protocol


class Observer(Protocol):
    """Receives a loop's heartbeat and outcomes."""

    def tick(self) -> None:
        """The loop went round once (the heartbeat behind /healthz)."""
        ...

    def polled(self, envelopes: list[dict[str, Any]]) -> None:
        """A batch is about to be applied (a consumer's observer notes which are replays)."""
        ...

    def event(self, envelope: dict[str, Any] | None, result: str, seconds: float) -> None:
        """One message's outcome: applied, retried or dead-lettered."""
        ...

    def published(self, count: int) -> None:
        """The relay marked `count` outbox rows sent."""
        ...

    def delivery(self, channel: str, result: str) -> None:
        """One reminder delivery attempt's outcome on one channel."""
        ...


class _Null:
    """The observer when metrics are off."""

    def tick(self) -> None:
        """Nothing to do."""

    def polled(self, envelopes: list[dict[str, Any]]) -> None:
        """Nothing to do."""

    def event(self, envelope: dict[str, Any] | None, result: str, seconds: float) -> None:
        """Nothing to do."""

    def published(self, count: int) -> None:
        """Nothing to do."""

    def delivery(self, channel: str, result: str) -> None:
        """Nothing to do."""


NULL: Observer = _Null()
