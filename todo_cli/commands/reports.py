"""`todo report`: summary, burndown, calendar and done, drawn as charts (or --json)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core import dates
from core.report_maths import parse_month
from core.selection import TaskFilter
from todo_cli import render_json
from todo_cli.commands import options as opts
from todo_cli.commands.options import Json
from todo_cli.context import service
from todo_cli.filter_args import with_expression

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
    expression: opts.Expression = None,
    weeks: Annotated[int, typer.Option(help="How many weeks back, one point per day.",
                                       min=1, max=520)] = 2,
    json: Json = False,
) -> None:
    """Pending tasks at the end of each day, from the audit log; a filter expression, as
    `todo list` reads it, chooses the tasks (by what they are now): `burndown project:home`."""
    svc = service()
    flt = with_expression(TaskFilter(status="all"), expression, status_given=True)
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
