"""The todo core: the one service API every interface calls.

Kept light to import: the CLI pays for every module loaded here on every command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, tzinfo
from typing import TYPE_CHECKING

from core.errors import BadInput, NotFound, NothingToDo, StorageError, TodoError
from core.lazy_names import loader
from core.priorities import Priority
from core.schemas import Status, TaskRead

if TYPE_CHECKING:
    from config.settings import Settings
    from core.changes import TaskUpdate
    from core.creation import TaskCreate
    from core.selection import TaskFilter
    from core.service import ServiceHook, TaskService

__all__ = [
    "BadInput", "NotFound", "NothingToDo", "Priority", "Status", "StorageError",
    "TaskCreate", "TaskFilter", "TaskRead", "TaskUpdate", "TodoError", "open_service",
]
_INPUTS = {"TaskCreate": "creation", "TaskUpdate": "changes", "TaskFilter": "selection"}


# The input shapes, re-exported here, load on first use: a command that only lists never
# creates TaskCreate or TaskUpdate, nor a plain add TaskFilter.
__getattr__ = loader("core", _INPUTS, globals())


def open_service(
    settings: Settings,
    clock: Callable[[], datetime] | None = None,
    migrate: bool = True,
    after_commit: Sequence[ServiceHook] = (),
) -> TaskService:
    """Open the store named by the settings (migrating it if needed, unless `migrate` is False:
    Kafka workers leave that to `todo db upgrade`) and return the service; `after_commit`
    hooks run after each committed write (interfaces open through `services.opener`, which
    registers the embedded log's consumers)."""
    from core.service import TaskService
    from core.store import Store

    store = Store(settings.database.url, settings.database.busy_timeout_ms, migrate)
    return TaskService(store, settings.user, user_zone(settings), clock,
                       _all_day_time(settings), after_commit)


def _all_day_time(settings: Settings) -> time:
    try:
        return time.fromisoformat(settings.reminders.all_day_time)
    except ValueError:
        raise BadInput(
            f"setting 'reminders.all_day_time' must be a time like 09:00, "
            f"not '{settings.reminders.all_day_time}'"
        ) from None


def user_zone(settings: Settings) -> tzinfo:
    """The zone for showing and parsing dates: the `timezone` setting, else TZ, else the system."""
    from core import dates

    if settings.timezone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(settings.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown timezone '{settings.timezone}' in setting 'timezone'"
            raise BadInput(message) from None
    return dates.local_zone()
