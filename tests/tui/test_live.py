"""Live updates: another process changes the database; the app shows it without a keypress.
Also the PostgreSQL flow and `todo` opening the TUI on a real terminal (without a terminal it
still prints today's tasks: tests/cli/test_list.py)."""

from __future__ import annotations

import asyncio
import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest

from core import Status, TaskFilter, open_service
from core.service import TaskService
from services import opener
from tests.cli.helpers import TODO_BIN, cli_env, todo_process
from tests.conftest import Clock, make_settings
from tests.tui.conftest import SIZE, build, settle, titles
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable


@pytest.mark.asyncio
async def test_a_task_added_by_another_process_appears(tmp_path: Path, clock: Clock) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env(home)
    assert todo_process("add", "first", env=env).returncode == 0
    settings = make_settings(f"sqlite:///{home / 'todo.db'}", user="tester")
    service = open_service(settings, clock=clock)
    app = build(service, settings, clock, poll_s=0.2)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.query_one(Sidebar).highlighted = 3  # All
            await settle(pilot)
            assert titles(app) == ["first"]
            added = await asyncio.to_thread(todo_process, "add", "from elsewhere #ext", env=env)
            assert added.returncode == 0, added.stderr
            deadline = time.monotonic() + 5
            while "from elsewhere" not in titles(app) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            assert titles(app) == ["first", "from elsewhere"]
            waited = time.monotonic()
            sidebar = [str(o.prompt).split()[0] for o in app.query_one(Sidebar).options]
            while "#ext" not in sidebar and time.monotonic() < waited + 2:
                await pilot.pause(0.05)
                sidebar = [str(o.prompt).split()[0] for o in app.query_one(Sidebar).options]
            assert "#ext" in sidebar
    finally:
        service.close()


@pytest.mark.asyncio
@pytest.mark.postgres
async def test_flow_on_postgresql(pg_schema_url: str, clock: Clock) -> None:
    settings = make_settings(pg_schema_url)
    service: TaskService = opener.open_service(settings, clock=clock)  # as `todo tui` does
    try:
        service.add_text("water plants every day at 9am")
        app = build(service, settings, clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.query_one(Sidebar).highlighted = 3  # All
            await settle(pilot)
            await pilot.press("a", *"pay rent today #home", "enter")
            await settle(pilot)
            assert titles(app) == ["pay rent", "water plants"]
            app.query_one(TaskTable).cursor = 1
            await pilot.press("space")
            await settle(pilot)
            assert [t.id for t in app.query_one(TaskTable).tasks] == [2, 3]
            await pilot.press("u")
            await settle(pilot)
        assert service.get(1).status is Status.PENDING
        assert [t.title for t in service.list_tasks(TaskFilter())] == [
            "pay rent", "water plants"]
    finally:
        service.close()


_ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[a-zA-Z]")


def _read_until(fd: int, wanted: list[bytes], timeout: float) -> bytes:
    """What the terminal showed, escape sequences removed, once every wanted word is in it."""
    raw = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                raw += os.read(fd, 65536)
            except OSError:
                break
        if all(w in _ANSI.sub(b"", raw) for w in wanted):
            break
    return _ANSI.sub(b"", raw)


def _drain_until_exit(fd: int, proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """What the terminal showed until `proc` exited (TimeoutExpired if it does not)."""
    raw = b""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        raw += _read_until(fd, [b"\0never"], 0.1)
    return raw


def test_todo_alone_on_a_terminal_opens_the_tui(tmp_path: Path) -> None:
    env = cli_env(tmp_path, TERM="xterm-256color", COLUMNS="100", LINES="30")
    assert todo_process("add", "zebra today", env=env).returncode == 0
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(TODO_BIN)], stdin=follower, stdout=follower, stderr=follower, env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        # Generous: a first run after a checkout compiles every module on a busy machine.
        screen = _read_until(leader, [b"zebra", b"Upcoming"], 90)
        assert b"zebra" in screen, screen[-2000:]
        assert b"Upcoming" in screen  # the sidebar: this is the TUI, not the plain list
        os.write(leader, b"q")
        # Read on while it quits, as a terminal does: unread output would block its writes.
        last = _drain_until_exit(leader, proc, 30)
        assert proc.returncode == 0, last[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
