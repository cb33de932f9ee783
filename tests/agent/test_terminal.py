"""The y/N confirmation of `todo chat` in a real terminal (a pseudo-terminal)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.helpers import TODO_BIN, all_tasks, cli_env, ok


def in_terminal(home: Path, args: list[str], answer: str) -> str:
    """Run `todo ARGS` on a pseudo-terminal, answer the question, return all it printed."""
    master, slave = os.openpty()
    env = cli_env(home)
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [str(TODO_BIN), *args], stdin=slave, stdout=slave, stderr=slave, env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"[y/N]" in seen:
            os.write(master, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=10)
    os.close(master)
    assert answered, seen
    return seen.decode().replace("\r\n", "\n")


@pytest.mark.parametrize(("answer", "status"), [("y", "deleted"), ("n", "pending")])
def test_a_delete_shows_the_task_and_waits_for_yes(
    home: Path, answer: str, status: str
) -> None:
    ok("add", "old plan tomorrow")

    shown = in_terminal(home, ["chat", "-m", "delete 1"], answer)

    assert "The agent wants to:\n  delete 1 task\n    #1 'old plan'  due tomorrow\n" in shown
    assert all_tasks()[1]["status"] == status
