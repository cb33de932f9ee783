"""`todo mcp` spawned as a real subprocess and driven by the official `mcp` client over stdio."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.cli.helpers import TODO_BIN, all_tasks, cli_env, history_kinds, ok


def result_data(result: Any) -> dict[str, Any]:
    """The tool's JSON result, which it also sends as text."""
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    assert json.loads(result.content[0].text) == data
    return data


async def drive(home: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[Any, list[Any]]:
    params = StdioServerParameters(command=str(TODO_BIN), args=["mcp"], env=cli_env(home))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        listed = await session.list_tools()
        results = [await session.call_tool(name, args) for name, args in calls]
    return listed, results


def run_mcp(home: Path, calls: list[tuple[str, dict[str, Any]]]) -> tuple[Any, list[Any]]:
    return anyio.run(drive, home, calls)


def test_mcp_offers_the_tools_and_destructive_ones_need_confirm(home: Path) -> None:
    ok("add", "keep me")
    ok("add", "and me")

    listed, results = run_mcp(home, [
        ("add_task", {"text": "dentist tomorrow 10:30 #health"}),
        ("delete_tasks", {"ids": [1]}),
        ("complete_tasks", {"ids": [1, 2]}),
        ("delete_tasks", {"ids": [2], "confirm": True}),
        ("list_tasks", {"tags": ["health"]}),
    ])

    tools = {t.name: t for t in listed.tools}
    assert "confirm" in tools["delete_tasks"].input_schema["properties"]
    assert "confirm" not in tools["add_task"].input_schema["properties"]
    assert tools["add_task"].description.startswith("Add one task from a quick-add line.")
    added, unconfirmed, bulk, confirmed, found = (result_data(r) for r in results)
    assert added["tasks"][0]["title"] == "dentist"
    assert unconfirmed["refused"] is True
    assert [t["title"] for t in unconfirmed["would_change"]] == ["keep me"]
    assert bulk["refused"] is True
    assert confirmed["ok"] is True
    assert [t["title"] for t in found["tasks"]] == ["dentist"]
    tasks = all_tasks()
    assert [(tasks[i]["title"], tasks[i]["status"]) for i in (1, 2, 3)] == [
        ("keep me", "pending"), ("and me", "deleted"), ("dentist", "pending"),
    ]
    assert history_kinds(2)[-1] == "deleted"


def test_mcp_reports_user_errors_as_results(home: Path) -> None:
    _listed, [missing, nothing] = run_mcp(home, [("show_task", {"id": 99}),
                                                 ("undo_last_change", {})])

    assert missing.is_error and missing.content[0].text.endswith(": no task with id 99")
    assert nothing.is_error and nothing.content[0].text.endswith(": nothing to undo")


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
