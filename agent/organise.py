"""The agent's tools for organised work: projects, the wait, scheduled and until dates, and
saved views (subtasks and dependencies are in agent/dependencies.py). Declared with the others in
agent/tools.py (`TOOLS`); the same rules hold: typed functions over the core API, docstrings
as descriptions, titles as data fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from agent.results import changed, count
from agent.toolspec import ToolResult
from core import dates, project_tree, projects
from core.changes import TaskUpdate
from core.errors import BadInput
from core.schemas import UNSET, Due, TaskRead
from core.selection import TaskFilter

if TYPE_CHECKING:
    from core.service import TaskService
    from core.usecases.views import SavedView

DateName = Literal["wait", "scheduled", "until"]


# -- projects -------------------------------------------------------------------------------


def list_projects(svc: TaskService) -> ToolResult:
    """The projects as a tree, with how many pending tasks each holds: `pending` of its own,
    `total` with its sub-projects. A project is a '/'-separated path ("home/garden")."""
    tree = [project_tree.to_dict(node) for node in svc.project_tree()]
    return ToolResult({"ok": True, "projects": tree}, f"· listed {count(len(tree), 'project')}")


def rename_project(svc: TaskService, old: str, new: str) -> ToolResult:
    """Rename or move a project with its sub-projects and every task in them (moving "garden"
    to "home/garden" makes it a sub-project of home); into an existing project they merge.
    One change, undone as one.

    Args:
        old: The project's path now, e.g. "garden".
        new: Its new path, e.g. "home/garden".
    """
    return changed(f"moved to {projects.normalise(new)}", svc.rename_project(old, new), svc)


def project_members(svc: TaskService, args: dict[str, Any]) -> list[TaskRead]:
    """The tasks `rename_project` would move: every task (any status) in the project."""
    path = projects.normalise(str(args["old"]))
    return svc.list_tasks(TaskFilter(status="all", project=path, sort="id"))


def set_project(
    svc: TaskService, ids: list[int], project: str | None = None, clear: bool = False
) -> ToolResult:
    """Put tasks into a project, or take them out of theirs.

    Args:
        ids: The ids of the tasks.
        project: The project path, e.g. "home/garden" (made when first used).
        clear: True to take the tasks out of their project.
    """
    one_of("project", project is not None, clear)
    verb = "taken out of their project" if clear else f"moved to {projects.optional(project)}"
    return changed(verb, svc.update(ids, TaskUpdate(project=None if clear else project)), svc)


# -- wait, scheduled, until ------------------------------------------------------------------


def set_dates(
    svc: TaskService,
    ids: list[int],
    wait: str | None = None,
    scheduled: str | None = None,
    until: str | None = None,
    clear: list[DateName] | None = None,
) -> ToolResult:
    """Set or clear the planning dates of tasks. `wait` hides a task from the usual lists
    until then; `scheduled` is when the user plans to start it; `until` is when it expires
    (it is then deleted, undoably). Dates not given stay as they are.

    Args:
        ids: The ids of the tasks.
        wait: A date phrase ("monday", "dec 5", "in 2 weeks"): hidden until the start of that
            day, or that time if one is given.
        scheduled: A date phrase: planned start ("tomorrow", "fri 9am").
        until: A date phrase: expires at the end of that day, or at that time.
        clear: Which dates to remove: any of "wait", "scheduled", "until".
    """
    now = svc.now()
    given = {"wait": wait, "scheduled": scheduled, "until": until}
    values: dict[str, Due | None] = {
        name: dates.parse_due(text, now) for name, text in given.items() if text
    }
    for name in clear or ():
        if name in values:
            raise BadInput(f"{name} is both given and cleared: say one")
        values[name] = None
    if not values:
        raise BadInput("set_dates needs a date to set (wait, scheduled, until) or to clear")
    words = ", ".join(f"{k} cleared" if v is None else k for k, v in values.items())
    change = TaskUpdate(wait=values.get("wait", UNSET), scheduled=values.get("scheduled", UNSET),
                        until=values.get("until", UNSET))
    return changed(f"set {words}", svc.update(ids, change), svc)


# -- saved views ----------------------------------------------------------------------------


def list_views(svc: TaskService) -> ToolResult:
    """The user's saved views: named filter expressions (run one with list_tasks' `view`),
    and which one is the context the user's `todo list` applies, if any."""
    views = svc.views
    saved = [{"name": v.name, "filter": v.expression} for v in views.saved()]
    context = views.context()
    data = {"ok": True, "views": saved, "context": None if context is None else context.name}
    return ToolResult(data, f"· listed {count(len(saved), 'view')}")


def with_view(svc: TaskService, view: str | None, expression: str | None) -> str | None:
    """`expression` and-ed with the saved view `view` (BadInput naming an unknown view)."""
    if not view:
        return expression
    saved = svc.views.get(view).expression
    return f"({saved}) and ({expression})" if expression else saved


def in_context(svc: TaskService, expression: str | None) -> tuple[str | None, SavedView | None]:
    """`expression` with the user's context and-ed in front, as `todo list` has it; and the
    context (None without one)."""
    words, context = svc.views.with_context([expression] if expression else None)
    return (" ".join(words) if words else None), context


def naming_context(result: ToolResult, context: SavedView | None) -> ToolResult:
    """`result` with a `context` field naming the context it ran in (unchanged without one),
    so the model can tell the user why some tasks are not there."""
    if context is None:
        return result
    data = {**result.data, "context": {"name": context.name, "filter": context.expression}}
    return ToolResult(data, f"{result.summary} (context {context.name})", result.exit_code)


def one_of(what: str, given: bool, clear: bool) -> None:
    """BadInput unless exactly one of a value and clear=true was given (the tools take a
    clear flag rather than a null, which models do not send reliably)."""
    if given == clear:
        raise BadInput(f"give either {what} or clear=true, not {'both' if given else 'neither'}")
