"""Where every interface opens the service: the one place the embedded drain is wired.

With no Kafka configured, the recurrence and audit consumers run in-process after each
committed write (an after-commit hook, `core.unit_of_work`), so one user needs no daemon:
completing a recurring task makes its next instance at once, whichever interface completed
it. With Kafka, the workers consume the relayed events and no hook is registered. Workers
open core's service directly: they are the consumers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings
    from core.schemas import TaskRead
    from core.service import TaskService


def open_service(
    settings: Settings, clock: Callable[[], datetime] | None = None, migrate: bool = True
) -> TaskService:
    """The service for an interface (CLI, TUI, chat, MCP), with the embedded log's consumers
    run after each committed write unless Kafka carries the events."""
    from core import open_service as open_core

    hooks = () if settings.kafka.bootstrap_servers else (_embedded_consumers,)
    return open_core(settings, clock, migrate, after_commit=hooks)


def _embedded_consumers(service: TaskService) -> list[TaskRead]:
    # Imported on the first write only: read-only commands never load the consumers.
    from services.embedded import run_inline

    return run_inline(service)
