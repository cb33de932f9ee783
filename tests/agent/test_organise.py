"""The tools for organised work (agent/organise.py, agent/dependencies.py) through a chat
session: the Gemini stub scripts the model's calls, the real google-genai client carries
them, and the tools run on a real store, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agent.session import ChatSession
from config.settings import Settings
from core import open_service
from core.changes import TaskUpdate
from core.selection import TaskFilter
from core.service import TaskService
from tests.agent.conftest import KEY, Asker, agent_settings
from tests.agent.stub import GeminiStub, Reply, call, function_call, text
from tests.conftest import Clock


@pytest.fixture
def store_settings(db_url: str, stub: GeminiStub) -> Settings:
    """Each store, with the agent pointed at the stub."""
    return agent_settings(db_url, stub)


@pytest.fixture
def store(store_settings: Settings, clock: Clock) -> Iterator[TaskService]:
    """A service on each store."""
    svc = open_service(store_settings, clock=clock)
    yield svc
    svc.close()


Chat = Callable[[Asker | None], ChatSession]


@pytest.fixture
def chat(store: TaskService, store_settings: Settings) -> Chat:
    """A new chat session on `store` that asks `asker` (None: nobody to ask)."""
    return lambda asker: ChatSession(store, store_settings, confirm=asker, api_key=KEY)


def responses(stub: GeminiStub) -> dict[str, dict[str, Any]]:
    """The tool results the client sent back to the model in its last request, by call id."""
    return {r["id"]: r["response"] for r in stub.received()[-1].function_responses()}


def projects_by_title(svc: TaskService) -> dict[str, str | None]:
    return {t.title: t.project for t in svc.list_tasks(TaskFilter(status="all", sort="id"))}


# -- "move the garden tasks into home/garden" ------------------------------------------------

GARDEN = ["rake leaves #garden", "plant bulbs #garden", "buy milk", "mend fence #garden",
          "water the garden plan"]  # the last has the word, not the tag: the model filters +garden


def garden(svc: TaskService) -> None:
    for line in GARDEN:
        svc.add_text(line)
    svc.update([3], TaskUpdate(project="errands"))


def move_script(stub: GeminiStub) -> None:
    stub.play(
        call("list_tasks", {"filter": "+garden"}, "l1"),
        call("set_project", {"ids": [1, 2, 4], "project": "home/garden"}, "m1"),
        text("Moved the three garden tasks into home/garden."),
    )


def test_moving_the_garden_tasks_asks_once_with_the_full_list(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    garden(store)
    move_script(stub)
    asker = Asker(True)

    turn = chat(asker).send("move the garden tasks into home/garden")

    [request] = asker.asked
    [change] = request.changes
    assert change.tool == "set_project"
    assert change.action == "move 3 tasks (project='home/garden')"
    assert [t.title for t in change.tasks] == ["rake leaves", "plant bulbs", "mend fence"]
    listed = responses(stub)["l1"]
    assert [t["id"] for t in listed["tasks"]] == [1, 2, 4]  # the script matches the real rows
    assert projects_by_title(store) == {
        "rake leaves": "home/garden", "plant bulbs": "home/garden", "buy milk": "errands",
        "mend fence": "home/garden", "water the garden plan": None,
    }
    assert [(c.name, c.ok) for c in turn.tool_calls] == [("list_tasks", True),
                                                        ("set_project", True)]
    assert store.list_tasks(TaskFilter(project="home", sort="id"))[0].title == "rake leaves"


@pytest.mark.parametrize("asker", [Asker(False), None], ids=["declined", "nobody-to-ask"])
def test_without_a_yes_the_garden_move_changes_nothing(
    stub: GeminiStub, store: TaskService, chat: Chat, asker: Asker | None
) -> None:
    garden(store)
    move_script(stub)

    turn = chat(asker).send("move the garden tasks into home/garden")

    assert projects_by_title(store) == {
        "rake leaves": None, "plant bulbs": None, "buy milk": "errands", "mend fence": None,
        "water the garden plan": None,
    }
    refused = responses(stub)["m1"]
    assert refused["refused"] is True and refused["ok"] is False
    assert [t["title"] for t in refused["would_change"]] == ["rake leaves", "plant bulbs",
                                                             "mend fence"]
    assert turn.tool_calls[-1].exit_code == 1


def test_renaming_a_project_asks_with_every_task_it_moves(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    for line in ("rake leaves", "plant bulbs", "mend fence"):
        store.add_text(line, project="garden")
    store.add_text("compost", project="garden/beds")
    store.add_text("taxes", project="gardening")  # a prefix, not a sub-project
    store.complete([3])
    stub.play(call("rename_project", {"old": "garden", "new": "home/garden"}, "r1"),
              text("Moved."), call("rename_project", {"old": "garden", "new": "home/garden"},
                                   "r2"), text("Moved."))
    no, yes = Asker(False), Asker(True)

    chat(no).send("move the garden project into home")
    unmoved = projects_by_title(store)
    chat(yes).send("yes, really")

    [request] = no.asked
    assert request.changes[0].action == "move 4 tasks (old='garden', new='home/garden')"
    assert [t.title for t in request.tasks] == ["rake leaves", "plant bulbs", "mend fence",
                                                "compost"]
    assert unmoved["rake leaves"] == "garden"
    assert projects_by_title(store) == {
        "rake leaves": "home/garden", "plant bulbs": "home/garden", "mend fence": "home/garden",
        "compost": "home/garden/beds", "taxes": "gardening",
    }
    store.undo()
    assert projects_by_title(store) == unmoved  # one change, undone as one


# -- reading: filter expressions, projects ---------------------------------------------------


def test_list_takes_a_filter_expression_and_a_bad_one_names_the_position(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    garden(store)
    store.update([5], TaskUpdate(project="home"))
    store.complete([2])
    stub.play(
        Reply([
            function_call("list_tasks", {"filter": "+garden or project:home"}, "a"),
            function_call("list_tasks", {"filter": "status:completed"}, "b"),
            function_call("list_tasks", {"filter": "+garden and (project:"}, "c"),
            function_call("list_projects", {}, "d"),
        ]),
        text("Here they are."),
    )

    chat(None).send("what is in the garden or at home?")

    got = responses(stub)
    assert [t["title"] for t in got["a"]["tasks"]] == ["rake leaves", "mend fence",
                                                       "water the garden plan"]
    assert [t["title"] for t in got["b"]["tasks"]] == ["plant bulbs"]  # status: lifts pending
    assert got["c"] == {"ok": False, "error": "bad filter: project: needs a name, e.g. "
                        "project:home or project:home/garden (column 22)"}
    assert got["d"]["projects"] == [
        {"name": "errands", "project": "errands", "pending": 1, "total": 1, "children": []},
        {"name": "home", "project": "home", "pending": 1, "total": 1, "children": []},
    ]


def test_set_dates_sets_wait_scheduled_until_and_clears_them(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    store.add_text("paint the shed")
    stub.play(
        call("set_dates", {"ids": [1], "wait": "dec 1", "scheduled": "dec 2 9am",
                           "until": "dec 24"}, "s1"),
        call("list_tasks", {}, "l1"),
        call("list_tasks", {"filter": "is:waiting"}, "l2"),
        call("set_dates", {"ids": [1], "clear": ["wait", "until"]}, "s2"),
        call("set_dates", {"ids": [1]}, "s3"),
        text("Done."),
    )

    chat(None).send("hide the shed until december, start dec 2, drop it after xmas")

    got = responses(stub)
    dated = got["s1"]["tasks"][0]
    assert (dated["wait"], dated["scheduled"], dated["until"]) == (
        "2026-12-01T00:00:00+01:00", "2026-12-02T09:00:00+01:00", "2026-12-25T00:00:00+01:00")
    assert got["l1"]["tasks"] == []  # waiting: hidden from the usual list
    assert [t["title"] for t in got["l2"]["tasks"]] == ["paint the shed"]
    cleared = got["s2"]["tasks"][0]
    assert (cleared["wait"], cleared["scheduled"], cleared["until"]) == (
        None, "2026-12-02T09:00:00+01:00", None)
    assert got["s3"] == {"ok": False, "error": "set_dates needs a date to set (wait, "
                         "scheduled, until) or to clear"}
    assert store.get(1).wait is None


# -- "what's blocking the release?" ----------------------------------------------------------


def release_plan(svc: TaskService) -> None:
    """#1 release waits on #2 and #3 (open) and #4 (done); #3 waits on #5 in turn."""
    for line in ("release 2.0", "write the changelog", "fix the login bug", "update the docs",
                 "review the login patch", "water plants"):
        svc.add_text(line)
    svc.update([1], TaskUpdate(depends=(2, 3, 4)))
    svc.update([3], TaskUpdate(depends=(5,)))
    svc.complete([4])


