"""core.recurrence against a fixed clock: Sunday 2026-11-22 10:00 in Berlin."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from core import dates
from core.errors import BadInput
from core.recurrence import (
    Rule,
    describe,
    first_due,
    match_rule,
    next_due,
    occurrences,
    parse_rule,
    validate_rrule,
    warnings,
)
from core.schemas import Due

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026,
       tz: tzinfo = BERLIN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def d(day: int, month: int = 11, year: int = 2026) -> date:
    return date(year, month, day)


def next_three(phrase: str, now: datetime = NOW) -> list[Due]:
    rule = parse_rule(phrase, now)
    return occurrences(rule, first_due(rule, now, None), 3, _zone(now))


def _zone(now: datetime) -> tzinfo:
    assert now.tzinfo is not None
    return now.tzinfo


def assert_same(got: list[Due], expected: list[Due]) -> None:
    """Equal, and of the same kinds: all-day results are dates, timed ones aware datetimes."""
    assert got == expected
    assert [type(g) for g in got] == [type(e) for e in expected]
    for g, e in zip(got, expected, strict=True):
        if isinstance(g, datetime) and isinstance(e, datetime):
            assert g.tzinfo == e.tzinfo and g.utcoffset() == e.utcoffset()


# --- the grammar --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "rrule", "first_three"),
    [
        ("every day", "FREQ=DAILY", [d(22), d(23), d(24)]),
        ("daily", "FREQ=DAILY", [d(22), d(23), d(24)]),
        ("Every Day", "FREQ=DAILY", [d(22), d(23), d(24)]),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", [d(23), d(24), d(25)]),
        ("every week", "FREQ=WEEKLY", [d(22), d(29), d(6, 12)]),
        ("weekly", "FREQ=WEEKLY", [d(22), d(29), d(6, 12)]),
        ("every month", "FREQ=MONTHLY", [d(22), d(22, 12), d(22, 1, 2027)]),
        ("monthly", "FREQ=MONTHLY", [d(22), d(22, 12), d(22, 1, 2027)]),
        ("every year", "FREQ=YEARLY", [d(22), d(22, 11, 2027), d(22, 11, 2028)]),
        ("yearly", "FREQ=YEARLY", [d(22), d(22, 11, 2027), d(22, 11, 2028)]),
        ("annually", "FREQ=YEARLY", [d(22), d(22, 11, 2027), d(22, 11, 2028)]),
        ("every monday", "FREQ=WEEKLY;BYDAY=MO", [d(23), d(30), d(7, 12)]),
        ("every sunday", "FREQ=WEEKLY;BYDAY=SU", [d(22), d(29), d(6, 12)]),
        ("every mon, wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", [d(23), d(25), d(27)]),
        ("every fri, mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE,FR", [d(23), d(25), d(27)]),
        ("every mon,wed,fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", [d(23), d(25), d(27)]),
        ("every tue and thu", "FREQ=WEEKLY;BYDAY=TU,TH", [d(24), d(26), d(1, 12)]),
        ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", [d(22), d(28), d(29)]),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3", [d(22), d(25), d(28)]),
        ("every 3d", "FREQ=DAILY;INTERVAL=3", [d(22), d(25), d(28)]),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", [d(22), d(6, 12), d(20, 12)]),
        ("every 2 months", "FREQ=MONTHLY;INTERVAL=2",
         [d(22), d(22, 1, 2027), d(22, 3, 2027)]),
        ("every 3 years", "FREQ=YEARLY;INTERVAL=3",
         [d(22), d(22, 11, 2029), d(22, 11, 2032)]),
        ("every 1 day", "FREQ=DAILY", [d(22), d(23), d(24)]),
        ("every other day", "FREQ=DAILY;INTERVAL=2", [d(22), d(24), d(26)]),
        ("every other week", "FREQ=WEEKLY;INTERVAL=2", [d(22), d(6, 12), d(20, 12)]),
        ("every other month", "FREQ=MONTHLY;INTERVAL=2",
         [d(22), d(22, 1, 2027), d(22, 3, 2027)]),
        ("every other year", "FREQ=YEARLY;INTERVAL=2",
         [d(22), d(22, 11, 2028), d(22, 11, 2030)]),
        # Said on a Sunday, "every other monday" starts tomorrow, not in 8 days.
        ("every other monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", [d(23), d(7, 12), d(21, 12)]),
        ("every month on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15",
         [d(15, 12), d(15, 1, 2027), d(15, 2, 2027)]),
        ("every month on the 22nd", "FREQ=MONTHLY;BYMONTHDAY=22",
         [d(22), d(22, 12), d(22, 1, 2027)]),
        ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15",
         [d(15, 12), d(15, 1, 2027), d(15, 2, 2027)]),
        ("every 15th of the month", "FREQ=MONTHLY;BYMONTHDAY=15",
         [d(15, 12), d(15, 1, 2027), d(15, 2, 2027)]),
        ("every 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15",
         [d(1, 12), d(15, 12), d(1, 1, 2027)]),
        ("monthly on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1",
         [d(1, 12), d(1, 1, 2027), d(1, 2, 2027)]),
        ("every 3 months on the 1st", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
         [d(1, 12), d(1, 3, 2027), d(1, 6, 2027)]),
        ("every 2 weeks on monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
         [d(23), d(7, 12), d(21, 12)]),
        ("every week on tue and fri", "FREQ=WEEKLY;BYDAY=TU,FR", [d(24), d(27), d(1, 12)]),
        ("weekly on mon and thu", "FREQ=WEEKLY;BYDAY=MO,TH", [d(23), d(26), d(30)]),
        ("every first monday", "FREQ=MONTHLY;BYDAY=1MO",
         [d(7, 12), d(4, 1, 2027), d(1, 2, 2027)]),
        ("every 1st monday", "FREQ=MONTHLY;BYDAY=1MO",
         [d(7, 12), d(4, 1, 2027), d(1, 2, 2027)]),
        ("every second tue", "FREQ=MONTHLY;BYDAY=2TU",
         [d(8, 12), d(12, 1, 2027), d(9, 2, 2027)]),
        ("every third wednesday", "FREQ=MONTHLY;BYDAY=3WE",
         [d(16, 12), d(20, 1, 2027), d(17, 2, 2027)]),
        ("every fourth thu", "FREQ=MONTHLY;BYDAY=4TH", [d(26), d(24, 12), d(28, 1, 2027)]),
        ("every last fri", "FREQ=MONTHLY;BYDAY=-1FR", [d(27), d(25, 12), d(29, 1, 2027)]),
        ("every last friday of the month", "FREQ=MONTHLY;BYDAY=-1FR",
         [d(27), d(25, 12), d(29, 1, 2027)]),
        ("every month on the last fri", "FREQ=MONTHLY;BYDAY=-1FR",
         [d(27), d(25, 12), d(29, 1, 2027)]),
        ("every 2 months on the last fri", "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
         [d(27), d(29, 1, 2027), d(26, 3, 2027)]),
        ("every last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1",
         [d(30), d(31, 12), d(31, 1, 2027)]),
        ("every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1",
         [d(30), d(31, 12), d(31, 1, 2027)]),
        ("every year on dec 12", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=12",
         [d(12, 12), d(12, 12, 2027), d(12, 12, 2028)]),
        ("every year on 12 december", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=12",
         [d(12, 12), d(12, 12, 2027), d(12, 12, 2028)]),
        ("every jan 10", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=10",
         [d(10, 1, 2027), d(10, 1, 2028), d(10, 1, 2029)]),
        ("every november 22nd", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=22",
         [d(22), d(22, 11, 2027), d(22, 11, 2028)]),
        ("every mon, wed and fri at 7am", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
         [at(23, 7), at(25, 7), at(27, 7)]),
        # 09:00 has passed on Sunday the 22nd; 11:00 has not.
        ("every day at 9am", "FREQ=DAILY", [at(23, 9), at(24, 9), at(25, 9)]),
        ("every day at 11:00", "FREQ=DAILY", [at(22, 11), at(23, 11), at(24, 11)]),
        ("every sunday at 10am", "FREQ=WEEKLY;BYDAY=SU",
         [at(22, 10), at(29, 10), at(6, 10, month=12)]),
        ("every day at 5 pm", "FREQ=DAILY", [at(22, 17), at(23, 17), at(24, 17)]),
        ("every day until 2026-11-23", "FREQ=DAILY;UNTIL=20261123T235959", [d(22), d(23)]),
        ("every day for 2 times", "FREQ=DAILY;COUNT=2", [d(22), d(23)]),
        # 09:00 has passed today, so a plain weekly rule starts tomorrow, a Monday
        ("every week until dec 6 at 9am", "FREQ=WEEKLY;UNTIL=20261206T235959",
         [at(23, 9), at(30, 9)]),
        ("every! 3 days", "FREQ=DAILY;INTERVAL=3", [d(22), d(25), d(28)]),
    ],
)
def test_grammar(phrase: str, rrule: str, first_three: list[Due]) -> None:
    rule = parse_rule(phrase, NOW)
    assert rule.rrule == rrule
    assert_same(next_three(phrase), first_three)


def test_the_rule_keeps_the_time_and_the_mode() -> None:
    assert parse_rule("every mon, wed and fri at 7am", NOW) == Rule(
        "FREQ=WEEKLY;BYDAY=MO,WE,FR", time=time(7)
    )
    assert parse_rule("every! 3 days at 18:30", NOW) == Rule(
        "FREQ=DAILY;INTERVAL=3", from_completion=True, time=time(18, 30)
    )
    assert parse_rule("EVERY! WEEK", NOW).from_completion


@pytest.mark.parametrize(
    ("phrase", "rrule"),
    [
        ("mon and thu", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("2 weeks on fri", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("FREQ=weekly;byday=fr,mo", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ],
)
def test_parse_rule_takes_a_phrase_without_every_or_a_raw_rrule(phrase: str, rrule: str) -> None:
    assert parse_rule(phrase, NOW).rrule == rrule


@pytest.mark.parametrize(
    ("phrase", "until"),
    [
        ("every day until dec 31", "UNTIL=20261231T235959"),
        ("every day until 2027-01-15", "UNTIL=20270115T235959"),
        ("every day until fri", "UNTIL=20261127T235959"),
        ("every day until tomorrow", "UNTIL=20261123T235959"),
        ("every day until dec 31 2027", "UNTIL=20271231T235959"),
        ("every day until dec 5 17:30", "UNTIL=20261205T173000"),
    ],
)
def test_until_takes_any_date_phrase_and_means_the_whole_day(phrase: str, until: str) -> None:
    assert parse_rule(phrase, NOW).rrule == f"FREQ=DAILY;{until}"


def test_at_until_and_for_come_in_any_order() -> None:
    a = parse_rule("every day at 9am until dec 31", NOW)
    b = parse_rule("every day until dec 31 at 9am", NOW)
    assert a == b == Rule("FREQ=DAILY;UNTIL=20261231T235959", time=time(9))
    assert parse_rule("every mon for 3 times at 8am", NOW) == Rule(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3", time=time(8)
    )


# --- quick-add matching ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "used"),
    [
        ("every monday at 9am call", 4),
        ("every mon and tidy up", 2),  # "and" only joins weekdays
        ("every mon, tidy up", 2),
        ("every mon fri", 2),  # no separator: fri is something else (a due)
        ("every day at home", 2),  # "at" without a time is not the rule's
        ("every month on time", 2),
        ("every month on the 1st at 9am remind me", 7),
        ("every day until done", 2),
        ("every day for ever", 2),
        ("weekly review", 1),
        ("every 15th of the month #x", 5),
        ("every 15th of march", 2),
    ],
)
def test_match_rule_takes_only_its_words(words: str, used: int) -> None:
    found = match_rule(words.split(), 0, NOW)
    assert found is not None
    assert found[0] == used


def test_match_rule_starts_at_i_and_ignores_other_words() -> None:
    tokens = ["pay", "rent", "every", "month"]
    assert match_rule(tokens, 0, NOW) is None
    assert match_rule(tokens, 2, NOW) == (2, Rule("FREQ=MONTHLY"))
    assert match_rule(tokens, 4, NOW) is None


# --- bad rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "bad_part"),
    [
        ("every 0 days", "every 0 days"),
        ("every blursday", "blursday"),
        ("every", "every"),
        ("every 3 apples", "every 3 apples"),
        ("every other blursday", "blursday"),
        ("every 5 hours", "every 5 hours"),
        ("every 30 minutes", "every 30 minutes"),
        ("every month on the 32nd", "32nd"),
        ("every 0th", "0th"),
        ("every year on feb 30", "feb 30"),
        ("every 6th mon", "6th mon"),
        ("every day at 25:00", "25:00"),
        ("every day for 0 times", "for 0 times"),
        ("every day until dec 31 for 3 times", "for 3 times"),
        ("every day until feb 30", "feb 30"),
        ("every day foo", "foo"),
        ("FREQ=HOURLY", "HOURLY"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR"),
        ("FREQ=WEEKLY;BYMONTHDAY=3", "BYMONTHDAY"),
        ("FREQ=DAILY;COUNT=0", "COUNT=0"),
        ("FREQ=DAILY;INTERVAL=x", "INTERVAL=X"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9", "never happens"),
        ("BYDAY=MO", "FREQ"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ twice"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20261231", "not both"),
        ("FREQ=MONTHLY;BYDAY=6MO", "6MO"),
        ("FREQ=WEEKLY;BYDAY=1MO", "1MO"),
        ("FREQ=WEEKLY;BYDAY=XX", "XX"),
        ("FREQ=DAILY;UNTIL=20261340", "UNTIL=20261340"),
        ("FREQ=DAILY;junk", "junk"),
    ],
)
def test_bad_rules_are_bad_input_naming_the_bad_part(phrase: str, bad_part: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_rule(phrase, NOW)
    assert bad_part in caught.value.message


def test_every_followed_by_garbage_is_an_error_in_quick_add_too() -> None:
    with pytest.raises(BadInput, match="blursday"):
        match_rule(["every", "blursday"], 0, NOW)


def test_until_before_the_start_is_bad_input() -> None:
    rule = parse_rule("every day until 2026-11-01", NOW)
    with pytest.raises(BadInput, match="until 2026-11-01"):
        first_due(rule, NOW, None)
    with pytest.raises(BadInput, match="ends before it starts"):
        first_due(parse_rule("every mon until 2026-12-05", NOW), NOW, d(8, 12))
    # ... but an until on the start day itself is one occurrence
    assert first_due(parse_rule("every day until 2026-11-22", NOW), NOW, None) == d(22)


def test_validate_rrule_normalises() -> None:
    assert validate_rrule("rrule:freq=weekly;byday=fr,mo,fr;interval=1;") == (
        "FREQ=WEEKLY;BYDAY=MO,FR"
    )
    assert validate_rrule("FREQ=MONTHLY;BYDAY=+1SU,-1SU;INTERVAL=2;COUNT=10") == (
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU;COUNT=10"
    )
    assert validate_rrule("FREQ=DAILY;UNTIL=20261231") == "FREQ=DAILY;UNTIL=20261231T235959"
    assert validate_rrule("FREQ=DAILY;UNTIL=20261231T080000Z") == (
        "FREQ=DAILY;UNTIL=20261231T080000Z"
    )


# --- first_due --------------------------------------------------------------------------------


def test_first_due_with_a_start_begins_there() -> None:
    monthly = parse_rule("every month on the 15th", NOW)
    assert first_due(monthly, NOW, d(15, 1, 2027)) == d(15, 1, 2027)
    # a start off the rule moves to the first day on or after it that fits
    assert first_due(monthly, NOW, d(16, 1, 2027)) == d(15, 2, 2027)
    # a past start is the user's word: the series starts there
    assert first_due(monthly, NOW, d(1, 1, 2026)) == d(15, 1, 2026)


def test_first_due_with_a_start_date_takes_the_rules_time() -> None:
    rule = parse_rule("every mon at 9am", NOW)
    got = first_due(rule, NOW, d(30))
    assert got == at(30, 9) and isinstance(got, datetime)
    # a timed start keeps its own time (converted into now's zone)
    assert first_due(rule, NOW, datetime(2026, 11, 30, 7, 30, tzinfo=NEW_YORK)) == at(30, 13, 30)


def test_first_due_without_a_time_is_all_day_and_today_counts() -> None:
    got = first_due(parse_rule("every sunday", NOW), NOW, None)
    assert got == d(22) and type(got) is date


def test_first_due_at_now_exactly_counts() -> None:
    assert first_due(parse_rule("every day at 10am", NOW), NOW, None) == at(22, 10)


# --- month ends and leap years --------------------------------------------------------------


def test_the_31st_skips_months_without_one() -> None:
    rule = parse_rule("every month on the 31st", NOW)
    assert occurrences(rule, d(31, 1, 2027), 5, BERLIN) == [
        d(31, 1, 2027), d(31, 3, 2027), d(31, 5, 2027), d(31, 7, 2027), d(31, 8, 2027)
    ]
    assert warnings(rule) == [
        "months without a 31st are skipped (Feb, Apr, Jun, Sep and Nov); say 'every last day "
        "of the month' to hit every month-end"
    ]
    assert warnings(parse_rule("every month on the 29th", NOW))[0].startswith(
        "months without a 29th are skipped (Feb, except in leap years); say 'every last day"
    )
    assert warnings(parse_rule("every month on the 30th", NOW))[0].startswith(
        "months without a 30th are skipped (Feb); "
    )


def test_the_last_day_of_the_month_hits_every_month_end() -> None:
    rule = parse_rule("every last day of the month", NOW)
    assert occurrences(rule, d(31, 1, 2027), 4, BERLIN) == [
        d(31, 1, 2027), d(28, 2, 2027), d(31, 3, 2027), d(30, 4, 2027)
    ]
    assert occurrences(rule, d(31, 1, 2028), 2, BERLIN) == [d(31, 1, 2028), d(29, 2, 2028)]
    assert warnings(rule) == []


def test_plain_monthly_from_the_31st_follows_rfc_5545_and_warns() -> None:
    rule = parse_rule("every month", NOW)
    assert occurrences(rule, d(31, 1, 2027), 3, BERLIN) == [
        d(31, 1, 2027), d(31, 3, 2027), d(31, 5, 2027)
    ]
    assert warnings(rule, start=d(31, 1, 2027)) == warnings(parse_rule("every month on the 31st",
                                                                       NOW))
    assert "(Feb)" in warnings(rule, start=at(30, 9, month=1, year=2027))[0]
    assert warnings(rule, start=d(28, 1, 2027)) == []


def test_rfc_example_where_february_30_is_ignored() -> None:
    rule = parse_rule("every month on the 15th and 30th for 5 times", NOW)
    assert rule.rrule == "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5"
    start = datetime(2007, 1, 15, 9, tzinfo=NEW_YORK)
    got = occurrences(rule, start, 10, NEW_YORK)
    assert [g.date() for g in got if isinstance(g, datetime)] == [
        d(15, 1, 2007), d(30, 1, 2007), d(15, 2, 2007), d(15, 3, 2007), d(30, 3, 2007)
    ]


def test_feb_29_comes_in_leap_years_only() -> None:
    rule = parse_rule("every year on feb 29", NOW)
    assert next_three("every year on feb 29") == [d(29, 2, 2028), d(29, 2, 2032), d(29, 2, 2036)]
    # 2100 is not a leap year
    assert occurrences(rule, d(29, 2, 2096), 2, BERLIN) == [d(29, 2, 2096), d(29, 2, 2104)]
    assert warnings(rule) == ["Feb 29 comes only in leap years: the years between are skipped"]
    assert warnings(parse_rule("every year", NOW), start=d(29, 2, 2028)) == warnings(rule)


# --- DST: 09:00 stays 09:00 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "start", "before", "after"),
    [
        # New York: clocks go forward on 2027-03-14 and back on 2027-11-07.
        (NEW_YORK, d(12, 3, 2027), -5, -4),
        (NEW_YORK, d(5, 11, 2027), -4, -5),
        # Berlin: forward on 2027-03-28, back on 2027-10-31.
        (BERLIN, d(26, 3, 2027), 1, 2),
        (BERLIN, d(29, 10, 2027), 2, 1),
    ],
)
def test_nine_stays_nine_across_dst(tz: ZoneInfo, start: date, before: int, after: int) -> None:
    rule = parse_rule("every day at 9am", NOW)
    now = datetime.combine(start, time(8), tzinfo=tz)
    first = first_due(rule, now, None)
    got = occurrences(rule, first, 5, tz)
    assert [g.date() for g in got if isinstance(g, datetime)] == [
        start + timedelta(days=n) for n in range(5)
    ]
    for g in got:
        assert isinstance(g, datetime)
        assert (g.hour, g.minute, g.tzinfo) == (9, 0, tz)
    offsets = [g.utcoffset() for g in got if isinstance(g, datetime)]
    assert offsets[0] == timedelta(hours=before) and offsets[-1] == timedelta(hours=after)


def test_next_due_across_dst_is_23_hours_later_in_spring() -> None:
    rule = parse_rule("every day at 9am", NOW)
    start = at(13, 9, month=3, year=2027, tz=NEW_YORK)
    got = next_due(rule, start, start, start + timedelta(hours=1))
    assert got == at(14, 9, month=3, year=2027, tz=NEW_YORK)
    assert isinstance(got, datetime)
    assert dates.to_utc(got) - dates.to_utc(start) == timedelta(hours=23)


def test_weekly_across_both_berlin_transitions() -> None:
    rule = parse_rule("every sunday at 9am", NOW)
    start = at(21, 9, month=3, year=2027)
    got = occurrences(rule, start, 33, BERLIN)
    assert all(isinstance(g, datetime) and (g.hour, g.minute) == (9, 0) for g in got)
    assert got[-1] == at(31, 9, month=10, year=2027)  # the day clocks go back


def test_a_time_in_the_spring_gap_moves_past_it_that_day_only() -> None:
    rule = parse_rule("every day at 2:30am", NOW)
    start = at(13, 2, 30, month=3, year=2027, tz=NEW_YORK)
    got = occurrences(rule, start, 3, NEW_YORK)
    assert [(g.day, g.hour, g.minute) for g in got if isinstance(g, datetime)] == [
        (13, 2, 30), (14, 3, 30), (15, 2, 30)
    ]


def test_a_series_starting_in_the_spring_gap_goes_back_to_its_time() -> None:
    rule = parse_rule("every day at 2:30am", NOW)
    first = first_due(rule, at(13, 12, month=3, year=2027, tz=NEW_YORK), None)
    assert first == at(14, 3, 30, month=3, year=2027, tz=NEW_YORK)
    got = occurrences(rule, first, 3, NEW_YORK)
    assert [(g.day, g.hour, g.minute) for g in got if isinstance(g, datetime)] == [
        (14, 3, 30), (15, 2, 30), (16, 2, 30)
    ]
    after_noon = at(14, 12, month=3, year=2027, tz=NEW_YORK)
    assert next_due(rule, first, first, after_noon) == at(15, 2, 30, month=3, year=2027,
                                                          tz=NEW_YORK)


def test_every_bang_from_an_instance_in_the_spring_gap_goes_back_to_its_time() -> None:
    rule = parse_rule("every! day at 2:30am", NOW)
    gap = at(14, 3, 30, month=3, year=2027, tz=NEW_YORK)  # 02:30 moved past the gap
    got = next_due(rule, gap, gap, at(14, 12, month=3, year=2027, tz=NEW_YORK))
    assert got == at(15, 2, 30, month=3, year=2027, tz=NEW_YORK)
    # An instance the user moved to another time keeps that time.
    moved = at(14, 7, month=3, year=2027, tz=NEW_YORK)
    got = next_due(rule, gap, moved, at(14, 12, month=3, year=2027, tz=NEW_YORK))
    assert got == at(15, 7, month=3, year=2027, tz=NEW_YORK)


# --- RFC 5545 section 3.8.5.3 examples the grammar can say -----------------------------------

RFC_START = datetime(1997, 9, 2, 9, tzinfo=NEW_YORK)  # a Tuesday


def rfc_days(phrase: str, count: int, start: datetime = RFC_START) -> list[date]:
    """The occurrences' dates, after checking each is at 09:00 New York time."""
    got = occurrences(parse_rule(phrase, NOW), start, count, NEW_YORK)
    days = []
    for g in got:
        assert isinstance(g, datetime)
        assert (g.hour, g.minute, g.tzinfo) == (9, 0, NEW_YORK)
        days.append(g.date())
    return days


