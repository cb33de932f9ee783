"""`todo projects`: the project tree as indented lines, or as JSON."""

from __future__ import annotations

from collections.abc import Sequence

from core import project_tree, projects
from core.project_tree import ProjectNode
from core.text import visible
from todo_cli.render import Out
from todo_cli.render_json import emit


def shown(path: str) -> str:
    """A path as typed, normalised and safe to print."""
    return visible(projects.normalise(path))


def tree(roots: Sequence[ProjectNode], out: Out | None = None) -> None:
    """One line per project, indented under its parent: "garden  2" ("(5)" counts sub-projects)."""
    out = out or Out()
    if not roots:
        out.line("no projects")
    for root in roots:
        _lines(root, 0, out)


def _lines(node: ProjectNode, depth: int, out: Out) -> None:
    name = out.style(visible(node.name), "cyan")
    total = f" ({node.total})" if node.children else ""
    out.line(f"{'  ' * depth}{name}  {node.own}{total}")
    for child in node.children:
        _lines(child, depth + 1, out)


def tree_json(roots: Sequence[ProjectNode]) -> None:
    """`todo projects --json`: [{"name", "project", "pending", "total", "children"}]."""
    emit([project_tree.to_dict(root) for root in roots])
