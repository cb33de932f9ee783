"""Colour and layout: escapes only on a terminal, never with NO_COLOR or when piped."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import TODO_BIN, add, cli_env, ok, run

ESC = "\x1b["


def _on_terminal(home: Path, *args: str, no_color: bool) -> tuple[int, str, str]:
    """Run the real script with stdout on a pseudo-terminal: (exit code, terminal text, stderr)."""
    env = cli_env(home, TERM="xterm-256color", COLUMNS="100", LINES="40")
    if not no_color:
        del env["NO_COLOR"]
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [str(TODO_BIN), *args], stdout=slave, stderr=subprocess.PIPE, env=env,
            timeout=60, check=False,
        )
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal has no writer left
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode(), proc.stderr.decode()


@pytest.fixture
def home_with_tasks(home: Path) -> Path:
    add("pay rent #home !high", "--due", "2020-01-01")
    add("call bob tomorrow")
    return home


def test_in_process_output_is_plain(home_with_tasks: Path) -> None:
    for args in (["list"], ["show", "1"], ["tags"], ["history", "1"], ["config", "show"], []):
        result = ok(*args)
        assert ESC not in result.output, args
    assert ESC not in run("show", "9").stderr


def test_show_on_a_terminal_uses_colour(home_with_tasks: Path) -> None:
    code, text, err = _on_terminal(home_with_tasks, "show", "1", no_color=False)
    assert code == 0, err
    assert f"{ESC}1m" in text  # the field names are bold
    assert "pay rent" in text


def test_no_color_on_a_terminal_means_no_escapes(home_with_tasks: Path) -> None:
    for args in (["show", "1"], ["add", "x"], ["tags"]):
        code, text, err = _on_terminal(home_with_tasks, *args, no_color=True)
        assert code == 0, err
        assert ESC not in text, args
        assert text.strip(), args


def test_list_on_a_terminal_has_a_header_and_colour(home_with_tasks: Path) -> None:
    code, text, err = _on_terminal(home_with_tasks, "list", no_color=False)
    assert "Traceback" not in err, err
    assert code == 0, err
    assert ESC in text
    plain = text.replace(f"{ESC}0m", "")
    for style in ("1m", "2m", "31m", "33m", "36m", "35m"):
        plain = plain.replace(ESC + style, "")
    lines = plain.splitlines()
    assert lines[0].split() == ["ID", "P", "Due", "Title"]
    assert "pay rent" in lines[1] and "call bob" in lines[2]


def test_list_on_a_terminal_with_no_color(home_with_tasks: Path) -> None:
    code, text, err = _on_terminal(home_with_tasks, "list", no_color=True)
    assert "Traceback" not in err, err
    assert code == 0, err
    assert ESC not in text
    assert text.splitlines()[0].split() == ["ID", "P", "Due", "Title"]


def test_bare_todo_on_a_terminal(home_with_tasks: Path) -> None:
    code, text, err = _on_terminal(home_with_tasks, no_color=True)
    assert "Traceback" not in err, err
    assert code == 0, err
    assert "pay rent" in text and "call bob" not in text


def test_a_completed_task_is_never_shown_overdue(home: Path) -> None:
    # Both due in 2020: the pending one is overdue (red, bold); the completed one is not,
    # as in the TUI (tests/tui/test_flows.py has the same check there).
    add("pay rent", "--due", "2020-01-01")
    add("old chore", "--due", "2020-01-01")
    ok("done", "2")
    code, text, err = _on_terminal(home, "list", "--status", "all", no_color=False)
    assert code == 0, err
    lines = text.splitlines()
    pending = next(line for line in lines if "pay rent" in line)
    completed = next(line for line in lines if "old chore" in line)
    overdue = f"{ESC}31m{ESC}1m2020-01-01"
    assert overdue in pending
    assert "2020-01-01" in completed and overdue not in completed