def ymd(year: int, month: int, *days: int) -> list[date]:
    return [date(year, month, day) for day in days]


def test_rfc_daily_for_10_occurrences() -> None:
    assert rfc_days("every day for 10 times", 20) == ymd(1997, 9, *range(2, 12))


def test_rfc_daily_until_december_24() -> None:
    days = rfc_days("every day until 1997-12-23", 200)
    assert len(days) == 113 and days[0] == date(1997, 9, 2) and days[-1] == date(1997, 12, 23)
    # the same in the RFC's own words: UNTIL in UTC, converted to the series' zone
    raw = Rule(validate_rrule("FREQ=DAILY;UNTIL=19971224T000000Z"))
    assert occurrences(raw, RFC_START, 200, NEW_YORK)[-1] == at(
        23, 9, month=12, year=1997, tz=NEW_YORK
    )


def test_rfc_every_other_day() -> None:
    assert rfc_days("every other day", 5) == ymd(1997, 9, 2, 4, 6, 8, 10)


def test_rfc_every_10_days_5_occurrences() -> None:
    assert rfc_days("every 10 days for 5 times", 10) == (
        ymd(1997, 9, 2, 12, 22) + ymd(1997, 10, 2, 12)
    )


def test_rfc_weekly_for_10_occurrences() -> None:
    assert rfc_days("every week for 10 times", 20) == (
        ymd(1997, 9, 2, 9, 16, 23, 30) + ymd(1997, 10, 7, 14, 21, 28) + ymd(1997, 11, 4)
    )


