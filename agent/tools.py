"""The agent's tools: one typed function per use case, each a thin call of the core API.

A tool function takes the TaskService first and then its own parameters. Its docstring is
the tool's description (the text before "Args:") and documents each parameter; its type
hints are the tool's JSON schema. Gemini (agent/gemini.py) and MCP (todo mcp) read the same
declarations from `TOOLS`.

Results are structured JSON: task titles and notes travel as data fields of task objects
(core/formats/jsonfmt.py), never spliced into sentences, because they are untrusted text.
Each `ToolSpec` says when a call needs the user's confirmation ("always", or "bulk": when it
changes more than one task); agent/session.py and the MCP server enforce that in code.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

from core import dates
from core.errors import TodoError
from core.formats import jsonfmt
from core.priorities import parse_priority
from core.schemas import Due, TaskFilter, TaskRead, TaskUpdate
from core.tags import normalise_tags

if TYPE_CHECKING:
    from core.service import TaskService

Confirm = Literal["never", "bulk", "always"]
PriorityName = Literal["high", "medium", "low", "none"]
StatusName = Literal["pending", "completed", "deleted", "all"]


@dataclass(frozen=True)
class ToolResult:
    """What a tool call did: `data` goes back to the model, `summary` is for people."""

    data: dict[str, Any]
    summary: str

    @property
    def ok(self) -> bool:
        """True unless the call failed or was refused."""
        return bool(self.data.get("ok"))


# -- the tools ------------------------------------------------------------------------------


def add_task(svc: TaskService, text: str, notes: str | None = None) -> ToolResult:
    """Add one task from a quick-add line.

    The line may carry a due date ("tomorrow 5pm", "fri", "dec 5 at 9am"), tags ("#home"),
    a priority ("!high", "p1"), a repeat ("every mon at 9am", "every month on the 1st",
    "every! 2 weeks" counts from completion) and reminders ("remind me 30m before",
    "remind me at 3pm"). Everything else is the title.

    Args:
        text: The quick-add line, e.g. "dentist fri 10:30 #health remind me 1h before".
        notes: Free-text notes for the task.
    """
    task = svc.add_text(text, notes=notes)
    return _changed("added", [task], svc)


def list_tasks(
    svc: TaskService,
    status: StatusName = "pending",
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
    ids before changing tasks. Sorted by due date, tasks without one last.

    Args:
        status: Which tasks: pending (the default), completed, deleted or all.
        search: Words that must appear in the title or notes.
        tags: Tags every task must carry, without '#'.
        priority: Only tasks of this priority.
        overdue: Only tasks whose due time has passed.
        today: Only tasks due today or overdue.
        due_before: A date phrase ("friday", "2026-12-01"): due on or before that day.
        due_after: A date phrase: due on or after that day.
        no_due: Only tasks without a due date.
        limit: At most this many tasks (default 50).
    """
    now = svc.now()
    flt = TaskFilter(
        status=status,
        search=search or None,
        tags=normalise_tags(tags or ()),
        priority=parse_priority(priority) if priority else None,
        overdue=overdue,
        today=today,
        due_before=dates.parse_day(due_before, now, "due_before"),
        due_after=dates.parse_day(due_after, now, "due_after"),
        no_due=no_due,
        limit=max(1, min(limit, 200)),
    )
    tasks = svc.list_tasks(flt)
    total = svc.count(flt)
    data = {"ok": True, "count": total, "shown": len(tasks), "tasks": _dicts(tasks, svc)}
    return ToolResult(data, f"· listed {len(tasks)} of {total} task{_s(total)}")


def show_task(svc: TaskService, id: int) -> ToolResult:
    """Show one task with all its fields, by id.

    Args:
        id: The task id.
    """
    task = svc.get(id)
    return ToolResult({"ok": True, "task": _dict(task, svc)}, f"· looked at #{task.id}")


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
    return _changed("updated", svc.update(ids, change), svc)


def complete_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Mark tasks done. A repeating task's next instance appears by itself.

    Args:
        ids: The ids of the tasks to complete.
    """
    return _changed("completed", svc.complete(ids), svc)


def reopen_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Mark completed tasks pending again.

    Args:
        ids: The ids of the tasks to reopen.
    """
    return _changed("reopened", svc.reopen(ids), svc)


