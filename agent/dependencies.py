"""The agent's tools for subtasks and dependencies: set a task's parent or its blockers, and
see what blocks a task (and what blocks those). Declared with the others in agent/tools.py,
with what completing or deleting a parent reaches (its subtasks), for the confirmation rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent.organise import one_of
from agent.results import changed, task_dict
from agent.toolspec import ToolResult, ids_of
from core.changes import TaskUpdate
from core.schemas import Status, TaskRead

if TYPE_CHECKING:
    from core.service import TaskService

_MAX_DEPTH = 20  # blockers of blockers: deep enough for any real plan, bounded for a model


def set_parent(
    svc: TaskService, ids: list[int], parent: int | None = None, clear: bool = False
) -> ToolResult:
    """Make tasks subtasks of another task, or top-level tasks again.

    Args:
        ids: The ids of the tasks that become subtasks.
        parent: The id of the parent task.
        clear: True to make the tasks top-level again.
    """
    one_of("parent", parent is not None, clear)
    verb = "made top-level" if clear else f"put under #{parent}"
    return changed(verb, svc.update(ids, TaskUpdate(parent=None if clear else parent)), svc)


def set_dependencies(svc: TaskService, ids: list[int], depends: list[int]) -> ToolResult:
    """Say which tasks must be done before these can start (their blockers); this replaces
    the blockers they had. A cycle is refused, naming it.

    Args:
        ids: The ids of the tasks that wait for others.
        depends: The ids of the blockers; an empty list removes every dependency.
    """
    verb = "now depend on " + " ".join(f"#{i}" for i in depends) if depends else \
        "depend on nothing"
    return changed(verb, svc.update(ids, TaskUpdate(depends=tuple(depends))), svc)


def blockers(svc: TaskService, id: int) -> ToolResult:
    """What is blocking a task: the tasks it depends on, each with its status and, for those
    still open, what blocks them in turn. A task is blocked while one of its blockers is
    pending.

    Args:
        id: The task id.
    """
    task = svc.get(id)
    found = _blockers_of(svc, task, {task.id}, 0)
    open_ = sum(1 for b in found if b["blocking"])
    data = {"ok": True, "task": task_dict(task, svc), "blocked": task.blocked,
            "open_blockers": open_, "blockers": found}
    return ToolResult(data, f"· looked at what blocks #{task.id} ({open_} open)")


def _blockers_of(
    svc: TaskService, task: TaskRead, seen: set[int], depth: int
) -> list[dict[str, Any]]:
    """The blockers of `task`, the open ones with their own; each task is expanded once."""
    out = []
    for blocker_id in task.depends:
        blocker = svc.get(blocker_id)
        entry = _blocker(blocker, svc)
        if entry["blocking"] and blocker.id not in seen and depth < _MAX_DEPTH:
            seen.add(blocker.id)
            entry["blockers"] = _blockers_of(svc, blocker, seen, depth + 1)
        out.append(entry)
    return out


def _blocker(task: TaskRead, svc: TaskService) -> dict[str, Any]:
    full = task_dict(task, svc)
    keys = ("id", "title", "status", "project", "due", "priority")
    entry = {k: full[k] for k in keys}
    entry["blocking"] = task.status is Status.PENDING
    entry["blockers"] = []
    return entry


# -- what a change to a parent reaches -------------------------------------------------------


def completed_with_subtasks(svc: TaskService, args: dict[str, Any]) -> list[TaskRead]:
    """The tasks `complete_tasks` would complete: those named and, with `with_children`,
    their pending subtasks at any depth (the core completes them in the same change)."""
    named = [svc.get(i) for i in ids_of(args)]
    if not args.get("with_children"):
        return named
    return named + _subtasks(svc, named, lambda t: t.status is Status.PENDING)


def deleted_with_subtasks(svc: TaskService, args: dict[str, Any]) -> list[TaskRead]:
    """The tasks `delete_tasks` would delete: those named and their subtasks at any depth
    (the core deletes them with their parent), so the user sees every one before saying yes."""
    named = [svc.get(i) for i in ids_of(args)]
    return named + _subtasks(svc, named, lambda t: True)


def _subtasks(
    svc: TaskService, parents: list[TaskRead], keep: Callable[[TaskRead], bool]
) -> list[TaskRead]:
    """The subtasks (not deleted) below `parents` that `keep` accepts, not among them."""
    seen = {t.id for t in parents}
    found: list[TaskRead] = []
    todo = [t for t in parents if t.children]
    while todo:
        for child in svc.children(todo.pop(0).id):
            if child.id in seen or not keep(child):
                continue
            seen.add(child.id)
            found.append(child)
            if child.children:
                todo.append(child)
    return found
