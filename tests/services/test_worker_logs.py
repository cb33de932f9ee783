"""Worker output is JSON lines everywhere: the consumer loop's per-event lines on stdout and
what the library code logs through stdlib `logging` (retries, refusals, Kafka) on stderr.

Measured before: services/channels.py's retry warnings reached stderr as plain text, and the
per-event lines had a local timestamp to the second.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core import open_service
from core.creation import TaskCreate
from core.schemas import ReminderRead, ReminderState
from services import logs
from tests.conftest import make_settings
from tests.services.processes import Worker
from tests.services.servers import HookServer, hook_server

UTC_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture
def failing_hook() -> Iterator[HookServer]:
    with hook_server([500]) as server:
        yield server


def every_line_as_json(text: str) -> list[dict[str, Any]]:
    parsed = []
    for line in text.splitlines():
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}\n--- whole output:\n{text}")
    return parsed


def test_a_failing_webhook_is_logged_as_json_lines_only(
    tmp_path: Path, failing_hook: HookServer
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1",
        TODO_NOTIFY__CHANNELS="webhook", TODO_NOTIFY__WEBHOOK_URL=failing_hook.url + "/hook",
        TODO_NOTIFY__RETRIES="2", TODO_NOTIFY__BACKOFF_S="0.05",
        TODO_WORKER__POLL_TIMEOUT_S="0.1", TODO_WORKER__SCHEDULER_INTERVAL_S="0.2",
    )
    service = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    now = service.now()
    service.add(TaskCreate(
        title="pay rent", due=now + timedelta(hours=1),
        reminders=(ReminderRead(now - timedelta(minutes=1), None, ReminderState.PENDING),),
    ))
    service.close()
    worker = Worker("notify", env, tmp_path)
    try:
        deadline = time.monotonic() + 20
        while '"failed"' not in worker.stdout() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        code, _took = worker.terminate()
    assert code == 0, worker.tail()

    out, err = every_line_as_json(worker.stdout()), every_line_as_json(worker.stderr())
    assert [line["result"] for line in out if line.get("channel") == "webhook"][-1] == "failed"
    retries = [line for line in err if line.get("logger") == "services.channels"]
    assert len(retries) >= 2, worker.tail()
    for line in retries:
        assert line["level"] == "warning"
        assert "webhook: attempt" in line["message"] and "retrying" in line["message"]
    loop_lines = [line for line in out if "offset" in line]  # the consumer loop's own
    assert loop_lines, worker.tail()
    for line in loop_lines:
        assert UTC_MS.match(line["ts"]), line
    for line in err:
        assert UTC_MS.match(line["ts"]), line


def test_the_formatter_keeps_extra_fields_and_the_exception() -> None:
    import io
    import logging

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    log = logging.getLogger("tests.logs")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.error("could not %s", "deliver", extra={"event": "e-1", "attempt": 3},
                      exc_info=True)
    finally:
        log.removeHandler(handler)
    [line] = every_line_as_json(stream.getvalue())
    assert UTC_MS.match(line["ts"])
    assert (line["level"], line["logger"], line["message"]) == (
        "error", "tests.logs", "could not deliver")
    assert (line["event"], line["attempt"]) == ("e-1", 3)
    assert "RuntimeError: boom" in line["exception"]
