"""The agent's tools: one typed function per use case, each a thin call of the core API.

A tool function takes the TaskService first and then its own parameters. Its docstring is
the tool's description (the text before "Args:") and documents each parameter; its type
hints are the tool's JSON schema. Gemini (agent/gemini.py) and MCP (todo mcp) read the same
declarations from `TOOLS`.

Results are structured JSON: task titles and notes travel as data fields of task objects
(core/formats/jsonfmt.py), never spliced into sentences, because they are untrusted text.
Each `ToolSpec` (agent/toolspec.py) says what a call does to the task list; the
confirmation rule built on that is in agent/session.py, for the chat and MCP alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from agent import dependencies, organise
from agent.results import changed, count, task_dict, task_dicts
from agent.toolspec import ToolResult, ToolSpec, check_args, failure, ids_of, normalise_args
from core import dates
from core.changes import TaskUpdate
from core.errors import TodoError
from core.priorities import parse_priority
from core.schemas import Due, TaskRead
from core.selection import TaskFilter
from core.tags import normalise_tags

if TYPE_CHECKING:
    from core.service import TaskService

PriorityName = Literal["high", "medium", "low", "none"]
StatusName = Literal["pending", "completed", "deleted", "all"]


# -- the tools ------------------------------------------------------------------------------


def add_task(svc: TaskService, text: str, notes: str | None = None) -> ToolResult:
    """Add one task from a quick-add line.

    The line may carry a due date ("tomorrow 5pm", "fri", "dec 5 at 9am"), tags ("#home"),
    a priority ("!high", "p1"), a repeat ("every mon at 9am", "every month on the 1st",
    "every! 2 weeks" counts from completion) and reminders ("remind me 30m before",
    "remind me at 3pm"). Everything else is the title. While the user has a context (see
    list_views), the task gets its tags, and its project unless the line names one; the
    result's `context` names it.

    Args:
        text: The quick-add line, e.g. "dentist fri 10:30 #health remind me 1h before".
        notes: Free-text notes for the task.
    """
    context = svc.views.context()
    project, tags = (None, ()) if context is None else context.add_fields()
    task = svc.add_text(text, notes=notes, tags=tags, default_project=project)
    return organise.naming_context(changed("added", [task], svc), context)


def list_tasks(
    svc: TaskService,
    filter: str | None = None,
    view: str | None = None,
    status: StatusName | None = None,
    search: str | None = None,
    tags: list[str] | None = None,
    priority: PriorityName | None = None,
    overdue: bool = False,
    today: bool = False,
    due_before: str | None = None,
    due_after: str | None = None,
    no_due: bool = False,
    limit: int = 50,
) -> ToolResult:
    """List or search tasks with filters; every filter given must hold. Use it to find task
    ids before changing tasks. Sorted by due date, tasks without one last. Each task carries
    its project, dates and, where known, its parent, dependencies and whether it is blocked.
    While the user has a context (see list_views), only its tasks are listed, as `todo list`
    does, and the result's `context` names it: tell the user.

    Args:
        filter: A filter expression, as `todo list` takes it: "+tag", "-tag", "project:home"
            (sub-projects included), "priority:high" ("p:h"), "due.before:fri", "due:today",
            "scheduled.before:mon", "status:completed", "is:blocked", "is:waiting",
            "has:subtasks", bare words as text search, joined with "and", "or", "not" and
            parentheses, e.g. "project:home and (+garden or garden) and not is:blocked".
        view: The name of a saved view (list_views shows them): its filter holds too.
        status: Which tasks: pending (the default unless the filter names a status),
            completed, deleted or all.
        search: Words that must appear in the title or notes.
        tags: Tags every task must carry, without '#'.
        priority: Only tasks of this priority.
        overdue: Only tasks whose due time has passed.
        today: Only tasks due or scheduled today or earlier.
        due_before: A date phrase ("friday", "2026-12-01"): due before that day (the day
            itself excluded, as `todo list --due-before`; for "by friday" pass "saturday").
        due_after: A date phrase: due after that day (the day itself excluded).
        no_due: Only tasks without a due date.
        limit: At most this many tasks (default 50).
    """
    now = svc.now()
    expression, context = organise.in_context(svc, organise.with_view(svc, view, filter))
    flt = TaskFilter(
        status=status or _default_status(expression),
        search=search or None,
        tags=normalise_tags(tags or ()),
        priority=parse_priority(priority) if priority else None,
        overdue=overdue,
        today=today,
        due_before=dates.parse_day(due_before, now, "due_before"),
        due_after=dates.parse_day(due_after, now, "due_after"),
        no_due=no_due,
        limit=max(1, min(limit, 200)),
        expression=expression or "",
    )
    tasks = svc.list_tasks(flt)
    total = svc.count(flt)
    data = {"ok": True, "count": total, "shown": len(tasks), "tasks": task_dicts(tasks, svc)}
    listed = ToolResult(data, f"· listed {len(tasks)} of {count(total)}")
    return organise.naming_context(listed, context)


def show_task(svc: TaskService, id: int) -> ToolResult:
    """Show one task with all its fields, by id.

    Args:
        id: The task id.
    """
    task = svc.get(id)
    return ToolResult({"ok": True, "task": task_dict(task, svc)}, f"· looked at #{task.id}")


def update_tasks(
    svc: TaskService,
    ids: list[int],
    title: str | None = None,
    notes: str | None = None,
    priority: PriorityName | None = None,
    due: str | None = None,
    clear_due: bool = False,
) -> ToolResult:
    """Change fields of tasks by id: title, notes, priority or due date. Fields not given stay
    as they are.

    Args:
        ids: The ids of the tasks to change.
        title: A new title.
        notes: New notes (an empty string removes them).
        priority: A new priority.
        due: A new due date phrase ("saturday", "tomorrow 5pm", "dec 5").
        clear_due: True to remove the due date.
    """
    now = svc.now()
    new_due: Due | None = dates.parse_due(due, now) if due else None
    change = TaskUpdate(
        **_given(
            title=title,
            notes=notes,
            priority=parse_priority(priority) if priority else None,
        ),
        **({"due": None} if clear_due else {} if new_due is None else {"due": new_due}),
    )
    return changed("updated", svc.update(ids, change), svc)


def complete_tasks(svc: TaskService, ids: list[int], with_children: bool = False) -> ToolResult:
    """Mark tasks done. A repeating task's next instance appears by itself. A task with open
    subtasks is refused, naming them, unless with_children is true.

    Args:
        ids: The ids of the tasks to complete.
        with_children: True to complete their open subtasks too, in the same change.
    """
    return changed("completed", svc.complete(ids, with_children=with_children), svc)


def reopen_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Mark completed tasks pending again.

    Args:
        ids: The ids of the tasks to reopen.
    """
    return changed("reopened", svc.reopen(ids), svc)


