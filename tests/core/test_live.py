"""core.live: the change feed the TUI watches, and the ids a filter selects."""

from __future__ import annotations

from core import Status, TaskFilter, TaskUpdate, live, open_service
from core.schemas import ReminderState
from core.service import TaskService
from tests.conftest import Clock, drain, make_settings


def test_an_idle_log_reports_nothing(svc: TaskService) -> None:
    svc.add_text("a")
    seq = live.head(svc)
    assert live.changes_since(svc, seq) == live.ChangeSet(seq)


def test_changes_name_each_changed_task_once_as_it_is_now(svc: TaskService) -> None:
    svc.add_text("a")
    svc.add_text("b")
    seq = live.head(svc)
    svc.update([1], TaskUpdate(title="a2"))
    svc.complete([1])
    svc.add_text("c")
    changes = live.changes_since(svc, seq)
    assert changes.seq == live.head(svc) > seq
    assert [(t.id, t.title, t.status) for t in changes.tasks] == [
        (1, "a2", Status.COMPLETED), (3, "c", Status.PENDING)]
    assert live.changes_since(svc, changes.seq).tasks == []


def test_recurring_completion_reports_the_next_instance(svc: TaskService) -> None:
    svc.add_text("water every day at 9am")
    seq = live.head(svc)
    svc.complete([1])
    drain(svc)
    assert sorted(t.id for t in live.changes_since(svc, seq).tasks) == [1, 2]


def test_other_owners_changes_move_the_position_only(db_url: str, clock: Clock) -> None:
    alice = open_service(make_settings(db_url), clock=clock)
    bob = open_service(make_settings(db_url, user="bob"), clock=clock)
    try:
        seq = live.head(alice)
        bob.add_text("bob's")
        changes = live.changes_since(alice, seq)
        assert changes.tasks == [] and changes.seq > seq
    finally:
        alice.close()
        bob.close()


def test_claimed_reminders_are_reported_due(svc: TaskService, clock: Clock) -> None:
    svc.add_text("stand up remind me at 10:30am")
    seq = live.head(svc)
    clock.advance(minutes=31)
    svc.claim_due_reminders(svc.now())
    changes = live.changes_since(svc, seq)
    [due] = changes.reminders_due
    assert (due.task_id, due.title, due.at.hour, due.at.minute) == (1, "stand up", 10, 30)
    assert due.event_id
    [task] = changes.tasks  # its reminder is no longer pending
    assert [r.state for r in task.reminders] == [ReminderState.FIRED]


def test_a_bulk_change_asks_for_a_reload(svc: TaskService) -> None:
    seq = live.head(svc)
    svc.import_text("\n".join(f"task {n}" for n in range(live.RELOAD_ABOVE + 1)), fmt="todotxt")
    changes = live.changes_since(svc, seq)
    assert changes.reload and changes.tasks == []


def test_matching_ids_is_the_filter_of_list(svc: TaskService) -> None:
    svc.add_text("pay rent today #home !high")
    svc.add_text("buy milk #errands")
    svc.add_text("pay taxes #home")
    svc.complete([3])
    for flt in (TaskFilter(), TaskFilter(tags=("home",)), TaskFilter(search="pay"),
                TaskFilter(status="all"), TaskFilter(status="deleted"), TaskFilter(today=True)):
        assert sorted(live.matching_ids(svc, flt)) == sorted(t.id for t in svc.list_tasks(flt))




def test_optimize_keeps_answers_the_same(svc: TaskService) -> None:
    svc.add_text("pay rent today #home !high")
    svc.add_text("buy milk #errands")
    flt = TaskFilter(tags=("home",))
    before = set(live.matching_ids(svc, flt))
    live.optimize(svc)
    live.optimize(svc)  # twice is harmless
    assert set(live.matching_ids(svc, flt)) == before == {1}
