"""After-commit hooks (core/unit_of_work.py): they run after each committed write, never
after a read, a rolled-back write or their own writes; a failing hook leaves the write
standing and the next write runs it again. On both stores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from core import NotFound, TaskFilter, TaskRead, open_service
from core.service import TaskService
from tests.conftest import Clock, make_settings


class Hook:
    """Counts its calls; raises while `broken`; returns the tasks it is told to return."""

    def __init__(self) -> None:
        self.calls = 0
        self.broken = False
        self.returns: list[TaskRead] = []

    def __call__(self, service: TaskService) -> Sequence[TaskRead]:
        self.calls += 1
        if self.broken:
            raise RuntimeError("the consumer is down")
        return self.returns


@pytest.fixture
def hook() -> Hook:
    return Hook()


@pytest.fixture
def hooked(db_url: str, clock: Clock, hook: Hook) -> Iterator[TaskService]:
    service = open_service(make_settings(db_url), clock, after_commit=[hook])
    yield service
    service.close()


def test_a_hook_runs_after_each_committed_write_and_never_after_a_read(
    hooked: TaskService, hook: Hook
) -> None:
    hooked.add_text("one")
    hooked.add_text("two")
    assert hook.calls == 2
    hooked.list_tasks(TaskFilter())
    hooked.count(TaskFilter())
    hooked.get(1)
    assert hook.calls == 2
    hooked.complete([1])
    assert hook.calls == 3


def test_a_rolled_back_write_runs_no_hook(hooked: TaskService, hook: Hook) -> None:
    hooked.add_text("one")
    with pytest.raises(NotFound):
        hooked.complete([1, 99])  # task 99 is missing: the whole write rolls back
    assert hook.calls == 1
    assert hooked.get(1).status.value == "pending"


def test_a_failing_hook_leaves_the_write_and_the_next_write_runs_it_again(
    hooked: TaskService, hook: Hook
) -> None:
    hook.broken = True
    task = hooked.add_text("kept")
    assert hooked.get(task.id).title == "kept"
    assert hooked.deferred == "background processing deferred (the consumer is down)"
    hook.broken = False
    hooked.add_text("next")
    assert hook.calls == 2
    assert hooked.deferred is None


def test_what_the_hooks_made_is_the_last_writes_only(hooked: TaskService, hook: Hook) -> None:
    first = hooked.add_text("first")
    hook.returns = [first]
    hooked.add_text("second")
    assert hooked.after_commit_results == [first]
    hook.returns = []
    hooked.add_text("third")
    assert hooked.after_commit_results == []


def test_a_hooks_own_writes_do_not_run_the_hooks_again(db_url: str, clock: Clock) -> None:
    calls: list[int] = []

    def writes_too(service: TaskService) -> list[TaskRead]:
        calls.append(1)
        return [service.add_text("made by the hook")]

    service = open_service(make_settings(db_url), clock, after_commit=[writes_too])
    try:
        service.add_text("by the user")
        assert len(calls) == 1
        assert [t.title for t in service.after_commit_results] == ["made by the hook"]
        assert service.count(TaskFilter()) == 2
    finally:
        service.close()


def test_a_service_opened_without_hooks_runs_none(svc: TaskService) -> None:
    svc.add_text("plain")
    assert (svc.after_commit_results, svc.deferred) == ([], None)
