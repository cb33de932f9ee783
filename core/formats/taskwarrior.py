"""Import of Taskwarrior's `task export` JSON (2.x and 3.x).

A recurring series arrives as a template (`status: recurring`, `recur`, `mask`) and its
instances (`parent`, `imask`): they become one series of ours, the template's first due its
start and `until` its end; the template itself is not a task of ours.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from core import recurrence
from core.creation import TaskCreate
from core.errors import BadInput
from core.formats import tw_periods, tw_planning, tw_time
from core.formats._common import (
    check_uuid,
    coerce_tags,
    load_objects,
    located,
    optional_str,
    required_title,
    string_list,
    where,
)
from core.formats.jsonfmt import reminders_from
from core.priorities import Priority
from core.schemas import Due, Status

_STATUSES = {
    "pending": Status.PENDING,
    "waiting": Status.PENDING,
    "recurring": Status.PENDING,
    "completed": Status.COMPLETED,
    "deleted": Status.DELETED,
}
_PRIORITIES = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW}
# Read into our own fields. `id` is Taskwarrior's display number and `urgency` is computed
# from the other fields: neither is data, so neither is kept.
_READ = frozenset({
    "uuid", "description", "status", "entry", "modified", "end", "due", "priority", "tags",
    "annotations", "id", "urgency",
})
# What a series is made of: read into the series when the task is part of one.
_SERIES = frozenset({"recur", "until", "mask", "imask", "parent", "rtype"})
# Taskwarrior's own attributes without a home here: kept by their name (UDAs get "uda.").
_CORE = frozenset({"wait", "scheduled", "start", "depends", "project", *_SERIES})
_DATES = frozenset({"wait", "scheduled", "start", "until"})
# What our own export adds so that a round trip through Taskwarrior loses nothing.
RRULE, RECUR_FROM, REMINDERS = "todo_rrule", "todo_recur_from", "todo_reminders"
_OURS = frozenset({RRULE, RECUR_FROM, REMINDERS, tw_planning.PARENT})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse(text: str, tz: tzinfo = UTC) -> list[TaskCreate]:
    """Tasks from `task export`: a JSON array, or one object per line as older versions wrote.

    description -> title; annotations -> notes (one per line, in export order); project
    "home.garden" -> project "home/garden"; wait, scheduled, and until (outside a series)
    -> ours; priority H/M/L. Times are UTC;
    a due at exactly midnight in `tz` is an all-day date, as Taskwarrior has no other way to
    say one. A recurring template and its instances become one series (see the module doc);
    the pending instance is the current one, completed ones its history. Fields we have no
    home for (start, depends, UDAs...) are kept on the task, never dropped.
    """
    objects = load_objects(text)
    # Each object read on its own first, so an error names the object it is in.
    read: dict[int, TaskCreate] = {}
    for index, obj in enumerate(objects):
        with located(where(index, obj)):
            if not isinstance(obj, dict):
                raise BadInput(f"expected an object, not {json.dumps(obj)}")
            read[id(obj)] = _task(obj, tz)
    groups = _series_groups(objects)
    position = {id(obj): index for index, obj in enumerate(objects)}
    tasks: list[TaskCreate] = []
    for obj in objects:
        key = _series_key(obj, groups)
        if key is None:
            tasks.append(read[id(obj)])
        elif key in groups:
            members = groups.pop(key)
            with located(where(position[id(members[0])], members[0])):
                tasks.extend(_series(key, [(m, read[id(m)]) for m in members], tz))
    return tasks


def _is_template(obj: dict[str, Any]) -> bool:
    return obj.get("status") == "recurring" or "mask" in obj


def _series_key(obj: dict[str, Any], groups: dict[str, Any]) -> str | None:
    """The series an object belongs to (its uuid for a template, else its parent), if any."""
    if _is_template(obj):
        return str(obj.get("uuid"))
    parent = obj.get("parent")
    recurs = obj.get("recur") or obj.get(RRULE)
    return parent if isinstance(parent, str) and recurs else None


def _series_groups(objects: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Template first (when present), then its instances, by series key."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        if _is_template(obj):
            groups.setdefault(str(obj.get("uuid")), []).insert(0, obj)
    for obj in objects:
        key = _series_key(obj, groups)
        if key is not None and not _is_template(obj):
            groups.setdefault(key, []).append(obj)
    return groups


def _series(
    key: str, members: list[tuple[dict[str, Any], TaskCreate]], tz: tzinfo
) -> Iterator[TaskCreate]:
    """One series from its template (first, when present) and its instances, each given
    as its object and what it reads as on its own."""
    first, first_read = members[0]
    template = first if _is_template(first) else None
    plain = [task for obj, task in members if obj is not template]
    source = template or first
    rrule, from_completion = _rule(source)
    if template is not None and not plain and template.get("status") != "recurring":
        yield first_read  # an ended series with no instance left: keep what it was
        return
    if rrule is None:
        # A period we cannot repeat by (hourly...): plain tasks, the period kept on each.
        yield from plain or [first_read]
        return
    series_id = _series_id(key, template)
    start = _start(template, plain, tz)
    made = [
        replace(t, recurrence=rrule, recur_from_completion=from_completion,
                series_id=series_id, recur_start=start, kept=_without_series(t.kept))
        for t in plain
    ]
    yield from _one_per_occurrence(made)
    if template is not None and not any(t.status is Status.PENDING for t in made):
        current = _current(template, first_read, made, rrule, start, series_id, tz)
        if current is not None:
            yield replace(current, recurrence=rrule, recur_from_completion=from_completion,
                          series_id=series_id, recur_start=start,
                          kept=_without_series(current.kept))


def _rule(source: dict[str, Any]) -> tuple[str | None, bool]:
    """The series' RRULE (with UNTIL from `until`) and whether it counts from completion."""
    from_completion = source.get(RECUR_FROM) == "completion"
    ours = optional_str(source, RRULE)
    if ours:
        return recurrence.validate_rrule(ours), from_completion
    period = optional_str(source, "recur")
    rrule = tw_periods.rrule_of(period) if period else None
    if rrule is None:
        return None, False
    until = tw_time.optional(source, "until")
    if until is not None:
        rrule += f";UNTIL={until.strftime('%Y%m%dT%H%M%SZ')}"
    return recurrence.validate_rrule(rrule), from_completion


