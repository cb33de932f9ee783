"""core.dates against a fixed clock: Sunday 2026-11-22 10:00 in Berlin."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import dates
from core.dates import zones
from core.errors import BadInput
from core.schemas import Due

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def assert_same_due(got: Due, expected: Due) -> None:
    """Equal, and of the same kind: an all-day date must not come back as a datetime."""
    assert type(got) is type(expected)
    assert got == expected
    if isinstance(got, datetime) and isinstance(expected, datetime):
        assert got.tzinfo == expected.tzinfo


# --- parse_due ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 22)),
        ("tomorrow", date(2026, 11, 23)),
        ("TOMORROW", date(2026, 11, 23)),
        ("tonight", at(22, 20)),
        ("tonight at 9pm", at(22, 21)),
        ("fri", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("mon", date(2026, 11, 23)),
        ("thurs", date(2026, 11, 26)),
        ("sun", date(2026, 11, 29)),  # today is Sunday: the next one
        ("dec 5", date(2026, 12, 5)),
        ("5 dec", date(2026, 12, 5)),
        ("december 5th", date(2026, 12, 5)),
        ("Dec 5th", date(2026, 12, 5)),
        ("1st jan", date(2027, 1, 1)),
        ("nov 22", date(2026, 11, 22)),  # today is not past
        ("nov 21", date(2027, 11, 21)),
        ("feb 29", date(2028, 2, 29)),  # the next one that exists
        ("dec 5 2027", date(2027, 12, 5)),
        ("dec 5 at 5pm", at(5, 17, month=12)),
        ("dec 5 5 pm", at(5, 17, month=12)),
        ("2026-12-05", date(2026, 12, 5)),
        ("2026-12-05T09:00", at(5, 9, month=12)),
        ("2026-12-05 17:30", at(5, 17, 30, month=12)),
        ("2026-12-05T09:00Z", at(5, 10, month=12)),
        ("2026-12-05T09:00+03:00", at(5, 7, month=12)),
        ("in 3 hours", at(22, 13)),
        ("in 90 min", at(22, 11, 30)),
        ("in an hour", at(22, 11)),
        ("in 3 days", date(2026, 11, 25)),
        ("in 3d", date(2026, 11, 25)),
        ("in a week", date(2026, 11, 29)),
        ("in 2 weeks", date(2026, 12, 6)),
        ("in 1 month", date(2026, 12, 22)),
        ("in 2 years", date(2028, 11, 22)),
        ("in 3 days at 9am", at(25, 9)),
        ("at noon", at(22, 12)),
        ("at 9am", at(23, 9)),  # already past today
        ("at 10am", at(23, 10)),  # exactly now is not ahead
        ("at midnight", at(23, 0)),
        ("17:30", at(22, 17, 30)),
        ("5pm", at(22, 17)),
        ("tomorrow at 6:45am", at(23, 6, 45)),
        ("fri 5 pm", at(27, 17)),
        ("at 5pm tomorrow", at(23, 17)),
        ("5pm tomorrow", at(23, 17)),
        ("  at   noon  ", at(22, 12)),
    ],
)
def test_parse_due(text: str, expected: Due) -> None:
    assert_same_due(dates.parse_due(text, NOW), expected)


def test_month_day_rolls_over_into_next_year() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN)
    assert dates.parse_due("jan 3", december) == date(2027, 1, 3)


def test_time_of_day_is_built_in_the_zone_of_now() -> None:
    now = datetime(2026, 11, 22, 10, 0, tzinfo=NEW_YORK)
    due = dates.parse_due("tomorrow at 9am", now)
    assert isinstance(due, datetime)
    assert due.tzinfo == NEW_YORK
    assert (due.hour, due.utcoffset()) == (9, timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "''"),
        ("someday", "someday"),
        ("tomorrow and more", "tomorrow and more"),
        ("feb 30", "feb 30"),
        ("dec 32", "dec 32"),
        ("feb 29 2027", "feb 29 2027"),
        ("2026-02-30", "2026-02-30"),
        ("2026-13-01T09:00", "2026-13-01T09:00"),
        ("at 25:00", "25:00"),
        ("13pm", "13pm"),
        ("fri at 9:75", "9:75"),
        ("in 99999999 years", "in 99999999 years"),
    ],
)
def test_parse_due_rejects_what_is_not_a_date(text: str, named: str) -> None:
    with pytest.raises(BadInput) as caught:
        dates.parse_due(text, NOW)
    assert named in caught.value.message


def test_match_due_reports_how_many_words_it_used() -> None:
    assert dates.match_due(["Fri", "at", "5pm", "sharp"], NOW) == (3, at(27, 17))
    assert dates.match_due(["fri", "at", "home"], NOW) == (1, date(2026, 11, 27))
    assert dates.match_due(["meet", "fri"], NOW) is None
    assert dates.match_due([], NOW) is None


def test_match_due_wants_at_before_a_leading_time_unless_told() -> None:
    assert dates.match_due(["5pm", "fri"], NOW) is None
    assert dates.match_due(["5pm", "fri"], NOW, bare_time=True) == (2, at(27, 17))


def test_match_due_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        dates.match_due(["today"], datetime(2026, 11, 22, 10, 0))


# --- times of day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5pm", time(17)),
        ("5 PM", time(17)),
        ("5p.m.", time(17)),
        ("6:45am", time(6, 45)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("17:30", time(17, 30)),
        ("0:05", time(0, 5)),
        ("noon", time(12)),
        ("Midnight", time(0)),
    ],
)
def test_parse_time_of_day(text: str, expected: time) -> None:
    assert dates.parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["5", "pm", "at", "five", "1730", "5:7pm", "123:00", ""])
def test_parse_time_of_day_is_none_for_other_words(text: str) -> None:
    assert dates.parse_time_of_day(text) is None


@pytest.mark.parametrize("text", ["25:00", "24:00", "12:60", "13pm", "0am"])
def test_parse_time_of_day_rejects_impossible_times(text: str) -> None:
    with pytest.raises(BadInput, match=text):
        dates.parse_time_of_day(text)


# --- zones, combine, conversions -------------------------------------------------------------


def test_combine_moves_a_time_in_the_spring_gap_forward() -> None:
    got = dates.combine(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert (got.hour, got.minute) == (3, 30)
    assert got.utcoffset() == timedelta(hours=-4)
    assert got.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_combine_takes_the_first_of_an_ambiguous_time_unless_fold_is_set() -> None:
    first = dates.combine(date(2026, 11, 1), time(1, 30), NEW_YORK)
    second = dates.combine(date(2026, 11, 1), time(1, 30, fold=1), NEW_YORK)
    assert first.utcoffset() == timedelta(hours=-4)
    assert second.utcoffset() == timedelta(hours=-5)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)


def test_combine_keeps_wall_time_across_dst() -> None:
    winter = dates.combine(date(2026, 1, 5), time(9), BERLIN)
    summer = dates.combine(date(2026, 7, 6), time(9), BERLIN)
    assert (winter.hour, summer.hour) == (9, 9)
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)


def test_day_start_is_local_midnight() -> None:
    assert dates.day_start(date(2026, 11, 22), BERLIN) == datetime(
        2026, 11, 21, 23, 0, tzinfo=UTC
    )


def test_day_start_when_midnight_is_skipped() -> None:
    santiago = ZoneInfo("America/Santiago")  # clocks jump from 00:00 to 01:00
    start = dates.day_start(date(2026, 9, 6), santiago)
    assert start.date() == date(2026, 9, 6)
    assert (start.hour, start.minute) == (1, 0)


def test_to_local_converts_datetimes_and_keeps_dates() -> None:
    assert dates.to_local(date(2026, 12, 5), NEW_YORK) == date(2026, 12, 5)
    local = dates.to_local(datetime(2026, 12, 5, 14, 0, tzinfo=UTC), NEW_YORK)
    assert isinstance(local, datetime)
    assert local.tzinfo == NEW_YORK
    assert local.hour == 9


def test_to_utc() -> None:
    assert dates.to_utc(at(5, 9, month=12)) == datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    assert dates.to_utc(at(5, 9, month=12)).tzinfo is UTC
    # SQLite hands back naive values; storage is UTC
    assert dates.to_utc(datetime(2026, 12, 5, 8, 0)) == datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def test_local_zone_honours_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    zone = dates.local_zone()
    assert zone == NEW_YORK
    # a named zone, not a fixed offset: DST applies
    assert datetime(2026, 1, 5, tzinfo=zone).utcoffset() == timedelta(hours=-5)
    assert datetime(2026, 7, 6, tzinfo=zone).utcoffset() == timedelta(hours=-4)


def test_local_zone_strips_a_leading_colon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    assert dates.local_zone() == BERLIN


def test_local_zone_falls_back_to_the_localtime_link(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Asia/Tokyo")
    monkeypatch.setattr(zones, "_LOCALTIME", link)
    monkeypatch.setenv("TZ", "Not/AZone")
    assert dates.local_zone() == ZoneInfo("Asia/Tokyo")
    monkeypatch.delenv("TZ")
    assert dates.local_zone() == ZoneInfo("Asia/Tokyo")


def test_local_zone_is_utc_without_any_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(zones, "_LOCALTIME", tmp_path / "missing")
    monkeypatch.delenv("TZ", raising=False)
    assert datetime(2026, 7, 6, tzinfo=dates.local_zone()).utcoffset() == timedelta(0)


def test_now_local_is_aware_and_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    now = dates.now_local()
    assert now.tzinfo == ZoneInfo("Asia/Tokyo")
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)
    assert dates.now_local(NEW_YORK).tzinfo == NEW_YORK


# --- calendar maths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert dates.add_months(start, months) == expected


def test_add_months_keeps_wall_time_of_a_datetime() -> None:
    moved = dates.add_months(datetime(2026, 1, 31, 9, 0, tzinfo=BERLIN), 6)
    assert moved == datetime(2026, 7, 31, 9, 0, tzinfo=BERLIN)
    assert moved.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (45, "minutes", at(22, 10, 45)),
        (26, "hours", at(23, 12)),
        (-1, "days", date(2026, 11, 21)),
        (3, "weeks", date(2026, 12, 13)),
        (3, "months", date(2027, 2, 22)),
        (1, "years", date(2027, 11, 22)),
    ],
)
def test_shift(amount: int, unit: str, expected: Due) -> None:
    assert_same_due(dates.shift(NOW, amount, unit), expected)


def test_shift_by_hours_counts_elapsed_time_across_dst() -> None:
    before = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)  # clocks jump 02:00 -> 03:00
    later = dates.shift(before, 1, "hours")
    assert later == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)


def test_shift_month_from_the_31st() -> None:
    jan31 = datetime(2026, 1, 31, 10, 0, tzinfo=BERLIN)
    assert dates.parse_due("in 1 month", jan31) == date(2026, 2, 28)


def test_shift_out_of_range_is_bad_input() -> None:
    with pytest.raises(BadInput):
        dates.shift(NOW, 10**6, "years")


@pytest.mark.parametrize(
    ("spelling", "unit"),
    [("min", "minutes"), ("HRS", "hours"), ("d", "days"), ("wk", "weeks"), ("mo", "months"),
     ("y", "years"), ("fortnight", None)],
)
def test_parse_unit(spelling: str, unit: str | None) -> None:
    assert dates.parse_unit(spelling) == unit


# --- output ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 22), "today"),
        (date(2026, 11, 23), "tomorrow"),
        (date(2026, 11, 21), "yesterday"),
        (date(2026, 11, 25), "in 3 days"),
        (date(2026, 11, 28), "in 6 days"),
        (date(2026, 11, 20), "2 days ago"),
        (date(2026, 12, 5), "in 13 days"),
        (date(2026, 12, 6), "in 2 weeks"),
        (date(2027, 1, 20), "in 8 weeks"),
        (date(2026, 11, 1), "3 weeks ago"),
        (date(2027, 1, 21), "2027-01-21"),
        (date(2027, 3, 1), "2027-03-01"),
        (date(2026, 9, 23), "1 month ago"),
        (date(2026, 8, 20), "3 months ago"),
        (date(2024, 5, 1), "2024-05-01"),
        (at(22, 17), "today 17:00"),
        (at(23, 9, 30), "tomorrow 09:30"),
        (at(25, 9), "in 3 days 09:00"),
        (datetime(2026, 11, 25, 8, 0, tzinfo=UTC), "in 3 days 09:00"),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "tomorrow 00:30"),
        (at(1, 9, month=3, year=2027), "2027-03-01 09:00"),
    ],
)
def test_describe_relative(due: Due, expected: str) -> None:
    assert dates.describe_relative(due, NOW) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 22), "today"),
        (date(2026, 11, 23), "tomorrow"),
        (date(2026, 11, 24), "tue"),
        (date(2026, 11, 28), "sat"),
        (date(2026, 11, 29), "2026-11-29"),  # a week ahead: the name would be today's
        (date(2026, 11, 21), "2026-11-21"),  # the past: the date, never a weekday
        (at(22, 17), "today 17:00"),
        (at(23, 17), "tomorrow 17:00"),
        (at(27, 10, 30), "fri 10:30"),
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), "tomorrow 00:30"),  # Berlin's day
        (at(1, 9, month=12), "2026-12-01 09:00"),
    ],
)
def test_describe_near(due: Due, expected: str) -> None:
    assert dates.describe_near(due, NOW) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 12, 5), "2026-12-05"),
        (at(1, 9, month=12), "2026-12-01T09:00:00+01:00"),
        (datetime(2026, 7, 1, 7, 0, 5, 999, tzinfo=UTC), "2026-07-01T09:00:05+02:00"),
    ],
)
def test_iso(due: Due, expected: str) -> None:
    assert dates.iso(due, BERLIN) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026-12-01T09:00:00+01:00", at(1, 9, month=12)),
        ("2026-12-01T08:00:00Z", at(1, 9, month=12)),
        (" 2026-12-01T08:00Z ", at(1, 9, month=12)),
    ],
)
def test_parse_iso_due(text: str, expected: Due) -> None:
    got = dates.parse_iso_due(text)
    assert type(got) is type(expected)
    assert got == expected


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2026-02-30", "2026-12-05T09:00", "20261205", "2026-W49-1", "12/05"]
)
def test_parse_iso_due_rejects_garbage(text: str) -> None:
    with pytest.raises(BadInput):
        dates.parse_iso_due(text)


aware_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 2),  # the first day todo accepts, in every zone
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from([UTC, BERLIN, NEW_YORK, ZoneInfo("Asia/Kolkata")]),
).map(lambda dt: dt.replace(microsecond=0))


@settings(max_examples=200)
@given(
    due=aware_datetimes | st.dates(dates.FIRST_DAY, dates.LAST_DAY),
    tz=st.sampled_from([UTC, BERLIN, NEW_YORK]),
)
def test_iso_round_trips(due: Due, tz: ZoneInfo) -> None:
    back = dates.parse_iso_due(dates.iso(due, tz))
    assert type(back) is type(due)
    if isinstance(due, datetime) and isinstance(back, datetime):
        # compared in UTC: Python calls times in a DST fold unequal across zones
        assert dates.to_utc(back) == dates.to_utc(due)
    else:
        assert back == due


# --- next WEEKDAY, end of week/month/year, a bare hour after a day, negative amounts ---------

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        # Weeks run Monday to Sunday: "next fri" is Friday of next week.
        ("next monday", NOW, date(2026, 11, 23)),
        ("next fri", NOW, date(2026, 11, 27)),
        ("next monday", WEDNESDAY, date(2026, 11, 30)),
        ("next fri", WEDNESDAY, date(2026, 12, 4)),
        ("Next Wednesday", WEDNESDAY, date(2026, 12, 2)),
        ("next sun", WEDNESDAY, date(2026, 12, 6)),
        ("next monday at 9am", WEDNESDAY, at(30, 9)),
        ("end of week", NOW, date(2026, 11, 22)),  # a Sunday: this week ends today
        ("end of week", WEDNESDAY, date(2026, 11, 29)),
        ("end of the week", WEDNESDAY, date(2026, 11, 29)),
        ("end of month", NOW, date(2026, 11, 30)),
        ("end of the month", datetime(2027, 2, 3, 9, tzinfo=BERLIN), date(2027, 2, 28)),
        ("end of month", datetime(2026, 11, 30, 9, tzinfo=BERLIN), date(2026, 11, 30)),
        ("end of year", NOW, date(2026, 12, 31)),
        ("end of month at 17:00", NOW, at(30, 17)),
        ("in 2 weeks at 9", NOW, at(6, 9, month=12)),
        ("in 2 weeks at 17", NOW, at(6, 17, month=12)),
        ("fri at 0", NOW, at(27, 0)),
        ("tomorrow at 9", NOW, at(23, 9)),
    ],
)
def test_next_weekday_period_ends_and_bare_hours(text: str, now: datetime, expected: Due) -> None:
    assert_same_due(dates.parse_due(text, now), expected)


def test_a_bare_number_after_at_is_an_hour_only_up_to_23() -> None:
    assert dates.match_due(["fri", "at", "42"], NOW) == (1, date(2026, 11, 27))
    assert dates.match_due(["at", "9"], NOW) is None  # alone, "at 9" may be words


@pytest.mark.parametrize("text", ["in -3 days", "in -3d", "in -1 week", "in -2 hours"])
def test_a_negative_amount_is_an_error_naming_the_phrase(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        dates.parse_due(text, NOW)
    assert f"'{text}'" in caught.value.message
    assert "positive" in caught.value.message
