"""Quick add: one line of text read as a title, a due, a priority, tags, a repeat and reminders.

    'pay rent by fri at 5pm #home p1'  ->  title 'pay rent', due Friday 17:00, high, ('home',)
    'pay rent every month on the 1st at 9am remind me 1 day before'
        ->  title 'pay rent', repeat FREQ=MONTHLY;BYMONTHDAY=1 at 09:00, a reminder 1 day before

The text is split into tokens; at each token the rules in RULES are tried in order and the
first that matches consumes its tokens and sets a field. Whatever no rule claims is the title.
To teach the grammar a new phrase, add its field to Parsed and one rule function to RULES.
Date phrases themselves are read by core.dates, the one module that understands dates; repeat
phrases by core.recurrence and reminder phrases by core.reminders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from core import dates
from core.priorities import Priority, parse_priority
from core.quickadd_fields import attribute, short_project
from core.schemas import Due
from core.tags import is_tag, normalise_tag

if TYPE_CHECKING:
    from core.recurrence import Rule as Recurrence
    from core.reminders import ReminderSpec


# NamedTuples, not dataclasses: a dataclass costs every `todo add` ~0.5 ms to create at import.
class Parsed(NamedTuple):
    """What a quick-add line means. `title` is the unclaimed text; it may be empty.

    `due` is only the due the line names; with a `recurrence` and no due, the first due comes
    from core.recurrence.first_due. `reminders` keep the order they were written in."""

    title: str
    due: Due | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    recurrence: Recurrence | None = None
    reminders: tuple[ReminderSpec, ...] = ()
    project: str | None = None
    wait: Due | None = None
    scheduled: Due | None = None
    until: Due | None = None


class Token(NamedTuple):
    """A word of input, or a double-quoted run (quotes removed) that no rule may read."""

    text: str
    quoted: bool = False


Match: TypeAlias = tuple[int, Parsed]
"""What a rule found: how many tokens it consumed, and a Parsed holding only the fields it sets."""

Rule: TypeAlias = Callable[[Sequence[Token], int, datetime], Match | None]
"""Tries to match at tokens[i]; `now` is aware and in the user's zone."""

# A quote opens a literal only at the start of a word and closes at the end of one, so the
# inch mark in `27" monitor` and the apostrophes of ordinary words stay plain text.
# A pattern, not compiled at import: only a line with a quote needs it (re caches it then).
_TOKEN = r'"([^"]*)"(?=\s|$)|\S+'

_PRIORITY_WORDS = frozenset(
    {"!high", "!h", "!medium", "!med", "!m", "!low", "!l", "p1", "p2", "p3"}
)
_DUE_PREFIXES = frozenset({"due", "by", "on"})
# The first words of repeat phrases (core.recurrence.vocabulary.HEADS) and of reminder phrases
# (core.reminders.HEADS), kept here too, so that a line without one never loads either grammar
# (~2 ms); tests/core/test_quickadd.py checks that they match.
REPEAT_HEADS = frozenset({"every", "every!", "daily", "weekly", "monthly", "yearly", "annually"})
REMINDER_HEADS = frozenset({"remind"})
_LONGEST_DUE = 10  # words a due phrase can span ("on dec 5th 2027 at 5 pm"); keeps scans linear
# Words a repeat or reminder phrase can span ("every mon, tue, wed, thu and fri at 9am until
# dec 31 2027" is 13); generous, still linear.
_LONGEST_PHRASE = 40

# Fields that gather a value from every phrase; for any other field the last phrase wins and
# earlier ones stay in the title.
_MULTI_FIELDS = frozenset({"tags", "reminders"})


def tokenize(text: str) -> list[Token]:
    """Split `text` on whitespace; a "quoted run" becomes one quoted token without its quotes."""
    if '"' not in text:
        return [Token(word) for word in text.split()]  # what _TOKEN finds without a quote
    return [
        Token(m[1], quoted=True) if m[1] is not None else Token(m[0])
        for m in re.finditer(_TOKEN, text)
    ]


def parse(text: str, now: datetime) -> Parsed:
    """Read a quick-add line: `buy milk tomorrow at 5pm #errands !high`.

    Tags (`#word`, `+word`), a priority (`!high`/`!h`, `!medium`/`!med`/`!m`, `!low`/`!l`,
    `p1`-`p3`), one due phrase (see core.dates.match_due, optionally after `due`, `by` or `on`),
    one repeat (`every ...`, `every! ...`, `daily` ...: see core.recurrence.match_rule), any
    number of reminders (`remind me 30m before`, `remind me at 3pm`: core.reminders), a
    project (`project:home/garden`, `pro:home`, `^home/garden`) and the dates `wait:fri`,
    `scheduled:mon` (`sch:`) and `until:dec 31` (core.quickadd_fields) are taken out; the
    rest is the title with runs of spaces collapsed. Keywords are case-insensitive; quoted text
    is always title. `now` is aware and in the user's zone. Raises BadInput for an impossible
    date or time such as `feb 30` or `at 25:00`, for `every` followed by no repeat (`every
    blursday`) and for a field whose value it cannot read (`wait:blursday`).
    """
    tokens = tokenize(text)
    hits = _last_wins(_scan(tokens, now))
    claimed = {j for start, size, _ in hits for j in range(start, start + size)}
    title = " ".join(t.text for j, t in enumerate(tokens) if j not in claimed and t.text)
    result = Parsed(title)
    for _, _, part in hits:
        result = _merge(result, part)
    return result._replace(tags=tuple(sorted(set(result.tags))))


