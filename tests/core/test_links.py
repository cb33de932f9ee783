"""Subtasks and dependencies in the service, on both stores (issue 15)."""

from __future__ import annotations

import json

import pytest

from core import event_schemas, events
from core.changes import TaskUpdate
from core.creation import TaskCreate
from core.errors import BadInput
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService


def _outbox(svc: TaskService) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    with svc.store.read() as db:
        rows = db.all("SELECT type, data FROM outbox ORDER BY seq")
    return [(str(t), json.loads(d)) for t, d in rows]


def _three(svc: TaskService) -> None:
    for title in ("release", "write notes", "tag build"):
        svc.add(TaskCreate(title=title))


def test_a_subtask_has_its_parent_and_the_parent_counts_it(svc: TaskService) -> None:
    svc.add(TaskCreate(title="paint the fence"))
    child = svc.add(TaskCreate(title="buy paint", parent=1))
    assert child.parent == 1
    parent = svc.get(1)
    assert (parent.children, svc.get(2).parent) == (1, 1)
    assert [t.id for t in svc.children(1)] == [2]
    [(_, data)] = [e for e in _outbox(svc) if e[1]["task"]["id"] == 2]
    assert data["task"]["parent"] == 1


def test_parent_and_blockers_must_exist_and_not_be_deleted(svc: TaskService) -> None:
    _three(svc)
    with pytest.raises(BadInput, match="parent: no task with id 9"):
        svc.add(TaskCreate(title="x", parent=9))
    svc.delete([3])
    with pytest.raises(BadInput, match="depends: task 3 is deleted"):
        svc.update([1], TaskUpdate(depends=(2, 3)))
    with pytest.raises(BadInput, match="parent: task 3 is deleted"):
        svc.update([1], TaskUpdate(parent=3))


def test_a_parent_cycle_is_refused_with_the_cycle_named(svc: TaskService) -> None:
    _three(svc)
    svc.update([2], TaskUpdate(parent=1))
    svc.update([3], TaskUpdate(parent=2))
    with pytest.raises(BadInput, match=r"1 -> 3 -> 2 -> 1"):
        svc.update([1], TaskUpdate(parent=3))
    with pytest.raises(BadInput, match=r"1 -> 1"):
        svc.update([1], TaskUpdate(parent=1))
    assert svc.get(1).parent is None


def test_a_dependency_cycle_is_refused_with_the_cycle_named(svc: TaskService) -> None:
    _three(svc)
    svc.update([1], TaskUpdate(depends=(2,)))
    svc.update([2], TaskUpdate(depends=(3,)))
    with pytest.raises(BadInput, match=r"dependency cycle: 3 -> 1 -> 2 -> 3"):
        svc.update([3], TaskUpdate(depends=(1,)))
    assert svc.get(3).depends == ()


def test_blocked_until_the_last_blocker_completes_then_an_unblocked_event(
    svc: TaskService,
) -> None:
    _three(svc)
    [release] = svc.update([1], TaskUpdate(depends=(3, 2)))
    assert (release.depends, release.blocked) == ((2, 3), True)
    assert svc.get(2).blocking and not svc.get(1).blocking
    svc.complete([2])
    assert svc.get(1).blocked
    assert not [t for t, _ in _outbox(svc) if t == events.UNBLOCKED]
    svc.complete([3])
    assert not svc.get(1).blocked
    [(etype, data)] = [e for e in _outbox(svc) if e[0] == events.UNBLOCKED]
    assert (data["task"]["id"], data["blockers"], data["task"]["blocked"]) == (1, [3], False)
    for etype, data in _outbox(svc):
        event_schemas.validate(etype, data)


def test_blocked_sorts_lower_and_blocking_higher_in_urgency(svc: TaskService) -> None:
    _three(svc)
    svc.update([2], TaskUpdate(depends=(3,)))
    order = [t.id for t in svc.list_tasks(TaskFilter(sort="urgency"))]
    assert order == [3, 1, 2]


def test_no_depends_clears_and_undo_restores_the_links(svc: TaskService) -> None:
    _three(svc)
    svc.update([1], TaskUpdate(depends=(2, 3), parent=2))
    svc.update([1], TaskUpdate(depends=(), parent=None))
    got = svc.get(1)
    assert (got.depends, got.parent, got.blocked) == ((), None, False)
    svc.undo()
    got = svc.get(1)
    assert (got.depends, got.parent, got.blocked) == ((2, 3), 2, True)


def test_completing_a_parent_with_open_children_is_refused_naming_them(
    svc: TaskService,
) -> None:
    svc.add(TaskCreate(title="move house"))
    svc.add(TaskCreate(title="pack books", parent=1))
    svc.add(TaskCreate(title="pack shelf", parent=2))
    svc.add(TaskCreate(title="done one", parent=1))
    svc.complete([4])
    with pytest.raises(BadInput, match="open subtasks: 2, 3") as err:
        svc.complete([1])
    assert err.value.exit_code == 2
    assert svc.get(1).status is Status.PENDING
    done = svc.complete([1], with_children=True)
    assert [t.id for t in done] == [1, 2, 3]
    svc.undo()
    assert [svc.get(i).status for i in (1, 2, 3, 4)] == [Status.PENDING] * 3 + [Status.COMPLETED]


def test_deleting_a_parent_deletes_its_children_and_undo_restores_all(
    svc: TaskService,
) -> None:
    svc.add(TaskCreate(title="trip"))
    svc.add(TaskCreate(title="book train", parent=1))
    svc.add(TaskCreate(title="seat", parent=2))
    svc.add(TaskCreate(title="hotel", parent=1, status=Status.COMPLETED))
    svc.add(TaskCreate(title="unrelated"))
    deleted = svc.delete([1])
    assert [t.id for t in deleted] == [1, 2, 3, 4]
    assert svc.get(5).status is Status.PENDING
    svc.undo()
    statuses = [svc.get(i).status for i in (1, 2, 3, 4)]
    assert statuses == [Status.PENDING] * 3 + [Status.COMPLETED]
    assert svc.get(1).children == 2


def test_dependants_lists_what_a_task_blocks(svc: TaskService) -> None:
    _three(svc)
    svc.update([1, 2], TaskUpdate(depends=(3,)))
    assert [t.id for t in svc.dependants(3)] == [1, 2]
    assert [t.id for t in svc.children(3)] == []