def delete_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Delete tasks and their subtasks (they can be restored). Always asks the user to
    confirm.

    Args:
        ids: The ids of the tasks to delete.
    """
    return changed("deleted", svc.delete(ids), svc)


def restore_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Bring deleted tasks back.

    Args:
        ids: The ids of the deleted tasks.
    """
    return changed("restored", svc.restore(ids), svc)


def tag_tasks(svc: TaskService, ids: list[int], tags: list[str]) -> ToolResult:
    """Add tags to tasks.

    Args:
        ids: The ids of the tasks.
        tags: The tags to add, without '#'.
    """
    return changed("tagged", svc.update(ids, TaskUpdate(add_tags=tuple(tags))), svc)


def untag_tasks(svc: TaskService, ids: list[int], tags: list[str]) -> ToolResult:
    """Remove tags from tasks.

    Args:
        ids: The ids of the tasks.
        tags: The tags to remove, without '#'.
    """
    return changed("untagged", svc.update(ids, TaskUpdate(remove_tags=tuple(tags))), svc)


def set_recurrence(svc: TaskService, ids: list[int], rule: str) -> ToolResult:
    """Make tasks repeat, from this instance on.

    Args:
        ids: The ids of the tasks.
        rule: A repeat phrase: "every day", "every mon and thu at 9am", "every month on the
            15th", "every 2 weeks until dec 31"; "every! 3 days" counts from completion.
    """
    return changed("set to repeat", svc.set_recurrence(ids, rule), svc)


