"""The records of a chat turn: what a session reports to its interface (tool calls, events,
the turn's outcome) and what it asks of it (a ConfirmRequest) and of the model (`Model`).
agent/session.py produces them; `todo chat`, the TUI chat pane and the tests consume them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from core.schemas import TaskRead

Content = dict[str, Any]
EventKind = Literal["text", "tool", "refused", "notice"]


@dataclass(frozen=True)
class ToolCall:
    """One tool call of a turn, as run: what was asked, whether it worked, what came back."""

    id: str | None
    name: str
    args: dict[str, Any]
    ok: bool
    summary: str
    result: dict[str, Any]
    exit_code: int = 0


@dataclass(frozen=True)
class ChatEvent:
    """Something to show while a turn runs (see the module docstring for the kinds)."""

    kind: EventKind
    text: str
    call: ToolCall | None = None


@dataclass(frozen=True)
class Change:
    """One call's change as the user sees it before saying yes: the action in words, the
    tasks it changes as they are now and, for undo, what happens to each (`effects`)."""

    tool: str
    action: str
    tasks: list[TaskRead]
    args: dict[str, Any]
    effects: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfirmRequest:
    """Changes that need the user's yes, asked together before any of them runs; `done` are
    the tasks this message has changed already."""

    changes: list[Change]
    done: list[TaskRead] = field(default_factory=list)

    @property
    def action(self) -> str:
        """Every change in words, e.g. "complete 1 task; delete 2 tasks"."""
        return "; ".join(c.action for c in self.changes)

    @property
    def tasks(self) -> list[TaskRead]:
        """Every task the changes touch, once each, in order."""
        seen: dict[int, TaskRead] = {}
        for change in self.changes:
            for task in change.tasks:
                seen.setdefault(task.id, task)
        return list(seen.values())


@dataclass
class ChatTurn:
    """The outcome of one `send`."""

    reply: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    conversation_id: int | None = None
    offline: bool = False
    steps: int = 0

    @property
    def exit_code(self) -> int:
        """0, or the CLI's code for a change that was refused (1) or failed (its error's)."""
        return max((c.exit_code for c in self.tool_calls), default=0)


class Model(Protocol):
    """What the session needs of a model (agent/gemini.py provides it)."""

    def generate(
        self, contents: Sequence[Content], system: str, on_text: Callable[[str], None]
    ) -> Content: ...


Confirmer = Callable[[ConfirmRequest], bool]
EventSink = Callable[[ChatEvent], None]