def test_rfc_every_other_week() -> None:
    assert rfc_days("every other week", 10) == (
        ymd(1997, 9, 2, 16, 30) + ymd(1997, 10, 14, 28) + ymd(1997, 11, 11, 25)
        + ymd(1997, 12, 9, 23) + ymd(1998, 1, 6)
    )


def test_rfc_weekly_on_tuesday_and_thursday_for_five_weeks() -> None:
    expected = ymd(1997, 9, 2, 4, 9, 11, 16, 18, 23, 25, 30) + ymd(1997, 10, 2)
    assert rfc_days("every tue and thu for 10 times", 20) == expected
    assert rfc_days("every tue and thu until 1997-10-06", 20) == expected


def test_rfc_every_other_week_on_mon_wed_fri_until_december_24() -> None:
    start = datetime(1997, 9, 1, 9, tzinfo=NEW_YORK)
    assert rfc_days("every other mon, wed and fri until 1997-12-23", 50, start) == (
        ymd(1997, 9, 1, 3, 5, 15, 17, 19, 29) + ymd(1997, 10, 1, 3, 13, 15, 17, 27, 29, 31)
        + ymd(1997, 11, 10, 12, 14, 24, 26, 28) + ymd(1997, 12, 8, 10, 12, 22)
    )


def test_rfc_every_other_week_on_tuesday_and_thursday_for_8_occurrences() -> None:
    assert rfc_days("every 2 weeks on tue and thu for 8 times", 20) == (
        ymd(1997, 9, 2, 4, 16, 18, 30) + ymd(1997, 10, 2, 14, 16)
    )


