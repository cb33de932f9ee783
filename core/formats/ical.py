"""iCalendar (RFC 5545) VTODOs, for calendar and task apps (Thunderbird, DAVx5, todoman ...).

The mapping, field by field, is README's iCalendar table. Export: ical_export; import:
ical_import; reminders as VALARMs both ways: ical_alarms. Those import `icalendar`, which is
slow to import and most commands never touch this format, so this module loads them only when
called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.creation import TaskCreate
    from core.recurrence.instances import Series
    from core.schemas import TaskRead

PRODID = "-//todo//todo//EN"


def dumps(
    tasks: Sequence[TaskRead],
    tz: tzinfo,
    series: Mapping[str, Series] | None = None,
    uuid_of: Mapping[int, str] | None = None,
) -> str:
    """A VCALENDAR holding one VTODO per task.

    `series` gives the bookkeeping of recurring tasks by uuid (zone and start); without it a
    series is taken to be in `tz` and to start at its due. A recurring task carries DTSTART and
    DUE at its due, in the series' zone (with a VTIMEZONE) or as DATE when all-day, so the
    RRULE expands in local time and 09:00 stays 09:00 across DST; `every!` adds
    X-TODO-RECUR-FROM:COMPLETION. Other times are written in UTC. Each reminder is a VALARM.
    A subtask has RELATED-TO;RELTYPE=PARENT:<parent uid>, each blocker a
    RELATED-TO;RELTYPE=DEPENDS-ON:<uid> (RFC 9253); `uuid_of` gives their uuids by id
    (the listed tasks' own are used without it).
    """
    from core.formats.ical_export import calendar

    return calendar(tasks, tz, series or {}, uuid_of or {t.id: t.uuid for t in tasks})


def parse(text: str, tz: tzinfo | None = None) -> list[TaskCreate]:
    """Tasks from the VTODOs of a VCALENDAR (other components and unknown properties are
    ignored).

    Floating times (no zone) are read in `tz`; without `tz` a floating DUE or DTSTART is
    left naive, which the service reads in the user's zone (others are read as UTC). DUE is
    the due (DTSTART when there is no DUE). RRULE with its zone, X-TODO-RECUR-FROM, VALARMs,
    PRIORITY (1-4 high, 5 medium, 6-9 low), CATEGORIES (tags, coerced where needed), STATUS
    and COMPLETED are read back; RELATED-TO (RELTYPE PARENT, the default, or DEPENDS-ON)
    names the parent and blockers by UID, resolved by the import. A UID that is not a UUID
    is hashed into one, so re-imports match. A broken file raises BadInput naming the line or
    the task at fault.
    """
    from core.formats.ical_import import tasks

    return tasks(text, tz)
