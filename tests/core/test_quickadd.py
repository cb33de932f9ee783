"""Quick add against a fixed clock: Sunday 2026-11-22 10:00 in Berlin."""

from __future__ import annotations

import string
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import dates, quickadd, reminders
from core.errors import BadInput
from core.priorities import Priority
from core.quickadd import Match, Parsed, Token, parse, tokenize
from core.recurrence import Rule
from core.reminders import ReminderSpec
from core.schemas import Due
from core.tags import is_tag

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday


def at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def test_a_full_line() -> None:
    got = parse("Pay rent by fri at 5pm #home +Bills p1", NOW)
    assert got == Parsed("Pay rent", due=at(27, 17), priority=Priority.HIGH, tags=("bills", "home"))


def test_plain_text_is_all_title() -> None:
    assert parse("  water   the plants ", NOW) == Parsed("water the plants")


def test_everything_claimed_leaves_an_empty_title() -> None:
    assert parse("tomorrow p1", NOW) == Parsed("", due=date(2026, 11, 23), priority=Priority.HIGH)


# --- tags --------------------------------------------------------------------------------------


def test_tags_are_lowercased_deduplicated_and_sorted() -> None:
    got = parse("#Work x +home #work +HOME #a-b_1", NOW)
    assert got == Parsed("x", tags=("a-b_1", "home", "work"))


@pytest.mark.parametrize(
    "text", ["c++", "bob@x.com", "#42", "a#b", "#", "+", "++x", "#-x", "x+y", "#☕", "#_x",
             "#²x"]
)
def test_words_that_are_not_tags_stay_in_the_title(text: str) -> None:
    assert parse(f"learn {text} now", NOW) == Parsed(f"learn {text} now")


@pytest.mark.parametrize(
    ("text", "tag"),
    [("#café", "café"), ("#ü", "ü"), ("+Über", "über"), ("#ünï", "ünï"), ("#日本", "日本"),
     ("#cafe\u0301", "café"), ("#straße-2", "straße-2")],
)
def test_tags_take_letters_of_any_script(text: str, tag: str) -> None:
    # A combining accent (NFD input) is stored composed, so it is one tag either way.
    assert parse(f"espresso {text} now", NOW) == Parsed("espresso now", tags=(tag,))


# --- priority ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "priority"),
    [
        ("!high", Priority.HIGH), ("!h", Priority.HIGH), ("p1", Priority.HIGH),
        ("!HIGH", Priority.HIGH), ("P1", Priority.HIGH),
        ("!medium", Priority.MEDIUM), ("!med", Priority.MEDIUM), ("!m", Priority.MEDIUM),
        ("p2", Priority.MEDIUM),
        ("!low", Priority.LOW), ("!l", Priority.LOW), ("p3", Priority.LOW),
    ],
)
def test_priorities(word: str, priority: Priority) -> None:
    assert parse(f"fix {word} bug", NOW) == Parsed("fix bug", priority=priority)


@pytest.mark.parametrize("word", ["p4", "p0", "!", "!!high", "!none", "p1x", "xp1", "!hi"])
def test_words_that_are_not_priorities_stay_in_the_title(word: str) -> None:
    assert parse(f"fix {word} bug", NOW) == Parsed(f"fix {word} bug")


def test_the_last_priority_wins() -> None:
    assert parse("!h fix !low it", NOW) == Parsed("!h fix it", priority=Priority.LOW)


