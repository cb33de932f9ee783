"""CLI test fixtures on top of tests/conftest.py.

`home` is `todo_home` holding an already-migrated database, copied from one the real CLI
created once per session: every test then starts from an empty task list without paying
for the schema migration again. Tests about first runs use `todo_home` itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.helpers import isolate, ok


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TODO_HOME whose empty database the CLI has created and migrated."""
    home = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        assert ok("count").stdout == "0\n"
    return home


@pytest.fixture
def home(todo_home: Path, migrated_template: Path) -> Path:
    """`todo_home` with an empty, migrated database in it."""
    for path in migrated_template.glob("todo.db*"):
        if not path.name.endswith("migrate-lock"):
            shutil.copy2(path, todo_home / path.name)
    return todo_home
