"""Task commands: add, list, show, edit, done, reopen, rm, restore."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated

import click
import typer
from click.core import ParameterSource

from core import dates
from core.errors import BadInput
from core.priorities import parse_priority
from core.schemas import UNSET, Due, TaskFilter, TaskRead, TaskUpdate, _Unset
from core.tags import normalise_tags
from todo_cli import render, render_json
from todo_cli.commands import options as opts
from todo_cli.commands.options import Ids, Json
from todo_cli.context import drain, service


def add(
    text: Annotated[list[str], typer.Argument(help="Title with quick-add tokens.")],
    due: Annotated[str | None, typer.Option(help="Due date, e.g. 'fri 5pm'.")] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="high|medium|low|none")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")] = None,
    notes: Annotated[str | None, typer.Option(help="Free text notes.")] = None,
    every: Annotated[str | None, typer.Option(help="Repeat: 'every mon at 9am', 'every! 2 weeks'.")] = None,
    remind: Annotated[list[str] | None, typer.Option("--remind", help="Reminder: '30m before', 'at 3pm' (repeatable).")] = None,
    json: Json = False,
) -> None:
    """Add a task: `todo add pay rent every month on the 1st at 9am remind me 1 day before #finance`.

    Quick-add tokens: #tag or +tag; !high/!h, !medium/!m, !low/!l, p1/p2/p3; a due date
    optionally after due/by/on (today, tonight, tomorrow, fri, next fri, end of month, in 3
    days, dec 5, 2026-12-05) with an optional time (at 5pm, at 17:30, at noon, at 9);
    recurrence (every day, every weekday,
    every mon and thu, every 2 weeks, every month on the 15th, every last fri, every year on
    dec 12, ... at 9am, until dec 31, for 5 times; every! repeats from completion); reminders
    (remind me 30m before, remind at 3pm). Quote text to keep it literal.
    """
    svc = service()
    task = svc.add_text(
        " ".join(text), due=due, priority=priority, tags=tag or (), notes=notes,
        every=every, remind=remind or (),
    )
    if json:
        render.Out().line(render.task_json(task, svc.tz))
    else:
        render.changed("Added", [task])
        for note in render.repeat_notes(task):
            render.Out().line(f"  note: {note}")


def list_(
    ctx: typer.Context,
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
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")] = False,
    limit: opts.Limit = None,
    json: Json = False,
) -> None:
    """List tasks (pending by default), filtered and sorted. Tasks without a due date sort last.

    EXPRESSION: +tag -tag project:home p:h due.before:fri due.after:DATE due:today
    scheduled:... status:all is:blocked is:waiting is:overdue has:subtasks has:due, words to
    search for, and/or/not and ( ): `todo list '(+work or p:h) not is:blocked'`. It combines
    with the options by `and`."""
    svc = service()
    flt = build_filter(
        svc.now(), status, priority, tag, due_before, due_after, overdue, today, upcoming,
        no_due, search,
    )
    flt = with_expression(flt, expression, status_given(ctx))
    flt = replace(flt, sort=sort.value, reverse=reverse, limit=limit)
    _print_list(svc.list_tasks(flt), json)


def count(
    ctx: typer.Context,
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
    json: Json = False,
) -> None:
    """Print how many tasks match (the same filters and expression as `todo list`)."""
    svc = service()
    flt = build_filter(
        svc.now(), status, priority, tag, due_before, due_after, overdue, today, upcoming,
        no_due, search,
    )
    flt = with_expression(flt, expression, status_given(ctx))
    n = svc.count(flt)
    if json:
        render_json.count(n)
    else:
        render.Out().line(str(n))


def build_filter(
    now: datetime,
    status: opts.StatusChoice,
    priority: str | None,
    tag: list[str] | None,
    due_before: str | None,
    due_after: str | None,
    overdue: bool,
    today: bool,
    upcoming: int | None,
    no_due: bool,
    search: str | None,
) -> TaskFilter:
    """The TaskFilter the `list` and `count` options describe (the TUI's `/` box too)."""
    return TaskFilter(
        status=status.value,
        priority=parse_priority(priority) if priority else None,
        tags=normalise_tags(tag or ()),
        due_before=dates.parse_day(due_before, now, "--due-before"),
        due_after=dates.parse_day(due_after, now, "--due-after"),
        overdue=overdue,
        today=today,
        upcoming=upcoming,
        no_due=no_due,
        search=search,
    )


def status_given(ctx: click.Context) -> bool:
    """Whether --status was typed (or set by the environment), not left at its default."""
    return ctx.get_parameter_source("status") not in (None, ParameterSource.DEFAULT)


def with_expression(flt: TaskFilter, words: list[str] | None, status_given: bool) -> TaskFilter:
    """`flt` and the expression typed as `words`. An expression naming a status replaces the
    default `--status pending` (not one given explicitly): `todo list status:completed`."""
    if not words:
        return flt
    from core.filterlang import parse
    from core.filterlang.args import join_args
    from core.filterlang.tree import mentions_status

    text = join_args(words)
    if not status_given and mentions_status(parse(text)):
        flt = replace(flt, status="all")
    return replace(flt, expression=text)


def show(task_id: opts.TaskId, json: Json = False) -> None:
    """Show every field of one task."""
    svc = service()
    task = svc.get(task_id)
    if json:
        render.Out().line(render.task_json(task, svc.tz))
    else:
        render.task_detail(task, svc.now())


def edit(
    ids: Ids,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    notes: Annotated[str | None, typer.Option(help="New notes ('' clears).")] = None,
    due: Annotated[str | None, typer.Option(help="New due date ('none' clears).")] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="high|medium|low|none")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag (repeatable).")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")] = None,
    every: Annotated[str | None, typer.Option(help="New rule from this instance on ('none' ends it).")] = None,
    remind: Annotated[list[str] | None, typer.Option("--remind", help="Add a reminder (repeatable).")] = None,
    json: Json = False,
) -> None:
    """Change fields of one or more tasks: `todo edit 3 5 --due fri --tag work`."""
    svc = service()
    change = TaskUpdate(
        title=title if title is not None else UNSET,
        notes=notes if notes is not None else UNSET,
        priority=parse_priority(priority) if priority is not None else UNSET,
        due=_due_change(due, svc.now()),
        add_tags=tuple(tag or ()),
        remove_tags=tuple(untag or ()),
        recurrence=_every_change(every),
        add_reminders=tuple(remind or ()),
    )
    _print_changed("Updated", svc.update(ids, change), json)


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


