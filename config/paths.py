"""Where todo keeps its files: the platform's user directories, or everything under TODO_HOME.

On Linux and the BSDs the directories are the XDG base directories, worked out here: asking
platformdirs costs every command ~4 ms of imports (tempfile, shutil, random), more than a
tenth of the start-up budget. Elsewhere (macOS, Windows) platformdirs knows the conventions.
tests/cli/test_paths.py holds the two to the same answers. Paths are text (os.path), not
pathlib's: every command reads them, and pathlib with urllib.parse costs ~2 ms to import.
"""

from __future__ import annotations

import os
import sys

APP = "todo"
_XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")


def home_override() -> str | None:
    """The TODO_HOME directory if set: config and data then live together there (tests use it)."""
    value = os.environ.get("TODO_HOME")
    return os.path.expanduser(value) if value else None


def config_dir() -> str:
    """The directory holding config.toml."""
    home = home_override()
    if home is not None:
        return home
    if sys.platform.startswith(_XDG_PLATFORMS):
        return xdg_dir("XDG_CONFIG_HOME", "~/.config")
    import platformdirs

    return platformdirs.user_config_dir(APP)


def data_dir() -> str:
    """The directory holding the SQLite database."""
    home = home_override()
    if home is not None:
        return home
    if sys.platform.startswith(_XDG_PLATFORMS):
        return xdg_dir("XDG_DATA_HOME", "~/.local/share")
    import platformdirs

    return platformdirs.user_data_dir(APP)


def xdg_dir(variable: str, default: str) -> str:
    """todo's folder in the XDG base directory `variable` names, or in `default` when it is
    unset, empty or relative (the spec: relative paths are invalid and ignored)."""
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):
        base = os.path.expanduser(default)
    return os.path.join(base, APP)


def config_file() -> str:
    """The TOML settings file (it need not exist)."""
    return os.path.join(config_dir(), "config.toml")


def default_database_url() -> str:
    """The embedded default: a SQLite file in the data dir."""
    return f"sqlite:///{os.path.join(data_dir(), 'todo.db')}"
