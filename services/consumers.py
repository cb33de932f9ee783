"""What a consumer is: a group name, the topic it reads, and an idempotent batch handler."""

from __future__ import annotations

from typing import Any, Protocol


class Consumer(Protocol):
    """Applies events; applying the same event twice must change nothing the second time."""

    group: str
    topic: str | None  # None: every topic

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Apply these CloudEvents envelopes, in order; raise to have them retried."""
        ...
