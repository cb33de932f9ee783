"""Simple commands the session runs without the model: "add call mom tomorrow 5pm", "done 12".

Used when there is no API key or the model cannot be reached. A message either matches one
of these verbs completely, or it is not a simple command (None); nothing is guessed.
"""

from __future__ import annotations

import re
from typing import Any

_IDS = r"#?\d+(?:\s*(?:,|\s|and)\s*#?\d+)*"
_VERBS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), tool)
    for pattern, tool in (
        (r"(?:add|new|todo)\s+(?P<text>.+)", "add_task"),
        (rf"(?:done|did|complete|finish|finished|check)\s+(?P<ids>{_IDS})", "complete_tasks"),
        (rf"(?:reopen|undone|uncheck)\s+(?P<ids>{_IDS})", "reopen_tasks"),
        (rf"(?:delete|del|rm|remove)\s+(?P<ids>{_IDS})", "delete_tasks"),
        (rf"(?:restore|undelete)\s+(?P<ids>{_IDS})", "restore_tasks"),
        (r"undo", "undo_last_change"),
        (r"(?:list|ls)(?:\s+(?P<search>.+))?", "list_tasks"),
        (r"show\s+#?(?P<id>\d+)", "show_task"),
        (rf"snooze\s+(?P<ids>{_IDS})\s+(?:for\s+)?(?P<duration>\d+\s*[a-z]+)", "snooze_reminders"),
        (rf"remind\s+(?P<ids>{_IDS})\s+(?P<when>.+)", "add_reminder"),
    )
)


def parse(message: str) -> tuple[str, dict[str, Any]] | None:
    """The tool and arguments a simple command means, or None if it is not one."""
    text = " ".join(message.split()).rstrip(".!")
    for pattern, tool in _VERBS:
        m = pattern.fullmatch(text)
        if m is not None:
            return tool, _arguments(m.groupdict())
    return None


def _arguments(groups: dict[str, str | None]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, value in groups.items():
        if value is None:
            continue
        if name == "ids":
            args["ids"] = [int(n) for n in re.findall(r"\d+", value)]
        elif name == "id":
            args["id"] = int(value)
        else:
            args[name] = value
    return args
