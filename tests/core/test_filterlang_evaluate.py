"""The Python meaning of each term of the filter language (core.filterlang.evaluate): the
reference the SQL compiler is held to, and the TUI's in-memory filter."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.errors import BadInput
from core.filterlang import parse
from core.filterlang.evaluate import matches, predicate
from core.priorities import Priority
from tests.core.filter_rows import Row

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday
FRIDAY = date(2026, 11, 27)


def _ok(expression: str, row: Row, now: datetime = NOW) -> bool:
    return matches(parse(expression), row, now)


def test_tags_and_their_exclusion() -> None:
    row = Row(tags=("home", "work"))
    assert _ok("+work", row) and not _ok("+errand", row)
    assert _ok("-errand", row) and not _ok("-home", row)


def test_project_includes_sub_projects_only_at_a_slash() -> None:
    assert _ok("project:home", Row(project="home"))
    assert _ok("project:home", Row(project="home/garden"))
    assert not _ok("project:home", Row(project="homework"))
    assert not _ok("project:home/garden", Row(project="home"))
    assert not _ok("project:home", Row(project=None))
    assert not _ok("project:home", Row(project="Home"))


def test_priority_and_status() -> None:
    row = Row(priority=Priority.HIGH, status="completed")
    assert _ok("p:h status:completed", row)
    assert not _ok("p:m", row) and not _ok("status:pending", row)
    assert _ok("status:all", row) and _ok("status:all", Row(status="deleted"))


@pytest.mark.parametrize(("expression", "due", "expected"), [
    ("due.before:fri", FRIDAY - timedelta(days=1), True),
    ("due.before:fri", FRIDAY, False),
    ("due.before:fri", datetime(2026, 11, 26, 23, 59, tzinfo=BERLIN), True),
    ("due.before:fri", datetime(2026, 11, 27, 0, 0, tzinfo=BERLIN), False),
    ("due.after:fri", FRIDAY, False),
    ("due.after:fri", FRIDAY + timedelta(days=1), True),
    ("due.after:fri", datetime(2026, 11, 28, 0, 0, tzinfo=BERLIN), True),
    ("due:fri", FRIDAY, True),
    ("due:fri", datetime(2026, 11, 27, 23, 0, tzinfo=BERLIN), True),
    ("due:fri", datetime(2026, 11, 27, 23, 0, tzinfo=ZoneInfo("UTC")), False),
    ("due:today", date(2026, 11, 22), True),
    ('due:"in 5 days"', FRIDAY, True),
    ("due.before:2026-12-24", date(2026, 12, 23), True),
    ("due.before:fri", None, False),
    ("not due.before:fri", None, True),
])
def test_due_compares_local_days(expression: str, due: date | None, expected: bool) -> None:
    assert _ok(expression, Row(due=due)) is expected


def test_scheduled_reads_its_own_field() -> None:
    assert _ok("scheduled:fri", Row(scheduled=FRIDAY))
    assert not _ok("scheduled:fri", Row(due=FRIDAY))
    assert _ok("scheduled.before:tomorrow", Row(scheduled=NOW))


def test_is_and_has() -> None:
    assert _ok("is:blocked", Row(blocked=True)) and not _ok("is:blocked", Row())
    assert _ok("is:waiting", Row(wait=NOW + timedelta(minutes=1)))
    assert not _ok("is:waiting", Row(wait=NOW)) and not _ok("is:waiting", Row())
    assert _ok("is:overdue", Row(due=date(2026, 11, 21)))
    assert _ok("is:overdue", Row(due=NOW - timedelta(seconds=1)))
    assert not _ok("is:overdue", Row(due=date(2026, 11, 22)))
    assert _ok("has:subtasks", Row(has_children=True)) and not _ok("has:subtasks", Row())
    assert _ok("has:due", Row(due=FRIDAY)) and not _ok("has:due", Row())


@pytest.mark.parametrize(("expression", "expected"), [
    ("pay", True), ("pay ren", True), ("PAY", True), ("ent", False), ("landlord", True),
    ("caf", True), ("cafe", True), ("café", True), ("c++", True), ("c#", False),
    ('"pay rent"', True), ('"rent pay"', True), ("rent or zzz", True), ("zzz", False),
])
def test_search_words_start_words_of_title_or_notes(expression: str, expected: bool) -> None:
    row = Row(title="Pay rent at the Café", notes="ask the landlord about c++")
    assert _ok(expression, row) is expected


def test_logic() -> None:
    row = Row(tags=("a",), priority=Priority.LOW)
    assert _ok("+a or +b", row) and not _ok("+a +b", row)
    assert _ok("not (+b or p:h)", row) and not _ok("not +a", row)
    assert _ok("", row)


def test_a_predicate_resolves_date_words_against_its_now() -> None:
    test = predicate(parse("due:today"), NOW)
    assert test(Row(due=date(2026, 11, 22))) and not test(Row(due=date(2026, 11, 23)))
    assert predicate(parse("due:today"), NOW + timedelta(days=1))(Row(due=date(2026, 11, 23)))


def test_a_date_word_that_fails_at_resolution_names_its_column() -> None:
    # Valid when parsed, out of the range of dates at this `now`: the error keeps its column.
    tree = parse('+a due.before:"in 3 days"')
    with pytest.raises(BadInput) as caught:
        matches(tree, Row(), datetime(9999, 12, 30, tzinfo=BERLIN))
    assert "(column 16)" in caught.value.message