def done(ids: Ids, json: Json = False) -> None:
    """Complete tasks: `todo done 3 5 8`. A recurring task's next instance appears at once."""
    svc = service()
    done_tasks = svc.complete(ids)
    render.completed([*done_tasks, *drain()], svc.now(), json)


def reopen(ids: Ids, json: Json = False) -> None:
    """Mark completed tasks pending again."""
    _print_changed("Reopened", service().reopen(ids), json)


def rm(ids: Ids, json: Json = False) -> None:
    """Delete tasks (they can be restored with `todo restore`)."""
    _print_changed("Deleted", service().delete(ids), json)


def restore(ids: Ids, json: Json = False) -> None:
    """Bring deleted tasks back."""
    _print_changed("Restored", service().restore(ids), json)


def show_today() -> None:
    """What `todo` alone prints: tasks due today or overdue."""
    svc = service()
    now = svc.now()
    tomorrow = now.date() + timedelta(days=1)
    tasks = svc.list_tasks(TaskFilter(due_before=tomorrow))
    render.task_table(tasks, now)


def _print_changed(verb: str, tasks: list[TaskRead], json: bool) -> None:
    render.changed_tasks(verb, tasks, service().tz, json)


def _print_list(tasks: list[TaskRead], json: bool) -> None:
    svc = service()
    if json:
        render.tasks_json(tasks, svc.tz)
    else:
        render.task_table(tasks, svc.now())


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
