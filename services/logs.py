"""Worker logs: one JSON object per line, everywhere.

`configure` gives the root logger one handler with `JsonFormatter`, so what services/kafka*.py,
services/topics.py and services/channels.py log through stdlib `logging` comes out as JSON
lines on stderr; the consumer loop and the relay write their own per-event lines (`write`)
with the same timestamp. Timestamps are UTC with milliseconds: `2026-12-07T15:37:24.123Z`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName",
}


def timestamp(when: float | None = None) -> str:
    """`when` (seconds since the epoch; now if None) in UTC, to the millisecond."""
    moment = datetime.fromtimestamp(time.time() if when is None else when, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: ts, level, logger, message, then any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line of `record` (an exception's traceback goes in "exception")."""
        line: dict[str, Any] = {
            "ts": timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_HANDLER_NAME = "todo-json"


def configure(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Send every log record to `stream` (stderr) as a JSON line; calling again changes
    nothing."""
    root = logging.getLogger()
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)


def write(out: TextIO, fields: dict[str, Any]) -> None:
    """One per-event line of a worker (`fields` after the timestamp), flushed at once."""
    out.write(json.dumps({"ts": timestamp(), **fields}, ensure_ascii=False, default=str) + "\n")
    out.flush()
