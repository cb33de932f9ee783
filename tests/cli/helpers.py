"""Helpers for the CLI tests: the real Typer app in-process, or the real `todo` script.

Every helper reads state back through the CLI itself (`--json`), never through private code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner, Result

from todo_cli.app import app

BERLIN = ZoneInfo("Europe/Berlin")
TODO_BIN = Path(sys.executable).parent / "todo"
PYTHON = sys.executable
TASK_KEYS = [
    "id", "title", "notes", "status", "priority", "tags", "due", "recurrence", "reminders",
    "created", "updated", "completed", "uuid",
]

_runner = CliRunner()


def run(*args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Result:
    """`todo ARGS` in-process through the real Typer app (stdout and stderr kept apart)."""
    return _runner.invoke(app, list(args), input=input, env=env)


def describe(args: tuple[str, ...], result: Result) -> str:
    """A failure message that shows what the command printed."""
    return (
        f"todo {' '.join(args)} -> exit {result.exit_code}\n"
        f"stdout: {result.stdout!r}\nstderr: {result.stderr!r}\nexception: {result.exception!r}"
    )


def assert_no_traceback(result: Result) -> None:
    """The command ended through the CLI's own exit path, without a Python traceback."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def ok(*args: str, input: str | None = None) -> Result:
    """Run and require exit code 0 with nothing on stderr."""
    result = run(*args, input=input)
    assert result.exit_code == 0, describe(args, result)
    assert result.stderr == "", describe(args, result)
    return result


def fails(code: int, *args: str, input: str | None = None) -> Result:
    """Run and require exit `code`, an error on stderr, nothing on stdout and no traceback."""
    result = run(*args, input=input)
    assert result.exit_code == code, describe(args, result)
    assert result.stdout == "", describe(args, result)
    assert result.stderr.strip(), describe(args, result)
    assert_no_traceback(result)
    return result


def add(text: str, *options: str) -> dict[str, Any]:
    """`todo add TEXT OPTIONS --json`, returning the task object printed."""
    task: dict[str, Any] = json.loads(ok("add", text, *options, "--json").stdout)
    return task


def tasks_json(*filters: str) -> list[dict[str, Any]]:
    """`todo list --json FILTERS` parsed."""
    tasks: list[dict[str, Any]] = json.loads(ok("list", "--json", *filters).stdout)
    return tasks


def ids(*filters: str) -> list[int]:
    """The ids `todo list FILTERS` prints, in its order."""
    return [t["id"] for t in tasks_json(*filters)]


def all_tasks() -> dict[int, dict[str, Any]]:
    """Every task in any status, by id."""
    return {t["id"]: t for t in tasks_json("--status", "all", "--sort", "id")}


def show(task_id: int) -> dict[str, Any]:
    """`todo show ID --json` parsed."""
    task: dict[str, Any] = json.loads(ok("show", str(task_id), "--json").stdout)
    return task


def history(task_id: int) -> list[str]:
    """The lines of `todo history ID`."""
    return ok("history", str(task_id)).stdout.splitlines()


def history_kinds(task_id: int) -> list[str]:
    """The event kinds in `todo history ID`, oldest first ("created", "completed" ...)."""
    return [line.split()[2] for line in history(task_id) if not line.startswith(" ")]


def today() -> date:
    """Today in the zone the tests run the CLI in."""
    return datetime.now(BERLIN).date()


def day(offset: int) -> date:
    """Today plus `offset` days."""
    return today() + timedelta(days=offset)


def berlin_iso(d: date, hour: int, minute: int = 0) -> str:
    """What the JSON shows for a timed due at HH:MM Berlin time on day `d`."""
    return datetime.combine(d, time(hour, minute), tzinfo=BERLIN).isoformat()


def isolate(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Point the CLI at `home` the way the `todo_home` fixture does (for shared homes)."""
    mp.setenv("TODO_HOME", str(home))
    mp.setenv("TZ", "Europe/Berlin")
    mp.setenv("TODO_USER", "tester")
    mp.setenv("NO_COLOR", "1")
    mp.delenv("TODO_DATABASE__URL", raising=False)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `todo` subprocess: this process's, isolated in `home`."""
    env = dict(os.environ)
    env.pop("TODO_DATABASE__URL", None)
    env.update(TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1")
    env.update(extra)
    return env


def todo_process(
    *args: str, env: dict[str, str] | None = None, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `todo` console script in a subprocess (environment: this process's by default)."""
    return subprocess.run(
        [str(TODO_BIN), *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
        cwd=cwd,
        timeout=60,
    )


def unprivileged(*args: str) -> list[str]:
    """`args` as a command that file modes bind: root ignores them unless it drops the
    capabilities that override them, so "read-only" means read-only for tests run as root."""
    if os.geteuid() != 0:
        return list(args)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        if os.environ.get("CI"):
            pytest.fail("running as root without setpriv: file modes cannot be tested")
        pytest.skip("running as root without setpriv: file modes cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *args]


def todo_unprivileged(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The real `todo` in a subprocess that file permissions apply to, even under root."""
    return subprocess.run(
        unprivileged(str(TODO_BIN), *args), capture_output=True, text=True, env=env, timeout=60
    )


def one_error_line(stderr: str) -> str:
    """The single `error: ...` line of a failed command (no traceback, nothing else)."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    return lines[0]


T = TypeVar("T")
R = TypeVar("R")


def around(command: Callable[[], T], expect: Callable[[datetime], R]) -> tuple[T, set[R]]:
    """Run `command`; the values `expect` gives for the time just before and just after it.

    Commands that read the real clock ("tomorrow", "at 3pm") may straddle a boundary.
    """
    before = datetime.now(BERLIN)
    result = command()
    after = datetime.now(BERLIN)
    return result, {expect(before), expect(after)}

