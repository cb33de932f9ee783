"""todo.txt (https://github.com/todotxt/todo.txt): one task per line, plain text.

    x 2026-11-20 2026-11-01 Call the plumber +home @phone due:2026-11-21 pri:A
    (B) 2026-11-01 Buy seeds +home.garden t:2026-10-25 rec:+1y

The extensions most clients share: `due:`, `t:` (threshold: hidden until then) and `rec:`
(https://github.com/bram85/topydo/wiki/Recurrence, SimpleTask): `rec:2w` counts from the
completion (our `every!`), `rec:+2w`, strict, from the due date (our `every`); units d, w,
m, y, and b (business days, 1b only).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from core import dates
from core import kept as keptmod
from core.creation import TaskCreate
from core.errors import BadInput
from core.formats._common import coerce_tag, located
from core.priorities import Priority
from core.schemas import Status, TaskRead

# Changing this namespace would give every previously imported line a new uuid, and
# re-importing the same file would then duplicate it: never change it.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/todotxt/todo.txt")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PRIORITY = re.compile(r"\(([A-Z])\)\Z")
_KEY_VALUE = re.compile(r"([^\s:]+):([^\s:]+)\Z")
_LETTERS = {"A": Priority.HIGH, "B": Priority.MEDIUM}
_LETTER_OF = {Priority.HIGH: "A", Priority.MEDIUM: "B", Priority.LOW: "C"}
_REC = re.compile(r"(\+?)([1-9][0-9]{0,3})([dwmyb])\Z")
_FREQ = {"d": "DAILY", "w": "WEEKLY", "m": "MONTHLY", "y": "YEARLY"}
_UNIT_OF = {freq: unit for unit, freq in _FREQ.items()}
_BUSINESS_DAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass
class _Line:
    """What one line says, filled in token by token."""

    words: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    done: bool = False
    priority: Priority = Priority.NONE
    completed: date | None = None
    created: date | None = None
    due: date | None = None
    wait: date | None = None
    recurrence: str | None = None
    from_completion: bool = False


def parse(text: str, today: date, tz: tzinfo = UTC) -> list[TaskCreate]:
    """Tasks from a todo.txt file; blank lines are skipped.

    `x` marks a done task, whose completion date defaults to `today`. (A) is high, (B)
    medium, (C) and below low; done tasks may keep theirs as `pri:A`. +project and @context
    both become tags (foreign spellings coerced: "+home.garden" -> "home-garden"); `due:` is
    an all-day due date, `rec:` its recurrence (see the module doc) and `t:` (the threshold)
    is the task's `wait`, from the start of that day in `tz`. Creation and completion dates
    are days: they are stored as the start of that day in `tz`. Other key:value pairs stay in
    the title, so nothing is lost.
    Each task's uuid is derived from its whitespace-normalised line, so importing the same
    file twice yields the same uuids and the service can skip what it already has.
    """
    tasks: list[TaskCreate] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        tokens = raw.split()
        if tokens:
            with located(f"line {number}"):
                tasks.append(_task(tokens, today, tz))
    return tasks


def looks_like(text: str) -> bool:
    """Whether `text` is clearly todo.txt rather than any text file: at least half of its
    non-blank lines carry a todo.txt mark (x and a date, a priority such as (A), a leading
    date, +project, @context or key:value)."""
    if "\x00" in text:
        return False
    lines = [line.split() for line in text.splitlines() if line.strip()]
    marked = sum(1 for tokens in lines if _marked(tokens))
    return marked * 2 >= len(lines)


def _marked(tokens: list[str]) -> bool:
    first = tokens[0]
    if _PRIORITY.match(first) or _DATE.match(first):
        return True
    if first == "x" and len(tokens) > 1 and _DATE.match(tokens[1]):
        return True
    for word in tokens:
        if word[0] in "+@" and len(word) > 1 and coerce_tag(word[1:]) is not None:
            return True
        pair = _KEY_VALUE.match(word)
        if pair and pair[1][0].isalpha() and not pair[2].startswith("/"):  # not a URL
            return True
    return False


def dumps(tasks: Sequence[TaskRead], tz: tzinfo = UTC) -> str:
    """A todo.txt file, one line per task, ending with a newline (or "" for no tasks).

    todo.txt has no notes, no deleted state and no times: notes are dropped, deleted tasks
    are left out, and datetimes are written as their date in `tz`. Every tag is written as
    a +project, since we no longer know which were @contexts, and so is the project ("home
    garden/x" -> "+home_garden/x"); the wait is `t:`. A rule `rec:` cannot say (BYDAY, COUNT,
    UNTIL...) is left out, as are kept fields other than `wait` (`t:`).
    """
    lines = [_line(task, tz) for task in tasks if task.status is not Status.DELETED]
    return "".join(f"{line}\n" for line in lines)


def _task(tokens: list[str], today: date, tz: tzinfo) -> TaskCreate:
    line = _Line()
    rest = _read_prefix(tokens, line)
    for word in rest:
        _read_word(word, line)
    if not line.words:
        raise BadInput("the task has no description")
    if line.done and line.completed is None:
        line.completed = today
    return TaskCreate(
        title=" ".join(line.words),
        priority=line.priority,
        tags=tuple(sorted(line.tags)),
        due=line.due,
        uuid=str(uuid.uuid5(_NAMESPACE, " ".join(tokens))),
        status=Status.COMPLETED if line.done else Status.PENDING,
        created=_start_of(line.created, tz),
        completed=_start_of(line.completed, tz),
        recurrence=line.recurrence,
        recur_from_completion=line.from_completion,
        wait=_start_of(line.wait, tz),
    )


def _read_prefix(tokens: list[str], line: _Line) -> list[str]:
    """Consume the done marker, priority and dates at the start; return the remaining words."""
    rest = list(tokens)
    if rest[0] == "x":
        line.done = True
        rest.pop(0)
        # With a single date after x, the spec says it is the completion date.
        if rest and _DATE.match(rest[0]):
            line.completed = _date(rest.pop(0), "completion date")
    elif match := _PRIORITY.match(rest[0]):
        line.priority = _priority(match.group(1))
        rest.pop(0)
    if rest and _DATE.match(rest[0]):
        line.created = _date(rest.pop(0), "creation date")
    return rest


def _read_word(word: str, line: _Line) -> None:
    if word[0] in "+@" and len(word) > 1:
        tag = coerce_tag(word[1:])
        if tag is not None:
            line.tags.add(tag)
            return
    elif match := _KEY_VALUE.match(word):
        key, value = match.groups()
        if key == "due":
            line.due = _date(value, "due date")
            return
        if key == "t":
            line.wait = _date(value, "threshold date")
            return
        if key == "rec" and _read_rec(value, line):
            return
        if key == "pri" and line.done and len(value) == 1 and value.isupper():
            line.priority = _priority(value)
            return
    line.words.append(word)


def _date(text: str, what: str) -> date:
    day: date | None = None
    if _DATE.match(text):
        with suppress(ValueError):
            day = date.fromisoformat(text)
    if day is None:
        raise BadInput(f"invalid {what} '{text}': expected a real date as YYYY-MM-DD")
    return day


def _read_rec(value: str, line: _Line) -> bool:
    """Set the line's recurrence from a rec: value; False when it is not one we can read."""
    match = _REC.match(value)
    if match is None:
        return False
    strict, count, unit = match.group(1) == "+", int(match.group(2)), match.group(3)
    if unit == "b":
        if count != 1:
            return False
        line.recurrence = _BUSINESS_DAYS
    else:
        interval = "" if count == 1 else f";INTERVAL={count}"
        line.recurrence = f"FREQ={_FREQ[unit]}{interval}"
    # Strict (+) keeps to the due dates; plain counts from the completion.
    line.from_completion = not strict
    return True


