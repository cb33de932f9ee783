"""Export to Taskwarrior: a JSON array that `task import` (2.6 and later) accepts.

A recurring series becomes a template (`status: recurring`, `recur`, `mask`, the series'
start as its due) and one child per instance (`parent`, `imask`), as Taskwarrior makes them,
so it neither duplicates nor re-creates our instances. Our uuids, and the series id as the
template's uuid, make a second import a no-op on both sides. What Taskwarrior cannot say
travels in attributes of ours (`todo_rrule`, `todo_recur_from`, `todo_reminders`), which it
keeps and exports back untouched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import dates, kept, recurrence
from core.formats import tw_periods, tw_planning, tw_time
from core.formats._common import coerce_tag
from core.formats.jsonfmt import task_to_dict
from core.formats.taskwarrior import RECUR_FROM, REMINDERS, RRULE
from core.priorities import Priority
from core.recurrence.instances import Series
from core.schemas import Due, Status, TaskRead

_LETTER = {Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L"}
_DATES = frozenset({"wait", "scheduled", "start", "until"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def dumps(
    tasks: Sequence[TaskRead],
    series: dict[str, Series],
    tz: tzinfo,
    uuid_of: Mapping[int, str] | None = None,
) -> str:
    """A JSON array of Taskwarrior tasks, one per line; `series` is each recurring task's
    series bookkeeping by uuid (core.queries.series.by_uuid); `uuid_of` the uuids of parents
    and blockers by id (`depends`, `todo_parent`; the listed tasks' own without it)."""
    uuid_of = uuid_of or {t.id: t.uuid for t in tasks}
    groups: dict[str, list[TaskRead]] = {}
    lines: list[dict[str, Any]] = []
    for task in tasks:
        sid = series[task.uuid].series_id if task.uuid in series else None
        if sid is None or task.recurrence is None or task.due is None:
            lines.append({**_plain(task, tz), **tw_planning.links_written(
                task, uuid_of, task.kept.get("depends"))})
        else:
            if sid not in groups:
                lines.append({"series": sid})  # the template goes where the series starts
            groups.setdefault(sid, []).append(task)
    out: list[dict[str, Any]] = []
    for line in lines:
        if "series" in line:
            out.extend(_series(line["series"], groups[line["series"]], series, tz))
        else:
            out.append(line)
    body = ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in out)
    return f"[\n{body}\n]\n" if out else "[]\n"


def _plain(task: TaskRead, tz: tzinfo) -> dict[str, Any]:
    project = task.kept.get("project")
    project_tag = coerce_tag(project) if isinstance(project, str) else None
    obj: dict[str, Any] = {
        "uuid": task.uuid,
        "description": task.title,
        "status": task.status.value,
        "entry": tw_time.stamp(task.created, tz),
        "modified": tw_time.stamp(task.updated, tz),
    }
    end = task.completed if task.status is Status.COMPLETED else None
    if task.status is Status.DELETED:
        end = task.updated
    if end is not None:
        obj["end"] = tw_time.stamp(end, tz)
    if task.due is not None:
        obj["due"] = tw_time.stamp(task.due, tz)
    if task.priority in _LETTER:
        obj["priority"] = _LETTER[task.priority]
    # The project's own tag came from the project on import: it goes back as the project.
    tags = [t for t in task.tags if t != project_tag]
    if tags:
        obj["tags"] = tags
    if task.notes:
        obj["annotations"] = [{"entry": obj["modified"], "description": task.notes}]
    if task.reminders:
        obj[REMINDERS] = json.dumps(task_to_dict(task, tz)["reminders"], ensure_ascii=False)
    for name, value in task.kept.items():
        obj.update(_kept_back(name, value, tz))
    obj.update(tw_planning.written(task, tz))
    return obj


def _kept_back(name: str, value: Any, tz: tzinfo) -> dict[str, Any]:
    if name.startswith(kept.UDA):
        return {name.removeprefix(kept.UDA): value}
    if name in _DATES and isinstance(value, str):
        return {name: tw_time.stamp(tw_time.from_iso(value), tz)}
    return {name: value}


