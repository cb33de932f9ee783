"""`--json` on the read commands: count, tags, history, audit, reminders, config show.

Each command runs through the real CLI in an isolated TODO_HOME; its output is checked
against the JSON Schema of the shape README's "JSON output" section documents, and its
values against what the test did. The output is one JSON document and nothing else, with
no control character left raw (stored text may hold some: older versions let them in).
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.cli.helpers import (
    add,
    cli_env,
    describe,
    fails,
    ok,
    run,
    show,
    tasks_json,
    todo_process,
)

pytestmark = pytest.mark.usefixtures("home")

# -- the documented shapes ---------------------------------------------------------------------

ISO_TIME = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"}
UUID = {"type": "string", "pattern": r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"}
CHANGES = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {"old": {}, "new": {}},
        "required": ["old", "new"],
        "additionalProperties": False,
    },
}


def _object(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, dict[str, Any]] = {
    "count": _object(count={"type": "integer", "minimum": 0}),
    "tags": _array(_object(tag={"type": "string"}, pending={"type": "integer", "minimum": 1})),
    "history": _object(
        task={"type": "integer"},
        task_uuid=UUID,
        title={"type": "string"},
        events=_array(_object(
            time=ISO_TIME, type={"type": "string", "pattern": r"^todo\.task\."}, changes=CHANGES,
        )),
    ),
    "audit": _array(_object(
        time=ISO_TIME,
        type={"type": "string", "pattern": r"^todo\."},
        source={"type": "string"},
        task={"type": ["integer", "null"]},
        task_uuid={"anyOf": [UUID, {"type": "null"}]},
        title={"type": ["string", "null"]},
        changes=CHANGES,
        reminder={"type": ["object", "null"]},
        event_id=UUID,
    )),
    "reminders": _array(_object(
        task={"type": "integer"},
        title={"type": "string"},
        at=ISO_TIME,
        before={"type": ["string", "null"], "pattern": r"^-?P"},
        state={"enum": ["pending", "fired", "dismissed"]},
        task_uuid=UUID,
    )),
    "projects": {
        "type": "array",
        "items": {"$ref": "#/$defs/project"},
        "$defs": {"project": _object(
            name={"type": "string", "minLength": 1},
            project={"type": "string", "minLength": 1},
            pending={"type": "integer", "minimum": 0},
            total={"type": "integer", "minimum": 0},
            children=_array({"$ref": "#/$defs/project"}),
        )},
    },
    "config": {
        "type": "object",
        "additionalProperties": _object(
            value={"type": ["string", "integer", "number", "boolean", "null"]},
            source={"type": "string"},
        ),
    },
}


def _json(schema: str, *args: str) -> Any:
    """`todo ARGS --json`: exit 0, nothing on stderr, one JSON document of `schema`."""
    result = ok(*args, "--json")
    assert result.stdout.endswith("\n") and result.stdout.count("\n") == 1, result.stdout
    value = json.loads(result.stdout)
    jsonschema.validate(value, SCHEMAS[schema])
    return value


def _ref(task: dict[str, Any]) -> dict[str, Any]:
    return {"task": task["id"], "task_uuid": task["uuid"], "title": task["title"]}


# -- count and tags ----------------------------------------------------------------------------


def test_count_is_the_number_of_tasks_list_shows_for_the_same_filters() -> None:
    assert _json("count", "count") == {"count": 0}
    add("pay rent tomorrow #home #finance !high")
    add("buy milk today #home")
    add("read a book")
    add("call bank #finance !low")
    ok("done", "3")

    for filters in ([], ["--tag", "home"], ["--tag", "finance", "--priority", "high"],
                    ["--status", "all"], ["--status", "completed"], ["--no-due"],
                    ["--search", "milk"], ["--tag", "nowhere"]):
        expected = len(tasks_json(*filters))
        assert _json("count", "count", *filters) == {"count": expected}, filters
    assert _json("count", "count", "--status", "all") == {"count": 4}


def test_tags_are_counted_over_pending_tasks_in_tag_order() -> None:
    add("a #work #home")
    add("b #work")
    add("c #errands")
    ok("done", "3")

    assert _json("tags", "tags") == [{"tag": "home", "pending": 1}, {"tag": "work", "pending": 2}]


def test_tags_json_with_no_tags_is_an_empty_list() -> None:
    add("untagged")
    assert _json("tags", "tags") == []


def test_tags_json_before_a_subcommand_is_refused_and_renames_nothing() -> None:
    add("a #work")
    result = fails(2, "tags", "--json", "rename", "work", "job")
    assert "--json" in result.stderr
    assert _json("tags", "tags") == [{"tag": "work", "pending": 1}]


# -- history and audit -------------------------------------------------------------------------


def test_history_lists_the_changes_made_with_old_and_new_values() -> None:
    task = add("pay rent #finance", "--due", "2027-01-04")
    ok("edit", "1", "--title", "pay the rent", "--tag", "home", "--due", "2027-01-05 09:00",
       "-p", "high")
    ok("done", "1")
    done = show(1)

    value = _json("history", "history", "1")

    assert {k: value[k] for k in ("task", "task_uuid", "title")} == _ref(done)
    assert [e["type"] for e in value["events"]] == [
        "todo.task.created", "todo.task.updated", "todo.task.completed"
    ]
    created, updated, completed = value["events"]
    assert updated["changes"] == {
        "title": {"old": "pay rent", "new": "pay the rent"},
        "priority": {"old": "none", "new": "high"},
        "tags": {"old": ["finance"], "new": ["finance", "home"]},
        "due": {"old": "2027-01-04", "new": "2027-01-05T09:00:00+01:00"},
    }
    assert completed["changes"]["status"] == {"old": "pending", "new": "completed"}
    assert completed["changes"]["completed"] == {"old": None, "new": done["completed"]}
    assert created["time"] == task["created"]
    times = [e["time"] for e in value["events"]]
    assert times == sorted(times)


def test_history_of_a_missing_task_is_exit_1_with_nothing_on_stdout() -> None:
    assert fails(1, "history", "7", "--json").stderr == "error: no task with id 7\n"


def test_audit_lists_every_event_with_its_task_source_and_id() -> None:
    rent = add("pay rent")
    milk = add("buy milk")
    ok("edit", "2", "--title", "buy oat milk")
    ok("done", "1")

    entries = _json("audit", "audit")

    assert [(e["type"], e["task"], e["title"]) for e in entries] == [
        ("todo.task.created", 1, "pay rent"),
        ("todo.task.created", 2, "buy milk"),
        ("todo.task.updated", 2, "buy oat milk"),
        ("todo.task.completed", 1, "pay rent"),
    ]
    assert [e["task_uuid"] for e in entries] == [rent["uuid"], milk["uuid"], milk["uuid"],
                                                 rent["uuid"]]
    assert entries[2]["changes"] == {"title": {"old": "buy milk", "new": "buy oat milk"}}
    assert len({e["event_id"] for e in entries}) == 4
    assert {e["source"] for e in entries} == {entries[0]["source"]}
    assert "tester" in entries[0]["source"]
    assert all(e["reminder"] is None for e in entries)

    assert [e["task"] for e in _json("audit", "audit", "--type", "completed")] == [1]
    assert _json("audit", "audit", "--limit", "2") == entries[:2]


def test_audit_shows_a_reminder_event_with_its_reminder() -> None:
    from config.settings import load_settings
    from core import open_service
    from services.embedded import run_inline

    task = add("dentist in 2 days at 10am remind me 1h before")
    svc = open_service(load_settings())
    try:
        claimed = svc.claim_due_reminders(svc.now() + timedelta(days=3))
        run_inline(svc)  # the audit consumer, as after any command
    finally:
        svc.close()

    [due] = _json("audit", "audit", "--type", "todo.reminder.due")

    assert {k: due[k] for k in ("task", "task_uuid", "title")} == _ref(task)
    assert due["changes"] == {}
    assert due["reminder"]["at"] == task["reminders"][0]["at"]
    assert due["reminder"]["before"] == "PT1H"
    assert [c.task.id for c in claimed] == [1]


# -- reminders ---------------------------------------------------------------------------------


def test_reminders_refer_to_their_task_by_id_and_uuid() -> None:
    later = add("later in 3 days at 10am remind me 1h before")
    soon = add("soon in 2 days at 10am remind me 30m before")

    rows = _json("reminders", "reminders")

    assert [(r["task"], r["task_uuid"], r["title"]) for r in rows] == [
        (2, soon["uuid"], "soon"), (1, later["uuid"], "later")
    ]
    assert [(r["at"], r["before"], r["state"]) for r in rows] == [
        (soon["reminders"][0]["at"], "PT30M", "pending"),
        (later["reminders"][0]["at"], "PT1H", "pending"),
    ]
    assert _json("reminders", "reminders", "--all") == rows


# -- config show -------------------------------------------------------------------------------

SECRETS = {
    "TODO_DATABASE__URL": "postgresql://todo:db-pass-1@127.0.0.1:1/nowhere",
    "TODO_NOTIFY__WEBHOOK_URL": "https://me:hook-pass-2@ntfy.example/alerts",
    "TODO_NOTIFY__WEBHOOK_TOKEN": "token-3",
    "TODO_NOTIFY__SMTP_PASSWORD": "smtp-pass-4",
    "TODO_KAFKA__SASL_PASSWORD": "sasl-pass-5",
}


def test_config_show_json_has_every_setting_typed_with_its_source() -> None:
    text = ok("config", "show").stdout.splitlines()
    value = _json("config", "config", "show")

    assert list(value) == [line.split()[0] for line in text]
    assert value["user"] == {"value": "tester", "source": "env TODO_USER"}
    assert value["database.busy_timeout_ms"] == {"value": 10000, "source": "default"}
    assert value["notify.smtp_starttls"] == {"value": True, "source": "default"}
    assert value["notify.backoff_s"] == {"value": 1.0, "source": "default"}
    assert value["kafka.sasl_password"] == {"value": None, "source": "default"}


def test_config_show_json_masks_secrets_as_the_table_does(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, secret in SECRETS.items():
        monkeypatch.setenv(name, secret)

    result = ok("config", "show", "--json")
    value = json.loads(result.stdout)

    for secret in ("db-pass-1", "hook-pass-2", "token-3", "smtp-pass-4", "sasl-pass-5"):
        assert secret not in result.stdout
    assert value["database.url"]["value"] == "postgresql://todo:********@127.0.0.1:1/nowhere"
    assert value["notify.webhook_url"]["value"] == "https://me:********@ntfy.example/alerts"
    for key in ("notify.webhook_token", "notify.smtp_password", "kafka.sasl_password"):
        assert value[key]["value"] == "********", key
    assert value["notify.smtp_password"]["source"] == "env TODO_NOTIFY__SMTP_PASSWORD"


# -- only JSON, nothing raw --------------------------------------------------------------------

RAW = re.compile(r"[\x00-\x1f\x7f-\x9f]")
HOSTILE = "rent\x1b]0;pwned\x07 \x9b2J \x7f"


def _hostile_database(home: Path) -> None:
    """Control characters in a title, a tag and an audited change, written directly (as an
    older version could have)."""
    add("rent in 2 days at 9am #home remind me 1h before")
    ok("edit", "1", "--title", "pay rent")
    with sqlite3.connect(home / "todo.db") as db:
        db.execute("UPDATE task SET title = ? WHERE id = 1", (HOSTILE,))
        db.execute("UPDATE task_tag SET tag = ?", ("ho\x1bme",))
        db.execute("UPDATE audit SET changes = ?",
                   (json.dumps({"title": HOSTILE, "changes": {"title": {"old": "a\x9bb",
                                                                        "new": HOSTILE}}}),))


COMMANDS = {
    "count": ("count",),
    "tags": ("tags",),
    "history": ("history", "1"),
    "audit": ("audit",),
    "reminders": ("reminders",),
    "config": ("config", "show"),
    "projects": ("projects",),
}
# What each command shows of the stored text.
HOSTILE_SHOWN = {"tags": "ho\x1bme", "history": HOSTILE, "audit": HOSTILE, "reminders": HOSTILE,
                 "config": HOSTILE}


@pytest.mark.parametrize("schema", list(HOSTILE_SHOWN))
def test_stored_control_characters_come_out_escaped(home: Path, schema: str) -> None:
    _hostile_database(home)
    args = (*COMMANDS[schema], "--json")
    result = run(*args, env={"TODO_NOTIFY__SMTP_FROM": HOSTILE})
    assert (result.exit_code, result.stderr) == (0, ""), describe(args, result)

    assert RAW.search(result.stdout.removesuffix("\n")) is None, repr(result.stdout)
    value = json.loads(result.stdout)
    jsonschema.validate(value, SCHEMAS[schema])
    assert HOSTILE_SHOWN[schema] in _strings(value)


def _strings(value: Any) -> set[str]:
    """Every string inside a parsed JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*map(_strings, value))
    return set()