# --- due ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("today", date(2026, 11, 22)),
        ("tonight", at(22, 20)),
        ("tomorrow", date(2026, 11, 23)),
        ("Tomorrow", date(2026, 11, 23)),
        ("friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("FRI", date(2026, 11, 27)),
        ("sun", date(2026, 11, 29)),
        ("in 30 minutes", at(22, 10, 30)),
        ("in 3 hours", at(22, 13)),
        ("in 1 hour", at(22, 11)),
        ("in 2 h", at(22, 12)),
        ("in 3 days", date(2026, 11, 25)),
        ("in 1 day", date(2026, 11, 23)),
        ("in 2 weeks", date(2026, 12, 6)),
        ("in 2 wk", date(2026, 12, 6)),
        ("in 2 months", date(2027, 1, 22)),
        ("in 1 mo", date(2026, 12, 22)),
        ("in 2 years", date(2028, 11, 22)),
        ("in 1 y", date(2027, 11, 22)),
        ("2026-12-05", date(2026, 12, 5)),
        ("dec 5", date(2026, 12, 5)),
        ("5 dec", date(2026, 12, 5)),
        ("december 5th", date(2026, 12, 5)),
        ("dec 5th", date(2026, 12, 5)),
        ("Dec 5th", date(2026, 12, 5)),
        ("nov 22", date(2026, 11, 22)),
        ("nov 21", date(2027, 11, 21)),
        ("dec 5 at 5pm", at(5, 17, month=12)),
        ("dec 5 at 6:45am", at(5, 6, 45, month=12)),
        ("dec 5 at 17:30", at(5, 17, 30, month=12)),
        ("dec 5 at noon", at(5, 12, month=12)),
        ("fri at 5pm", at(27, 17)),
        ("tomorrow AT 9AM", at(23, 9)),
        ("in 3 days at 9am", at(25, 9)),
        ("at 3pm", at(22, 15)),
        ("at 9am", at(23, 9)),
        ("at noon", at(22, 12)),
        ("at 5pm tomorrow", at(23, 17)),
        ("due fri", date(2026, 11, 27)),
        ("by tomorrow", date(2026, 11, 23)),
        ("on dec 5th", date(2026, 12, 5)),
        ("Due Dec 5 at 5pm", at(5, 17, month=12)),
        ("by 2026-12-05T09:00", at(5, 9, month=12)),
        ("by 5pm", at(22, 17)),
        ("due 9am", at(23, 9)),
    ],
)
def test_due_phrases(phrase: str, due: Due) -> None:
    got = parse(f"call mom {phrase} please", NOW)
    assert got == Parsed("call mom please", due=due)
    assert type(got.due) is type(due)
    if isinstance(got.due, datetime):
        assert got.due.tzinfo == BERLIN


def test_month_day_in_december_means_next_year() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN)
    assert parse("party jan 3", december).due == date(2027, 1, 3)


def test_a_time_alone_is_today_while_still_ahead_else_tomorrow() -> None:
    evening = datetime(2026, 11, 22, 21, 0, tzinfo=BERLIN)
    assert parse("call at 9pm", evening).due == at(23, 21)
    assert parse("call at 9:30pm", evening).due == at(22, 21, 30)


def test_a_time_on_a_dst_gap_day_moves_past_the_gap() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 3, 7, 12, 0, tzinfo=new_york)
    due = parse("backup mar 8 at 2:30am", now).due
    assert isinstance(due, datetime)
    assert (due.hour, due.minute, due.utcoffset()) == (3, 30, timedelta(hours=-4))


@pytest.mark.parametrize("text", ["stand by me", "due diligence", "on call", "meet at cafe",
                                  "in time", "in 3 apples", "at 5", "may I",
                                  "call bob 5pm", "train 17:30 leaves"])
def test_keywords_without_a_date_stay_in_the_title(text: str) -> None:
    assert parse(text, NOW).title == text
    assert parse(text, NOW).due is None


def test_only_the_last_due_phrase_counts() -> None:
    got = parse("move tomorrow to fri at 9am", NOW)
    assert got == Parsed("move tomorrow to", due=at(27, 9))


