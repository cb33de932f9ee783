"""`todo add`: quick-add parsing, options that override it, and the JSON shape of a task."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.cli.helpers import (
    BERLIN,
    TASK_KEYS,
    add,
    berlin_iso,
    day,
    fails,
    ok,
    run,
    show,
    tasks_json,
    today,
)

pytestmark = pytest.mark.usefixtures("home")


def _next_weekday(weekday: int) -> int:
    """Days until the next such weekday ("fri" on a Friday means a week later)."""
    return (weekday - today().weekday()) % 7 or 7


def test_quick_add_reads_title_tags_priority_and_timed_due() -> None:
    task = add("pay rent fri 9am #Finance !high")

    assert task["title"] == "pay rent"
    assert task["tags"] == ["finance"]
    assert task["priority"] == "high"
    assert task["due"] == berlin_iso(day(_next_weekday(4)), 9)
    assert show(task["id"]) == task


def test_json_shape_is_the_documented_one() -> None:
    before = datetime.now(BERLIN).replace(microsecond=0)
    task = add("water plants tomorrow")
    after = datetime.now(BERLIN)

    # The documented keys in their documented order; new keys may only be appended.
    assert list(task)[: len(TASK_KEYS)] == TASK_KEYS
    assert task["id"] == 1
    assert task["notes"] is None
    assert task["status"] == "pending"
    assert task["priority"] == "none"
    assert task["tags"] == []
    assert task["due"] == day(1).isoformat()
    assert task["recurrence"] is None
    assert task["reminders"] == []
    assert task["completed"] is None
    assert len(task["uuid"]) == 36
    created = datetime.fromisoformat(task["created"])
    assert created.utcoffset() == datetime.now(BERLIN).utcoffset()
    assert before <= created <= after
    assert task["updated"] == task["created"]


def test_human_output_confirms_and_the_task_is_stored() -> None:
    result = ok("add", "buy", "milk", "tomorrow", "#errands")

    assert result.stdout == "Added 1 'buy milk'\n"
    [task] = tasks_json()
    assert task["title"] == "buy milk"
    assert (task["due"], task["tags"]) == (day(1).isoformat(), ["errands"])


def test_ids_count_up() -> None:
    assert [add(t)["id"] for t in ("a", "b", "c")] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "priority"),
    [("x !h", "high"), ("x p1", "high"), ("x !medium", "medium"), ("x p2", "medium"),
     ("x !l", "low"), ("x p3", "low"), ("x", "none")],
)
def test_quick_add_priority_words(text: str, priority: str) -> None:
    task = add(text)
    assert (task["title"], task["priority"]) == ("x", priority)


def test_quick_add_plus_and_hash_tags_are_normalised_and_deduplicated() -> None:
    task = add("plan trip +Travel #travel #summer-2027 #work_stuff")
    assert task["title"] == "plan trip"
    assert task["tags"] == ["summer-2027", "travel", "work_stuff"]


def test_text_that_only_looks_like_a_tag_stays_in_the_title() -> None:
    task = add("learn c++ and fix #42")
    assert task["title"] == "learn c++ and fix #42"
    assert task["tags"] == []


@pytest.mark.parametrize(
    ("text", "offset"),
    [("call mum today", 0), ("call mum by tomorrow", 1), ("call mum due in 3 days", 3),
     ("call mum in 2 weeks", 14)],
)
def test_quick_add_all_day_due_words(text: str, offset: int) -> None:
    task = add(text)
    assert task["title"] == "call mum"
    assert task["due"] == day(offset).isoformat()


def test_quick_add_weekday_and_month_day() -> None:
    assert add("a on mon")["due"] == day(_next_weekday(0)).isoformat()
    assert add("b by 2027-03-04")["due"] == "2027-03-04"
    assert add("c 5 jan 2028")["due"] == "2028-01-05"


def test_quick_add_timed_due_has_the_local_offset_for_its_date() -> None:
    winter = add("standup on 2027-01-15 at 17:30")
    summer = add("standup 2027-07-15 at 9am")

    assert winter["due"] == "2027-01-15T17:30:00+01:00"
    assert summer["due"] == "2027-07-15T09:00:00+02:00"


def test_quoted_text_is_literal_title() -> None:
    task = add('read "tomorrow" #books')
    assert (task["title"], task["due"], task["tags"]) == ("read tomorrow", None, ["books"])

    task = add('buy "#milk !high" today')
    assert (task["title"], task["tags"], task["priority"]) == ("buy #milk !high", [], "none")
    assert task["due"] == today().isoformat()


def test_options_override_what_the_text_says() -> None:
    task = add(
        "pay rent by fri #home !high", "--due", "2027-01-15", "-p", "low", "-t", "Extra",
        "--tag", "#work", "--notes", "cash only",
    )

    assert task["title"] == "pay rent"
    assert task["due"] == "2027-01-15"
    assert task["priority"] == "low"
    assert task["tags"] == ["extra", "home", "work"]
    assert task["notes"] == "cash only"


def test_priority_option_none_beats_a_quick_add_priority() -> None:
    assert add("x p1", "--priority", "none")["priority"] == "none"


def test_due_option_accepts_phrases_and_times() -> None:
    assert add("a", "--due", "tomorrow")["due"] == day(1).isoformat()
    assert add("b", "--due", "2027-01-15 09:00")["due"] == "2027-01-15T09:00:00+01:00"
    assert add("c", "--due", "in 3 days")["due"] == day(3).isoformat()


def test_due_with_another_offset_is_shown_in_local_time() -> None:
    task = add("call tokyo", "--due", "2027-01-15T09:00+05:00")
    assert task["due"] == "2027-01-15T05:00:00+01:00"


def test_notes_keep_their_lines() -> None:
    task = add("x", "--notes", "first line\nsecond line")
    assert task["notes"] == "first line\nsecond line"
    out = ok("show", str(task["id"])).stdout
    assert "Notes\n  first line\n  second line\n" in out


def test_due_is_stored_as_an_instant_and_shown_in_the_current_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    task = add("meeting", "--due", "2027-01-15 09:00")
    assert task["due"] == "2027-01-15T09:00:00+00:00"

    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert show(task["id"])["due"] == "2027-01-15T10:00:00+01:00"


def test_all_day_due_is_a_plain_date_not_midnight() -> None:
    task = add("x", "--due", "2027-01-15")
    assert task["due"] == "2027-01-15"
    assert "T" not in task["due"]


def test_titles_keep_unicode_and_collapse_spaces() -> None:
    task = add("Grüße   an  Zoë ☕")
    assert task["title"] == "Grüße an Zoë ☕"


def test_add_json_is_one_line() -> None:
    result = run("add", "x", "--json")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1


def test_tags_beyond_ascii_are_stored_listed_and_filtered() -> None:
    task = add("espresso #café +Über")
    assert (task["title"], task["tags"]) == ("espresso", ["café", "über"])
    assert [t["id"] for t in tasks_json("--tag", "#CAFÉ")] == [1]
    assert ok("tags").stdout.split() == ["#café", "1", "#über", "1"]


def test_a_negative_amount_is_exit_2_naming_the_phrase_and_adds_nothing() -> None:
    result = fails(2, "add", "call mom in -3 days")
    assert "'in -3 days'" in result.stderr
    # Unquoted, the shell hands over "-3" as a word of its own: an unknown option, exit 2 too.
    assert "'-3'" in fails(2, "add", "call", "mom", "in", "-3", "days").stderr
    fails(2, "add", "call mom", "--due", "in -3d")
    assert tasks_json("--status", "all") == []


def test_quick_add_next_weekday_end_of_month_and_a_bare_hour() -> None:
    now = today()
    next_monday = now + timedelta(days=7 - now.weekday())
    assert add("call mom next monday")["due"] == next_monday.isoformat()
    month_end = (date(now.year + now.month // 12, now.month % 12 + 1, 1) - timedelta(days=1))
    assert add("pay rent end of month")["due"] == month_end.isoformat()
    assert add("review in 2 weeks at 9")["due"] == berlin_iso(now + timedelta(weeks=2), 9)
