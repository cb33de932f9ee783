"""Builds the settings and the service once per command invocation.

The root callback calls `begin()` on every invocation (CliRunner tests run many in one
process), and the service is opened only when a command first asks for it, so commands
that need no database never open one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from config.settings import Settings
    from core.schemas import TaskRead
    from core.service import TaskService


class _Invocation:
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.service: TaskService | None = None

    def close(self) -> None:
        if self.service is not None:
            drain()
            self.service.close()
            self.service = None


_current = _Invocation()


def begin(ctx: typer.Context) -> None:
    """Start a fresh invocation; its service is closed when the command ends."""
    global _current
    _current = _Invocation()
    ctx.call_on_close(_current.close)


def settings() -> Settings:
    """The effective settings, loaded once per invocation."""
    if _current.settings is None:
        from config.settings import load_settings

        _current.settings = load_settings()
    return _current.settings


def service() -> TaskService:
    """The task service, opened on first use."""
    if _current.service is None:
        from core import open_service

        _current.service = open_service(settings())
    return _current.service


def drain() -> list[TaskRead]:
    """Run the recurrence and audit consumers over new events, in-process (embedded log only).

    Returns the task instances the recurrence consumer created. A failure here does not
    undo the command: the consumers' positions stay put and the next command that writes
    retries. A command that wrote nothing skips it (its import and queries cost ~4 ms).
    """
    svc = _current.service
    if svc is None or not svc.store.wrote or settings().kafka.bootstrap_servers:
        return []
    from services.embedded import run_inline_or_defer

    created, deferred = run_inline_or_defer(svc)
    if deferred is not None:
        import sys

        sys.stderr.write(f"warning: {deferred}\n")
    return created