def _start(template: dict[str, Any] | None, instances: list[TaskCreate], tz: tzinfo) -> Due:
    """Where the rule starts: the template's due, else the earliest instance's."""
    if template is not None:
        due = tw_time.due(template, "due", tz)
        if due is not None:
            return due
    dues = [t.due for t in instances if t.due is not None]
    if not dues:
        raise BadInput("a recurring task needs a due date")
    return min(dues, key=_instant)


def _instant(due: Due) -> datetime:
    return due if isinstance(due, datetime) else datetime.combine(due, time(), UTC)


def _one_per_occurrence(tasks: list[TaskCreate]) -> Iterator[TaskCreate]:
    """The instances, one per due; a second instance of one occurrence (Taskwarrior can
    make one when two replicas sync) is kept as a plain task rather than dropped."""
    seen: set[datetime] = set()
    for task in tasks:
        if task.due is None or _instant(task.due) in seen:
            yield replace(task, series_id=None, recur_start=None, recurrence=None)
        else:
            seen.add(_instant(task.due))
            yield task


def _series_id(key: str, template: dict[str, Any] | None) -> str:
    if template is not None and not isinstance(template.get("uuid"), str):
        raise BadInput("a recurring template needs a uuid")
    with located("parent"):
        return check_uuid(key)


