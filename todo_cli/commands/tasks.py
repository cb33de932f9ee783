"""Task commands: add, list, show, edit, done, reopen, rm, restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from core import dates
from core.errors import BadInput
from core.priorities import parse_priority
from core.schemas import UNSET, Due, TaskRead, _Unset
from todo_cli import lazy, plan_opts, render, render_json, scoping
from todo_cli.commands import options as opts
from todo_cli.context import service

if TYPE_CHECKING:
    import typer

    from core.selection import TaskFilter
    from core.service import TaskService
    from core.usecases.views import SavedView
else:
    # Only Typer reads the annotations below; a plain add, list or count runs without it.
    typer = lazy.Module("typer")


def add(
    text: Annotated[list[str], typer.Argument(help="Title with quick-add tokens.")],
    due: Annotated[str | None, typer.Option(help="Due date, e.g. 'fri 5pm'.")] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="high|medium|low|none")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
    notes: Annotated[str | None, typer.Option(help="Free text notes.")] = None,
    every: Annotated[str | None, typer.Option(help="Repeat: 'every mon at 9am', 'every! 2 weeks'.")] = None,
    remind: Annotated[list[str] | None, typer.Option("--remind", help="Reminder: '30m before', 'at 3pm' (repeatable).")] = None,
    project: Annotated[str | None, typer.Option(help="Project path, e.g. 'home/garden'.")] = None,
    wait: Annotated[str | None, typer.Option(help="Hide from lists until this date.")] = None,
    scheduled: Annotated[str | None, typer.Option(help="When you plan to start.")] = None,
    until: Annotated[str | None, typer.Option(help="Expire (delete) after this date.")] = None,
    parent: Annotated[int | None, typer.Option(help="Make it a subtask of this task id.")] = None,
    depends: Annotated[str | None, typer.Option(help="Blocked by these task ids: '3,4'.")] = None,
    json: opts.Json = False,
) -> None:
    """Add a task: `todo add pay rent every month on the 1st at 9am remind me 1 day before #finance`.

    Quick-add tokens: #tag or +tag; !high/!h, !medium/!m, !low/!l, p1/p2/p3; a due date
    optionally after due/by/on (today, tonight, tomorrow, fri, next fri, end of month, in 3
    days, dec 5, 2026-12-05) with an optional time (at 5pm, at 17:30, at noon, at 9);
    recurrence (every day, every weekday,
    every mon and thu, every 2 weeks, every month on the 15th, every last fri, every year on
    dec 12, ... at 9am, until dec 31, for 5 times; every! repeats from completion); reminders
    (remind me 30m before, remind at 3pm); project:home/garden, pro:home or ^home/garden;
    wait:fri, scheduled:mon (sch:), until:dec 31. Quote text to keep it literal.
    """
    svc = service()
    in_project, in_tags = scoping.context_fields(svc)
    task = svc.add_text(
        " ".join(text), due=due, priority=priority, tags=(*(tag or ()), *in_tags), notes=notes,
        every=every, remind=remind or (), project=project, wait=wait, scheduled=scheduled,
        until=until, default_project=in_project, parent=parent, depends=_depends_ids(depends),
    )
    if json:
        render.Out().line(render.task_json(task, svc.tz))
    else:
        render.changed("Added", [task])
        for note in render.repeat_notes(task):
            render.Out().line(f"  note: {note}")


def list_(
    expression: opts.Expression = None,
    status: opts.Status = opts.StatusChoice.pending,
    priority: opts.PriorityFilter = None,
    tag: opts.TagFilter = None,
    due_before: opts.DueBefore = None,
    due_after: opts.DueAfter = None,
    overdue: opts.Overdue = False,
    today: opts.Today = False,
    upcoming: opts.Upcoming = None,
    no_due: opts.NoDue = False,
    search: opts.Search = None,
    sort: opts.Sort = opts.SortChoice.due,
    reverse: opts.Reverse = False,
    limit: opts.Limit = None,
    project: opts.ProjectFilter = None,
    waiting: opts.Waiting = False,
    tree: Annotated[bool, typer.Option("--tree", help="Indent subtasks under their parent.")] = False,
    json: opts.Json = False,
) -> None:
    """List tasks (pending and not waiting by default), filtered and sorted. Tasks without a
    due date sort last.

    EXPRESSION: +tag -tag project:home p:h due.before:fri due.after:DATE due:today
    scheduled:... status:all is:blocked is:waiting is:overdue has:subtasks has:due, words to
    search for, and/or/not and ( ): `todo list '(+work or p:h) not is:blocked'`. It combines
    with the options by `and`. @NAME runs the saved view NAME (`todo view save`); the
    context (`todo context`) is and-ed with it all."""
    from todo_cli.filter_args import build_filter  # list and count only, not a plain add

    svc = service()
    flt, context = _scoped(svc, expression, build_filter(
        svc.now(), status, priority, tag, due_before, due_after, overdue, today, upcoming,
        no_due, search, project, waiting,
    ))
    tasks = svc.list_tasks(replace(flt, sort=sort.value, reverse=reverse, limit=limit))
    out = render.Out()
    if context is not None and not json and out.tty:
        out.line(scoping.header(context))
    if tree and not json:
        from todo_cli import render_links

        render_links.tree_table(tasks, svc.now())
    else:
        _print_list(tasks, json)


def count(
    expression: opts.Expression = None,
    status: opts.Status = opts.StatusChoice.pending,
    priority: opts.PriorityFilter = None,
    tag: opts.TagFilter = None,
    due_before: opts.DueBefore = None,
    due_after: opts.DueAfter = None,
    overdue: opts.Overdue = False,
    today: opts.Today = False,
    upcoming: opts.Upcoming = None,
    no_due: opts.NoDue = False,
    search: opts.Search = None,
    project: opts.ProjectFilter = None,
    waiting: opts.Waiting = False,
    json: opts.Json = False,
) -> None:
    """Print how many tasks match (the same filters, expression, views and context as
    `todo list`)."""
    from todo_cli.filter_args import build_filter

    svc = service()
    flt, _ = _scoped(svc, expression, build_filter(
        svc.now(), status, priority, tag, due_before, due_after, overdue, today, upcoming,
        no_due, search, project, waiting,
    ))
    n = svc.count(flt)
    if json:
        render_json.count(n)
    else:
        render.Out().line(str(n))


def show(task_id: opts.TaskId, json: opts.Json = False) -> None:
    """Show every field of one task."""
    svc = service()
    task = svc.get(task_id)
    if json:
        render.Out().line(render.task_json(task, svc.tz))
    else:
        from todo_cli import render_links

        render.task_detail(task, svc.now())
        render_links.links_detail(task, svc)


def edit(
    ids: opts.Ids,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    notes: Annotated[str | None, typer.Option(help="New notes ('' clears).")] = None,
    due: Annotated[str | None, typer.Option(help="New due date ('none' clears).")] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="high|medium|low|none")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag (repeatable).")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")] = None,
    every: Annotated[str | None, typer.Option(help="New rule from this instance on ('none' ends it).")] = None,
    remind: Annotated[list[str] | None, typer.Option("--remind", help="Add a reminder (repeatable).")] = None,
    project: Annotated[str | None, typer.Option(help="Move into this project.")] = None,
    no_project: Annotated[bool, typer.Option("--no-project", help="Take out of its project.")] = False,
    wait: Annotated[str | None, typer.Option(help="Hide until this date.")] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Stop waiting.")] = False,
    scheduled: Annotated[str | None, typer.Option(help="Planned start date.")] = None,
    no_scheduled: Annotated[bool, typer.Option("--no-scheduled", help="Clear the planned start.")] = False,
    until: Annotated[str | None, typer.Option(help="Expire after this date.")] = None,
    no_until: Annotated[bool, typer.Option("--no-until", help="Never expire.")] = False,
    parent: Annotated[int | None, typer.Option(help="Make a subtask of this task id.")] = None,
    no_parent: Annotated[bool, typer.Option("--no-parent", help="Make top-level again.")] = False,
    depends: Annotated[str | None, typer.Option(help="Blocked by these task ids: '3,4'.")] = None,
    no_depends: Annotated[bool, typer.Option("--no-depends", help="Clear the blockers.")] = False,
    json: opts.Json = False,
) -> None:
    """Change fields of one or more tasks: `todo edit 3 5 --due fri --tag work`."""
    from core.changes import TaskUpdate  # edit only: a plain add or list does not create one
    from todo_cli.link_opts import depends_change, parent_change

    svc = service()
    now = svc.now()
    change = TaskUpdate(
        title=title if title is not None else UNSET,
        notes=notes if notes is not None else UNSET,
        priority=parse_priority(priority) if priority is not None else UNSET,
        due=_due_change(due, svc.now()),
        add_tags=tuple(tag or ()),
        remove_tags=tuple(untag or ()),
        recurrence=_every_change(every),
        add_reminders=tuple(remind or ()),
        project=plan_opts.cleared("project", project, no_project),
        wait=plan_opts.date_change("wait", wait, no_wait, now),
        scheduled=plan_opts.date_change("scheduled", scheduled, no_scheduled, now),
        until=plan_opts.date_change("until", until, no_until, now),
        parent=parent_change(parent, no_parent),
        depends=depends_change(depends, no_depends),
    )
    _print_changed("Updated", svc.update(ids, change), json)


def _depends_ids(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    from core.links import parse_ids  # only an add with --depends needs it

    return parse_ids(text, "--depends")


def _due_change(value: str | None, now: datetime) -> Due | _Unset | None:
    if value is None:
        return UNSET
    if value.strip().lower() in ("none", "never", ""):
        return None
    try:
        return dates.parse_due(value, now)
    except BadInput as exc:
        raise BadInput(f"--due: {exc.message}") from None


def _every_change(value: str | None) -> str | _Unset | None:
    if value is None:
        return UNSET
    return None if value.strip().lower() in ("none", "never") else value


def done(
    ids: opts.Ids,
    with_children: Annotated[bool, typer.Option("--with-children", help="Complete open subtasks too.")] = False,
    json: opts.Json = False,
) -> None:
    """Complete tasks: `todo done 3 5 8`. A recurring task's next instance appears at once.
    A task with open subtasks is refused unless `--with-children` completes them too."""
    svc = service()
    done_tasks = svc.complete(ids, with_children=with_children)
    render.completed([*done_tasks, *svc.after_commit_results], svc.now(), json)


def reopen(ids: opts.Ids, json: opts.Json = False) -> None:
    """Mark completed tasks pending again."""
    _print_changed("Reopened", service().reopen(ids), json)


def rm(ids: opts.Ids, json: opts.Json = False) -> None:
    """Delete tasks and their subtasks (`todo undo` or `todo restore` brings them back)."""
    _print_changed("Deleted", service().delete(ids), json)


def restore(ids: opts.Ids, json: opts.Json = False) -> None:
    """Bring deleted tasks back."""
    _print_changed("Restored", service().restore(ids), json)


def show_today() -> None:
    """What `todo` alone prints: tasks due today or overdue, or scheduled for today or earlier
    (within the context)."""
    from todo_cli.filter_args import today_or_overdue, with_expression

    svc = service()
    now = svc.now()
    words, _ = scoping.scoped(svc, None)  # the context, as the TUI's Today view has it
    tasks = svc.list_tasks(with_expression(today_or_overdue(now), words, False))
    _table(tasks, now)


def _scoped(
    svc: TaskService, expression: list[str] | None, flt: TaskFilter
) -> tuple[TaskFilter, SavedView | None]:
    """The filter of `list` and `count`: the options' `flt` and-ed with the expression, its
    views expanded and the context in front; and that context."""
    from todo_cli.filter_args import status_given, with_expression

    words, context = scoping.scoped(svc, expression)
    return with_expression(flt, words, status_given()), context


def _print_changed(verb: str, tasks: list[TaskRead], json: bool) -> None:
    render.changed_tasks(verb, tasks, service().tz, json)


def _print_list(tasks: list[TaskRead], json: bool) -> None:
    svc = service()
    if json:
        render.tasks_json(tasks, svc.tz)
    else:
        _table(tasks, svc.now())


def _table(tasks: list[TaskRead], now: datetime) -> None:
    from todo_cli import render_table  # tables only: add and count print none

    render_table.task_table(tasks, now)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(add)
    app.command("list")(list_)
    app.command("ls", hidden=True)(list_)
    app.command()(count)
    app.command()(show)
    app.command()(edit)
    app.command()(done)
    app.command()(reopen)
    app.command()(rm)
    app.command()(restore)
