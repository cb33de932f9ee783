"""The `todo` console script (todo_cli.main.run): a plain command ends its process at once,
without the interpreter's teardown, so everything it owes must be out before that."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.helpers import cli_env, ok, todo_process
from todo_cli import plain

ROWS = 2000  # well past the 8 KiB a piped stdout buffers before it writes


def _import(home: Path, tmp_path: Path, count: int) -> None:
    tasks = [{"description": f"task {n}", "status": "pending", "uuid": _uuid(n)}
             for n in range(count)]
    source = tmp_path / "tasks.json"
    source.write_text(json.dumps(tasks))
    ok("import", str(source))


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _buffered(home: Path) -> dict[str, str]:
    """The environment of a user's shell: stdout block-buffered into a pipe."""
    env = cli_env(home)
    env.pop("PYTHONUNBUFFERED", None)
    return env


def test_a_plain_command_flushes_all_its_output(home: Path, tmp_path: Path) -> None:
    _import(home, tmp_path, ROWS)
    env = _buffered(home)
    listed = todo_process("list", env=env)
    exported = todo_process("export", env=env)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert len(listed.stdout.splitlines()) == ROWS
    assert listed.stdout.endswith("task 1999\n")
    assert len(json.loads(exported.stdout)) == ROWS


def test_a_plain_error_keeps_its_exit_code_and_message(home: Path) -> None:
    failed = todo_process("list", "(", env=_buffered(home))
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.startswith("error: bad filter")


def test_a_plain_add_is_committed_when_the_process_ends(home: Path) -> None:
    added = todo_process("add", "pay rent #home", env=_buffered(home))
    assert (added.returncode, added.stdout) == (0, "Added 1 'pay rent'\n")
    with sqlite3.connect(home / "todo.db") as db:
        titles = db.execute("SELECT title FROM task").fetchall()
    assert titles == [("pay rent",)]


def test_a_typer_command_ends_the_ordinary_way(home: Path) -> None:
    # An option with a value goes through Typer: exit code and output as any Python
    # program's, flushed by the interpreter's own exit.
    assert plain.command_for(["count", "--status", "all", "--json"]) is None
    counted = todo_process("count", "--status", "all", "--json", env=_buffered(home))
    assert (counted.returncode, counted.stderr) == (0, "")
    assert json.loads(counted.stdout) == {"count": 0}