def _current(
    template: dict[str, Any], first: TaskCreate, made: list[TaskCreate], rrule: str,
    start: Due, series_id: str, tz: tzinfo,
) -> TaskCreate | None:
    """The pending instance a series without one needs: the template itself (`first`, as it
    reads) when it has no instances yet, else the occurrence after the latest (None once the
    series has ended)."""
    if template.get("status") != "recurring":
        return None  # a deleted or completed series has no current instance
    if not made:
        return replace(first, status=Status.PENDING)
    latest = max((t.due for t in made if t.due is not None), key=_instant)
    rule = recurrence.Rule(rrule, False)
    due = recurrence.next_due(rule, start, latest, _EPOCH.astimezone(tz))
    if due is None:
        return None
    # Derived from the series and the occurrence: importing the same file twice adds it once.
    uuid = str(uuidlib.uuid5(uuidlib.UUID(series_id), due.isoformat()))
    return replace(first, uuid=uuid, due=due, status=Status.PENDING, completed=None)


def _without_series(kept: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in kept.items() if name not in _SERIES}


def _task(obj: dict[str, Any], tz: tzinfo) -> TaskCreate:
    status = _status(obj)
    uuid = obj.get("uuid")
    return TaskCreate(
        title=required_title(obj, "description"),
        notes=_notes(obj),
        priority=_priority(obj),
        tags=_tags(obj),
        due=tw_time.due(obj, "due", tz),
        uuid=None if uuid is None else check_uuid(uuid),
        status=status,
        created=tw_time.optional(obj, "entry"),
        updated=tw_time.optional(obj, "modified"),
        # `end` is also stamped on deletion; only a completion is a completion.
        completed=tw_time.optional(obj, "end") if status is Status.COMPLETED else None,
        reminders=reminders_from(_our_reminders(obj)),
        kept=_kept(obj, tz),
        **tw_planning.read(obj, tz),
        **tw_planning.links(obj),
    )


def _kept(obj: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, value in obj.items():
        if name in _READ or name in _OURS or value is None or _planned(obj, name):
            continue
        if name in _DATES:
            with located(f"'{name}'"):
                when = tw_time.due(obj, name, tz)
            kept[name] = None if when is None else tw_time.iso(when)
        else:
            kept[name if name in _CORE else f"uda.{name}"] = value
    return kept


def _planned(obj: dict[str, Any], name: str) -> bool:
    """Whether `name` lands in a field of ours (a project we cannot hold stays kept)."""
    if name == "project":
        return tw_planning.project_of(obj) is not None
    if name == "until":
        return not tw_planning.in_series(obj)
    return name in tw_planning.READ


def _our_reminders(obj: dict[str, Any]) -> Any:
    text = optional_str(obj, REMINDERS)
    if not text:
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise BadInput(f"'{REMINDERS}' is not JSON") from None


def _status(obj: dict[str, Any]) -> Status:
    value = optional_str(obj, "status") or "pending"
    try:
        return _STATUSES[value]
    except KeyError:
        raise BadInput(f"unknown status '{value}'") from None


def _priority(obj: dict[str, Any]) -> Priority:
    value = optional_str(obj, "priority")
    if not value:
        return Priority.NONE
    try:
        return _PRIORITIES[value.upper()]
    except KeyError:
        raise BadInput(f"unknown priority '{value}': expected H, M or L") from None


def _tags(obj: dict[str, Any]) -> tuple[str, ...]:
    return coerce_tags(string_list(obj, "tags"))


def _notes(obj: dict[str, Any]) -> str | None:
    annotations = obj.get("annotations") or []
    if not isinstance(annotations, list):
        raise BadInput("'annotations' must be a list")
    lines: list[str] = []
    for number, note in enumerate(annotations, start=1):
        with located(f"annotation {number}"):
            if not isinstance(note, dict):
                raise BadInput(f"expected an object, not {json.dumps(note)}")
            text = optional_str(note, "description")
            if text and text.strip():
                lines.append(text.strip())
    return "\n".join(lines) or None
