"""TUI fixtures: the real app, built by the same factory the CLI uses, over a real database.

The service runs on a fixed clock (Sunday 2026-11-22 10:00 Berlin) so relative dates and
snapshots never change; inputs do not blink. The poll timer is slow unless a test is about
live updates: every mutation the app makes already reads the log right after it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from config.settings import Settings
from core import open_service
from core.service import TaskService
from services import opener
from tests.conftest import Clock, make_settings
from todo_cli.tui import build_app
from todo_cli.tui.app import TodoApp
from todo_cli.tui.widgets.task_table import TaskTable

SIZE = (100, 30)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database the store has created and migrated, once per session."""
    path = tmp_path_factory.mktemp("tui-template") / "todo.db"
    open_service(make_settings(f"sqlite:///{path}")).close()
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_db: Path) -> Settings:
    """Settings for user alice on a fresh SQLite file (a copy of the migrated template, so
    no test pays for the migrations)."""
    shutil.copy2(migrated_db, tmp_path / "todo.db")
    return make_settings(f"sqlite:///{tmp_path / 'todo.db'}")


@pytest.fixture
def service(settings: Settings, clock: Clock) -> Iterator[TaskService]:
    """The service the app is given, opened as `todo tui` opens it (the embedded consumers run
    after each write); tests read core's state back through it."""
    svc = opener.open_service(settings, clock=clock)
    yield svc
    svc.close()


def build(svc: TaskService, settings: Settings, clock: Clock, poll_s: float = 60.0) -> TodoApp:
    """The app from the factory `todo tui` uses, on the test clock, without cursor blink."""
    return build_app(svc, settings, clock, cursor_blink=False, poll_s=poll_s)


MakeApp = Callable[[], TodoApp]


@pytest.fixture
def make_app(service: TaskService, settings: Settings, clock: Clock) -> MakeApp:
    """Builds the app over `service`. Call it once the test's tasks are in: the factory
    starts reading the first view at once, as `todo tui` does."""
    return lambda: build(service, settings, clock)


async def settle(pilot: Pilot[None]) -> None:
    """Let workers and the table's loader finish and their messages land (one may start
    another)."""
    app = pilot.app
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
        while isinstance(app, TodoApp) and app.loading:
            await pilot.pause(0.005)
    await pilot.pause()


def titles(app: TodoApp) -> list[str]:
    """The titles in the task table, top to bottom."""
    return [t.title for t in app.query_one(TaskTable).tasks]


def seed(svc: TaskService) -> None:
    """A small, varied task list (the clock is Sunday 2026-11-22 10:00)."""
    svc.add_text("pay rent today #home !high")
    svc.add_text("file taxes by fri #finance p2")
    svc.add_text("water plants every day at 9am remind me 30m before #home")
    svc.add_text("call mum tomorrow at 6pm #family")
    svc.add_text("renew passport 2026-11-20 #admin !low")
    svc.add_text("read a book")