# --- rules -----------------------------------------------------------------------------------


def _tag(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """`#word` or `+word`, only where word is a valid tag, so `c++` and `#42` stay text."""
    text = _plain(tokens, i)
    if text is None or text[:1] not in ("#", "+") or not is_tag(text[1:]):
        return None
    return 1, Parsed("", tags=(normalise_tag(text),))


def _priority(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """`!high`, `!m`, `p1` ... as whole words."""
    text = _plain(tokens, i)
    if text is None or text.lower() not in _PRIORITY_WORDS:
        return None
    return 1, Parsed("", priority=parse_priority(text))


def _due(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """A date phrase, optionally after `due`, `by` or `on` (taken only when a date follows).

    After one of those a time needs no "at" ("by 5pm"); elsewhere a bare "17:30" stays text."""
    words = _plain_run(tokens, i)
    skip = 1 if words and words[0].lower() in _DUE_PREFIXES else 0
    found = dates.match_due(words[skip:], now, bare_time=bool(skip))
    if found is None:
        return None
    return skip + found[0], Parsed("", due=found[1])


def _recurrence(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """`every monday at 9am`, `every! 3 days`, `monthly on the 15th` ... (before _due, so the
    time and the weekday belong to the repeat)."""
    words = _plain_run(tokens, i, _LONGEST_PHRASE)
    if not words or words[0].lower() not in REPEAT_HEADS:
        return None
    # Only a line that repeats loads the repeat grammar and the rule's maths (~3 ms).
    from core.recurrence.phrases import match_rule

    found = match_rule(words, 0, now)
    return None if found is None else (found[0], Parsed("", recurrence=found[1]))


def _reminder(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """`remind me 30m before`, `remind at 3pm`, `remind me tomorrow at 9am` (before _due, so
    the time is the reminder's, not the due's)."""
    words = _plain_run(tokens, i, _LONGEST_PHRASE)
    if not words or words[0].lower() not in REMINDER_HEADS:
        return None
    from core.reminders import match_reminder  # only a line that reminds loads its grammar

    found = match_reminder(words, 0, now)
    return None if found is None else (found[0], Parsed("", reminders=(found[1],)))


def _attribute(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """Taskwarrior's `name:value` fields: `project:home/garden` (`proj:`, `pro:`), `wait:fri`,
    `scheduled:mon` (`sched:`, `sch:`), `until:dec 31` (core.quickadd_fields)."""
    found = attribute(_plain_run(tokens, i), now)
    if found is None:
        return None
    values: dict[str, Any] = {found[1]: found[2]}
    return found[0], Parsed("", **values)


def _project(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    """`^home/garden`: the short form of `project:`, only for a valid path (`^` alone is text)."""
    text = _plain(tokens, i)
    path = None if text is None else short_project(text)
    return None if path is None else (1, Parsed("", project=path))


RULES: tuple[Rule, ...] = (_attribute, _project, _tag, _priority, _recurrence, _reminder, _due)
"""Tried in this order at each token; the first match wins."""


# --- machinery -------------------------------------------------------------------------------

_Hit: TypeAlias = tuple[int, int, Parsed]  # first token, tokens consumed, fields set


def _plain(tokens: Sequence[Token], i: int) -> str | None:
    return None if tokens[i].quoted else tokens[i].text


def _plain_run(tokens: Sequence[Token], i: int, limit: int = _LONGEST_DUE) -> list[str]:
    """The words from tokens[i] up to the next quoted token, at most `limit` of them."""
    words: list[str] = []
    for token in tokens[i:i + limit]:
        if token.quoted:
            break
        words.append(token.text)
    return words


def _scan(tokens: Sequence[Token], now: datetime) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        match = _first_match(tokens, i, now)
        if match is None:
            i += 1
            continue
        hits.append((i, match[0], match[1]))
        i += match[0]
    return hits


def _first_match(tokens: Sequence[Token], i: int, now: datetime) -> Match | None:
    for rule in RULES:
        match = rule(tokens, i, now)
        if match is not None:
            return match
    return None


def _last_wins(hits: list[_Hit]) -> list[_Hit]:
    """Drop each hit whose single-valued field a later hit sets again; its words become title."""
    taken: set[str] = set()
    kept: list[_Hit] = []
    for hit in reversed(hits):
        single = set(_fields_set(hit[2])) - _MULTI_FIELDS
        if single & taken:
            continue
        taken |= single
        kept.append(hit)
    return kept[::-1]


def _fields_set(part: Parsed) -> list[str]:
    defaults = Parsed._field_defaults
    return [name for name in Parsed._fields
            if name != "title" and getattr(part, name) != defaults[name]]


def _merge(into: Parsed, part: Parsed) -> Parsed:
    changes: dict[str, Any] = {name: getattr(part, name) for name in _fields_set(part)}
    for name in changes.keys() & _MULTI_FIELDS:
        changes[name] = getattr(into, name) + changes[name]
    return into._replace(**changes)
