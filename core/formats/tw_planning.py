"""Taskwarrior's project, wait, scheduled and until, both ways. Pure.

Taskwarrior nests projects with '.' ("home.garden"), we with '/' ("home/garden"). Its
`until` on a recurring task ends the series (read into the rule by core.formats.taskwarrior);
on any other task it is the task's own expiry, as ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from core import projects
from core.errors import BadInput
from core.formats import tw_time
from core.formats._common import check_uuid, located, optional_str
from core.schemas import TaskRead

READ = frozenset({"project", "wait", "scheduled", "depends"})
"""Read into our fields (`until` too, on a task outside a series)."""
_SERIES_MARKS = ("recur", "parent", "mask", "imask")
PARENT = "todo_parent"
"""Our export's subtask link (Taskwarrior has none): the parent's uuid."""


def read(obj: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """TaskCreate's project, wait, scheduled and until from a Taskwarrior object."""
    with located("'wait'"):
        wait = tw_time.optional(obj, "wait")
    with located("'scheduled'"):
        scheduled = tw_time.due(obj, "scheduled", tz)
    fields: dict[str, Any] = {"project": project_of(obj), "wait": wait, "scheduled": scheduled}
    if not in_series(obj):
        with located("'until'"):
            fields["until"] = tw_time.optional(obj, "until")
    return fields


def in_series(obj: dict[str, Any]) -> bool:
    """Whether the object is a recurring template or instance (its `until` ends the series)."""
    return any(obj.get(mark) for mark in _SERIES_MARKS)


def project_of(obj: dict[str, Any]) -> str | None:
    """"home.garden" -> "home/garden"; None when absent or not a path we can hold (then the
    caller keeps it as written)."""
    value = optional_str(obj, "project")
    if not value:
        return None
    try:
        return projects.normalise(value.replace(".", projects.SEPARATOR))
    except BadInput:
        return None


def written(task: TaskRead, tz: tzinfo) -> dict[str, Any]:
    """The Taskwarrior attributes of a task's project and dates (absent ones left out)."""
    out: dict[str, Any] = {}
    if task.project is not None:
        out["project"] = task.project.replace(projects.SEPARATOR, ".")
    for name in ("wait", "scheduled", "until"):
        value = getattr(task, name)
        if value is not None:
            out[name] = tw_time.stamp(value, tz)
    return out


def links(obj: dict[str, Any]) -> dict[str, Any]:
    """TaskCreate's parent_uuid (our `todo_parent`) and depends_uuids (`depends`: a list,
    or the comma-separated text of Taskwarrior before 2.6)."""
    with located("'depends'"):
        depends = _uuid_list(obj.get("depends"))
    with located(f"'{PARENT}'"):
        parent = optional_str(obj, PARENT) or None
        if parent is not None:
            parent = check_uuid(parent)
    return {"parent_uuid": parent, "depends_uuids": depends}


def _uuid_list(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise BadInput("expected a list of uuids")
    return tuple(dict.fromkeys(check_uuid(str(item).strip()) for item in items))


def links_written(
    task: TaskRead, uuid_of: Mapping[int, str], kept_depends: Any
) -> dict[str, Any]:
    """`depends` (uuids: the blockers, then any kept from an import) and `todo_parent`."""
    out: dict[str, Any] = {}
    depends = [uuid_of[i] for i in task.depends if i in uuid_of]
    if isinstance(kept_depends, list):
        depends += [str(u) for u in kept_depends if str(u) not in depends]
    if depends:
        out["depends"] = depends
    if task.parent is not None and task.parent in uuid_of:
        out[PARENT] = uuid_of[task.parent]
    return out
