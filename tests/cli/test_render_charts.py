"""The report pictures, drawn from known numbers: the bars, labels and cells that carry them.

Each report is built by the pure core functions (core/report_maths.py), rendered by
todo_cli/render_charts.py into a plain 80-column console, and read back line by line.
"""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console, RenderableType

from core import report_maths as maths
from tests.cli.helpers import PYTHON, cli_env, todo_process
from tests.cli.test_process import _IMPORT_PROBE
from todo_cli import render_charts

MONDAY = date(2026, 11, 16)


def draw(picture: RenderableType, width: int = 80) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(picture)
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_burndown_columns_are_as_tall_as_their_counts() -> None:
    report = maths.burndown(8, MONDAY, 3, [(MONDAY - timedelta(1), 4), (MONDAY, 4)])
    assert [p.count for p in report.points] == [0, 4, 8]
    lines = draw(render_charts.burndown(report, height=8))
    assert lines[0] == "Pending tasks: 0 on 2026-11-14, 8 on 2026-11-16"
    chart = lines[1:9]
    assert chart[0] == "    8┤    █"  # only the last column reaches the top row
    assert chart[3] == "     ┤    █"
    assert chart[4] == "    4┤  █ █"  # the middle one is half as tall
    assert chart[7] == "     ┤  █ █"
    assert lines[9] == "    0└──────"
    assert lines[10] == "      2026-11-16"  # no room for both dates: the last one


def test_burndown_draws_eighths_of_a_row() -> None:
    report = maths.Burndown([maths.Point(MONDAY, 16), maths.Point(MONDAY + timedelta(1), 3)])
    rows = draw(render_charts.burndown(report, height=2))[1:3]
    assert rows == ["   16┤█", "    8┤█ ▃"]  # 3 of 16 is 3 of the 16 eighths in two rows


def test_burndown_of_many_days_keeps_the_last_point_and_fits() -> None:
    days = [(MONDAY - timedelta(n), 1) for n in range(200)]
    report = maths.burndown(200, MONDAY, 200, days)
    lines = draw(render_charts.burndown(report, width=80))
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].rstrip().endswith("█")
    assert lines[-1].endswith("2026-11-16") and "2026-05-01" in lines[-1]


def test_summary_shows_each_project_with_a_percent_bar() -> None:
    report = maths.Summary(MONDAY, [maths.ProjectSummary("(none)", 1, 3, 2, 1, 1),
                                    maths.ProjectSummary("home", 4, 0, 0, 0, 0)])
    lines = draw(render_charts.summary(report))
    assert lines[0] == "Week of Monday 2026-11-16"
    header = lines[1].split()
    assert set(lines[2]) == {"─"}
    assert header == ["Project", "Pending", "This", "week", "Last", "week", "Done", "Overdue"]
    none = next(x for x in lines if x.startswith("(none)"))
    assert none.split()[:4] == ["(none)", "1", "2", "1"]
    assert "███████▌" in none and "75%" in none  # 7.5 of 10 cells
    home = next(x for x in lines if x.startswith("home"))
    assert "█" not in home and "0%" in home


def test_summary_of_nothing_says_so() -> None:
    assert draw(render_charts.summary(maths.Summary(MONDAY, []))) == [
        "No pending or completed tasks."]


def test_calendar_cells_hold_the_day_count_and_first_titles() -> None:
    due = [(date(2026, 11, 10), maths.DueTask(n, f"task number {n}")) for n in (1, 2, 3)]
    cal = maths.calendar_month(date(2026, 11, 1), due)
    lines = draw(render_charts.calendar(cal, titles=2))
    assert lines[0].strip() == "November 2026"
    assert lines[2] == "│ " + " │ ".join(f"{d:<8}" for d in render_charts.WEEKDAYS) + " │"
    first_week = lines[4]
    assert first_week.split("│")[1:8] == [" " * 10] * 6 + [" 1        "]
    row = next(n for n, x in enumerate(lines) if "│ 9 " in x)
    assert lines[row].split("│")[2] == " 10 (3)   "
    assert lines[row + 1].split("│")[2] == " task nu… "
    assert lines[row + 2].split("│")[2] == " task nu… "
    assert "(3)" not in "".join(lines[row + 3:])  # two titles, then the next week


def test_calendar_cell_titles_cannot_style_or_drive_the_terminal() -> None:
    cal = maths.calendar_month(MONDAY, [(MONDAY, maths.DueTask(1, "[bold]x\x1b[2J"))])
    lines = draw(render_charts.calendar(cal, width=200))
    assert any("[bold]x" in line for line in lines)
    assert "\x1b" not in "".join(lines)


def test_done_bars_scale_to_the_busiest_day() -> None:
    report = maths.done(MONDAY, MONDAY + timedelta(2),
                        [MONDAY, MONDAY, MONDAY, MONDAY + timedelta(2)] * 1)
    lines = draw(render_charts.done(report, width=40))
    assert lines[0] == "Completed per day since 2026-11-16: 4"
    assert lines[1].startswith("Mon 2026-11-16 ████████████████████")
    assert lines[1].endswith(" 3")
    assert lines[2].startswith("Tue 2026-11-17") and "█" not in lines[2] and lines[2].endswith("0")
    assert lines[3].endswith(" 1") and lines[3].count("█") in (6, 7)  # a third of 20


def test_done_per_week_labels_mondays() -> None:
    report = maths.done(date(2026, 8, 1), MONDAY, [MONDAY])
    lines = draw(render_charts.done(report))
    assert lines[0].startswith("Completed per week since 2026-08-01")
    assert lines[1].startswith("wk 2026-07-27")
    assert lines[-1].startswith("wk 2026-11-16") and lines[-1].endswith(" 1")


def test_only_the_pictures_load_rich(todo_home: Path) -> None:
    env = cli_env(todo_home)
    assert todo_process("add", "x", env=env).returncode == 0

    def modules(*args: str) -> list[str]:
        proc = subprocess.run([PYTHON, "-c", _IMPORT_PROBE, json.dumps(args)],
                              capture_output=True, text=True, env=env, timeout=60)
        line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES "))
        return list(json.loads(line.removeprefix("MODULES ")))

    assert "rich" not in modules("report", "summary", "--json")
    assert "rich" in modules("report", "summary")
