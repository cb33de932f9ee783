"""Subtasks and dependencies as graphs over task ids: cycles, and the tree order. Pure.

Both relations must stay acyclic: a task may not be its own ancestor, and may not (through
other tasks) depend on itself. The checks here take the edges as they would be after a
change and name the cycle they find, so the user sees "5 -> 3 -> 5", not "invalid".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from core.errors import BadInput

T = TypeVar("T")


def path_between(edges: Mapping[int, Iterable[int]], start: int, goal: int) -> list[int] | None:
    """The shortest path start -> ... -> goal along `edges` (node -> successors), or None."""
    came_from: dict[int, int] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        nxt: list[int] = []
        for node in frontier:
            for succ in sorted(edges.get(node, ())):
                if succ in seen:
                    continue
                came_from[succ] = node
                if succ == goal:
                    return _walk_back(came_from, start, goal)
                seen.add(succ)
                nxt.append(succ)
        frontier = nxt
    return None


def _walk_back(came_from: Mapping[int, int], start: int, goal: int) -> list[int]:
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def cycle_text(cycle: Sequence[int]) -> str:
    """A cycle as the user reads it: "5 -> 3 -> 5"."""
    return " -> ".join(str(node) for node in cycle)


def check_parent(task: int, parent: int | None, parents: Mapping[int, int]) -> None:
    """BadInput naming the cycle if `task` under `parent` would be its own ancestor.

    `parents` maps each task id to its parent id as stored now (before the change).
    """
    if parent is None:
        return
    if parent == task:
        raise BadInput(f"task {task} cannot be its own parent ({task} -> {task})")
    chain = [task, parent]
    node = parent
    while node in parents:
        node = parents[node]
        chain.append(node)
        if node == task:
            raise BadInput(f"task {task} would be its own ancestor ({cycle_text(chain)})")
        if len(chain) > len(parents) + 2:
            break  # a stored cycle (never written by us): stop rather than spin


def check_depends(
    task: int, blockers: Iterable[int], depends: Mapping[int, Iterable[int]]
) -> None:
    """BadInput naming the cycle if `task` depending on `blockers` would close a cycle.

    `depends` maps each task id to the ids it depends on, as stored now.
    """
    for blocker in sorted(set(blockers)):
        if blocker == task:
            raise BadInput(f"task {task} cannot depend on itself ({task} -> {task})")
        back = path_between(depends, blocker, task)
        if back is not None:
            raise BadInput(f"dependency cycle: {cycle_text([task, *back])}")


def parse_ids(text: str, what: str = "depends") -> tuple[int, ...]:
    """Task ids from "3,4" or "3 4" (ascending, without repeats); BadInput names a bad one."""
    ids: set[int] = set()
    for part in text.replace(",", " ").split():
        if not part.isdigit() or int(part) < 1:
            raise BadInput(f"{what}: {part!r} is not a task id (give ids like 3,4)")
        ids.add(int(part))
    return tuple(sorted(ids))


def tree_order(ids: Sequence[int], parent_of: Mapping[int, int | None]) -> list[tuple[int, int]]:
    """(id, depth) for `ids` with each child right after its parent, indented one deeper.

    The order of `ids` is kept among siblings; a task whose parent is not among `ids` is at
    the top level.
    """
    present = set(ids)
    kids: dict[int, list[int]] = {}
    roots: list[int] = []
    for node in ids:
        parent = parent_of.get(node)
        if parent is not None and parent in present and parent != node:
            kids.setdefault(parent, []).append(node)
        else:
            roots.append(node)
    out: list[tuple[int, int]] = []
    placed: set[int] = set()
    stack = [(node, 0) for node in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        if node in placed:
            continue
        placed.add(node)
        out.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(kids.get(node, [])))
    # A cycle among the listed parents (never written by us) would leave tasks unplaced.
    out.extend((node, 0) for node in ids if node not in placed)
    return out
