"""`todo worker NAME` processes for the service tests, with their output in files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TODO = [sys.executable, "-m", "todo_cli.main"]


class Worker:
    """One `todo worker NAME` process; its output goes to files (a pipe could fill up)."""

    def __init__(
        self, name: str, env: dict[str, str], folder: Path, label: str | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.label = label = label or name
        stem = folder / f"{label}-{time.monotonic_ns()}"
        self.out_path = stem.with_suffix(".out")
        self.err_path = stem.with_suffix(".err")
        self.killed = False  # set when the test ended it on purpose
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.process = subprocess.Popen(
                [*TODO, "worker", name, *args], cwd=REPO, env=env, stdout=out, stderr=err,
                stdin=subprocess.DEVNULL,
            )

    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def lines(self) -> list[dict[str, Any]]:
        """The JSON log lines; a line torn by kill -9 is dropped."""
        out = []
        for line in self.stdout().splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out

    def applied(self) -> list[str]:
        """The event ids the worker's consumer loop reported as applied, in order."""
        return [str(x["event"]) for x in self.lines() if x.get("result") == "applied"]

    def tail(self, count: int = 12) -> str:
        def last(text: str) -> str:
            kept = [line[:300] for line in text.splitlines()[-count:]]
            return "\n".join(f"    {line}" for line in kept) or "    (empty)"

        state = self.process.poll()
        status = "running" if state is None else f"exited {state}"
        return (f"--- {self.label} (todo worker {self.name}, pid {self.process.pid}, {status})\n"
                f"  stdout:\n{last(self.stdout())}\n  stderr:\n{last(self.stderr())}")

    def kill9(self) -> None:
        self.killed = True
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self, timeout: float = 15.0) -> tuple[int, float]:
        """SIGTERM; the exit status and how long the process took to exit. A process still
        running after `timeout` is killed and the test fails with its output."""
        self.killed = True
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError(
                f"{self.label} did not exit within {timeout:g} s of SIGTERM\n{self.tail()}"
            ) from None
        return code, time.monotonic() - started

    def ensure_dead(self) -> None:
        """Kill the process if it still runs (cleanup)."""
        if self.process.poll() is None:
            self.kill9()