def test_the_prefix_of_an_overruled_due_stays_in_the_title() -> None:
    assert parse("due today by fri", NOW) == Parsed("due today", due=date(2026, 11, 27))


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("pay 2026-02-30", "2026-02-30"),
        ("pay feb 30", "feb 30"),
        ("pay 31 apr", "31 apr"),
        ("pay at 25:00", "25:00"),
        ("pay fri at 13pm", "13pm"),
        ("pay in 99999999 years", "in 99999999 years"),
    ],
)
def test_impossible_dates_are_bad_input(text: str, bad_part: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse(text, NOW)
    assert bad_part in caught.value.message


# --- recurrence and reminders -------------------------------------------------------------------


def test_a_repeat_a_reminder_and_a_tag() -> None:
    got = parse("pay rent every month on the 1st at 9am remind me 1 day before #finance", NOW)
    assert got == Parsed(
        "pay rent",
        recurrence=Rule("FREQ=MONTHLY;BYMONTHDAY=1", time=time(9)),
        reminders=(ReminderSpec(before=timedelta(days=1)),),
        tags=("finance",),
    )


def test_the_weekday_and_time_after_every_belong_to_the_repeat_not_the_due() -> None:
    got = parse("standup every monday at 9am", NOW)
    assert got == Parsed("standup", recurrence=Rule("FREQ=WEEKLY;BYDAY=MO", time=time(9)))


def test_the_time_after_remind_belongs_to_the_reminder_not_the_due() -> None:
    got = parse("call mom remind me at 3pm", NOW)
    assert got == Parsed("call mom", reminders=(ReminderSpec(at=at(22, 15)),))


def test_a_repeat_and_a_due_together() -> None:
    got = parse("report every 2 weeks on monday dec 7 p2", NOW)
    assert got == Parsed(
        "report", due=date(2026, 12, 7), priority=Priority.MEDIUM,
        recurrence=Rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    )


def test_reminders_accumulate_in_order() -> None:
    got = parse("demo remind me 30m before tomorrow at 5pm remind 1 day before", NOW)
    assert got == Parsed(
        "demo",
        due=at(23, 17),
        reminders=(
            ReminderSpec(before=timedelta(minutes=30)), ReminderSpec(before=timedelta(days=1))
        ),
    )


def test_the_last_repeat_wins() -> None:
    got = parse("water every day plants every! 3 days", NOW)
    assert got == Parsed(
        "water every day plants", recurrence=Rule("FREQ=DAILY;INTERVAL=3", from_completion=True)
    )


@pytest.mark.parametrize(
    ("text", "title", "rrule"),
    [
        ("weekly review", "review", "FREQ=WEEKLY"),
        ("Daily standup #work", "standup", "FREQ=DAILY"),
        ("gym every mon, wed and fri", "gym", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("gym every mon and thu with bob", "gym with bob", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("backup every last day of the month", "backup", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("bday every dec 12 !h", "bday", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=12"),
        ("pills every day until dec 31", "pills", "FREQ=DAILY;UNTIL=20261231T235959"),
        ("lesson every tue for 6 times", "lesson", "FREQ=WEEKLY;BYDAY=TU;COUNT=6"),
    ],
)
def test_repeats_in_lines(text: str, title: str, rrule: str) -> None:
    got = parse(text, NOW)
    assert got.title == title
    assert got.recurrence is not None and got.recurrence.rrule == rrule


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [("party every blursday", "blursday"), ("read every book", "every book"),
     ("x every 0 days", "every 0 days"), ("x remind me tomorrow", "remind me tomorrow")],
)
def test_a_broken_repeat_or_reminder_is_bad_input(text: str, bad_part: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse(text, NOW)
    assert bad_part in caught.value.message


def test_quoted_every_and_remind_are_text() -> None:
    assert parse('read "every" book', NOW) == Parsed("read every book")
    assert parse('"remind me at 3pm" note', NOW) == Parsed("remind me at 3pm note")


@pytest.mark.parametrize("text", ["remind bob about lunch", "remind me to call", "everyone"])
def test_words_that_are_no_reminder_or_repeat_stay_in_the_title(text: str) -> None:
    assert parse(text, NOW) == Parsed(text)


# --- quotes and tokens ---------------------------------------------------------------------------


def test_quoted_text_is_literal() -> None:
    got = parse('read "tomorrow #news p1" today', NOW)
    assert got == Parsed("read tomorrow #news p1", due=date(2026, 11, 22))


def test_quoted_text_keeps_its_spaces_and_case() -> None:
    assert parse('say   "Hello    World"   #x', NOW) == Parsed("say Hello    World", tags=("x",))


def test_a_quote_cuts_a_due_phrase() -> None:
    # "at" cannot reach across the quoted word to the time after it
    assert parse('meet at "noon" 5pm', NOW) == Parsed("meet at noon 5pm")


@pytest.mark.parametrize("text", ['27" monitor', 'say "hi', 'o"brien', '""x"'])
def test_stray_quotes_are_plain_text(text: str) -> None:
    assert parse(text, NOW).title == text


def test_tokenize() -> None:
    assert tokenize(' a  "b  c" d"e ""') == [
        Token("a"), Token("b  c", quoted=True), Token('d"e'), Token("", quoted=True)
    ]


def test_a_new_rule_is_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    def urgent(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
        if tokens[i].quoted or tokens[i].text != "ASAP":
            return None
        return 1, Parsed("", priority=Priority.HIGH, due=now.date())

    monkeypatch.setattr(quickadd, "RULES", (urgent, *quickadd.RULES))
    assert parse("fix ASAP #ops", NOW) == Parsed(
        "fix", due=date(2026, 11, 22), priority=Priority.HIGH, tags=("ops",)
    )


# --- properties ----------------------------------------------------------------------------------

GRAMMAR_BITS = [
    "today", "tonight", "at", "5pm", "25:00", "in", "3", "days", "hours", "dec", "5th", "feb",
    "30", "2026-12-05", "2026-02-30", "by", "on", "due", "#tag", "+x", "#", "!h", "p1", '"',
    "noon", "fri", "2026-12-05T09:00", "9999", "0", "a", "mo", "9999-12-31", "0001-01-01",
    "every", "every!", "daily", "other", "last", "15th", "and", "mon,", "until", "for", "times",
    "remind", "me", "before", "30m", "1h30m", "of", "the", "month", "weekday",
]


@settings(max_examples=200)
@given(st.text(max_size=60) | st.lists(st.sampled_from(GRAMMAR_BITS) | st.text(max_size=5),
                                       max_size=10).map(" ".join))
def test_parse_only_ever_raises_bad_input(text: str) -> None:
    try:
        got = parse(text, NOW)
    except BadInput:
        return
    assert got.tags == tuple(sorted(set(got.tags)))
    assert all(is_tag(tag) and tag == tag.lower() for tag in got.tags)
    if isinstance(got.due, datetime):
        assert got.due.tzinfo == BERLIN


RECURRENCE_TOKENS: list[tuple[str, Rule]] = [
    ("every day", Rule("FREQ=DAILY")),
    ("daily", Rule("FREQ=DAILY")),
    ("weekly", Rule("FREQ=WEEKLY")),
    ("every weekday", Rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
    ("every monday at 9am", Rule("FREQ=WEEKLY;BYDAY=MO", time=time(9))),
    ("every mon, wed and fri", Rule("FREQ=WEEKLY;BYDAY=MO,WE,FR")),
    ("every 2 weeks on tue and thu", Rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")),
    ("every other month", Rule("FREQ=MONTHLY;INTERVAL=2")),
    ("every month on the 15th", Rule("FREQ=MONTHLY;BYMONTHDAY=15")),
    ("every last day of the month", Rule("FREQ=MONTHLY;BYMONTHDAY=-1")),
    ("every last fri", Rule("FREQ=MONTHLY;BYDAY=-1FR")),
    ("every year on dec 12", Rule("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=12")),
    ("every jan 10 at 18:30", Rule("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=10", time=time(18, 30))),
    ("every day until dec 31", Rule("FREQ=DAILY;UNTIL=20261231T235959")),
    ("every week for 3 times", Rule("FREQ=WEEKLY;COUNT=3")),
    ("every! 3 days", Rule("FREQ=DAILY;INTERVAL=3", from_completion=True)),
]
REMINDER_TOKENS: list[tuple[str, ReminderSpec]] = [
    ("remind me 30m before", ReminderSpec(before=timedelta(minutes=30))),
    ("remind 1 day before", ReminderSpec(before=timedelta(days=1))),
    ("remind me an hour before", ReminderSpec(before=timedelta(hours=1))),
    ("remind me at 3:45pm", ReminderSpec(at=at(22, 15, 45))),
    ("remind at tomorrow 9am", ReminderSpec(at=at(23, 9))),
    ("remind me tomorrow at 9am", ReminderSpec(at=at(23, 9))),
    ("remind me in 2 hours", ReminderSpec(at=at(22, 12))),
]

# Words that could join a phrase; titles in the property below avoid them.
NOT_PLAIN = dates.KEYWORDS | {
    "due", "by", "on", "every", "remind", "me", "am", "pm", "a", "an", "next", "noon",
    "daily", "weekly", "monthly", "yearly", "annually", "other", "weekday", "weekdays",
    "weekend", "weekends", "first", "second", "third", "fourth", "fifth", "last", "and", "of",
    "the", "until", "for", "times", "before",
} | {w.strip(",") for text, _ in RECURRENCE_TOKENS + REMINDER_TOKENS for w in text.split()}
plain_words = st.text(string.ascii_letters, min_size=1, max_size=8).filter(
    lambda w: w.lower() not in NOT_PLAIN and dates.parse_unit(w) is None
)
casings = st.sampled_from([str.lower, str.upper, str.title])

DUE_TOKENS: list[tuple[str, Due]] = [
    ("today", date(2026, 11, 22)),
    ("tomorrow", date(2026, 11, 23)),
    ("tonight", at(22, 20)),
    ("fri", date(2026, 11, 27)),
    ("friday", date(2026, 11, 27)),
    ("sun", date(2026, 11, 29)),
    ("in 3 days", date(2026, 11, 25)),
    ("in 2 weeks", date(2026, 12, 6)),
    ("in 1 month", date(2026, 12, 22)),
    ("in 2 hours", at(22, 12)),
    ("2026-12-05", date(2026, 12, 5)),
    ("dec 5", date(2026, 12, 5)),
    ("5 dec", date(2026, 12, 5)),
    ("december 5th", date(2026, 12, 5)),
    ("jan 3", date(2027, 1, 3)),
    ("dec 5 at 5pm", at(5, 17, month=12)),
    ("at 3pm", at(22, 15)),
    ("at 9am", at(23, 9)),
    ("at noon", at(22, 12)),
    ("tomorrow at 6:45am", at(23, 6, 45)),
    ("due fri", date(2026, 11, 27)),
    ("by tomorrow", date(2026, 11, 23)),
    ("on dec 5th", date(2026, 12, 5)),
    ("by 5pm", at(22, 17)),
    ("2026-12-05T09:00", at(5, 9, month=12)),
]
PRIORITY_TOKENS: list[tuple[str, Priority]] = [
    ("!high", Priority.HIGH), ("!h", Priority.HIGH), ("p1", Priority.HIGH),
    ("!medium", Priority.MEDIUM), ("!med", Priority.MEDIUM), ("!m", Priority.MEDIUM),
    ("p2", Priority.MEDIUM), ("!low", Priority.LOW), ("!l", Priority.LOW), ("p3", Priority.LOW),
]
tag_names = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)


@settings(max_examples=200)
@given(st.data())
def test_tokens_anywhere_come_out_and_leave_the_title_clean(data: st.DataObject) -> None:
    words = data.draw(st.lists(plain_words, min_size=1, max_size=6))
    tags = data.draw(st.lists(tag_names, max_size=3))
    priority = data.draw(st.none() | st.sampled_from(PRIORITY_TOKENS))
    due = data.draw(st.none() | st.sampled_from(DUE_TOKENS))
    recurrence = data.draw(st.none() | st.sampled_from(RECURRENCE_TOKENS))
    reminders = data.draw(st.lists(st.sampled_from(REMINDER_TOKENS), max_size=2))

    # (text, kind) in the order they were drawn; their places in the line are drawn below
    inserted = [(data.draw(st.sampled_from("#+")) + tag, "tag") for tag in tags]
    inserted += [(pair[0], kind) for pair, kind in ((priority, "priority"), (due, "due"),
                                                    (recurrence, "repeat")) if pair is not None]
    inserted += [(text, "reminder") for text, _ in reminders]
    line = [(word, "word") for word in words]
    for text, kind in inserted:
        position = data.draw(st.integers(0, len(line)))
        line.insert(position, (data.draw(casings)(text), kind))
    # A repeat or reminder may rightly take a due phrase that follows it straight away
    # ("every day" + "at 3pm", "remind me at 3:45pm" + "tomorrow"): keep those apart.
    kinds = [kind for _, kind in line]
    assume(not any(a in ("repeat", "reminder") and b == "due" for a, b in pairwise(kinds)))

    got = parse("  ".join(text for text, _ in line), NOW)

    assert got.title == " ".join(words)
    inserted_words = set(" ".join(text for text, _ in inserted).lower().split())
    assert not set(got.title.lower().split()) & inserted_words
    assert got.tags == tuple(sorted(set(tags)))
    assert got.priority == (priority[1] if priority else None)
    assert got.due == (due[1] if due else None)
    assert type(got.due) is type(due[1] if due else None)
    assert got.recurrence == (recurrence[1] if recurrence else None)
    in_line_order = [text.lower() for text, kind in line if kind == "reminder"]
    expected = [dict((t.lower(), spec) for t, spec in REMINDER_TOKENS)[t] for t in in_line_order]
    assert got.reminders == tuple(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call mom next monday", Parsed("call mom", due=date(2026, 11, 23))),
        ("review in 2 weeks at 9 #work", Parsed("review", due=at(6, 9, month=12),
                                                tags=("work",))),
        ("pay rent end of month !high", Parsed("pay rent", due=date(2026, 11, 30),
                                               priority=Priority.HIGH)),
        ("report by end of week", Parsed("report", due=date(2026, 11, 22))),
        ("meet at 5", Parsed("meet at 5")),
        ("the end of an era", Parsed("the end of an era")),
        ("next steps", Parsed("next steps")),
    ],
)
def test_next_weekday_period_ends_and_bare_hours(text: str, expected: Parsed) -> None:
    assert parse(text, NOW) == expected


def test_every_day_at_a_bare_hour() -> None:
    assert parse("stretch every day at 7", NOW).recurrence == Rule("FREQ=DAILY", time=time(7))


def test_a_negative_amount_is_an_error_not_a_title() -> None:
    with pytest.raises(BadInput, match="'in -3 days'"):
        parse("call mom in -3 days", NOW)


def test_the_head_words_quick_add_checks_are_the_grammars_own() -> None:
    # Quick add loads the repeat and reminder grammars only after seeing one of these words
    # (issue 14): a head word a grammar gains must be added here too, or its phrases stay title.
    from core.recurrence.vocabulary import HEADS as REPEAT

    assert quickadd.REPEAT_HEADS == REPEAT
    assert quickadd.REMINDER_HEADS == reminders.HEADS


@pytest.mark.parametrize("text", ["Every day", "DAILY", "Annually", "EVERY! 2 days",
                                  "REMIND me at 3pm", "Remind at 3pm"])
def test_head_words_match_in_any_case(text: str) -> None:
    # The cheap check lowers the word as the grammars do: a capitalised head still repeats
    # or reminds.
    got = parse(f"x {text}", NOW)
    assert got.title == "x"
    assert got.recurrence is not None or got.reminders


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\n", "\u00a0", "\u2003",
                                         "\x1c", "\x85", "x", '"']), max_size=30))
def test_tokenize_without_quotes_splits_as_the_quoted_grammar_does(text: str) -> None:
    # Lines without a quote skip the regular expression (str.split); both must agree on what
    # whitespace is, Unicode's included.
    import re

    expected = [Token(m[1], quoted=True) if m[1] is not None else Token(m[0])
                for m in re.finditer(quickadd._TOKEN, text)]
    assert tokenize(text) == expected
