"""Subtasks and dependencies through iCalendar (RFC 9253 RELATED-TO) and Taskwarrior."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar

from core import open_service
from core.creation import TaskCreate
from core.errors import BadInput
from core.formats import taskwarrior
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import Clock, make_settings

A = "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a00a1"
B = "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a00a2"


def _links(svc: TaskService) -> dict[str, tuple[str | None, list[str]]]:
    tasks = svc.list_tasks(TaskFilter(status="all", sort="id"))
    title = {t.id: t.title for t in tasks}
    return {t.title: (title.get(t.parent) if t.parent else None,
                      [title[i] for i in t.depends]) for t in tasks}


def _linked_home(svc: TaskService) -> None:
    svc.add(TaskCreate(title="release"))
    svc.add(TaskCreate(title="write notes", parent=1))
    svc.add(TaskCreate(title="tag build", parent=1, depends=(2,)))
    svc.add(TaskCreate(title="announce", depends=(1, 3)))


def test_ical_writes_related_to_an_independent_reader_understands(svc: TaskService) -> None:
    _linked_home(svc)
    cal = Calendar.from_ical(svc.export("ical"))
    uid = {str(t["summary"]): str(t["uid"]) for t in cal.walk("VTODO")}
    rel: dict[str, list[tuple[str, str]]] = {}
    for todo in cal.walk("VTODO"):
        values = todo.get("related-to") or []
        values = values if isinstance(values, list) else [values]
        rel[str(todo["summary"])] = sorted((str(v.params["RELTYPE"]), str(v)) for v in values)
    assert rel["release"] == []
    assert rel["tag build"] == [("DEPENDS-ON", uid["write notes"]), ("PARENT", uid["release"])]
    assert rel["announce"] == sorted([("DEPENDS-ON", uid["release"]),
                                      ("DEPENDS-ON", uid["tag build"])])


def test_ical_links_come_back_in_another_home(
    svc: TaskService, db_url: str, clock: Clock, tmp_path: Path
) -> None:
    _linked_home(svc)
    text = svc.export("ical")
    other = open_service(make_settings(db_url, user="bob"), clock=clock)
    try:
        other.add(TaskCreate(title="bob's own first task"))  # ids differ from alice's
        other.import_text(text)
        assert _links(other) == {**_links(svc), "bob's own first task": (None, [])}
        assert other.list_tasks(TaskFilter(search="announce"))[0].blocked
    finally:
        other.close()


def _vtodo(uid: str, summary: str, *related: str) -> str:
    lines = ["BEGIN:VTODO", f"UID:{uid}", "DTSTAMP:20261120T100000Z", f"SUMMARY:{summary}",
             *related, "END:VTODO"]
    return "\r\n".join(lines)


def _calendar(*todos: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//x//y//EN", *todos,
                        "END:VCALENDAR", ""])


def test_ical_import_resolves_forward_links_and_the_default_reltype(svc: TaskService) -> None:
    # The subtask comes first; RELATED-TO without RELTYPE is a parent (RFC 5545).
    text = _calendar(
        _vtodo("child@x", "child", "RELATED-TO:parent@x",
               "RELATED-TO;RELTYPE=DEPENDS-ON:other@x"),
        _vtodo("parent@x", "parent"),
        _vtodo("other@x", "other", "RELATED-TO;RELTYPE=SIBLING:parent@x"),
    )
    svc.import_text(text)
    assert _links(svc) == {"child": ("parent", ["other"]), "parent": (None, []),
                           "other": (None, [])}


def test_an_import_with_a_dependency_cycle_is_refused_whole(svc: TaskService) -> None:
    text = _calendar(
        _vtodo("a@x", "a", "RELATED-TO;RELTYPE=DEPENDS-ON:b@x"),
        _vtodo("b@x", "b", "RELATED-TO;RELTYPE=DEPENDS-ON:a@x"),
    )
    with pytest.raises(BadInput, match=r"dependency cycle: \d -> \d -> \d; nothing was imported"):
        svc.import_text(text)
    assert svc.list_tasks(TaskFilter(status="all")) == []


def test_taskwarrior_depends_as_text_or_list_and_an_unknown_blocker_is_kept(
    svc: TaskService,
) -> None:
    older = [{"description": "a", "uuid": A, "status": "pending"},
             {"description": "b", "uuid": B, "status": "pending",
              "depends": f"{A},0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a00ff"}]
    assert taskwarrior.parse(json.dumps(older))[1].depends_uuids[0] == A
    svc.import_text(json.dumps(older))
    b = svc.list_tasks(TaskFilter(search="b"))[0]
    assert (b.depends, b.blocked) == ((1,), True)
    assert b.kept == {"depends": ["0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a00ff"]}
    back = {o["description"]: o for o in json.loads(svc.export("taskwarrior"))}
    assert back["b"]["depends"] == [A, "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a00ff"]


@pytest.mark.parametrize("fmt", ["json", "taskwarrior"])
def test_json_and_taskwarrior_links_come_back_in_another_home(
    svc: TaskService, db_url: str, clock: Clock, fmt: str
) -> None:
    _linked_home(svc)
    text = svc.export(fmt)
    other = open_service(make_settings(db_url, user="bob"), clock=clock)
    try:
        other.add(TaskCreate(title="bob's own first task"))  # ids differ from alice's
        other.import_text(text)
        assert _links(other) == {**_links(svc), "bob's own first task": (None, [])}
    finally:
        other.close()
