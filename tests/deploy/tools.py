"""The external tools the deploy tests run, found where the project installs them.

Python tools come with the dev extras (pyproject.toml) into the virtualenv's bin; Debian ones
(promtool) come from scripts/services.sh. Locally a missing tool skips its test; when CI is
set it fails it, since CI runs the scripts that install them.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def require_tool(name: str, installed_by: str) -> str:
    """The path of executable `name`: the virtualenv's first, then PATH; skip or fail without."""
    local = VENV_BIN / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which(name)
    if found is not None:
        return found
    require_or_skip(f"`{name}` is not installed ({installed_by})")
    raise AssertionError("unreachable")


def require_module(name: str) -> Any:
    """Import a dev-extra module; skip locally without it, fail under CI."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        require_or_skip(f"{name} is not installed (pip install -e .[dev]): {exc}")
        raise


def require_or_skip(message: str) -> None:
    """Skip locally, fail under CI: there the project's own files must have installed it."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def known_env_names() -> set[str]:
    """Every TODO_* variable todo reads: one per setting (`TODO_<SECTION>__<KEY>`), TODO_HOME."""
    from dataclasses import fields, is_dataclass

    from config.settings import ENV_PREFIX, Settings

    names = {"TODO_HOME"}

    def walk(target: object, prefix: str) -> None:
        for f in fields(target):  # type: ignore[arg-type]
            if f.name == "sources":
                continue
            value = getattr(target, f.name)
            dotted = f"{prefix}{f.name}"
            if is_dataclass(value):
                walk(value, dotted + ".")
            else:
                names.add(ENV_PREFIX + dotted.upper().replace(".", "__"))

    walk(Settings(), "")
    return names


def todo_env_names(text: str) -> set[str]:
    """The TODO_* variable names mentioned in a file's text."""
    import re

    return set(re.findall(r"\bTODO_[A-Z0-9_]+[A-Z0-9]", text)) - {"TODO_IMAGE"}