def test_rfc_monthly_on_the_first_friday_for_10_occurrences() -> None:
    start = datetime(1997, 9, 5, 9, tzinfo=NEW_YORK)
    assert rfc_days("every first fri for 10 times", 20, start) == [
        date(1997, 9, 5), date(1997, 10, 3), date(1997, 11, 7), date(1997, 12, 5),
        date(1998, 1, 2), date(1998, 2, 6), date(1998, 3, 6), date(1998, 4, 3),
        date(1998, 5, 1), date(1998, 6, 5),
    ]


def test_rfc_monthly_on_the_2nd_and_15th_for_10_occurrences() -> None:
    assert rfc_days("every month on the 2nd and 15th for 10 times", 20) == (
        ymd(1997, 9, 2, 15) + ymd(1997, 10, 2, 15) + ymd(1997, 11, 2, 15)
        + ymd(1997, 12, 2, 15) + ymd(1998, 1, 2, 15)
    )


def test_rfc_every_18_months_on_the_10th_to_15th_for_10_occurrences() -> None:
    start = datetime(1997, 9, 10, 9, tzinfo=NEW_YORK)
    phrase = "every 18 months on the 10th, 11th, 12th, 13th, 14th and 15th for 10 times"
    assert rfc_days(phrase, 20, start) == (
        ymd(1997, 9, *range(10, 16)) + ymd(1999, 3, 10, 11, 12, 13)
    )


