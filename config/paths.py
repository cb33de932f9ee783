"""Where todo keeps its files: platform dirs, or everything under TODO_HOME."""

from __future__ import annotations

import os
from pathlib import Path

APP = "todo"


def home_override() -> Path | None:
    """The TODO_HOME directory if set: config and data then live together there (tests use it)."""
    value = os.environ.get("TODO_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The directory holding config.toml."""
    home = home_override()
    if home is not None:
        return home
    import platformdirs  # deferred: only needed when TODO_HOME is unset

    return Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    """The directory holding the SQLite database."""
    home = home_override()
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP))


def config_file() -> Path:
    """The TOML settings file (it need not exist)."""
    return config_dir() / "config.toml"


def default_database_url() -> str:
    """The embedded default: a SQLite file in the data dir."""
    return f"sqlite:///{data_dir() / 'todo.db'}"
