"""What the tools send back: tasks as JSON data (core/formats/jsonfmt.py) and a line per task
for people. Shared by agent/tools.py and agent/organise.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent.toolspec import ToolResult
from core import dates
from core.formats import jsonfmt
from core.schemas import TaskRead

if TYPE_CHECKING:
    from core.service import TaskService


def task_dict(task: TaskRead, svc: TaskService) -> dict[str, Any]:
    """One task as the tools return it (the `--json` shape)."""
    return jsonfmt.task_to_dict(task, svc.tz)


def task_dicts(tasks: Sequence[TaskRead], svc: TaskService) -> list[dict[str, Any]]:
    """Tasks as the tools return them."""
    return [task_dict(t, svc) for t in tasks]


def changed(verb: str, tasks: Sequence[TaskRead], svc: TaskService) -> ToolResult:
    """The result of a change: the tasks as they are now, and "✓ verb #id 'title'" lines."""
    data = {"ok": True, "action": verb, "tasks": task_dicts(tasks, svc)}
    now = svc.now()
    lines = [f"✓ {verb} {describe(t, now)}" for t in tasks] or [f"✓ {verb} nothing"]
    return ToolResult(data, "\n".join(lines))


def describe(task: TaskRead, now: datetime) -> str:
    """A task in a few words for people: "#12 'dentist' fri 10:30"."""
    text = f"#{task.id} {task.title!r}"
    return f"{text} {dates.describe_near(task.due, now)}" if task.due is not None else text


def count(n: int, noun: str = "task") -> str:
    """"1 task", "3 tasks"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
