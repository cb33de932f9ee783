"""The project tree of `todo projects`: each project with its pending tasks, its own and its
sub-projects'. Pure. Apart from core.projects, which every add and list loads: only the report
builds the tree (and a dataclass costs a command ~0.5 ms to create)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.projects import SEPARATOR


@dataclass
class ProjectNode:
    """A project in the tree: its last segment, full path, pending tasks of its own and in
    all its sub-projects, and its children by name."""

    name: str
    path: str
    own: int = 0
    total: int = 0
    children: list[ProjectNode] = field(default_factory=list)


def tree(counts: Mapping[str, int]) -> list[ProjectNode]:
    """The project tree from pending counts by stored path; parents that hold no task of
    their own appear with own=0. Siblings are sorted by name, case-insensitively."""
    roots: dict[str, ProjectNode] = {}
    nodes: dict[str, ProjectNode] = {}
    for path in sorted(counts, key=str.casefold):
        _ensure(path, nodes, roots).own += counts[path]
    for node in nodes.values():
        _ancestors_add(node, nodes)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.name.casefold())
    return sorted(roots.values(), key=lambda n: n.name.casefold())


def _ensure(path: str, nodes: dict[str, ProjectNode], roots: dict[str, ProjectNode]) -> ProjectNode:
    if path in nodes:
        return nodes[path]
    parent_path, _, name = path.rpartition(SEPARATOR)
    node = nodes[path] = ProjectNode(name, path)
    if parent_path:
        _ensure(parent_path, nodes, roots).children.append(node)
    else:
        roots[path] = node
    return node


def _ancestors_add(node: ProjectNode, nodes: dict[str, ProjectNode]) -> None:
    path = node.path
    while path:
        nodes[path].total += node.own
        path = path.rpartition(SEPARATOR)[0]


def to_dict(node: ProjectNode) -> dict[str, object]:
    """A tree node as `todo projects --json` prints it."""
    return {
        "name": node.name, "project": node.path, "pending": node.own, "total": node.total,
        "children": [to_dict(child) for child in node.children],
    }