# Examples the grammar cannot say, as raw RRULEs (validate_rrule is their way in).


@pytest.mark.parametrize(
    ("rrule", "start", "expected"),
    [
        ("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", date(1997, 9, 7),
         ymd(1997, 9, 7, 28) + ymd(1997, 11, 2, 30) + ymd(1998, 1, 4, 25) + ymd(1998, 3, 1, 29)
         + ymd(1998, 5, 3, 31)),
        ("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", date(1997, 9, 22),
         [date(1997, 9, 22), date(1997, 10, 20), date(1997, 11, 17), date(1997, 12, 22),
          date(1998, 1, 19), date(1998, 2, 16)]),
        ("FREQ=MONTHLY;BYMONTHDAY=-3", date(1997, 9, 28),
         [date(1997, 9, 28), date(1997, 10, 29), date(1997, 11, 28), date(1997, 12, 29),
          date(1998, 1, 29), date(1998, 2, 26)]),
        ("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", date(1997, 9, 2),
         ymd(1997, 9, 30) + ymd(1997, 10, 1, 31) + ymd(1997, 11, 1, 30) + ymd(1997, 12, 1, 31)
         + ymd(1998, 1, 1, 31) + ymd(1998, 2, 1)),
        ("FREQ=YEARLY;COUNT=10;BYMONTH=6,7", date(1997, 6, 10),
         [date(y, m, 10) for y in range(1997, 2002) for m in (6, 7)]),
        ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", date(1997, 9, 2),
         [date(1998, 2, 13), date(1998, 3, 13), date(1998, 11, 13), date(1999, 8, 13),
          date(2000, 10, 13)]),
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", date(1996, 11, 5),
         [date(1996, 11, 5), date(2000, 11, 7), date(2004, 11, 2)]),
        ("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", date(1997, 9, 4),
         [date(1997, 9, 4), date(1997, 10, 7), date(1997, 11, 6)]),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", date(1997, 9, 29),
         [date(1997, 9, 29), date(1997, 10, 30), date(1997, 11, 27), date(1997, 12, 30),
          date(1998, 1, 29), date(1998, 2, 26), date(1998, 3, 30)]),
        ("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", date(1997, 8, 5),
         ymd(1997, 8, 5, 10, 19, 24)),
        ("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", date(1997, 8, 5),
         ymd(1997, 8, 5, 17, 19, 31)),
    ],
)
def test_rfc_examples_as_raw_rrules(rrule: str, start: date, expected: list[date]) -> None:
    rule = Rule(validate_rrule(rrule))
    got = occurrences(rule, datetime.combine(start, time(9), tzinfo=NEW_YORK), len(expected),
                      NEW_YORK)
    assert [g.date() for g in got if isinstance(g, datetime)] == expected
    assert all(isinstance(g, datetime) and g.hour == 9 for g in got)
    assert describe(rule).startswith(("repeats ", "every "))


