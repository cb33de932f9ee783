"""`todo export` (json, todotxt, ical; stdout or -o) and `todo import` (our JSON,
Taskwarrior, todo.txt, iCalendar), all or nothing and idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import add, all_tasks, day, fails, history, ids, ok, tasks_json, today

pytestmark = pytest.mark.usefixtures("home")

TASKWARRIOR = """[
{"id":1,"description":"Fix the fence","entry":"20261101T090000Z","modified":"20261102T090000Z",
 "status":"pending","project":"home.garden","tags":["diy","Weekend"],"priority":"H",
 "due":"20270115T080000Z","uuid":"a1b2c3d4-0000-4000-8000-000000000001",
 "annotations":[{"entry":"20261101T091000Z","description":"buy nails"},
                {"entry":"20261101T091500Z","description":"and a hammer"}],"urgency":9.1},
{"id":0,"description":"Old errand","entry":"20261001T090000Z","end":"20261005T100000Z",
 "status":"completed","priority":"L","uuid":"a1b2c3d4-0000-4000-8000-000000000002"},
{"id":0,"description":"Gone","entry":"20261001T090000Z","end":"20261005T100000Z",
 "status":"deleted","uuid":"a1b2c3d4-0000-4000-8000-000000000003"},
{"id":2,"description":"Later","entry":"20261001T090000Z","status":"waiting",
 "uuid":"a1b2c3d4-0000-4000-8000-000000000004"}
]
"""

TODO_TXT = """(A) 2026-11-01 Call the plumber +home @phone due:2027-01-20
x 2026-11-20 2026-11-01 Buy seeds +home.garden pri:B