def delete_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Delete tasks (they can be restored). Always asks the user to confirm.

    Args:
        ids: The ids of the tasks to delete.
    """
    return _changed("deleted", svc.delete(ids), svc)


def restore_tasks(svc: TaskService, ids: list[int]) -> ToolResult:
    """Bring deleted tasks back.

    Args:
        ids: The ids of the deleted tasks.
    """
    return _changed("restored", svc.restore(ids), svc)


def tag_tasks(svc: TaskService, ids: list[int], tags: list[str]) -> ToolResult:
    """Add tags to tasks.

    Args:
        ids: The ids of the tasks.
        tags: The tags to add, without '#'.
    """
    return _changed("tagged", svc.update(ids, TaskUpdate(add_tags=tuple(tags))), svc)


def untag_tasks(svc: TaskService, ids: list[int], tags: list[str]) -> ToolResult:
    """Remove tags from tasks.

    Args:
        ids: The ids of the tasks.
        tags: The tags to remove, without '#'.
    """
    return _changed("untagged", svc.update(ids, TaskUpdate(remove_tags=tuple(tags))), svc)


def set_recurrence(svc: TaskService, ids: list[int], rule: str) -> ToolResult:
    """Make tasks repeat, from this instance on.

    Args:
        ids: The ids of the tasks.
        rule: A repeat phrase: "every day", "every mon and thu at 9am", "every month on the
            15th", "every 2 weeks until dec 31"; "every! 3 days" counts from completion.
    """
    return _changed("set to repeat", svc.set_recurrence(ids, rule), svc)


def clear_recurrence(svc: TaskService, ids: list[int]) -> ToolResult:
    """Stop tasks from repeating (the current instance stays). Always asks the user to confirm.

    Args:
        ids: The ids of the repeating tasks.
    """
    return _changed("stopped repeating", svc.set_recurrence(ids, None), svc)


def add_reminder(svc: TaskService, ids: list[int], when: str) -> ToolResult:
    """Add a reminder to tasks.

    Args:
        ids: The ids of the tasks.
        when: "30m before", "1 hour before", "1 day before" (relative to the due time),
            "at 3pm" or "tomorrow 9am" (absolute).
    """
    return _changed("reminder set", svc.remind(ids, when), svc)


def remove_reminders(svc: TaskService, ids: list[int]) -> ToolResult:
    """Remove every reminder of tasks.

    Args:
        ids: The ids of the tasks.
    """
    return _changed("reminders removed", svc.unremind(ids), svc)


def snooze_reminders(svc: TaskService, ids: list[int], duration: str) -> ToolResult:
    """Dismiss what has fired and remind again after a while.

    Args:
        ids: The ids of the tasks.
        duration: How long: "10m", "1h", "1d".
    """
    return _changed("snoozed", svc.snooze(ids, duration), svc)


def undo_last_change(svc: TaskService) -> ToolResult:
    """Revert the most recent change to the task list (call again to go further back)."""
    result = svc.undo()
    data = {"ok": True, "undid": result.kind, "tasks": _dicts(result.tasks, svc)}
    return ToolResult(data, f"↶ undid {result.kind} ({_count(result.tasks)})")


# -- declarations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its function and when it needs the user's confirmation."""

    function: Callable[..., ToolResult]
    confirm: Confirm = "never"

    @property
    def name(self) -> str:
        """The tool's name: the function's."""
        return self.function.__name__

    @property
    def destructive(self) -> bool:
        """Whether any call may need confirmation."""
        return self.confirm != "never"

    def description(self) -> str:
        """The docstring up to its Args section, as one paragraph per blank-line block."""
        doc = inspect.getdoc(self.function) or ""
        body = doc.split("\nArgs:", 1)[0].strip()
        return "\n\n".join(" ".join(p.split()) for p in body.split("\n\n"))

    def parameters(self) -> list[inspect.Parameter]:
        """The tool's own parameters (the service is not one), with resolved annotations."""
        # The service is only named for type checkers; tools never see it as a parameter.
        hints = get_type_hints(self.function, localns={"TaskService": object})
        params = list(inspect.signature(self.function).parameters.values())[1:]
        return [p.replace(annotation=hints[p.name]) for p in params]

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments."""
        notes = _arg_docs(inspect.getdoc(self.function) or "")
        props: dict[str, Any] = {}
        for p in self.parameters():
            prop = json_schema(p.annotation)
            if p.name in notes:
                prop["description"] = notes[p.name]
            props[p.name] = prop
        required = [p.name for p in self.parameters() if p.default is inspect.Parameter.empty]
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        return schema

    def needs_confirmation(self, args: dict[str, Any]) -> bool:
        """Whether this call must be confirmed: always, or when it names several tasks."""
        if self.confirm == "always":
            return True
        return self.confirm == "bulk" and len(set(_ids(args))) > 1


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(add_task),
        ToolSpec(list_tasks),
        ToolSpec(show_task),
        ToolSpec(update_tasks, "bulk"),
        ToolSpec(complete_tasks, "bulk"),
        ToolSpec(reopen_tasks, "bulk"),
        ToolSpec(delete_tasks, "always"),
        ToolSpec(restore_tasks, "bulk"),
        ToolSpec(tag_tasks, "bulk"),
        ToolSpec(untag_tasks, "bulk"),
        ToolSpec(set_recurrence, "bulk"),
        ToolSpec(clear_recurrence, "always"),
        ToolSpec(add_reminder, "bulk"),
        ToolSpec(remove_reminders, "bulk"),
        ToolSpec(snooze_reminders, "bulk"),
        ToolSpec(undo_last_change),
    )
}
"""Every tool by name, in the order they are offered to the model."""


def affected(svc: TaskService, args: dict[str, Any]) -> list[TaskRead]:
    """The tasks a call names, as they are now (NotFound for an unknown id)."""
    return [svc.get(i) for i in dict.fromkeys(_ids(args))]


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
        return failure(exc.message)


def failure(message: str, **extra: Any) -> ToolResult:
    """A failed call: the message for the model and for people."""
    return ToolResult({"ok": False, "error": message, **extra}, f"✗ {message}")


def refusal(action: str, reason: str) -> ToolResult:
    """A call the user did not confirm: nothing changed."""
    message = f"not done: {action} needs the user's confirmation and {reason}"
    return ToolResult({"ok": False, "refused": True, "error": message}, f"✗ {message}")


def check_args(spec: ToolSpec, args: dict[str, Any]) -> str | None:
    """What is wrong with the arguments of a call, or None."""
    params = {p.name: p for p in spec.parameters()}
    unknown = sorted(set(args) - set(params))
    if unknown:
        return f"{spec.name} has no parameter {', '.join(unknown)}"
    missing = [n for n, p in params.items() if p.default is inspect.Parameter.empty and
               n not in args]
    if missing:
        return f"{spec.name} needs {', '.join(missing)}"
    for name, value in args.items():
        if not _fits(value, params[name].annotation):
            return f"{spec.name}: {name}={value!r} is not a valid value"
    return None


def json_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of one parameter type (the types the tools use)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        return json_schema(inner[0])
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(hint))}
    if origin is list:
        return {"type": "array", "items": json_schema(get_args(hint)[0])}
    names = {str: "string", int: "integer", bool: "boolean", float: "number"}
    return {"type": names[hint]}


# -- helpers --------------------------------------------------------------------------------


def _fits(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, a) for a in get_args(hint))
    if hint is type(None):
        return value is None
    if origin is Literal:
        return value in get_args(hint)
    if origin is list:
        return isinstance(value, list) and all(_fits(v, get_args(hint)[0]) for v in value)
    if hint is int:
        # JSON numbers may arrive as 12.0.
        return isinstance(value, int | float) and not isinstance(value, bool) and \
            float(value).is_integer()
    if hint is bool:
        return isinstance(value, bool)
    return isinstance(value, hint)


def normalise_args(spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
    """Arguments with JSON numbers turned into ints where the tool wants ints."""
    out = dict(args)
    for p in spec.parameters():
        if p.name not in out:
            continue
        if p.annotation is int and isinstance(out[p.name], float):
            out[p.name] = int(out[p.name])
        if get_args(p.annotation) == (int,) and isinstance(out[p.name], list):
            out[p.name] = [int(v) if isinstance(v, float) else v for v in out[p.name]]
    return out


_ARG_LINE = re.compile(r"^    (\w+): (.*)$")


def _arg_docs(doc: str) -> dict[str, str]:
    """Parameter descriptions from a docstring's Google-style Args section."""
    if "\nArgs:" not in doc:
        return {}
    notes: dict[str, str] = {}
    current = None
    for line in doc.split("\nArgs:", 1)[1].splitlines():
        m = _ARG_LINE.match(line)
        if m:
            current = m[1]
            notes[current] = m[2].strip()
        elif current and line.strip():
            notes[current] += " " + line.strip()
    return notes


