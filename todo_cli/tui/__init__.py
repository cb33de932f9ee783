"""The full-screen TUI (Textual). The only package that imports textual, and not here:
`build_app` starts reading the first view before Textual is imported, so the two overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings
    from core.service import TaskService
    from todo_cli.tui.app import TodoApp


def build_app(
    service: TaskService,
    settings: Settings,
    clock: Callable[[], datetime] | None = None,
    *,
    cursor_blink: bool = True,
    poll_s: float | None = None,
) -> TodoApp:
    """The TUI over `service`, as `todo tui` runs it (tests pass a clock, no blink and a
    slower poll). The chat pane gets a service of its own, opened here the way every
    interface opens one (`services.opener`), on the same database and clock."""
    from services.opener import open_service
    from todo_cli.tui.backend import Backend
    from todo_cli.tui.views import first_filter

    backend = Backend(service)
    context = service.views.context()  # the session's context (`todo context`)
    backend.context = None if context is None else (context.name, context.expression)
    now = clock() if clock is not None else service.now()
    backend.warm_up(first_filter(now.astimezone(service.tz),
                                 None if context is None else context.expression))
    chat_service = open_service(settings, clock, migrate=False)  # `service` migrated it
    from todo_cli.tui.app import POLL_S, TodoApp

    app = TodoApp(service, settings, clock, cursor_blink=cursor_blink,
                  poll_s=POLL_S if poll_s is None else poll_s, backend=backend,
                  chat_service=chat_service)
    if context is not None:  # the title says the session is within it
        from core.text import visible

        app.title = f"{app.title} · context: {visible(context.name)}"
    return app


def run(service: TaskService, settings: Settings) -> None:
    """Run the TUI until the user quits."""
    app = build_app(service, settings)
    try:
        app.run()
    finally:
        app.chat_service.close()
