"""The service API on SQLite and on PostgreSQL: every use case, its events and its errors."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from core import BadInput, NotFound, NothingToDo, Priority, Status, open_service
from core.changes import TaskUpdate
from core.creation import TaskCreate
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import BERLIN, Clock, drain, make_settings


def outbox(svc: TaskService) -> list[tuple[str, str, dict]]:
    with svc.store.read() as db:
        rows = db.all("SELECT type, subject, data FROM outbox ORDER BY seq")
    return [(t, s, json.loads(d)) for t, s, d in rows]


def titles(tasks) -> list[str]:
    return [t.title for t in tasks]


class TestAdd:
    def test_quick_add_fills_every_field(self, svc: TaskService) -> None:
        task = svc.add_text("Pay  rent fri at 9am #Finance !high", notes="by transfer")
        assert task.id == 1
        assert task.title == "Pay rent"
        assert task.priority is Priority.HIGH
        assert task.tags == ("finance",)
        assert task.due == datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)
        assert task.notes == "by transfer"
        assert svc.get(1) == task

    def test_options_override_parsed_values(self, svc: TaskService) -> None:
        task = svc.add_text("call mom tomorrow p3", due="dec 5", priority="high", tags=["home"])
        assert task.due == date(2026, 12, 5)
        assert task.priority is Priority.HIGH
        assert task.tags == ("home",)

    def test_ids_are_small_and_sequential(self, svc: TaskService) -> None:
        ids = [svc.add(TaskCreate(title=f"t{i}")).id for i in range(3)]
        assert ids == [1, 2, 3]

    def test_empty_title_is_rejected_and_nothing_written(self, svc: TaskService) -> None:
        with pytest.raises(BadInput, match="title"):
            svc.add_text("   #work !high")
        assert svc.count(TaskFilter(status="all")) == 0
        assert outbox(svc) == []

    def test_invalid_tag_option_is_rejected(self, svc: TaskService) -> None:
        with pytest.raises(BadInput, match="'9lives'"):
            svc.add_text("feed cat", tags=["9lives"])

    def test_created_event_carries_the_snapshot(self, svc: TaskService) -> None:
        svc.add_text("pay rent #finance")
        [(etype, subject, data)] = outbox(svc)
        assert etype == "todo.task.created"
        assert subject == "1"
        assert data["task"]["title"] == "pay rent"
        assert data["task"]["tags"] == ["finance"]
        assert data["owner"] == "alice"
        assert data["version"] == 1


class TestListFilters:
    @pytest.fixture
    def seeded(self, svc: TaskService) -> TaskService:
        svc.add_text("overdue report on 2026-11-20 #work !high")  # 1
        svc.add_text("today errand today #errands")  # 2
        svc.add_text("timed call tomorrow at 9am #work")  # 3
        svc.add_text("far away 2027-03-01 !low")  # 4
        svc.add_text("no date at all #home", notes="remember the invoice")  # 5
        svc.add_text("morning call at 8am")  # 6: a time alone, already past -> tomorrow 08:00
        return svc

    def ids(self, svc: TaskService, **kw: object) -> list[int]:
        return sorted(t.id for t in svc.list_tasks(TaskFilter(**kw)))  # type: ignore[arg-type]

    def test_status(self, seeded: TaskService) -> None:
        seeded.complete([2])
        seeded.delete([4])
        assert self.ids(seeded) == [1, 3, 5, 6]
        assert self.ids(seeded, status="completed") == [2]
        assert self.ids(seeded, status="deleted") == [4]
        assert self.ids(seeded, status="all") == [1, 2, 3, 4, 5, 6]

    def test_priority_and_tags_all_must_match(self, seeded: TaskService) -> None:
        assert self.ids(seeded, priority=Priority.HIGH) == [1]
        assert self.ids(seeded, tags=("work",)) == [1, 3]
        seeded.update([3], TaskUpdate(add_tags=("urgent",)))
        assert self.ids(seeded, tags=("work", "urgent")) == [3]

    def test_due_windows(self, seeded: TaskService) -> None:
        assert self.ids(seeded, overdue=True) == [1]
        assert self.ids(seeded, today=True) == [2]
        assert self.ids(seeded, upcoming=1) == [2, 3, 6]
        assert self.ids(seeded, no_due=True) == [5]
        assert self.ids(seeded, due_before=date(2026, 11, 23)) == [1, 2]
        assert self.ids(seeded, due_after=date(2026, 11, 23)) == [4]
        assert self.ids(seeded, due_after=date(2026, 11, 22)) == [3, 4, 6]

    def test_search_covers_title_and_notes_by_word_prefix(self, seeded: TaskService) -> None:
        assert self.ids(seeded, search="repo") == [1]
        assert self.ids(seeded, search="invoice") == [5]
        assert self.ids(seeded, search="call timed") == [3]
        with pytest.raises(BadInput, match="no words"):
            seeded.list_tasks(TaskFilter(search="!!"))

    def test_search_with_signs_matches_the_text_as_typed(self, svc: TaskService) -> None:
        svc.add_text("learn C++ templates")  # 1
        svc.add_text("port the c# client")  # 2
        svc.add_text("call carol")  # 3: a word starting with c, no signs
        svc.add_text("read the docs", notes="see node.js and C++20")  # 4
        svc.add_text("fix c-sharp typo")  # 5: the same words, other signs
        assert self.ids(svc, search="c++") == [1, 4]
        assert self.ids(svc, search="C#") == [2]
        assert self.ids(svc, search="node.js") == [4]
        assert self.ids(svc, search="c++ templ") == [1]  # words still match by prefix
        assert self.ids(svc, search="c") == [1, 2, 3, 4, 5]
        assert self.ids(svc, search="c++", status="all") == [1, 4]
        assert svc.count(TaskFilter(search="c#")) == 1
        # Quotes and FTS operators are text, not syntax.
        svc.add(TaskCreate(title='say "hi" OR NOT bye'))  # 6
        assert self.ids(svc, search='"hi"') == [6]
        assert self.ids(svc, search="OR NOT") == [6]
        assert self.ids(svc, search="hi*") == []

    def test_search_follows_edits(self, seeded: TaskService) -> None:
        seeded.update([5], TaskUpdate(title="renamed chore", notes=None))
        assert self.ids(seeded, search="invoice") == []
        assert self.ids(seeded, search="chore") == [5]

    def test_search_index_stays_exact_through_imports_edits_and_undo(
        self, seeded: TaskService
    ) -> None:
        seeded.import_text('[{"title": "quarterly tax filing", "notes": "ask accountant"}]')
        seeded.update([5], TaskUpdate(title="renamed chore", notes="pay invoice later"))
        seeded.update([5], TaskUpdate(notes=None))
        seeded.undo()
        seeded.undo()
        assert self.ids(seeded, search="accountant") == [7]
        assert self.ids(seeded, search="chore") == []
        assert self.ids(seeded, search="invoice") == [5]
        if seeded.store.dialect == "sqlite":
            # FTS5 compares the external-content index with the task rows, term by term.
            with seeded.store.write() as db:
                db.run("INSERT INTO task_fts(task_fts, rank) VALUES ('integrity-check', 1)")

    def test_sort_by_due_keeps_undated_last_even_reversed(self, seeded: TaskService) -> None:
        order = [t.id for t in seeded.list_tasks(TaskFilter(sort="due"))]
        assert order == [1, 2, 6, 3, 4, 5]
        reverse = [t.id for t in seeded.list_tasks(TaskFilter(sort="due", reverse=True))]
        assert reverse == [4, 3, 6, 2, 1, 5]

    def test_other_sorts_and_limit(self, seeded: TaskService) -> None:
        assert [t.id for t in seeded.list_tasks(TaskFilter(sort="priority"))][:2] == [1, 4]
        assert titles(seeded.list_tasks(TaskFilter(sort="title", limit=2))) == [
            "far away", "morning call",
        ]
        assert next(t.id for t in seeded.list_tasks(TaskFilter(sort="urgency"))) == 1
        assert len(seeded.list_tasks(TaskFilter(limit=3))) == 3

    def test_count_matches_list(self, seeded: TaskService) -> None:
        flt = TaskFilter(tags=("work",))
        assert seeded.count(flt) == len(seeded.list_tasks(flt)) == 2


class TestChanges:
    def test_update_is_partial(self, svc: TaskService) -> None:
        svc.add_text("pay rent fri #finance !high", notes="n")
        task = svc.update([1], TaskUpdate(title="pay the rent"))[0]
        assert (task.title, task.priority, task.tags, task.notes) == (
            "pay the rent", Priority.HIGH, ("finance",), "n",
        )
        assert task.due == date(2026, 11, 27)

    def test_update_clears_and_retags(self, svc: TaskService) -> None:
        svc.add_text("x fri #a #b")
        change = TaskUpdate(due=None, notes=None, add_tags=("c",), remove_tags=("a",))
        task = svc.update([1], change)[0]
        assert task.due is None
        assert task.tags == ("b", "c")

    def test_update_event_has_old_and_new_values(self, svc: TaskService) -> None:
        svc.add_text("x !low")
        svc.update([1], TaskUpdate(priority=Priority.HIGH))
        etype, _, data = outbox(svc)[-1]
        assert etype == "todo.task.updated"
        assert data["changes"] == {"priority": {"old": "low", "new": "high"}}
        assert data["version"] == 2

    def test_no_op_update_writes_no_event(self, svc: TaskService) -> None:
        svc.add_text("x !low")
        svc.update([1], TaskUpdate(priority=Priority.LOW))
        assert len(outbox(svc)) == 1

    def test_empty_update_is_bad_input(self, svc: TaskService) -> None:
        svc.add_text("x")
        with pytest.raises(BadInput, match="nothing to change"):
            svc.update([1], TaskUpdate())

    def test_status_transitions(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("x")
        done = svc.complete([1])[0]
        assert done.status is Status.COMPLETED and done.completed == clock.now
        with pytest.raises(BadInput, match="already completed"):
            svc.complete([1])
        assert svc.reopen([1])[0].status is Status.PENDING
        with pytest.raises(BadInput, match="not completed"):
            svc.reopen([1])
        assert svc.delete([1])[0].status is Status.DELETED
        with pytest.raises(BadInput, match="restore it first"):
            svc.update([1], TaskUpdate(title="y"))
        assert svc.restore([1])[0].status is Status.PENDING

    def test_restore_brings_back_completed_status(self, svc: TaskService) -> None:
        svc.add_text("x")
        svc.complete([1])
        svc.delete([1])
        assert svc.restore([1])[0].status is Status.COMPLETED

    def test_several_ids_are_all_or_nothing(self, svc: TaskService) -> None:
        svc.add_text("a")
        svc.add_text("b")
        events_before = len(outbox(svc))
        with pytest.raises(NotFound, match="99"):
            svc.complete([1, 2, 99])
        assert svc.count(TaskFilter(status="completed")) == 0
        assert len(outbox(svc)) == events_before
        assert [t.status for t in svc.complete([1, 2])] == [Status.COMPLETED] * 2

    def test_missing_ids_are_all_named(self, svc: TaskService) -> None:
        with pytest.raises(NotFound, match="7, 8"):
            svc.delete([7, 8])


class TestUndoAndHistory:
    def test_undo_each_kind_of_change(self, svc: TaskService) -> None:
        svc.add_text("x fri !low #a")
        svc.update([1], TaskUpdate(title="y", due=None, add_tags=("b",)))
        svc.complete([1])
        assert svc.undo().kind == "done"
        assert svc.get(1).status is Status.PENDING
        assert svc.undo().kind == "edit"
        task = svc.get(1)
        assert (task.title, task.due, task.tags) == ("x", date(2026, 11, 27), ("a",))
        assert svc.undo().kind == "add"
        assert svc.get(1).status is Status.DELETED
        with pytest.raises(NothingToDo):
            svc.undo()

    def test_undo_delete_and_bulk(self, svc: TaskService) -> None:
        for name in "abc":
            svc.add_text(name)
        svc.complete([1, 2, 3])
        result = svc.undo()
        assert sorted(t.id for t in result.tasks) == [1, 2, 3]
        assert svc.count(TaskFilter()) == 3
        svc.delete([2])
        svc.undo()
        assert svc.get(2).status is Status.PENDING

    def test_undo_is_recorded_as_events(self, svc: TaskService) -> None:
        svc.add_text("x")
        svc.complete([1])
        svc.undo()
        assert [e[0] for e in outbox(svc)] == [
            "todo.task.created", "todo.task.completed", "todo.task.reopened",
        ]

    def test_history_lists_changes_oldest_first(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("x")
        clock.advance(hours=1)
        svc.update([1], TaskUpdate(title="y"))
        drain(svc)
        entries = svc.history(1)
        assert [e.type for e in entries] == ["todo.task.created", "todo.task.updated"]
        assert entries[1].changes == {"title": {"old": "x", "new": "y"}}
        assert entries[1].time == clock.now
        with pytest.raises(NotFound):
            svc.history(5)


class TestTags:
    def test_counts_pending_only(self, svc: TaskService) -> None:
        svc.add_text("a #work #home")
        svc.add_text("b #work")
        svc.add_text("c #work")
        svc.complete([3])
        assert svc.tags() == [("home", 1), ("work", 2)]

    def test_rename_and_merge(self, svc: TaskService) -> None:
        svc.add_text("a #job")
        svc.add_text("b #job #work")
        changed = svc.rename_tag("#job", "Work")
        assert len(changed) == 2
        assert svc.tags() == [("work", 2)]
        with pytest.raises(NotFound, match="'job'"):
            svc.rename_tag("job", "x")
        with pytest.raises(BadInput, match="invalid tag"):
            svc.rename_tag("work", "no spaces")


class TestOwners:
    def test_each_owner_sees_only_their_tasks(self, db_url: str, clock: Clock) -> None:
        alice = open_service(make_settings(db_url, user="alice"), clock=clock)
        bob = open_service(make_settings(db_url, user="bob"), clock=clock)
        try:
            alice.add_text("alice's #mine")
            bob.add_text("bob's #mine")
            assert bob.get(1).title == "bob's"
            assert titles(alice.list_tasks(TaskFilter())) == ["alice's"]
            assert alice.tags() == [("mine", 1)]
            bob.complete([1])
            assert alice.get(1).status is Status.PENDING
            assert bob.undo().kind == "done"
            assert bob.undo().kind == "add"
            with pytest.raises(NothingToDo):
                bob.undo()  # alice's operations are not bob's to undo
            assert alice.get(1).status is Status.PENDING
        finally:
            alice.close()
            bob.close()


class TestImportExport:
    def test_json_round_trip_is_lossless(self, svc: TaskService, db_url: str) -> None:
        svc.add_text("a fri at 9am #x !high", notes="line one\nline two")
        svc.add_text("b dec 5")
        svc.complete([2])
        text = svc.export("json")
        other = open_service(make_settings(db_url, user="carol"), clock=svc._clock)
        try:
            result = other.import_text(text)
            assert (result.format, len(result.added), result.skipped) == ("json", 2, 0)
            assert json.loads(other.export("json")) == json.loads(text)
            again = other.import_text(text)
            assert (len(again.added), again.skipped) == (0, 2)
        finally:
            other.close()

    def test_import_is_one_transaction(self, svc: TaskService) -> None:
        bad = "(A) fine line\nsecond line due:2026-02-30\n"
        with pytest.raises(BadInput, match="2026-02-30"):
            svc.import_text(bad)
        assert svc.count(TaskFilter(status="all")) == 0

    def test_undo_import_removes_what_it_added(self, svc: TaskService) -> None:
        svc.import_text("buy milk +errands\nx 2026-11-01 done thing\n")
        assert svc.count(TaskFilter(status="all")) == 2
        svc.undo()
        assert svc.count(TaskFilter(status="deleted")) == 2

    def test_export_formats(self, svc: TaskService) -> None:
        svc.add_text("a tomorrow #x !high")
        assert "BEGIN:VTODO" in svc.export("ical")
        assert svc.export("todotxt").startswith("(A) ")
        with pytest.raises(BadInput, match="'csv'"):
            svc.export("csv")
