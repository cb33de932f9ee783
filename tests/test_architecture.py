"""Layering, enforced: the import-linter contracts and one owner per third-party SDK."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("core", "config", "todo_cli", "agent", "services")
# Each SDK may be imported by exactly these files (relative to the repo root).
SDK_OWNERS = {
    "google.genai": {"agent/gemini.py"},
    "mcp": {"agent/mcp_server.py"},
    "confluent_kafka": {"services/kafka.py"},
    "prometheus_client": {"services/metrics.py"},
}
TEXTUAL_HOME = "todo_cli/tui/"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _sources() -> list[Path]:
    return [p for pkg in PACKAGES if (ROOT / pkg).exists() for p in (ROOT / pkg).rglob("*.py")]


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "import-linter is not installed"
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("sdk", sorted(SDK_OWNERS))
def test_each_sdk_has_one_owner(sdk: str) -> None:
    users = {
        str(p.relative_to(ROOT))
        for p in _sources()
        if any(name == sdk or name.startswith(sdk + ".") for name in _imports(p))
    }
    assert users <= SDK_OWNERS[sdk]


def test_textual_only_under_the_tui() -> None:
    users = {
        str(p.relative_to(ROOT))
        for p in _sources()
        if any(n == "textual" or n.startswith("textual.") for n in _imports(p))
    }
    assert all(u.startswith(TEXTUAL_HOME) for u in users), users


def test_only_the_store_layer_talks_to_database_drivers() -> None:
    allowed = {"core/store.py", "core/models.py", "core/migrations/env.py"}
    drivers = ("sqlite3", "psycopg", "sqlalchemy", "sqlmodel")
    users = {
        str(p.relative_to(ROOT))
        for p in _sources()
        if "/versions/" not in str(p)
        and any(n == d or n.startswith(d + ".") for n in _imports(p) for d in drivers)
    }
    assert users <= allowed, users - allowed
