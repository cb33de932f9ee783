"""The audit consumer: every valid event becomes one append-only audit row.

An event of an unknown type, without an owner, or about a task its owner does not have
raises InvalidEvent: the consumer loop (and the CLI's drain) dead-letters it, as it does an
event the recurrence consumer cannot apply, instead of storing a forged history row.
"""

from __future__ import annotations

from typing import Any

from core import drain
from core.service import TaskService


class AuditConsumer:
    """Records who changed what and when, with old and new values, for every event."""

    group = drain.AUDIT
    topic: str | None = None

    def __init__(self, service: TaskService) -> None:
        self.service = service

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Append the batch to the audit log in one transaction (replays record nothing);
        InvalidEvent if an event in it is not one todo could have written."""
        self.service.record_audit(batch, self.group)
