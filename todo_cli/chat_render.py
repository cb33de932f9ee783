"""How a chat turn is shown: the streamed reply, a line per tool call, the confirmation
prompt (CLI and TUI modal) and --json. Model text and stored titles go through `visible`:
a title can hold an escape sequence the model repeats verbatim."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from core import dates
from core.schemas import TaskRead
from core.text import json_safe, visible
from todo_cli.render import Out


class ChatPrinter:
    """Streams a chat turn: reply text as it arrives, one line per tool call, notices on
    stderr. Takes the agent's ChatEvent objects (kind, text)."""

    def __init__(self, out: Out | None = None) -> None:
        self.out = out or Out()
        self._mid_line = False

    def __call__(self, event: Any) -> None:
        if event.kind == "text":
            # The model's words may repeat a stored title verbatim, escapes and all.
            self.out.stream.write(visible(event.text, multiline=True))
            self.out.stream.flush()
            self._mid_line = not event.text.endswith("\n")
            return
        self.end_line()
        text = visible(event.text, multiline=True)
        if event.kind == "notice":
            sys.stderr.write(f"note: {text}\n")
        elif event.kind == "refused":
            self.out.line(self.out.style(text, "yellow"))
        else:
            self.out.line(self.out.style(text, "green"))

    def end_line(self) -> None:
        """Finish a partly written reply line."""
        if self._mid_line:
            self.out.line()
            self._mid_line = False


def confirm_lines(request: Any, now: datetime, most: int | None = None) -> list[str]:
    """Changes the agent wants to make and exactly the tasks each would change (a
    ConfirmRequest), as the CLI's prompt and the TUI's modal show them; past `most` tasks a
    count of the rest. Titles are stored text: shown through `visible`."""
    lines = ["The agent wants to:"]
    left = most
    for change in request.changes:
        lines.append(f"  {visible(change.action)}")
        effects = list(change.effects) or [""] * len(change.tasks)
        for n, (task, effect) in enumerate(zip(change.tasks, effects, strict=False)):
            if left is not None and left <= 0:
                lines.append(f"    … and {len(change.tasks) - n} more")
                break
            lines.append(f"    {_confirm_task(task, now)}" + (f"  → {effect}" if effect else ""))
            left = None if left is None else left - 1
    if request.done:
        names = ", ".join(f"#{t.id} {t.title!r}" for t in request.done)  # repr escapes controls
        lines.append(f"  (already changed by this message: {names})")
    return lines


def _confirm_task(task: TaskRead, now: datetime) -> str:
    due = f"  due {dates.describe_relative(task.due, now)}" if task.due is not None else ""
    return f"#{task.id} {task.title!r}{due}"


def confirm_request(request: Any, now: datetime, out: Out | None = None) -> None:
    """What a chat action would change, before asking yes or no (a ConfirmRequest)."""
    out = out or Out()
    heading, *tasks = confirm_lines(request, now)
    out.line(out.style(heading, "bold"))
    for line in tasks:
        out.line(line)


def chat_turn_json(turn: Any, out: Out | None = None) -> None:
    """A chat turn for scripts: the reply and every tool call with its result."""
    out = out or Out()
    calls = [
        {"id": c.id, "name": c.name, "args": c.args, "ok": c.ok, "summary": c.summary,
         "result": c.result}
        for c in turn.tool_calls
    ]
    body = {"reply": turn.reply, "conversation": turn.conversation_id, "offline": turn.offline,
            "tool_calls": calls}
    out.line(json_safe(json.dumps(body, ensure_ascii=False, indent=2)))
