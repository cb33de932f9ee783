"""Reminders as VALARMs, both ways.

A reminder "before" the due is TRIGGER;RELATED=END:-PT30M (relative to DUE); one at an instant
is TRIGGER;VALUE=DATE-TIME in UTC. A reminder that already fired or was dismissed carries
ACKNOWLEDGED (RFC 9074), so other apps do not ring it again, and X-TODO-STATE with our state.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from icalendar import Alarm

from core import dates, reminders
from core.errors import BadInput
from core.formats._common import located
from core.schemas import Due, ReminderRead, ReminderState

STATE = "X-TODO-STATE"
# The service anchors relative reminders of all-day tasks at the user's all-day time; this is
# only the provisional instant until it does.
_ALL_DAY = time(9, 0)


def valarm(reminder: ReminderRead, title: str) -> Alarm:
    """One reminder as a DISPLAY alarm whose DESCRIPTION is the task's title."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    if reminder.before is not None:
        before = reminders.parse_iso_duration(reminder.before)
        alarm.add("trigger", -before, parameters={"RELATED": "END"})
    else:
        alarm.add("trigger", reminder.at.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
    if reminder.state is not ReminderState.PENDING:
        alarm.add("acknowledged", reminder.at.astimezone(UTC))
        alarm.add(STATE, reminder.state.value)
    return alarm


def reminders_of(todo: Any, due: Due | None, start: Due | None, tz: tzinfo) -> tuple[
    ReminderRead, ...
]:
    """The reminders in the VALARMs of `todo`, whose due is `due` and DTSTART `start`.

    A duration TRIGGER counts from DUE when RELATED=END; from DTSTART otherwise, taken as DUE
    when there is no DTSTART (what apps that write only DUE mean). BadInput names the alarm.
    """
    alarms = [c for c in todo.subcomponents if c.name == "VALARM"]
    out = []
    for number, alarm in enumerate(alarms, 1):
        with located(f"alarm {number}"):
            out.append(_reminder(alarm, due, start, tz))
    return tuple(out)


def _reminder(alarm: Any, due: Due | None, start: Due | None, tz: tzinfo) -> ReminderRead:
    prop = alarm.get("trigger")
    if prop is None:
        raise BadInput("missing TRIGGER")
    if isinstance(prop, list):
        raise BadInput(f"TRIGGER appears {len(prop)} times, but is allowed once")
    value = prop.dt
    state = _state(alarm)
    if isinstance(value, datetime):
        at = value if value.tzinfo is not None else value.replace(tzinfo=tz)
        return ReminderRead(at.astimezone(UTC), None, state)
    if not isinstance(value, timedelta):
        raise BadInput(f"invalid TRIGGER '{prop.to_ical().decode()}'")
    if due is None:
        raise BadInput("a TRIGGER relative to the due needs DUE or DTSTART")
    related = str(prop.params.get("RELATED", "START")).upper()
    before = -value
    if related != "END" and start is not None and type(start) is type(due):
        before += _span(start, due)
    spec = reminders.ReminderSpec(before=before)
    at = reminders.reminder_at(spec, due, _ALL_DAY, tz)
    return ReminderRead(at.astimezone(UTC), reminders.iso_duration(before), state)


def _span(start: Due, due: Due) -> timedelta:
    if isinstance(start, datetime) and isinstance(due, datetime):
        # A floating value is naive here; as UTC it is at worst off by the zone's offset.
        return dates.to_utc(due) - dates.to_utc(start)
    assert isinstance(start, date) and isinstance(due, date)
    return timedelta(days=(due - start).days)


def _state(alarm: Any) -> ReminderState:
    value = alarm.get(STATE)
    if value is not None:
        try:
            return ReminderState(str(value).lower())
        except ValueError:
            raise BadInput(f"unknown {STATE} '{value}'") from None
    return ReminderState.DISMISSED if "ACKNOWLEDGED" in alarm else ReminderState.PENDING
