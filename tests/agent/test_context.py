"""The agent honours the user's context (issue 15: `todo context NAME`), as `todo list` and
`todo add` do: list_tasks shows only the context's tasks and names the context, add_task
gives new tasks its project and tags; with `todo context none` both are as before. The
Gemini stub scripts the calls; the tools run on a real store, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from agent.session import ChatSession
from config.settings import Settings
from core import open_service
from core.service import TaskService
from tests.agent.conftest import KEY, agent_settings
from tests.agent.stub import GeminiStub, Reply, function_call, text
from tests.conftest import Clock

Ask = Callable[..., dict[str, Any]]


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


@pytest.fixture
def ask(stub: GeminiStub, store: TaskService, store_settings: Settings) -> Ask:
    """Play the function calls given as one model turn in a new chat; the tool results the
    client sent back, by call id."""

    def run(*calls: dict[str, Any]) -> dict[str, Any]:
        stub.play(Reply(list(calls)), text("Here."))
        ChatSession(store, store_settings, confirm=None, api_key=KEY).send("what's due?")
        return {r["id"]: r["response"] for r in stub.received()[-1].function_responses()}

    return run


def titles(result: dict[str, Any]) -> list[str]:
    return [t["title"] for t in result["tasks"]]


def test_whats_due_lists_only_the_context_tasks_and_names_the_context(
    store: TaskService, ask: Ask
) -> None:
    for line in ("rake leaves fri #garden", "buy milk fri", "mend fence sat #garden",
                 "garden party fri"):  # the word, not the tag; due_before is exclusive
        store.add_text(line)
    store.views.save("garden", "+garden")
    store.views.set_context("garden")

    got = ask(function_call("list_tasks", {"due_before": "saturday"}, "due"),
              function_call("list_tasks", {"filter": "milk or party"}, "or"),
              function_call("list_tasks", {}, "all"))

    assert titles(got["due"]) == ["rake leaves"]
    assert got["due"]["context"] == {"name": "garden", "filter": "+garden"}
    assert got["due"]["count"] == 1
    assert titles(got["or"]) == []  # an `or` the model writes does not escape the context
    assert titles(got["all"]) == ["rake leaves", "mend fence"]

    store.views.set_context(None)
    got = ask(function_call("list_tasks", {"due_before": "saturday"}, "due"))

    assert titles(got["due"]) == ["rake leaves", "buy milk", "garden party"]
    assert "context" not in got["due"]


def test_add_task_takes_the_context_project_and_tags_unless_it_names_a_project(
    store: TaskService, ask: Ask
) -> None:
    store.views.save("yard", "project:home +garden p:h")
    store.views.set_context("yard")

    got = ask(function_call("add_task", {"text": "rake leaves #autumn"}, "plain"))
    ask(function_call("add_task", {"text": "buy seeds project:errands"}, "named"))

    raked, seeds = store.get(1), store.get(2)
    assert (raked.project, sorted(raked.tags)) == ("home", ["autumn", "garden"])
    assert (seeds.project, sorted(seeds.tags)) == ("errands", ["garden"])  # as `todo add`
    assert got["plain"]["context"] == {"name": "yard", "filter": "project:home +garden p:high"}
    assert raked.priority == seeds.priority  # the context gives project and tags only

    store.views.set_context("none")
    got = ask(function_call("add_task", {"text": "paint the shed"}, "free"))

    shed = store.get(3)
    assert (shed.project, tuple(shed.tags)) == (None, ())
    assert "context" not in got["free"]


def test_a_context_that_is_not_a_plain_and_gives_an_add_nothing(
    store: TaskService, ask: Ask
) -> None:
    store.views.save("either", "+garden or project:home")
    store.views.set_context("either")

    got = ask(function_call("add_task", {"text": "call mum"}, "a"))

    mum = store.get(1)
    assert (mum.project, tuple(mum.tags)) == (None, ())
    assert got["a"]["context"]["name"] == "either"