@pytest.mark.parametrize("schema", list(COMMANDS))
def test_the_real_script_prints_the_json_alone(home: Path, schema: str) -> None:
    env = cli_env(home)
    assert todo_process("add", "x in 2 days at 9am #t remind me 1h before ^home/garden",
                        env=env).returncode == 0
    proc = todo_process(*COMMANDS[schema], "--json", env=env)

    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.count("\n") == 1 and proc.stdout.endswith("\n")
    jsonschema.validate(json.loads(proc.stdout), SCHEMAS[schema])


def test_projects_json_is_the_tree_with_counts() -> None:
    add("a ^home")
    add("b ^home/garden/beds")
    value = json.loads(ok("projects", "--json").stdout)
    jsonschema.validate(value, SCHEMAS["projects"])
    assert value == [{"name": "home", "project": "home", "pending": 1, "total": 2, "children": [
        {"name": "garden", "project": "home/garden", "pending": 0, "total": 1, "children": [
            {"name": "beds", "project": "home/garden/beds", "pending": 1, "total": 1,
             "children": []}]}]}]


def test_a_first_run_prints_the_json_alone(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"  # no database yet: this command creates and migrates it
    fresh.mkdir()
    proc = todo_process("count", "--json", env=cli_env(fresh))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, '{"count": 0}\n', "")


def test_the_settings_table_shows_a_hostile_value_escaped(home: Path) -> None:
    result = run("config", "show", env={"TODO_NOTIFY__SMTP_FROM": HOSTILE})
    assert result.exit_code == 0, describe(("config", "show"), result)
    assert RAW.search(result.stdout.replace("\n", "")) is None, repr(result.stdout)
    assert "\\x1b" in result.stdout
