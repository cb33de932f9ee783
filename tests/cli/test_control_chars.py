"""Terminal escape sequences and other control characters in titles, notes and tags.

Rejected on every write path with an error naming the field (exit 2, nothing written), and
shown escaped wherever stored text is printed: a database written by an older version, or
directly, may hold them, and a title must never drive the user's terminal.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import all_tasks, describe, fails, ids, ok, run

pytestmark = pytest.mark.usefixtures("home")

RETITLE = "\x1b]0;pwned\x07"  # sets the terminal window's title
CLEAR = "\x1b[2J"  # clears the screen
CSI_8BIT = "\x9b2J"  # the same as one C1 character


@pytest.mark.parametrize("bad", [RETITLE, CLEAR, CSI_8BIT, "\x00", "\x7f", "a\rb", "a\tb"])
def test_add_rejects_a_control_character_in_the_title(bad: str) -> None:
    result = fails(2, "add", f"pay {bad} rent")

    assert "title holds the control character" in result.stderr
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert ids() == []


def test_add_rejects_control_characters_in_notes_and_tags_but_notes_keep_tabs_and_lines(
) -> None:
    notes = fails(2, "add", "rent", "--notes", f"see {CLEAR}")
    tag = fails(2, "add", "rent", "--tag", f"fin{CLEAR}")
    ok("add", "rent", "--notes", "line one\n\tline two\r\nline three")

    assert "notes holds the control character \\x1b at position 5" in notes.stderr
    assert "tag holds the control character \\x1b" in tag.stderr
    [task] = all_tasks().values()
    assert task["notes"] == "line one\n\tline two\nline three"


def test_edit_rejects_them_and_changes_nothing() -> None:
    ok("add", "rent")

    title = fails(2, "edit", "1", "--title", f"rent{RETITLE}")
    notes = fails(2, "edit", "1", "--notes", "a\x1bb")
    tag = fails(2, "edit", "1", "--tag", "x\x9by")

    assert "title holds" in title.stderr
    assert "notes holds" in notes.stderr
    assert "tag holds" in tag.stderr
    [task] = all_tasks().values()
    assert (task["title"], task["notes"], task["tags"]) == ("rent", None, [])


IMPORTS = {
    "json": json.dumps([{"title": "good"}, {"title": f"bad{RETITLE}"}]),
    "taskwarrior": json.dumps([
        {"description": "good", "status": "pending", "entry": "20261101T090000Z",
         "uuid": "a1b2c3d4-0000-4000-8000-000000000001"},
        {"description": f"bad{CLEAR}", "status": "pending", "entry": "20261101T090000Z",
         "uuid": "a1b2c3d4-0000-4000-8000-000000000002"},
    ]),
    "todotxt": f"good\nbad{RETITLE}\n",
    "ical": (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VTODO\r\nUID:1@test\r\nSUMMARY:good\r\nEND:VTODO\r\n"
        f"BEGIN:VTODO\r\nUID:2@test\r\nSUMMARY:bad{CLEAR}\r\nEND:VTODO\r\n"
        "END:VCALENDAR\r\n"
    ),
}


@pytest.mark.parametrize("fmt", sorted(IMPORTS))
def test_an_import_with_one_bad_task_fails_whole_and_names_it(fmt: str, tmp_path: Path) -> None:
    ok("add", "mine")
    file = tmp_path / "in.txt"
    file.write_text(IMPORTS[fmt], encoding="utf-8")

    result = fails(2, "import", "--format", fmt, str(file))

    assert "task 2" in result.stderr, result.stderr
    assert "holds the control character" in result.stderr
    assert "\x1b" not in result.stderr
    assert [t["title"] for t in all_tasks().values()] == ["mine"]


def store_title(home: Path, task_id: int, title: str, notes: str | None = None) -> None:
    """What an older version, or a direct write, may have left in the database."""
    with sqlite3.connect(home / "todo.db") as db:
        db.execute("UPDATE task SET title = ?, notes = ? WHERE id = ?", (title, notes, task_id))
        db.execute("INSERT INTO task_fts(task_fts) VALUES ('rebuild')")  # its search index


def test_stored_escapes_never_reach_the_terminal(home: Path) -> None:
    ok("add", "pay rent #home")
    stored = f"{RETITLE}pay {CLEAR}rent{CSI_8BIT}"
    store_title(home, 1, stored, notes=f"first\n{CLEAR}second")
    ok("edit", "1", "--title", "pay rent")  # history now holds the stored title as "old"
    store_title(home, 1, stored, notes=f"first\n{CLEAR}second")

    outputs = {
        args: run(*args)
        for args in (("list",), ("show", "1"), ("history", "1"), ("list", "--json"),
                     ("show", "1", "--json"), ("export",), ("audit",))
    }

    for args, result in outputs.items():
        assert result.exit_code == 0, describe(args, result)
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout, args
        assert "\x07" not in result.stdout, args
    assert "\\x1b]0;pwned\\x07pay \\x1b[2Jrent\\x9b2J" in outputs[("list",)].stdout
    assert "  \\x1b[2Jsecond" in outputs[("show", "1")].stdout
    assert "title: \\x1b]0;pwned" in outputs[("history", "1")].stdout
    [listed] = json.loads(outputs[("list", "--json")].stdout)
    assert listed["title"] == stored  # JSON escapes them and keeps the value