def _ids(args: dict[str, Any]) -> list[int]:
    ids = args.get("ids")
    if isinstance(ids, list):
        return [int(i) for i in ids if isinstance(i, int | float) and not isinstance(i, bool)]
    return [int(args["id"])] if isinstance(args.get("id"), int) else []


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _dict(task: TaskRead, svc: TaskService) -> dict[str, Any]:
    return jsonfmt.task_to_dict(task, svc.tz)


def _dicts(tasks: Sequence[TaskRead], svc: TaskService) -> list[dict[str, Any]]:
    return [_dict(t, svc) for t in tasks]


def _changed(verb: str, tasks: Sequence[TaskRead], svc: TaskService) -> ToolResult:
    data = {"ok": True, "action": verb, "tasks": _dicts(tasks, svc)}
    now = svc.now()
    lines = [f"✓ {verb} {describe(t, now)}" for t in tasks] or [f"✓ {verb} nothing"]
    return ToolResult(data, "\n".join(lines))


def describe(task: TaskRead, now: datetime) -> str:
    """A task in a few words for people: "#12 'dentist' fri 10:30"."""
    text = f"#{task.id} {task.title!r}"
    return f"{text} {short_when(task.due, now)}" if task.due is not None else text


def short_when(due: Due, now: datetime) -> str:
    """"today", "tomorrow 17:00", "fri 10:30" within a week, else the date."""
    local = due.astimezone(now.tzinfo) if isinstance(due, datetime) else due
    day = local.date() if isinstance(local, datetime) else local
    offset = (day - now.date()).days
    if offset in (0, 1):
        name = "today" if offset == 0 else "tomorrow"
    elif 1 < offset < 7:
        name = f"{day:%a}".lower()
    else:
        name = day.isoformat()
    return f"{name} {local:%H:%M}" if isinstance(local, datetime) else name


def _count(tasks: Sequence[TaskRead]) -> str:
    return f"{len(tasks)} task{_s(len(tasks))}"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
