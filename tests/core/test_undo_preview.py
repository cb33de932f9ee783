"""`TaskService.undo_preview`: what `undo()` would revert, read before it runs (the agent
shows it before asking), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core import events
from core.changes import TaskUpdate
from core.errors import NothingToDo
from core.schemas import Status
from core.service import TaskService
from tests.conftest import Clock


def test_the_preview_names_the_operation_and_changes_nothing(
    svc: TaskService, clock: Clock
) -> None:
    svc.add_text("pay rent")
    clock.advance(minutes=5)
    svc.import_text("a\nb\n", fmt="todotxt")

    first = svc.undo_preview()
    again = svc.undo_preview()

    assert first == again
    assert (first.kind, first.time) == ("import", clock.now)
    assert [(t.title, etype) for t, etype, _ in first.reverts] == [
        ("b", events.CREATED), ("a", events.CREATED)
    ]
    assert [t.status for t in svc.undo().tasks] == [Status.DELETED, Status.DELETED]


def test_the_preview_of_an_edit_holds_the_old_values_and_follows_each_undo(
    svc: TaskService,
) -> None:
    svc.add_text("pay rent")
    svc.update([1], TaskUpdate(title="pay the rent"))
    svc.complete([1])

    done = svc.undo_preview()
    svc.undo()
    edit = svc.undo_preview()

    [(task, etype, changes)] = done.reverts
    assert (done.kind, etype, changes["status"]["old"]) == ("done", events.COMPLETED, "pending")
    [(task, etype, changes)] = edit.reverts
    assert (edit.kind, task.title, changes["title"]) == (
        "edit", "pay the rent", {"old": "pay rent", "new": "pay the rent"}
    )


def test_nothing_to_preview(svc: TaskService) -> None:
    with pytest.raises(NothingToDo):
        svc.undo_preview()
