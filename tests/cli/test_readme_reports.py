"""README's Reports example is what the charts draw for the story it tells.

The story is replayed on a fake clock (SQLite), each report is drawn 80 columns wide without
colour, and compared with the text under its `$ todo report ...` line in README.md.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from rich.console import Console, RenderableType

from core import open_service
from core.service import TaskService
from tests.conftest import BERLIN, Clock, complete, drain, make_settings
from todo_cli import render_charts

README = Path(__file__).parents[2] / "README.md"
TASKS = [
    ("pay rent", "2026-11-10"), ("file taxes", "2026-11-27"), ("renew passport", "2026-11-20"),
    ("book dentist", "2026-11-26"), ("water plants", "2026-11-24"), ("call mum", "2026-11-26"),
    ("read a book", None), ("fix bike", None), ("buy paint", None), ("sort photos", None),
]


def _story(svc: TaskService, clock: Clock) -> None:
    """Ten tasks on Mon 2026-11-09; completions, two more, a deletion until Fri the 20th."""
    def at(day: int, hour: int = 9) -> None:
        clock.now = datetime(2026, 11, day, hour, tzinfo=BERLIN)

    for title, due in TASKS:
        svc.add_text(title, due=due)
    drain(svc)
    for day, ids in ((10, [1]), (12, [8])):
        at(day)
        complete(svc, ids)
    at(13)
    svc.add_text("plan trip")
    svc.add_text("clean garage")
    at(16)
    complete(svc, [9])
    at(17)
    complete(svc, [12])
    svc.delete([10])
    at(18)
    svc.add_text("write report", due="2026-11-24")
    at(19)
    complete(svc, [7])
    at(20, 10)


def _draw(picture: RenderableType) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(picture)
    return [line.rstrip() for line in out.getvalue().splitlines()]


def _readme_example() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    block = text.split("### Reports", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    shown: dict[str, list[str]] = {}
    for line in block.splitlines():
        if line.startswith("$ todo "):
            command = line.removeprefix("$ todo ")
            shown[command] = []
        elif line:
            shown[command].append(line)
    return shown


def test_the_readme_reports_example_is_what_the_charts_draw(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 9, 9, tzinfo=BERLIN))
    svc = open_service(make_settings(f"sqlite:///{tmp_path / 'todo.db'}"), clock=clock)
    try:
        _story(svc, clock)
        drawn = {
            "report summary": _draw(render_charts.summary(svc.report_summary())),
            "report burndown": _draw(render_charts.burndown(svc.report_burndown())),
            "report calendar": _draw(render_charts.calendar(svc.report_calendar())),
            "report done --since 2026-11-09": _draw(
                render_charts.done(svc.report_done(date(2026, 11, 9)))),
        }
    finally:
        svc.close()
    assert _readme_example() == {k: [x for x in v if x] for k, v in drawn.items()}
