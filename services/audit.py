"""The audit consumer: every event becomes one append-only audit row."""

from __future__ import annotations

from typing import Any

from core.service import TaskService


class AuditConsumer:
    """Records who changed what and when, with old and new values, for every event."""

    group = "audit"
    topic: str | None = None

    def __init__(self, service: TaskService) -> None:
        self.service = service

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Append the batch to the audit log in one transaction (replays record nothing)."""
        self.service.record_audit(batch, self.group)
