"""The cells of a task row (todo_cli/cells.py), which the CLI and the TUI tables both draw."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import dates
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from todo_cli import cells as c

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday


def task(**changes: object) -> TaskRead:
    plain = TaskRead(
        id=7, uuid="u-7", title="pay rent", notes=None, status=Status.PENDING,
        priority=Priority.NONE, tags=(), due=None, created=NOW, updated=NOW, completed=None,
    )
    return replace(plain, **changes)  # type: ignore[arg-type]


def test_a_plain_task() -> None:
    assert c.cells(task(), NOW) == c.Cells(
        id="7", mark="", mark_style=None, title="pay rent", title_style=None, tags="",
        due="", due_style=None, recurring=False, reminder=False,
    )


@pytest.mark.parametrize(("priority", "mark", "style"), [
    (Priority.HIGH, "H", "prio.high"),
    (Priority.MEDIUM, "M", "prio.medium"),
    (Priority.LOW, "L", "prio.low"),
    (Priority.NONE, "", None),
])
def test_priority_mark_and_style(priority: Priority, mark: str, style: str | None) -> None:
    row = c.cells(task(priority=priority), NOW)
    assert (row.mark, row.mark_style) == (mark, style)


def test_title_and_tags_show_control_characters() -> None:
    row = c.cells(task(title="pay\x1b[31m rent", tags=("home", "fin\x07")), NOW)
    assert "\x1b" not in row.title and "\x07" not in row.tags
    assert row.tags.startswith("#home #fin")


@pytest.mark.parametrize(("due", "words"), [
    (date(2026, 11, 23), "tomorrow"),
    (datetime(2026, 11, 22, 17, 0, tzinfo=BERLIN), "today 17:00"),
    (date(2026, 11, 20), "2 days ago"),
])
def test_due_words_are_core_dates_words(due: date, words: str) -> None:
    assert c.cells(task(due=due), NOW).due == words == dates.describe_relative(due, NOW)
    assert c.due_words_at(NOW)(due) == words


@pytest.mark.parametrize(("status", "due", "overdue"), [
    (Status.PENDING, date(2026, 11, 21), True),
    (Status.PENDING, datetime(2026, 11, 22, 9, 59, tzinfo=BERLIN), True),
    (Status.PENDING, datetime(2026, 11, 22, 10, 1, tzinfo=BERLIN), False),
    (Status.PENDING, date(2026, 11, 22), False),  # all day: due until the day ends
    (Status.COMPLETED, date(2026, 11, 21), False),
    (Status.DELETED, date(2026, 11, 21), False),
    (Status.PENDING, None, False),
])
def test_only_a_pending_task_past_its_due_is_overdue(
    status: Status, due: date | None, overdue: bool
) -> None:
    row = c.cells(task(status=status, due=due), NOW)
    assert (row.due_style == c.OVERDUE) is overdue
    assert c.overdue(task(status=status, due=due), NOW) is overdue


@pytest.mark.parametrize(("status", "style"), [
    (Status.PENDING, None), (Status.COMPLETED, c.DONE), (Status.DELETED, c.DELETED),
])
def test_a_settled_title_says_how_it_settled(status: Status, style: str | None) -> None:
    assert c.cells(task(status=status), NOW).title_style == style


def test_repeat_and_reminder_flags() -> None:
    soon = ReminderRead(NOW + timedelta(hours=1), None, ReminderState.PENDING)
    gone = ReminderRead(NOW - timedelta(hours=1), None, ReminderState.FIRED)
    got = c.cells(task(recurrence="FREQ=DAILY", reminders=(soon,)), NOW)
    assert (got.recurring, got.reminder, got.blocked) == (True, True, False)
    assert c.cells(task(reminders=(gone,)), NOW).reminder is False


@pytest.mark.parametrize(("title", "tags", "room", "fitted"), [
    ("pay rent", "#home", 20, ("pay rent", "#home")),
    ("pay rent", "#home #finance", 20, ("pay rent", "#home #fin…")),
    ("pay rent", "#home", 10, ("pay rent", "")),  # one cell left: no room for a tag
    ("pay rent", "#home", 11, ("pay rent", "#…")),
    ("pay rent", "", 8, ("pay rent", "")),  # exactly fits
    ("pay rent", "#home", 8, ("pay ren…", "")),  # exactly fits, but a tag would not
    ("pay the rent today", "#home", 10, ("pay the r…", "")),
])
def test_fit_gives_the_title_priority(
    title: str, tags: str, room: int, fitted: tuple[str, str]
) -> None:
    assert c.fit(title, tags, room) == fitted
    shown = " ".join(x for x in fitted if x)
    assert len(shown) <= room
