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
    # `services.embedded.run_inline`, whose common case, one transaction, loads `core.drain`
    # alone: the consumers, the log and the leases are imported on the first write that
    # needs the lease-taking way (~0.1 ms a module). Read-only commands load none of it.
    from core.drain import settle

    now = service.now()
    left = settle(service.store, service.owner, now)
    if left == []:
        return []
    from services.embedded import finish

    return finish(service, now, left)