def clear_recurrence(svc: TaskService, ids: list[int]) -> ToolResult:
    """Stop tasks from repeating (the current instance stays). Always asks the user to confirm.

    Args:
        ids: The ids of the repeating tasks.
    """
    return changed("stopped repeating", svc.set_recurrence(ids, None), svc)


def add_reminder(svc: TaskService, ids: list[int], when: str) -> ToolResult:
    """Add a reminder to tasks.

    Args:
        ids: The ids of the tasks.
        when: "30m before", "1 hour before", "1 day before" (relative to the due time),
            "at 3pm" or "tomorrow 9am" (absolute).
    """
    return changed("reminder set", svc.remind(ids, when), svc)


def remove_reminders(svc: TaskService, ids: list[int]) -> ToolResult:
    """Remove every reminder of tasks.

    Args:
        ids: The ids of the tasks.
    """
    return changed("reminders removed", svc.unremind(ids), svc)


def snooze_reminders(svc: TaskService, ids: list[int], duration: str) -> ToolResult:
    """Dismiss what has fired and remind again after a while.

    Args:
        ids: The ids of the tasks.
        duration: How long: "10m", "1h", "1d".
    """
    return changed("snoozed", svc.snooze(ids, duration), svc)


def undo_last_change(svc: TaskService) -> ToolResult:
    """Revert the most recent change to the task list. The user confirms it, seeing what it
    would revert."""
    result = svc.undo()
    data = {"ok": True, "undid": result.kind, "tasks": task_dicts(result.tasks, svc)}
    return ToolResult(data, f"↶ undid {result.kind} ({count(len(result.tasks))})")


# -- declarations ---------------------------------------------------------------------------


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(add_task, "add", idempotent=False),
        ToolSpec(list_tasks),
        ToolSpec(show_task),
        ToolSpec(update_tasks, "change"),
        ToolSpec(complete_tasks, "change", targets=dependencies.completed_with_subtasks),
        ToolSpec(reopen_tasks, "change"),
        ToolSpec(delete_tasks, "delete", targets=dependencies.deleted_with_subtasks),
        ToolSpec(restore_tasks, "change"),
        ToolSpec(tag_tasks, "change"),
        ToolSpec(untag_tasks, "change"),
        ToolSpec(set_recurrence, "change", idempotent=False),
        ToolSpec(clear_recurrence, "stop_repeat"),
        ToolSpec(add_reminder, "change", idempotent=False),
        ToolSpec(remove_reminders, "change"),
        ToolSpec(snooze_reminders, "change", idempotent=False),
        ToolSpec(undo_last_change, "undo", idempotent=False),
        ToolSpec(organise.list_projects),
        ToolSpec(organise.rename_project, "change", targets=organise.project_members),
        ToolSpec(organise.set_project, "change"),
        ToolSpec(dependencies.set_parent, "change"),
        ToolSpec(dependencies.set_dependencies, "change"),
        ToolSpec(dependencies.blockers),
        ToolSpec(organise.set_dates, "change"),
        ToolSpec(organise.list_views),
    )
}
"""Every tool by name, in the order they are offered to the model."""


def affected(svc: TaskService, spec: ToolSpec, args: dict[str, Any]) -> list[TaskRead]:
    """The tasks a call would change, as they are now (NotFound for an unknown id)."""
    if spec.targets is not None:
        return spec.targets(svc, args)
    return [svc.get(i) for i in ids_of(args)]


def call(svc: TaskService, name: str, args: dict[str, Any]) -> ToolResult:
    """Run one tool; a user-level failure becomes an error result the model can read."""
    spec = TOOLS.get(name)
    if spec is None:
        return failure(f"there is no tool named {name!r}")
    args = normalise_args(spec, args)
    problem = check_args(spec, args)
    if problem is not None:
        return failure(problem)
    try:
        return spec.function(svc, **args)
    except TodoError as exc:
        return failure(exc.message, exc.exit_code)


# -- helpers --------------------------------------------------------------------------------


def _default_status(expression: str | None) -> StatusName:
    """Pending, unless the expression names a status itself (as `todo list` does)."""
    if not expression:
        return "pending"
    from core.filterlang import parse
    from core.filterlang.tree import mentions_status

    return "all" if mentions_status(parse(expression)) else "pending"


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
