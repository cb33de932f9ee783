"""`todo report`: summary, burndown, calendar and done, drawn as charts (or --json)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core import dates
from core.report_maths import parse_month
from todo_cli import render_json
from todo_cli.commands import options as opts
from todo_cli.commands.options import Json
from todo_cli.commands.tasks import build_filter
from todo_cli.context import service

app = typer.Typer(
    help="Reports with charts: summary, burndown, calendar, done.", rich_markup_mode=None,
    no_args_is_help=True,
)


def _out(report: Any, json: bool, draw: str, **options: Any) -> None:
    """The numbers as JSON, or the picture `render_charts.<draw>` makes of them."""
    if json:
        render_json.emit(report.as_json())
        return
    from todo_cli import render_charts  # Rich: only when a picture is drawn

    picture = getattr(render_charts, draw)
    render_charts.show(picture(report, **options))


@app.command()
def summary(json: Json = False) -> None:
    """Per project: pending, completed this week (from Monday) and last week, percent done
    and overdue."""
    _out(service().report_summary(), json, "summary")


@app.command()
def burndown(
    weeks: Annotated[int, typer.Option(help="How many weeks back, one point per day.",
                                       min=1, max=520)] = 2,
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
    """Pending tasks at the end of each day, from the audit log; the filter options of
    `todo list` choose the tasks (by what they are now)."""
    svc = service()
    flt = build_filter(svc.now(), opts.StatusChoice.all, priority, tag, due_before, due_after,
                       overdue, today, upcoming, no_due, search)
    report = svc.report_burndown(weeks, flt)
    _out(report, json, "burndown", **({} if json else {"width": _width()}))


@app.command()
def calendar(
    month: Annotated[str | None, typer.Argument(
        help="2026-12, dec, 'december 2027' or a date; this month by default.")] = None,
    json: Json = False,
) -> None:
    """A month grid, Monday first, with the number of pending tasks due each day and the first
    titles."""
    svc = service()
    report = svc.report_calendar(parse_month(month, svc.now()))
    options = {} if json else {"width": _width(), "today": svc.now().date()}
    _out(report, json, "calendar", **options)


@app.command()
def done(
    since: Annotated[str | None, typer.Option(
        help="From this day (e.g. '2026-11-01'); two weeks by default.")] = None,
    json: Json = False,
) -> None:
    """Tasks completed per day as a bar chart (per week over more than about two months)."""
    svc = service()
    report = svc.report_done(dates.parse_day(since, svc.now(), "--since"))
    _out(report, json, "done", **({} if json else {"width": _width()}))


def _width() -> int:
    from todo_cli import render_charts

    return render_charts.width_now()


def register(target: typer.Typer) -> None:
    """Attach `todo report` to the root app."""
    target.add_typer(app, name="report")