# --- until and count --------------------------------------------------------------------------


def test_until_includes_a_timed_occurrence_on_the_until_day() -> None:
    rule = parse_rule("every day at 11pm until dec 1", NOW)
    start = first_due(rule, NOW, None)
    assert start == at(22, 23)
    got = occurrences(rule, start, 100, BERLIN)
    assert got[-1] == at(1, 23, month=12) and len(got) == 10
    assert next_due(rule, start, at(1, 23, month=12), at(1, 23, 30, month=12)) is None


def test_for_n_times_gives_n_then_ends() -> None:
    rule = parse_rule("every day for 3 times", NOW)
    start = first_due(rule, NOW, None)
    assert occurrences(rule, start, 10, BERLIN) == [d(22), d(23), d(24)]
    assert next_due(rule, start, d(23), NOW) == d(24)
    assert next_due(rule, start, d(24), NOW) is None


def test_a_series_that_ended_while_overdue_creates_nothing() -> None:
    rule = parse_rule("every day until 2026-11-20", NOW)
    assert next_due(rule, d(1), d(5), NOW) is None


# --- next_due ---------------------------------------------------------------------------------


def test_next_due_skips_missed_instances() -> None:
    daily = parse_rule("every day", NOW)
    assert next_due(daily, d(1), d(1), NOW) == d(22)  # today counts for all-day
    timed = parse_rule("every day at 9am", NOW)
    assert next_due(timed, at(1, 9), at(1, 9), NOW) == at(23, 9)  # 09:00 today has passed
    assert next_due(timed, at(1, 9), at(1, 9), at(22, 8)) == at(22, 9)
    weekly = parse_rule("every mon", NOW)
    assert next_due(weekly, d(2), d(2), NOW) == d(23)