def _rec(task: TaskRead) -> str | None:
    """The rec: value of a task's rule, or None when rec: cannot say it."""
    if task.recurrence is None:
        return None
    strict = "" if task.recur_from_completion else "+"
    if task.recurrence == _BUSINESS_DAYS:
        return f"{strict}1b"
    parts = dict(part.split("=", 1) for part in task.recurrence.split(";"))
    unit = _UNIT_OF.get(parts.pop("FREQ"))
    count = parts.pop("INTERVAL", "1")
    if unit is None or parts:
        return None
    return f"{strict}{count}{unit}"


def _priority(letter: str) -> Priority:
    return _LETTERS.get(letter, Priority.LOW)


def _start_of(day: date | None, tz: tzinfo) -> datetime | None:
    # The day starts at local midnight: the date the user wrote is the date they see, and
    # `todo show` prints a stamp at exactly midnight as the day alone.
    return None if day is None else dates.combine(day, time(), tz)


def _day(value: datetime | date, tz: tzinfo) -> str:
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    return day.isoformat()


def _line(task: TaskRead, tz: tzinfo) -> str:
    parts: list[str] = []
    letter = _LETTER_OF.get(task.priority)
    if task.status is Status.COMPLETED:
        done_on = task.completed or task.updated
        parts += ["x", _day(done_on, tz), _day(task.created, tz)]
    else:
        if letter:
            parts.append(f"({letter})")
        parts.append(_day(task.created, tz))
    parts.append(" ".join(task.title.split()))
    parts += [f"+{tag}" for tag in task.tags]
    if task.project is not None:
        parts.append("+" + "_".join(task.project.split()))
    if task.due is not None:
        parts.append(f"due:{_day(task.due, tz)}")
    wait = task.wait or task.kept.get(keptmod.WAIT)
    if isinstance(wait, str):
        wait = dates.parse_iso_due(wait)
    if wait is not None:
        parts.append(f"t:{_day(wait, tz)}")
    rec = _rec(task)
    if rec is not None:
        parts.append(f"rec:{rec}")
    if task.status is Status.COMPLETED and letter:
        parts.append(f"pri:{letter}")
    return " ".join(parts)