(C) Write letter to Anna url:http://example.com
"""


def _populate() -> None:
    add("pay rent #home !high", "--due", "2027-01-15", "--notes", "cash\nonly")
    add("dentist", "--due", "2027-01-16 09:30", "-p", "m")
    add("done thing #x")
    add("deleted thing")
    ok("done", "3")
    ok("rm", "4")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fresh_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str) -> Path:
    home = tmp_path / name
    home.mkdir()
    monkeypatch.setenv("TODO_HOME", str(home))
    return home


def test_export_json_is_every_task_as_list_json() -> None:
    _populate()
    exported = json.loads(ok("export").stdout)
    assert exported == tasks_json("--status", "all", "--sort", "id")
    assert [t["status"] for t in exported] == ["pending", "pending", "completed", "deleted"]
    assert exported[0]["notes"] == "cash\nonly"
    assert exported[1]["due"] == "2027-01-16T09:30:00+01:00"


def test_export_to_a_file(tmp_path: Path) -> None:
    _populate()
    target = tmp_path / "out.json"
    result = ok("export", "--format", "json", "-o", str(target))
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(ok("export").stdout)


def test_export_todotxt() -> None:
    _populate()
    t = today().isoformat()
    lines = ok("export", "--format", "todotxt").stdout.splitlines()
    assert lines == [
        f"(A) {t} pay rent +home due:2027-01-15",
        f"(B) {t} dentist due:2027-01-16",
        f"x {t} {t} done thing +x",
    ]


def test_export_ical(tmp_path: Path) -> None:
    _populate()
    target = tmp_path / "out.ics"
    ok("export", "-f", "ical", "--output", str(target))
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()

    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VTODO") == 4
    for line in ("SUMMARY:pay rent", "DUE;VALUE=DATE:20270115", "DUE:20270116T083000Z",
                 "STATUS:COMPLETED", "STATUS:CANCELLED", "STATUS:NEEDS-ACTION",
                 "CATEGORIES:home"):
        assert line in lines, line


def test_json_round_trip_into_a_fresh_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate()
    first = ok("export").stdout
    dump = _write(tmp_path, "dump.json", first)

    _fresh_home(monkeypatch, tmp_path, "second")
    assert ok("import", str(dump)).stdout == "Imported 4 tasks (json); 0 already present\n"

    assert ok("export").stdout == first


def test_importing_the_same_file_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    _populate()
    dump = _write(tmp_path, "dump.json", ok("export").stdout)
    before = all_tasks()

    assert ok("import", str(dump)).stdout == "Imported 0 tasks (json); 4 already present\n"
    assert all_tasks() == before


def test_import_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _populate()
    text = ok("export").stdout
    _fresh_home(monkeypatch, tmp_path, "second")
    assert ok("import", "-", input=text).stdout.startswith("Imported 4 tasks (json)")
    assert ok("export").stdout == text


def test_import_taskwarrior_export(tmp_path: Path) -> None:
    path = _write(tmp_path, "tw.json", TASKWARRIOR)
    assert ok("import", str(path)).stdout == (
        "Imported 4 tasks (taskwarrior); 0 already present\n"
    )
    tasks = all_tasks()

    fence = tasks[1]
    assert fence["title"] == "Fix the fence"
    assert fence["notes"] == "buy nails\nand a hammer"
    assert fence["priority"] == "high"
    assert (fence["tags"], fence["project"]) == (["diy", "weekend"], "home/garden")
    assert fence["due"] == "2027-01-15T09:00:00+01:00"
    assert fence["created"] == "2026-11-01T10:00:00+01:00"
    assert fence["updated"] == "2026-11-02T10:00:00+01:00"
    assert fence["uuid"] == "a1b2c3d4-0000-4000-8000-000000000001"

    assert (tasks[2]["status"], tasks[2]["priority"]) == ("completed", "low")
    assert tasks[2]["completed"] == "2026-10-05T12:00:00+02:00"
    assert (tasks[3]["status"], tasks[3]["completed"]) == ("deleted", None)
    assert tasks[4]["status"] == "pending"
    assert ids() == [1, 4]

    again = ok("import", str(path)).stdout
    assert again == "Imported 0 tasks (taskwarrior); 4 already present\n"


def test_import_todotxt(tmp_path: Path) -> None:
    path = _write(tmp_path, "todo.txt", TODO_TXT)
    assert ok("import", str(path)).stdout == "Imported 3 tasks (todotxt); 0 already present\n"
    tasks = all_tasks()

    assert (tasks[1]["title"], tasks[1]["priority"], tasks[1]["tags"], tasks[1]["due"]) == (
        "Call the plumber", "high", ["home", "phone"], "2027-01-20"
    )
    assert tasks[1]["created"].startswith("2026-11-01T")
    assert (tasks[2]["title"], tasks[2]["status"], tasks[2]["priority"]) == (
        "Buy seeds", "completed", "medium"
    )
    assert tasks[2]["tags"] == ["home-garden"]
    assert tasks[2]["completed"].startswith("2026-11-20T")
    assert tasks[3]["title"] == "Write letter to Anna url:http://example.com"
    assert tasks[3]["priority"] == "low"

    assert "0 tasks" in ok("import", str(path)).stdout
    assert len(all_tasks()) == 3


def test_import_ical_export_into_a_fresh_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate()
    original = all_tasks()
    ics = tmp_path / "out.ics"
    ok("export", "-f", "ical", "-o", str(ics))

    _fresh_home(monkeypatch, tmp_path, "second")
    assert ok("import", str(ics)).stdout == "Imported 4 tasks (ical); 0 already present\n"
    imported = all_tasks()
    for key in ("title", "status", "priority", "tags", "due", "uuid", "notes"):
        assert [t[key] for t in imported.values()] == [t[key] for t in original.values()], key


@pytest.mark.parametrize(
    ("name", "text", "named"),
    [
        ("broken.json", '[{"title": "ok"},\n {"title": "x",}]', "line 2"),
        ("notitle.json", '[{"title": "ok"}, {"title": ""}]', "task 2"),
        ("badprio.json", '[{"title": "ok", "priority": "urgent"}]', "'urgent'"),
        ("baddue.json", '[{"title": "ok", "due": "2026-02-30"}]', "2026-02-30"),
        ("tw.json", '[{"description": "ok", "priority": "X", "uuid": '
                    '"a1b2c3d4-0000-4000-8000-000000000009"}]', "'X'"),
        ("todo.txt", "fine line\nbad due:2026-02-30\n", "line 2"),
    ],
)
def test_a_bad_file_is_exit_2_and_imports_nothing(
    tmp_path: Path, name: str, text: str, named: str
) -> None:
    add("mine")
    path = _write(tmp_path, name, text)
    result = fails(2, "import", str(path))
    assert named in result.stderr
    assert ids("--status", "all") == [1]
    assert len(history(1)) == 1
    assert ok("undo").stdout == "Undid add: 1 'mine'\n"


def test_a_missing_file_is_exit_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert str(missing) in fails(2, "import", str(missing)).stderr


def test_exported_dates_are_relative_free() -> None:
    add("x tomorrow")
    [task] = json.loads(ok("export").stdout)
    assert task["due"] == day(1).isoformat()