def test_next_due_is_after_the_completed_instance_even_when_done_early() -> None:
    daily = parse_rule("every day", NOW)
    assert next_due(daily, d(1), d(25), NOW) == d(26)
    monthly = parse_rule("every month on the 15th", NOW)
    assert next_due(monthly, d(15, 1), d(15, 12), NOW) == d(15, 1, 2027)


def test_next_due_keeps_the_series_time_of_day() -> None:
    rule = parse_rule("every mon, wed and fri at 7am", NOW)
    start = first_due(rule, NOW, None)
    assert next_due(rule, start, start, at(23, 8)) == at(25, 7)


def test_next_due_with_an_all_day_start_and_a_timed_rule() -> None:
    rule = parse_rule("every day at 9am", NOW)
    assert next_due(rule, d(20), at(21, 9), NOW) == at(23, 9)


def test_next_due_works_from_a_utc_start() -> None:
    rule = parse_rule("every day at 9am", NOW)
    start = at(1, 9).astimezone(ZoneInfo("UTC"))
    got = next_due(rule, start, start, NOW)
    assert got == at(23, 9) and isinstance(got, datetime) and got.tzinfo == BERLIN


# --- every! -----------------------------------------------------------------------------------


def test_every_bang_counts_from_completion() -> None:
    rule = parse_rule("every! 3 days", NOW)
    done_on_the_10th = at(10, 15, month=12)
    assert next_due(rule, d(1, 12), d(1, 12), done_on_the_10th) == d(13, 12)
    # done early: still three days after completion
    assert next_due(rule, d(1, 12), d(20, 12), done_on_the_10th) == d(13, 12)


def test_every_bang_keeps_the_time_of_day_of_the_instance() -> None:
    rule = parse_rule("every! 3 days at 9am", NOW)
    got = next_due(rule, at(1, 9, month=12), at(1, 9, month=12), at(10, 20, month=12))
    assert got == at(13, 9, month=12)


def test_every_bang_month_adds_a_calendar_month() -> None:
    rule = parse_rule("every! month", NOW)
    assert next_due(rule, d(1, 1, 2027), d(1, 1, 2027), at(31, 12, month=1, year=2027)) == d(
        28, 2, 2027
    )


def test_every_bang_with_weekdays_takes_the_first_after_completion() -> None:
    rule = parse_rule("every! mon", NOW)
    assert next_due(rule, d(16), d(16), at(25, 12)) == d(30)  # done Wednesday the 25th
    assert next_due(rule, d(16), d(16), at(23, 12)) == d(30)  # done on a Monday: next week


def test_every_bang_with_an_interval_and_weekdays() -> None:
    rule = parse_rule("every! 2 weeks on mon", NOW)
    assert next_due(rule, d(16), d(16), at(25, 12)) == d(7, 12)  # done Wed 25th: a week later


def test_every_bang_always_finds_a_fitting_day() -> None:
    # anchored at a completion in an odd year, a 2-year interval would never meet a Feb 29
    rule = parse_rule("every! 2 years on feb 29", NOW)
    done = datetime(2025, 1, 1, tzinfo=BERLIN)
    assert next_due(rule, d(29, 2, 2024), d(29, 2, 2024), done) == d(29, 2, 2028)


def test_every_bang_stops_at_until_and_count() -> None:
    until = parse_rule("every! 3 days until 2026-12-12", NOW)
    assert next_due(until, d(1, 12), d(1, 12), at(8, 12, month=12)) == d(11, 12)
    assert next_due(until, d(1, 12), d(1, 12), at(10, 12, month=12)) is None
    counted = parse_rule("every! day for 3 times", NOW)
    assert next_due(counted, d(1), d(1), NOW, occurrence=2) == d(23)
    assert next_due(counted, d(1), d(1), NOW, occurrence=3) is None
    with pytest.raises(ValueError, match="occurrence"):
        next_due(counted, d(1), d(1), NOW)


# --- describe ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "words"),
    [
        ("daily", "every day"),
        ("every weekday", "every weekday"),
        ("every mon, wed and fri at 7am", "every Mon, Wed and Fri at 07:00"),
        ("every 2 weeks on monday", "every 2 weeks on Mon"),
        ("every other day", "every 2 days"),
        ("every 15th", "every month on the 15th"),
        ("every month on the 1st and 22nd", "every month on the 1st and 22nd"),
        ("every 3 months on the 1st", "every 3 months on the 1st"),
        ("every last friday", "every last Fri of the month"),
        ("every first monday", "every first Mon of the month"),
        ("every 2 months on the last fri", "every 2 months on the last Fri"),
        ("every last day of the month", "every last day of the month"),
        ("every year on dec 12", "every year on Dec 12"),
        ("every 2 years on jan 10", "every 2 years on Jan 10"),
        ("every day until dec 31", "every day until 2026-12-31"),
        ("every day until dec 31 5pm", "every day until 2026-12-31 17:00"),
        ("every week for 5 times", "every week for 5 times"),
        ("every week for 1 time", "every week for 1 time"),
        ("every! 3 days", "every! 3 days (from completion)"),
        ("every! week at 8am", "every! week at 08:00 (from completion)"),
        ("FREQ=YEARLY;BYMONTH=6,7", "repeats FREQ=YEARLY;BYMONTH=6,7"),
        ("FREQ=DAILY;UNTIL=20261231T080000Z", "every day until 2026-12-31 08:00 UTC"),
    ],
)
def test_describe(phrase: str, words: str) -> None:
    assert describe(parse_rule(phrase, NOW)) == words


# --- properties -------------------------------------------------------------------------------

TIMES = [None, time(0), time(7), time(9), time(12, 30), time(23, 45), time(2, 30)]