def _series(
    sid: str, members: list[TaskRead], series: dict[str, Series], tz: tzinfo
) -> list[dict[str, Any]]:
    current = next((t for t in members if t.status is Status.PENDING), members[-1])
    assert current.recurrence is not None and current.due is not None
    start = _start(series[current.uuid], current.due, tz)
    rrule, until = _split_until(current.recurrence, series[current.uuid], tz)
    period = tw_periods.period_of(rrule)
    extra: dict[str, Any] = {}
    if period is None or _read_back(period, until) != current.recurrence:
        extra[RRULE] = current.recurrence
    if current.recur_from_completion:
        extra[RECUR_FROM] = "completion"
    rule = recurrence.Rule(current.recurrence, False)
    index = _indexes(rule, start, [t.due for t in members if t.due is not None], tz)
    children = []
    for task in members:
        child = {**_plain(task, tz), "parent": sid, **extra}
        if period is not None:
            child["recur"] = period
            if until is not None:
                child["until"] = until
        if task.due is not None and task.due in index:
            child["imask"] = index[task.due]
        children.append(child)
    if period is None:
        return children  # Taskwarrior cannot repeat it: the instances, with our rule
    template = {
        **_plain(current, tz),
        "uuid": sid,
        "status": "recurring" if current.status is Status.PENDING else "deleted",
        "entry": tw_time.stamp(min(t.created for t in members), tz),
        "due": tw_time.stamp(start, tz),
        "recur": period,
        "rtype": "periodic",
        "mask": _mask(members, index),
        **extra,
    }
    template.pop("end", None)
    if current.status is not Status.PENDING:
        template["end"] = tw_time.stamp(current.updated, tz)
    if until is not None:
        template["until"] = until
    return [template, *children]


def _start(bookkeeping: Series, due: Due, tz: tzinfo) -> Due:
    if bookkeeping.recur_start is None:
        return due
    return dates.to_local(dates.parse_iso_due(bookkeeping.recur_start), tz)


def _split_until(rrule: str, bookkeeping: Series, tz: tzinfo) -> tuple[str, str | None]:
    """The rule without UNTIL, and UNTIL as a Taskwarrior time (floating UNTIL is wall time
    in the series' zone)."""
    parts = rrule.split(";")
    until = next((p[6:] for p in parts if p.startswith("UNTIL=")), None)
    rest = ";".join(p for p in parts if not p.startswith("UNTIL="))
    if until is None:
        return rest, None
    wall = datetime.strptime(until[:15], "%Y%m%dT%H%M%S")
    zone = UTC if until.endswith("Z") else _zone(bookkeeping.zone, tz)
    return rest, wall.replace(tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _zone(name: str | None, fallback: tzinfo) -> tzinfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _read_back(period: str, until: str | None) -> str:
    """The RRULE our import makes of `period` and `until`."""
    rrule = tw_periods.rrule_of(period) or ""
    if until is not None:
        rrule += f";UNTIL={until}"
    return recurrence.validate_rrule(rrule)


def _indexes(
    rule: recurrence.Rule, start: Due, dues: list[Due], tz: tzinfo
) -> dict[Due, int]:
    """The index of each due in the series from `start` (Taskwarrior's imask)."""
    wanted = set(dues)
    if not wanted:
        return {}
    last = max(dues, key=_instant)
    found: dict[Due, int] = {}
    due: Due | None = start
    index = 0
    while due is not None and _instant(due) <= _instant(last):
        if due in wanted:
            found[due] = index
        due = recurrence.next_due(rule, start, due, _EPOCH.astimezone(tz))
        index += 1
    return found


def _instant(due: Due) -> datetime:
    if isinstance(due, datetime):
        return due
    return datetime(due.year, due.month, due.day, tzinfo=UTC)


def _mask(members: list[TaskRead], index: dict[Due, int]) -> str:
    """One character per occurrence so far: + completed, X deleted (or skipped), - pending."""
    size = max(index.values(), default=-1) + 1
    mask = ["X"] * size
    for task in members:
        if task.due is not None and task.due in index:
            mask[index[task.due]] = {"completed": "+", "deleted": "X"}.get(task.status, "-")
    return "".join(mask)
