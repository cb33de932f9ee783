"""core.reminders against a fixed clock: Sunday 2026-11-22 10:00 in Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dates
from core.errors import BadInput
from core.reminders import (
    ReminderSpec,
    iso_duration,
    match_reminder,
    parse_duration,
    parse_iso_duration,
    parse_reminder,
    reminder_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday
NINE = time(9)


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026,
       tz: tzinfo = BERLIN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def before(**amount: float) -> ReminderSpec:
    return ReminderSpec(before=timedelta(**amount))


# --- phrases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "spec"),
    [
        ("remind me 30m before", before(minutes=30)),
        ("remind 30m before", before(minutes=30)),
        ("Remind Me 30 Minutes Before", before(minutes=30)),
        ("remind me 30 min before", before(minutes=30)),
        ("remind 1 day before", before(days=1)),
        ("remind me 2 days before", before(days=2)),
        ("remind me 2h before", before(hours=2)),
        ("remind me 2 hours before", before(hours=2)),
        ("remind me an hour before", before(hours=1)),
        ("remind me a day before", before(days=1)),
        ("remind me 1h30m before", before(hours=1, minutes=30)),
        ("remind me 1 hour and 30 minutes before", before(hours=1, minutes=30)),
        ("remind me 1 week before", before(weeks=1)),
        ("remind me 0m before", before(minutes=0)),
        ("remind me at 3:45pm", ReminderSpec(at=at(22, 15, 45))),
        ("remind at 3:45pm", ReminderSpec(at=at(22, 15, 45))),
        ("remind me at 9am", ReminderSpec(at=at(23, 9))),  # 09:00 today has passed
        ("remind me 5pm", ReminderSpec(at=at(22, 17))),
        ("remind me at tomorrow 9am", ReminderSpec(at=at(23, 9))),
        ("remind at tomorrow 9am", ReminderSpec(at=at(23, 9))),
        ("remind me tomorrow at 9am", ReminderSpec(at=at(23, 9))),
        ("remind me tomorrow 9am", ReminderSpec(at=at(23, 9))),
        ("remind me on fri at 8:15", ReminderSpec(at=at(27, 8, 15))),
        ("remind me dec 5 at 17:30", ReminderSpec(at=at(5, 17, 30, month=12))),
        ("remind me in 2 hours", ReminderSpec(at=at(22, 12))),
        ("remind me tonight", ReminderSpec(at=at(22, 20))),
        ("remind me 2026-12-05T09:00", ReminderSpec(at=at(5, 9, month=12))),
    ],
)
def test_reminder_phrases(phrase: str, spec: ReminderSpec) -> None:
    words = phrase.split()
    assert match_reminder([*words, "#x", "call"], 0, NOW) == (len(words), spec)
    assert parse_reminder(phrase, NOW) == spec


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("30m before", before(minutes=30)),
        ("2h before", before(hours=2)),
        ("1 day before", before(days=1)),
        ("at 3pm", ReminderSpec(at=at(22, 15))),
        ("3pm", ReminderSpec(at=at(22, 15))),
        ("tomorrow 9am", ReminderSpec(at=at(23, 9))),
        ("  remind me   30m before ", before(minutes=30)),
    ],
)
def test_parse_reminder_for_the_command_and_the_option(text: str, spec: ReminderSpec) -> None:
    assert parse_reminder(text, NOW) == spec


@pytest.mark.parametrize(
    "words",
    ["remind bob about lunch", "remind me to call", "remind", "remind me", "remind me before",
     "remind me soon before lunch", "reminder at 3pm", "remind me at home"],
)
def test_words_that_are_no_reminder_are_not_matched(words: str) -> None:
    assert match_reminder(words.split(), 0, NOW) is None


def test_match_reminder_starts_at_i() -> None:
    tokens = ["call", "remind", "me", "30m", "before"]
    assert match_reminder(tokens, 0, NOW) is None
    assert match_reminder(tokens, 1, NOW) == (4, before(minutes=30))


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("remind me tomorrow", "remind me tomorrow"),  # a day needs a time
        ("remind me 2026-01-01T09:00", "in the past"),
        ("remind me 2 months before", "months"),
        ("remind me at 25:00", "25:00"),
        ("remind me feb 30 at 9am", "feb 30"),
    ],
)
def test_bad_reminders_are_bad_input(text: str, bad_part: str) -> None:
    with pytest.raises(BadInput) as caught:
        match_reminder(text.split(), 0, NOW)
    assert bad_part in caught.value.message


@pytest.mark.parametrize("text", ["soon", "30m", "before", "at", "30m before lunch", ""])
def test_parse_reminder_names_what_is_not_a_reminder(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_reminder(text, NOW)
    assert f"'{text}' is not a reminder" in caught.value.message


def test_a_spec_has_exactly_one_of_before_and_at() -> None:
    with pytest.raises(ValueError):
        ReminderSpec()
    with pytest.raises(ValueError):
        ReminderSpec(before=timedelta(1), at=NOW)
    with pytest.raises(ValueError):
        ReminderSpec(at=datetime(2026, 11, 22, 15))


# --- when it fires ----------------------------------------------------------------------------


def test_relative_to_a_timed_due() -> None:
    spec = before(minutes=30)
    assert reminder_at(spec, at(27, 17), NINE, BERLIN) == at(27, 16, 30)


@pytest.mark.parametrize(("all_day_time", "expected"), [(NINE, at(27, 8, 30)),
                                                        (time(7), at(27, 6, 30))])
def test_an_all_day_task_counts_from_the_configured_time(all_day_time: time,
                                                         expected: datetime) -> None:
    got = reminder_at(before(minutes=30), date(2026, 11, 27), all_day_time, BERLIN)
    assert got == expected and got.tzinfo == BERLIN


def test_one_day_before_an_all_day_task() -> None:
    assert reminder_at(before(days=1), date(2026, 11, 27), NINE, BERLIN) == at(26, 9)


@pytest.mark.parametrize(
    ("due", "tz"),
    [
        (at(28, 9, month=3, year=2027), BERLIN),  # clocks go forward at 02:00 on the 28th
        (at(31, 9, month=10, year=2027), BERLIN),  # and back at 03:00 on 31 October
        (at(14, 9, month=3, year=2027, tz=NEW_YORK), NEW_YORK),  # forward at 02:00 on the 14th
    ],
)
def test_days_before_go_back_on_the_calendar_across_dst(due: datetime, tz: ZoneInfo) -> None:
    got = reminder_at(before(days=1), due, NINE, tz)
    assert (got.date(), got.hour, got.minute) == (due.date() - timedelta(days=1), 9, 0)
    assert dates.to_utc(due) - dates.to_utc(got) != timedelta(hours=24)


def test_hours_before_are_elapsed_time_across_dst() -> None:
    due = at(28, 4, month=3, year=2027)  # 04:00 CEST, two hours after the clocks jumped
    got = reminder_at(before(hours=2), due, NINE, BERLIN)
    assert got == at(28, 1, month=3, year=2027)  # 01:00 CET: two real hours earlier
    assert dates.to_utc(due) - dates.to_utc(got) == timedelta(hours=2)


def test_absolute_reminders_fire_at_their_time_in_the_zone_asked() -> None:
    spec = ReminderSpec(at=datetime(2026, 11, 22, 14, 45, tzinfo=UTC))
    got = reminder_at(spec, None, NINE, BERLIN)
    assert got == at(22, 15, 45) and got.tzinfo == BERLIN


def test_a_relative_reminder_without_a_due_is_bad_input() -> None:
    with pytest.raises(BadInput, match="needs a due date"):
        reminder_at(before(minutes=30), None, NINE, BERLIN)


# --- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10m", timedelta(minutes=10)),
        ("10 m", timedelta(minutes=10)),
        ("1h", timedelta(hours=1)),
        ("2 hours", timedelta(hours=2)),
        ("2 HRS", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("1 hour, 30 minutes", timedelta(hours=1, minutes=30)),
        ("90 minutes", timedelta(minutes=90)),
        ("an hour", timedelta(hours=1)),
        ("2w", timedelta(weeks=2)),
        ("0m", timedelta(0)),
    ],
)
def test_parse_duration(text: str, value: timedelta) -> None:
    assert parse_duration(text) == value


@pytest.mark.parametrize(
    "text", ["", "10", "m", "1.5h", "10 apples", "soon", "-5m", "1h and", "and 1h", "h1", "10s"]
)
def test_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(BadInput, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["1 month", "2 years", "1mo"])
def test_months_and_years_are_not_durations(text: str) -> None:
    with pytest.raises(BadInput, match="months and years vary"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(minutes=30), "PT30M"),
        (timedelta(days=1), "P1D"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(days=1, hours=2), "P1DT2H"),
        (timedelta(weeks=1), "P7D"),
        (timedelta(seconds=45), "PT45S"),
        (timedelta(0), "PT0S"),
        (-timedelta(minutes=30), "-PT30M"),
        (-timedelta(days=1, hours=2), "-P1DT2H"),
    ],
)
def test_iso_durations(value: timedelta, text: str) -> None:
    assert iso_duration(value) == text
    assert parse_iso_duration(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("P1W", timedelta(weeks=1)), ("+PT5M", timedelta(minutes=5)), ("pt1h", timedelta(hours=1)),
     ("P2W1D", timedelta(days=15))],
)
def test_parse_iso_duration_reads_other_spellings(text: str, value: timedelta) -> None:
    assert parse_iso_duration(text) == value


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1D", "P1M", "P1Y", "PT1.5H", "30m"])
def test_what_is_not_an_iso_duration(text: str) -> None:
    with pytest.raises(BadInput, match="ISO 8601 duration"):
        parse_iso_duration(text)


@settings(max_examples=200)
@given(st.timedeltas(min_value=timedelta(days=-9999), max_value=timedelta(days=9999)).map(
    lambda v: v - timedelta(microseconds=v.microseconds)
))
def test_iso_durations_round_trip(value: timedelta) -> None:
    text = iso_duration(value)
    assert parse_iso_duration(text) == value
    assert text.lstrip("-").startswith("P")
