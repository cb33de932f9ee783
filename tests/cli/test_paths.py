"""Without TODO_HOME, todo's folders are the XDG base directories, as platformdirs (an
implementation we did not write) gives them: config.paths works them out itself on Linux."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

from config import paths

VALUES = {"unset": None, "empty": "", "relative": "relative/dir", "absolute": "/srv/xdg"}


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TODO_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are Linux's")
@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
@pytest.mark.parametrize(
    ("variable", "ours", "theirs"),
    [
        ("XDG_CONFIG_HOME", paths.config_dir, platformdirs.user_config_dir),
        ("XDG_DATA_HOME", paths.data_dir, platformdirs.user_data_dir),
    ],
    ids=["config", "data"],
)
def test_the_folders_are_platformdirs_ones(
    user_home: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str | None,
    ours: Callable[[], str], theirs: Callable[[str], str],
) -> None:
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    assert ours() == theirs("todo")
    assert ours().startswith("/srv/xdg" if value == "/srv/xdg" else str(user_home))


def test_todo_home_holds_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_HOME", str(tmp_path))
    assert paths.config_file() == str(tmp_path / "config.toml")
    assert paths.default_database_url() == f"sqlite:///{tmp_path / 'todo.db'}"
