"""The pictures of `todo report`, as Rich renderables: the CLI prints them and the TUI's
Reports screen shows the very same objects.

Rich costs ~30 ms to import, so only the report commands and the TUI (which has it loaded
already through Textual) import this module; tests/test_architecture.py keeps it that way.
Stored text goes through `visible` and into `Text` objects, never markup, so a title cannot
drive the terminal or style itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich import box
from rich.bar import Bar
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from core.report_maths import Burndown, Calendar, CalendarDay, Done, Point, Summary
from core.text import visible

EIGHTHS = " ▁▂▃▄▅▆▇█"
"""Column tops in eighths of a row: a column's height is drawn to 1/8 of a line."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
AXIS = 6
"""The width of the y-axis labels and their rule."""


def show(picture: RenderableType) -> None:
    """Print a report on stdout (colour only on a terminal, and never with NO_COLOR)."""
    Console(highlight=False).print(picture)


def width_now() -> int:
    """The width the CLI draws in: the terminal's, or 80 when not a terminal."""
    return Console().width


# -- summary -------------------------------------------------------------------------------


def summary(report: Summary) -> RenderableType:
    """A table: project, pending, completed this week and last, percent done as a bar, overdue."""
    if not report.projects:
        return Text("No pending or completed tasks.")
    table = Table(title=f"Week of Monday {report.week.isoformat()}", title_justify="left",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Project")
    for name in ("Pending", "This week", "Last week"):
        table.add_column(name, justify="right")
    table.add_column("Done")
    table.add_column("Overdue", justify="right")
    for p in report.projects:
        overdue = Text(str(p.overdue), style="red" if p.overdue else "")
        table.add_row(Text(visible(p.project)), str(p.pending), str(p.this_week),
                      str(p.last_week), _percent(p.percent_done), overdue)
    return table


def _percent(value: int) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_row(Bar(100, 0, value, width=10, color="green", bgcolor="grey23"), f"{value:>3}%")
    return grid


# -- burndown ------------------------------------------------------------------------------


def burndown(report: Burndown, width: int = 80, height: int = 8) -> RenderableType:
    """Pending tasks per day as columns, oldest left, with the count on the y-axis."""
    points = _fit(report.points, width - AXIS - 1)
    top = max(max(p.count for p in points), 1)
    step = 2 if len(points) * 2 <= width - AXIS - 1 else 1
    first, last = report.points[0], report.points[-1]
    lines = [Text(f"Pending tasks: {first.count} on {first.day.isoformat()}, "
                  f"{last.count} on {last.day.isoformat()}", style="bold")]
    for row in range(height, 0, -1):
        line = Text(_y_label(row, height, top).rjust(AXIS - 1) + "┤")
        line.append("".join(_cell(p.count, row, height, top).ljust(step) for p in points),
                    style="cyan")
        lines.append(line)
    lines.append(Text("0".rjust(AXIS - 1) + "└" + "─" * (len(points) * step)))
    lines.append(Text(_x_labels(first.day, last.day, len(points) * step, AXIS)))
    return Group(*lines)


def _fit(points: Sequence[Point], room: int) -> list[Point]:
    """Every k-th point, counted back from the last, so the columns fit in `room`."""
    every = max(1, -(-len(points) // max(room, 1)))
    return list(points[::-1][::every][::-1])


def _cell(count: int, row: int, height: int, top: int) -> str:
    eighths = round(count * height * 8 / top)
    if eighths >= row * 8:
        return EIGHTHS[8]
    return EIGHTHS[eighths - (row - 1) * 8] if eighths > (row - 1) * 8 else " "


def _y_label(row: int, height: int, top: int) -> str:
    if row == height:
        return str(top)
    return str(round(top * row / height)) if row == (height + 1) // 2 else ""


def _x_labels(first: date, last: date, span: int, indent: int) -> str:
    left, right = first.isoformat(), last.isoformat()
    gap = span - len(left) - len(right)
    return " " * indent + (left + " " * gap + right if gap >= 1 else right)


# -- calendar ------------------------------------------------------------------------------


def calendar(cal: Calendar, width: int = 80, titles: int = 2, today: date | None = None
             ) -> RenderableType:
    """The month as a Monday-first grid: each day's number, how many tasks are due in
    brackets, and the first `titles` of them (cut to the column)."""
    column = max(5, (width - 8) // 7 - 2)
    table = Table(title=cal.month.strftime("%B %Y"), box=box.SQUARE, show_lines=True)
    for name in WEEKDAYS:
        table.add_column(name, width=column, no_wrap=True, overflow="ellipsis")
    for week in cal.weeks:
        table.add_row(*(_day(d, titles, today) for d in week))
    return table


def _day(day: CalendarDay | None, titles: int, today: date | None) -> RenderableType:
    if day is None:
        return Text("")
    cell = Text(str(day.day.day), style="bold reverse" if day.day == today else "bold")
    if day.tasks:
        cell.append(f" ({len(day.tasks)})", style="yellow")
    for task in day.tasks[:titles]:
        cell.append("\n" + visible(task.title))
    return cell


# -- done ----------------------------------------------------------------------------------


def done(report: Done, width: int = 80) -> RenderableType:
    """One bar per day (or week) with the number of tasks completed in it."""
    top = max((p.count for p in report.points), default=0)
    total = sum(p.count for p in report.points)
    unit = "week" if report.unit == "week" else "day"
    grid = Table.grid(padding=(0, 1))
    grid.add_column()
    grid.add_column()
    grid.add_column(justify="right")
    bar_width = max(10, width - 20)
    for p in report.points:
        label = f"wk {p.day.isoformat()}" if unit == "week" else p.day.strftime("%a %Y-%m-%d")
        grid.add_row(label, Bar(max(top, 1), 0, p.count, width=bar_width, color="green"),
                     str(p.count))
    title = Text(f"Completed per {unit} since {report.since.isoformat()}: {total}", style="bold")
    return Group(title, grid)
