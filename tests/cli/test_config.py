"""`todo config show` (values and their sources, secrets masked) and `todo config path`."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from config.settings import Settings
from tests.cli.helpers import add, fails, ok

pytestmark = pytest.mark.usefixtures("todo_home")


def _settings(out: str) -> dict[str, tuple[str, str]]:
    """`config show` lines as key -> (value, source); values never contain two spaces."""
    rows: dict[str, tuple[str, str]] = {}
    for line in out.splitlines():
        parts = [p for p in line.split("  ") if p.strip()]
        key = parts[0].strip()
        if len(parts) == 2:  # empty value
            rows[key] = ("", parts[1].strip())
        else:
            rows[key] = (parts[1].strip(), parts[2].strip())
    return rows


def _write_config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_their_sources(todo_home: Path) -> None:
    rows = _settings(ok("config", "show").stdout)

    assert rows["user"] == ("tester", "env TODO_USER")
    assert rows["database.url"] == (f"sqlite:///{todo_home / 'todo.db'}", "default (data dir)")
    assert rows["database.busy_timeout_ms"] == ("10000", "default")
    assert rows["kafka.sasl_password"] == ("", "default")
    assert rows["agent.model"][1] == "default"
    assert set(rows) == _leaf_settings(Settings())


def _leaf_settings(obj: object, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        if f.name == "sources":
            continue
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            names |= _leaf_settings(value, f"{prefix}{f.name}.")
        else:
            names.add(prefix + f.name)
    return names


def test_config_commands_open_no_database(todo_home: Path) -> None:
    ok("config", "show")
    ok("config", "path")
    assert not (todo_home / "todo.db").exists()


def test_config_toml_in_todo_home_is_read(todo_home: Path) -> None:
    other = todo_home / "elsewhere.db"
    config = _write_config(
        todo_home, f'[database]\nurl = "sqlite:///{other}"\n[agent]\nretries = 5\n'
    )
    rows = _settings(ok("config", "show").stdout)

    assert rows["database.url"] == (f"sqlite:///{other}", f"file {config}")
    assert rows["agent.retries"] == ("5", f"file {config}")

    add("stored elsewhere")
    assert other.exists()
    assert not (todo_home / "todo.db").exists()


def test_environment_wins_over_the_file(todo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config(todo_home, f'[database]\nurl = "sqlite:///{todo_home / "file.db"}"\n')
    env_db = todo_home / "env.db"
    monkeypatch.setenv("TODO_DATABASE__URL", f"sqlite:///{env_db}")
    monkeypatch.setenv("TODO_AGENT__RETRIES", "7")

    rows = _settings(ok("config", "show").stdout)
    assert rows["database.url"] == (f"sqlite:///{env_db}", "env TODO_DATABASE__URL")
    assert rows["agent.retries"] == ("7", "env TODO_AGENT__RETRIES")

    add("x")
    assert env_db.exists()
    assert not (todo_home / "file.db").exists()


@pytest.mark.parametrize(
    ("text", "key"),
    [("colour = 'red'\n", "'colour'"), ("[database]\nbogus_key = 1\n", "'database.bogus_key'"),
     ("[nosection]\nx = 1\n", "'nosection'")],
)
def test_unknown_key_in_the_file_is_exit_2_naming_it(todo_home: Path, text: str, key: str) -> None:
    config = _write_config(todo_home, text)
    for args in (["config", "show"], ["list"], ["add", "x"]):
        result = fails(2, *args)
        assert key in result.stderr
        assert str(config) in result.stderr
    assert not (todo_home / "todo.db").exists()


def test_malformed_toml_is_exit_2_naming_the_file(todo_home: Path) -> None:
    config = _write_config(todo_home, "[database\n")
    assert str(config) in fails(2, "config", "show").stderr


def test_a_value_of_the_wrong_type_names_the_key_and_type(todo_home: Path) -> None:
    _write_config(todo_home, '[database]\nbusy_timeout_ms = "soon"\n')
    result = fails(2, "config", "show")
    assert "'database.busy_timeout_ms'" in result.stderr
    assert "'soon'" in result.stderr
    assert "<class" not in result.stderr, result.stderr


def test_sasl_password_is_masked_from_file_and_env(
    todo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_config(todo_home, '[kafka]\nsasl_password = "hunter2"\nsasl_username = "bob"\n')
    out = ok("config", "show").stdout
    assert "hunter2" not in out
    assert _settings(out)["kafka.sasl_password"][0] == "********"
    assert _settings(out)["kafka.sasl_username"][0] == "bob"

    monkeypatch.setenv("TODO_KAFKA__SASL_PASSWORD", "s3cr3t-env")
    out = ok("config", "show").stdout
    assert "s3cr3t-env" not in out
    assert _settings(out)["kafka.sasl_password"] == ("********", "env TODO_KAFKA__SASL_PASSWORD")


def test_a_database_url_password_is_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_DATABASE__URL", "postgresql://bob:pa55word@db.example:5432/todo")
    out = ok("config", "show").stdout
    assert "pa55word" not in out
    assert _settings(out)["database.url"][0] == "postgresql://bob:********@db.example:5432/todo"


def test_config_path_names_the_files(todo_home: Path) -> None:
    assert ok("config", "path").stdout == (
        f"config   {todo_home / 'config.toml'}\n"
        f"data     {todo_home}\n"
        f"database sqlite:///{todo_home / 'todo.db'}\n"
    )


def test_config_path_masks_a_database_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_DATABASE__URL", "postgresql://bob:pa55word@db.example:5432/todo")
    out = ok("config", "path").stdout
    assert "pa55word" not in out, out


def test_timezone_setting_beats_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_TIMEZONE", "America/New_York")
    task = add("x", "--due", "2027-01-15 09:00")
    assert task["due"] == "2027-01-15T09:00:00-05:00"
    assert _settings(ok("config", "show").stdout)["timezone"] == (
        "America/New_York", "env TODO_TIMEZONE"
    )


def test_unknown_timezone_setting_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_TIMEZONE", "Mars/Olympus")
    assert "'Mars/Olympus'" in fails(2, "list").stderr
