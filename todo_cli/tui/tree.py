"""The tree view: each task followed by its children, indented, in the listing's order.

A child whose parent is not in the listing (another view, filtered out, settled) shows at
the top level, as `todo list --tree` does. Built only when the tree view is on: the plain
table pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Callable

from core.schemas import TaskRead
from todo_cli.tui.listing import Listing

ParentOf = Callable[[TaskRead], "int | None"]


def parent_of(task: TaskRead) -> int | None:
    """The id of `task`'s parent, if it has one."""
    return task.parent


def indent(depth: int) -> str:
    """A subtask's indent in the tree view: two cells a level, the last a corner (as
    `todo list --tree` draws it); deep chains stop moving right after 8 levels."""
    return "  " * (min(depth, 8) - 1) + "└ " if depth else ""


def tree(listing: Listing, parent_of: ParentOf) -> tuple[Listing, dict[int, int]]:
    """`listing` with every task's children right under it (in the listing's order), and the
    depth of each task that has one (top-level tasks are left out: depth 0)."""
    tasks = listing.tasks
    if not any(map(parent_of, tasks)):  # a C loop: most lists have no subtasks at all
        return listing, {}
    shown = set(listing.ids)
    children: dict[int, list[TaskRead]] = {}
    roots: list[TaskRead] = []
    for task in tasks:
        parent = parent_of(task)
        if parent is not None and parent in shown:
            children.setdefault(parent, []).append(task)
        else:
            roots.append(task)
    ordered, depths = _walk(roots, children)
    if len(ordered) < len(tasks):  # a cycle core should have refused: show them anyway
        placed = {t.id for t in ordered}
        ordered += [t for t in tasks if t.id not in placed]
    return Listing.of(ordered), depths


def _walk(
    roots: list[TaskRead], children: dict[int, list[TaskRead]]
) -> tuple[list[TaskRead], dict[int, int]]:
    """Depth first from `roots`, without recursion (a deep chain must not overflow)."""
    ordered: list[TaskRead] = []
    depths: dict[int, int] = {}
    stack = [(task, 0) for task in reversed(roots)]
    while stack:
        task, depth = stack.pop()
        ordered.append(task)
        if depth:
            depths[task.id] = depth
        below = children.get(task.id)
        if below:
            stack += [(child, depth + 1) for child in reversed(below)]
    return ordered, depths
