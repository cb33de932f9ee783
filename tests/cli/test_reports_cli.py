"""`todo report summary|burndown|calendar|done` through the real CLI, on today's clock.

The exact numbers over fake days are checked on both stores in tests/core/test_reports.py;
here each command's --json is checked against its JSON Schema and against what the test did
today, and each picture for the labels and bars that show it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from tests.cli.helpers import BERLIN, add, fails, ok

pytestmark = pytest.mark.usefixtures("home")

DAY = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
COUNT = {"type": "integer", "minimum": 0}


def _object(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, dict[str, Any]] = {
    "summary": _object(week_start=DAY, projects=_array(_object(
        project={"type": "string"}, pending=COUNT, completed=COUNT, completed_this_week=COUNT,
        completed_last_week=COUNT, percent_done={"type": "integer", "minimum": 0, "maximum": 100},
        overdue=COUNT,
    ))),
    "burndown": _object(points=_array(_object(date=DAY, pending=COUNT))),
    "calendar": _object(
        month={"type": "string", "pattern": r"^\d{4}-\d{2}$"},
        days=_array(_object(date=DAY, count=COUNT, tasks=_array(_object(
            id={"type": "integer"}, title={"type": "string"})))),
    ),
    "done": _object(unit={"enum": ["day", "week"]}, since=DAY,
                    points=_array(_object(date=DAY, completed=COUNT))),
}


def _json(report: str, *args: str) -> Any:
    result = ok("report", report, *args, "--json")
    assert result.stdout.count("\n") == 1, result.stdout
    value = json.loads(result.stdout)
    jsonschema.validate(value, SCHEMAS[report])
    return value


def _today() -> date:
    return datetime.now(BERLIN).date()


@pytest.fixture
def tasks() -> list[dict[str, Any]]:
    yesterday = (_today() - timedelta(days=1)).isoformat()
    made = [add("pay rent", "--due", yesterday), add("water plants", "--due", "today"),
            add("read a book"),
            add("call mom"), add("fix bike")]
    ok("done", str(made[2]["id"]), str(made[3]["id"]))
    return made


def test_summary_counts_todays_work(tasks: list[dict[str, Any]]) -> None:
    value = _json("summary")
    assert value["week_start"] == (_today() - timedelta(_today().weekday())).isoformat()
    assert value["projects"] == [{
        "project": "(none)", "pending": 3, "completed": 2, "completed_this_week": 2,
        "completed_last_week": 0, "percent_done": 40, "overdue": 1,
    }]
    picture = ok("report", "summary").stdout
    assert "Week of Monday" in picture
    line = next(x for x in picture.splitlines() if x.startswith("(none)"))
    assert line.split()[:4] == ["(none)", "3", "2", "0"]
    assert "█" in line and "40%" in line and line.split()[-1] == "1"


def test_burndown_ends_with_the_pending_count_now(tasks: list[dict[str, Any]]) -> None:
    points = _json("burndown", "--weeks", "1")["points"]
    assert [p["date"] for p in points] == [
        (_today() - timedelta(days=6 - n)).isoformat() for n in range(7)]
    assert [p["pending"] for p in points] == [0] * 6 + [3]
    assert _json("burndown", "rent")["points"][-1]["pending"] == 1
    assert _json("burndown", "rent or not rent")["points"][-1]["pending"] == points[-1]["pending"]
    picture = ok("report", "burndown", "--weeks", "1").stdout.splitlines()
    assert picture[0] == f"Pending tasks: 0 on {points[0]['date']}, 3 on {points[-1]['date']}"
    assert picture[1].startswith("    3┤") and picture[1].rstrip().endswith("█")
    assert picture[-1].strip().endswith(points[-1]["date"])


def test_burndown_refuses_zero_weeks() -> None:
    fails(2, "report", "burndown", "--weeks", "0")


def test_calendar_shows_the_month_with_todays_tasks(tasks: list[dict[str, Any]]) -> None:
    today = _today()
    value = _json("calendar")
    assert value["month"] == today.strftime("%Y-%m")
    busy = {d["date"]: [t["title"] for t in d["tasks"]] for d in value["days"] if d["count"]}
    assert busy[today.isoformat()] == ["water plants"]
    picture = ok("report", "calendar").stdout
    assert today.strftime("%B %Y") in picture
    assert "│ Mon" in picture and "Sun" in picture
    assert f"{today.day} (1)" in picture or f"{today.day} (2)" in picture
    assert "│ water p… │" in picture  # cut to the column


def test_calendar_of_a_named_month_and_a_bad_one() -> None:
    add("dentist 2027-03-15")
    value = _json("calendar", "march 2027")
    assert value["month"] == "2027-03"
    assert [d["date"] for d in value["days"] if d["count"]] == ["2027-03-15"]
    assert _json("calendar", "2027-03") == value
    fails(2, "report", "calendar", "2027-13")
    fails(2, "report", "calendar", "smarch")


def test_done_counts_completions_today(tasks: list[dict[str, Any]]) -> None:
    value = _json("done")
    assert value["unit"] == "day"
    assert value["points"][-1] == {"date": _today().isoformat(), "completed": 2}
    assert sum(p["completed"] for p in value["points"]) == 2
    since = (_today() - timedelta(days=100)).isoformat()
    assert _json("done", "--since", since)["unit"] == "week"
    picture = ok("report", "done").stdout.splitlines()
    assert picture[0].endswith(": 2")
    assert picture[-1].startswith(_today().strftime("%a %Y-%m-%d"))
    assert picture[-1].rstrip().endswith("█ 2")


def test_done_refuses_a_future_start() -> None:
    fails(2, "report", "done", "--since", (_today() + timedelta(days=2)).isoformat())