def test_what_is_blocking_the_release_is_answered_from_the_real_rows(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    release_plan(store)
    stub.play(
        call("list_tasks", {"filter": "release"}, "find"),
        call("blockers", {"id": 1}, "why"),
        text("The changelog and the login bug, which waits on the patch review."),
    )

    turn = chat(None).send("what's blocking the release?")

    got = responses(stub)
    assert [(t["id"], t["blocked"]) for t in got["find"]["tasks"]] == [(1, True)]
    why = got["why"]
    assert (why["task"]["title"], why["blocked"], why["open_blockers"]) == ("release 2.0",
                                                                            True, 2)
    assert [(b["title"], b["status"], b["blocking"]) for b in why["blockers"]] == [
        ("write the changelog", "pending", True), ("fix the login bug", "pending", True),
        ("update the docs", "completed", False),
    ]
    [deeper] = why["blockers"][1]["blockers"]
    assert (deeper["id"], deeper["title"], deeper["blockers"]) == (
        5, "review the login patch", [])
    assert [c.ok for c in turn.tool_calls] == [True, True]


def test_blocked_tasks_are_found_with_the_filter_and_freed_when_the_blocker_is_done(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    release_plan(store)
    stub.play(
        Reply([function_call("list_tasks", {"filter": "is:blocked"}, "before")]),
        call("complete_tasks", {"ids": [5]}, "done"),
        Reply([function_call("list_tasks", {"filter": "is:blocked"}, "after"),
               function_call("blockers", {"id": 3}, "free")]),
        text("The login bug is free now."),
    )

    chat(None).send("finish the patch review; what is still stuck?")

    got = responses(stub)
    assert [t["title"] for t in got["before"]["tasks"]] == ["release 2.0", "fix the login bug"]
    assert [t["title"] for t in got["after"]["tasks"]] == ["release 2.0"]
    assert (got["free"]["blocked"], got["free"]["open_blockers"]) == (False, 0)


def test_dependencies_and_parents_are_set_and_a_cycle_is_refused_by_name(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    for line in ("paint the house", "buy paint", "buy brushes", "sand the walls"):
        store.add_text(line)
    stub.play(
        call("set_parent", {"ids": [2], "parent": 1}, "p1"),
        call("set_dependencies", {"ids": [4], "depends": [3]}, "d1"),
        call("set_dependencies", {"ids": [3], "depends": [4]}, "d2"),
        call("set_parent", {"ids": [2]}, "p2"),
        text("Done."),
    )

    yes = Asker(True)

    chat(yes).send("buy paint is part of painting; sand after the brushes")

    got = responses(stub)
    assert got["p1"]["tasks"][0]["parent"] == 1
    assert got["d1"]["tasks"][0]["depends"] == [3]
    assert [[t.title for t in r.tasks] for r in yes.asked] == [["sand the walls"],
                                                              ["buy brushes"]]
    assert got["d2"] == {"ok": False, "error": "dependency cycle: 3 -> 4 -> 3"}
    assert got["p2"] == {"ok": False, "error": "give either parent or clear=true, not neither"}
    assert (store.get(2).parent, store.get(4).depends, store.get(3).depends) == (1, (3,), ())


def subtasks(svc: TaskService) -> None:
    """#1 paint the house with subtasks #2 and #3, and #4 under #3; #5 stands alone."""
    for line in ("paint the house", "buy paint", "sand the walls", "buy sandpaper", "other"):
        svc.add_text(line)
    svc.update([2, 3], TaskUpdate(parent=1))
    svc.update([4], TaskUpdate(parent=3))


def test_completing_a_parent_with_its_subtasks_is_one_question_listing_them_all(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    subtasks(store)
    stub.play(
        call("complete_tasks", {"ids": [1]}, "c1"),
        call("complete_tasks", {"ids": [1], "with_children": True}, "c2"),
        text("Done."),
    )
    no = Asker(False)

    chat(no).send("the house is painted")

    got = responses(stub)
    assert got["c1"] == {"ok": False, "error": got["c1"]["error"]}
    assert "open subtasks: 2, 3, 4" in got["c1"]["error"]
    [request] = no.asked  # a single id, but four tasks
    assert [t.title for t in request.tasks] == ["paint the house", "buy paint", "sand the walls",
                                                "buy sandpaper"]
    assert got["c2"]["refused"] is True
    assert store.count(TaskFilter(status="completed")) == 0


def test_deleting_a_parent_shows_the_subtasks_it_takes_along(
    stub: GeminiStub, store: TaskService, chat: Chat
) -> None:
    subtasks(store)
    store.complete([4])
    stub.play(call("delete_tasks", {"ids": [3]}, "d1"), text("Deleted."))
    yes = Asker(True)

    chat(yes).send("drop the sanding")

    [request] = yes.asked
    assert [t.title for t in request.tasks] == ["sand the walls", "buy sandpaper"]
    deleted = store.list_tasks(TaskFilter(status="deleted", sort="id"))
    assert [t.title for t in deleted] == ["sand the walls", "buy sandpaper"]


# -- saved views -----------------------------------------------------------------------------


def test_saved_views_are_listed_and_run(stub: GeminiStub, store: TaskService, chat: Chat) -> None:
    garden(store)
    store.update([1], TaskUpdate(project="home/garden"))
    store.complete([2])
    views = store.views
    views.save("garden", "+garden")
    views.save("finished", "status:completed")
    views.set_context("garden")
    stub.play(
        Reply([
            function_call("list_views", {}, "v"),
            function_call("list_tasks", {"view": "garden"}, "g"),
            function_call("list_tasks", {"view": "garden", "filter": "not project:home"}, "gn"),
            function_call("list_tasks", {"view": "finished"}, "f"),
            function_call("list_tasks", {"view": "nope"}, "x"),
        ]),
        text("Here."),
    )

    chat(None).send("what do my views show?")

    got = responses(stub)
    assert got["v"] == {"ok": True, "context": "garden", "views": [
        {"name": "finished", "filter": "status:completed"},
        {"name": "garden", "filter": "+garden"}]}
    assert [t["title"] for t in got["g"]["tasks"]] == ["rake leaves", "mend fence"]
    assert [t["title"] for t in got["gn"]["tasks"]] == ["mend fence"]
    assert [t["title"] for t in got["f"]["tasks"]] == ["plant bulbs"]  # status: lifts pending
    assert got["x"]["ok"] is False and "nope" in got["x"]["error"]
