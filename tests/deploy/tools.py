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


def require_or_skip(message: str) -> None:
    """Skip locally, fail under CI: there the project's own files must have installed it."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
