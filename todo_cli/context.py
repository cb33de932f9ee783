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
    from core.service import TaskService


class _Invocation:
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.service: TaskService | None = None

    def close(self) -> None:
        if self.service is not None:
            _warn(self.service)
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
        from services.opener import open_service

        _current.service = open_service(settings())
    return _current.service


def warn_deferred() -> None:
    """Say on stderr why the work run after the last write failed (the write stands, and
    the next write runs that work again)."""
    if _current.service is not None:
        _warn(_current.service)


def _warn(svc: TaskService) -> None:
    if svc.deferred is not None:
        import sys

        sys.stderr.write(f"warning: {svc.deferred}\n")