@st.composite
def rrules(draw: st.DrawFn, *, ends: bool = True) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 4))}"]
    if freq == "WEEKLY":
        days = draw(st.sets(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])))
        if days:
            parts.append("BYDAY=" + ",".join(sorted(days)))
    elif freq == "MONTHLY":
        kind = draw(st.sampled_from(["none", "monthday", "nth"]))
        if kind == "monthday":
            monthdays = draw(
                st.just({-1}) | st.sets(st.sampled_from([1, 2, 15, 28, 29, 30, 31]), min_size=1)
            )
            parts.append("BYMONTHDAY=" + ",".join(map(str, sorted(monthdays))))
        elif kind == "nth":
            n = draw(st.sampled_from([1, 2, 3, 4, -1]))
            parts.append(f"BYDAY={n}{draw(st.sampled_from(['MO', 'WE', 'FR', 'SU']))}")
    elif freq == "YEARLY" and draw(st.booleans()):
        month, day = draw(st.sampled_from([(1, 1), (2, 28), (2, 29), (6, 30), (12, 31)]))
        parts += [f"BYMONTH={month}", f"BYMONTHDAY={day}"]
    if ends and draw(st.booleans()):
        parts.append(f"COUNT={draw(st.integers(1, 30))}")
    return ";".join(parts)


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)
).map(lambda dt: dt.replace(second=0, microsecond=0))
zones = st.sampled_from([BERLIN, NEW_YORK])


def _day(due: Due) -> date:
    return due.date() if isinstance(due, datetime) else due


def _fits(due: Due, rrule: str) -> bool:
    """An independent look at the day: the BY parts the generator uses, checked directly."""
    day = _day(due)
    for part in rrule.split(";"):
        key, value = part.split("=")
        if key == "BYDAY" and "FREQ=WEEKLY" in rrule:
            names = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            if names[day.weekday()] not in value.split(","):
                return False
        if key == "BYMONTHDAY":
            last = dates.days_in_month(day.year, day.month)
            if not any(int(v) in (day.day, day.day - last - 1) for v in value.split(",")):
                return False
        if key == "BYMONTH" and int(value) != day.month:
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(rrules(), st.sampled_from(TIMES), zones, instants, st.integers(0, 12),
       st.integers(-30 * 24, 400 * 24))
# A series whose first occurrence falls into the spring-forward gap (New York, 2025-03-09):
# that one is 03:30, the ones after it go back to 02:30.
@example("FREQ=DAILY;INTERVAL=1", time(2, 30), NEW_YORK, datetime(2025, 3, 9, 0, 0), 0, 30)
@example("FREQ=WEEKLY;INTERVAL=1", time(2, 30), BERLIN, datetime(2027, 3, 27, 12, 0), 0, 24 * 8)
def test_next_due_is_later_on_the_rule_and_not_in_the_past(
    rrule: str, clock: time | None, tz: ZoneInfo, start: datetime, k: int, hours_later: int
) -> None:
    rule = Rule(validate_rrule(rrule), time=clock)
    begin = start.replace(tzinfo=tz)
    dtstart = first_due(rule, begin, None)
    expanded = occurrences(rule, dtstart, 500, tz)  # reaches past `now` even for every day
    assume(k < len(expanded))
    after = expanded[k]
    after_instant = after if isinstance(after, datetime) else dates.day_start(after, tz)
    now = (after_instant + timedelta(hours=hours_later)).astimezone(tz)
    today = now.date()

    got = next_due(rule, dtstart, after, now)

    def qualifies(due: Due) -> bool:
        later = due > after if isinstance(due, datetime) else due > _day(after)
        if isinstance(due, datetime):
            assert isinstance(after, datetime)
            return later and due > now
        return later and due >= today

    candidates = [o for o in expanded if qualifies(o)]
    if got is None:
        assert "COUNT" in rrule and not candidates
        return
    assert got in expanded and qualifies(got)
    assert got == candidates[0]  # the first that qualifies: none skipped, none back-filled
    assert _fits(got, rule.rrule)
    if clock is None:
        assert type(got) is date
    else:
        assert isinstance(got, datetime) and got.tzinfo == tz
        assert got == dates.combine(got.date(), clock, tz)  # the wall clock, not 24h steps
        if clock != time(2, 30):
            assert got.time() == clock


@settings(max_examples=200, deadline=None)
@given(rrules(ends=False), st.sampled_from(TIMES), zones, instants, st.integers(0, 400 * 24))
def test_every_bang_is_after_the_completion_day(
    rrule: str, clock: time | None, tz: ZoneInfo, start: datetime, hours_later: int
) -> None:
    rule = Rule(validate_rrule(rrule), from_completion=True, time=clock)
    begin = start.replace(tzinfo=tz)
    dtstart = first_due(rule, begin, None)
    now = (begin + timedelta(hours=hours_later)).astimezone(tz)
    got = next_due(rule, dtstart, dtstart, now)
    assert got is not None
    assert _day(got) > now.date()
    assert _fits(got, rule.rrule)
    if "BY" not in rule.rrule:
        unit = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}
        freq = rule.rrule.split(";")[0].removeprefix("FREQ=")
        interval = int(rule.rrule.split("INTERVAL=")[1]) if "INTERVAL" in rule.rrule else 1
        assert _day(got) == dates.shift_date(now.date(), interval, unit[freq])


@settings(max_examples=200, deadline=None)
@given(rrules(), st.sampled_from(TIMES), st.booleans())
def test_describe_reads_back_as_the_same_rule(
    rrule: str, clock: time | None, from_completion: bool
) -> None:
    rule = Rule(validate_rrule(rrule), from_completion=from_completion, time=clock)
    words = describe(rule)
    assert not words.startswith("repeats")  # the generated rules are all sayable
    assert parse_rule(words.removesuffix(" (from completion)"), NOW) == rule
