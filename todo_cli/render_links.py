"""Subtasks and dependencies on the terminal: `todo list --tree` and the links in `show`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from core.links import tree_order
from core.schemas import TaskRead
from core.text import visible
from todo_cli import render, render_table

if TYPE_CHECKING:
    from core.service import TaskService


def tree_table(tasks: Sequence[TaskRead], now: datetime, out: render.Out | None = None) -> None:
    """The task table with each subtask right under its parent, indented; a subtask whose
    parent is not listed stays at the top level."""
    by_id = {t.id: t for t in tasks}
    order = tree_order([t.id for t in tasks], {t.id: t.parent for t in tasks})
    render_table.task_table([by_id[i] for i, _ in order], now, out, [d for _, d in order])


def links_detail(task: TaskRead, svc: TaskService, out: render.Out | None = None) -> None:
    """The parent, subtasks, blockers and what the task blocks, each with its title."""
    out = out or render.Out()
    lines: list[tuple[str, list[TaskRead]]] = [
        ("Parent", [] if task.parent is None else [svc.get(task.parent)]),
        ("Subtasks", svc.children(task.id) if task.children else []),
        ("Depends", [svc.get(i) for i in task.depends]),
        ("Blocks", svc.dependants(task.id)),
    ]
    for name, linked in lines:
        for n, other in enumerate(linked):
            label = (name if n == 0 else "").ljust(10)
            out.line(f"{out.style(label, 'bold')}{_one(other)}")
    if task.blocked:
        out.line(f"{out.style('Blocked'.ljust(10), 'bold')}yes (a blocker is pending)")


def _one(task: TaskRead) -> str:
    status = "" if task.status.value == "pending" else f" ({task.status.value})"
    return f"{task.id}  {visible(task.title)}{status}"
