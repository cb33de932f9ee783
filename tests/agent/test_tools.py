"""The tool declarations and the offline grammar: pure parts of the agent."""

from __future__ import annotations

from typing import Any

import pytest

from agent import offline, tools
from core import dates
from core.selection import TaskFilter
from core.service import TaskService


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("add call mom tomorrow 5pm", ("add_task", {"text": "call mom tomorrow 5pm"})),
        ("done 12", ("complete_tasks", {"ids": [12]})),
        ("Done #3, #4 and 5.", ("complete_tasks", {"ids": [3, 4, 5]})),
        ("rm 7", ("delete_tasks", {"ids": [7]})),
        ("restore 7", ("restore_tasks", {"ids": [7]})),
        ("undo", ("undo_last_change", {})),
        ("list", ("list_tasks", {})),
        ("list dentist", ("list_tasks", {"search": "dentist"})),
        ("show #4", ("show_task", {"id": 4})),
        ("snooze 4 10m", ("snooze_reminders", {"ids": [4], "duration": "10m"})),
        ("remind 4 30m before", ("add_reminder", {"ids": [4], "when": "30m before"})),
    ],
)
def test_simple_commands_parse(message: str, expected: tuple[str, dict[str, Any]]) -> None:
    assert offline.parse(message) == expected


@pytest.mark.parametrize(
    "message",
    ["what is overdue?", "done with the report", "please add milk", "delete everything", ""],
)
def test_anything_else_is_not_a_simple_command(message: str) -> None:
    assert offline.parse(message) is None


def test_every_tool_has_a_description_and_documents_every_parameter() -> None:
    for spec in tools.TOOLS.values():
        assert spec.description(), spec.name
        for name, prop in spec.schema()["properties"].items():
            assert prop.get("description"), f"{spec.name}.{name}"


def test_every_tool_says_what_it_does_to_the_task_list() -> None:
    effects = {name: spec.effect for name, spec in tools.TOOLS.items()}
    assert effects["list_tasks"] == effects["show_task"] == "read"
    assert effects["add_task"] == "add"
    assert (effects["delete_tasks"], effects["clear_recurrence"], effects["undo_last_change"]) \
        == ("delete", "stop_repeat", "undo")
    assert {n for n, e in effects.items() if e == "change"} == {
        "update_tasks", "complete_tasks", "reopen_tasks", "restore_tasks", "tag_tasks",
        "untag_tasks", "set_recurrence", "add_reminder", "remove_reminders", "snooze_reminders",
        "rename_project", "set_project", "set_parent", "set_dependencies", "set_dates",
    }
    assert effects["list_projects"] == effects["blockers"] == "read"
    assert not tools.TOOLS["add_task"].may_need_confirmation
    assert tools.TOOLS["undo_last_change"].may_need_confirmation


def test_schemas_follow_the_type_hints() -> None:
    schema = tools.TOOLS["list_tasks"].schema()
    assert "required" not in schema
    assert schema["properties"]["status"]["enum"] == ["pending", "completed", "deleted", "all"]
    assert schema["properties"]["tags"] == {
        "type": "array", "items": {"type": "string"},
        "description": "Tags every task must carry, without '#'.",
    }
    assert tools.TOOLS["update_tasks"].schema()["required"] == ["ids"]


def test_arguments_are_checked_before_any_call() -> None:
    spec = tools.TOOLS["complete_tasks"]
    assert tools.check_args(spec, {"ids": [1.0]}) is None  # JSON numbers
    assert tools.check_args(spec, {}) == "complete_tasks needs ids"
    assert tools.check_args(spec, {"ids": [1], "force": True}) == (
        "complete_tasks has no parameter force"
    )
    assert tools.check_args(spec, {"ids": ["x"]}) == (
        "complete_tasks: ids=['x'] is not a valid value"
    )


@pytest.mark.parametrize(
    "text",
    ["dentist today at 5pm", "dentist tomorrow", "dentist fri 10:30", "dentist in 9 days",
     "dentist 2026-11-20 at 8am", "dentist"],
)
def test_the_tools_say_dates_in_core_dates_words(service: TaskService, text: str) -> None:
    # The clock is Sunday 2026-11-22 10:00 Berlin: today, tomorrow, a weekday, later, past.
    result = tools.call(service, "add_task", {"text": text})
    (task,) = service.list_tasks(TaskFilter(status="all"))
    when = "" if task.due is None else " " + dates.describe_near(task.due, service.now())
    assert result.summary == f"✓ added #{task.id} 'dentist'{when}"
