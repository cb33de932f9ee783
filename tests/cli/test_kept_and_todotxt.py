"""What imports keep without a home (`todo show`, the summary, our JSON) and todo.txt's
extensions (due:, t:, rec:) through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import all_tasks, ok, run

pytestmark = pytest.mark.usefixtures("home")

WAITING = """[
{"description":"Renew passport","status":"pending","entry":"20261101T081500Z",
 "uuid":"0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0001","project":"Admin.Papers",
 "wait":"20270101T080000Z","scheduled":"20270105T080000Z","estimate":3}
]
"""

TODO_TXT = """\
(A) 2026-11-01 Pay rent +home due:2026-12-01 rec:+1m
2026-11-02 Water plants @home due:2026-11-25 t:2026-11-24 rec:3d
x 2026-11-20 2026-11-01 Buy seeds +garden
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_kept_fields_are_counted_shown_and_exported(tmp_path: Path) -> None:
    out = ok("import", str(_write(tmp_path, "tw.json", WAITING))).stdout
    assert out == (
        "Imported 1 task (taskwarrior); 0 already present\n"
        "  kept 1 field we do not use yet: uda.estimate (see `todo show`)\n"
    )
    shown = ok("show", "1").stdout
    # Project, wait and scheduled have fields of their own since issue 15.
    assert "Project   Admin/Papers\n" in shown
    assert "Wait      2027-01-01 09:00\n" in shown
    assert "Scheduled 2027-01-05T09:00:00+01:00\n" in shown
    assert "Kept      uda.estimate: 3\n" in shown
    exported = json.loads(ok("export").stdout)
    assert exported[0]["kept"] == {"uda.estimate": 3}
    assert (exported[0]["project"], exported[0]["wait"]) == (
        "Admin/Papers", "2027-01-01T09:00:00+01:00")
    # Our JSON carries them into another home.
    (tmp_path / "other").mkdir()
    ours = _write(tmp_path, "ours.json", json.dumps([{**exported[0], "uuid": None}]))
    ok("import", str(ours))
    assert all_tasks()[2]["kept"] == exported[0]["kept"]
    assert all_tasks()[2]["project"] == "Admin/Papers"


def test_todotxt_dates_are_days_and_extensions_round_trip(tmp_path: Path) -> None:
    ok("import", str(_write(tmp_path, "todo.txt", TODO_TXT)))
    rent, plants, seeds = all_tasks().values()
    # Measured: creation and completion dates became 13:00 in Berlin (noon UTC).
    assert rent["created"] == "2026-11-01T00:00:00+01:00"
    assert seeds["completed"] == "2026-11-20T00:00:00+01:00"
    assert "Created   2026-11-01\n" in ok("show", str(rent["id"])).stdout
    # rec:+1m keeps to the due dates (every); rec:3d counts from the completion (every!).
    assert (rent["recurrence"], rent["recurrence_from"]) == ("FREQ=MONTHLY", "due")
    assert (plants["recurrence"], plants["recurrence_from"]) == (
        "FREQ=DAILY;INTERVAL=3", "completion")
    assert (plants["due"], plants["kept"]) == ("2026-11-25", {})
    assert plants["wait"] == "2026-11-24T00:00:00+01:00"  # t:, the threshold, is the wait
    assert ok("export", "--format", "todotxt").stdout == TODO_TXT.replace("@home", "+home")


def test_export_taskwarrior_writes_a_template_and_its_instance() -> None:
    ok("add", "water plants", "--due", "2027-01-05 18:00", "--every", "every week")
    ok("add", "plain one #home", "--due", "2027-01-06", "-p", "high")
    rows = json.loads(ok("export", "--format", "taskwarrior").stdout)
    template, child, plain = rows
    assert (template["status"], template["recur"], template["mask"]) == (
        "recurring", "weekly", "-")
    assert (child["parent"], child["imask"], child["due"]) == (
        template["uuid"], 0, "20270105T170000Z")
    # An all-day due is midnight in the user's zone, which is how Taskwarrior says a day.
    assert (plain["due"], plain["priority"], plain["tags"]) == ("20270105T230000Z", "H", ["home"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"description":"s","status":"recurring","recur":"weekly","mask":"-",'
         '"due":"20261101T090000Z"}]', "task 1: a recurring template needs a uuid"),
        ('[{"description":"s","status":"pending","recur":"weekly","parent":"nope",'
         '"due":"20261101T090000Z"}]', "task 1: parent: invalid uuid 'nope'"),
        ('[{"description":"s","wait":"soon"}]', "task 1: 'wait': invalid 'wait' date 'soon'"),
    ],
)
def test_a_bad_taskwarrior_series_is_refused_naming_the_part(
    tmp_path: Path, text: str, expected: str
) -> None:
    result = run("import", str(_write(tmp_path, "bad.json", text)))
    assert (result.exit_code, result.stdout) == (2, "")
    assert expected in result.stderr
    assert all_tasks() == {}
