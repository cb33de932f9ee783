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
# Each third-party SDK may be imported only by these files (relative to the repo root); an entry
# ending in "/" admits a whole package. One owner per SDK keeps it swappable and keeps it off the
# start-up path of commands that do not use it.
SDK_OWNERS: dict[str, set[str]] = {
    "textual": {"todo_cli/tui/"},
    # The report charts; Textual loads Rich anyway, so the TUI may use it freely.
    "rich": {"todo_cli/tui/", "todo_cli/render_charts.py"},
    "google.genai": {"agent/gemini.py"},
    "mcp": {"agent/mcp_server.py"},
    "keyring": {"agent/keys.py"},
    "confluent_kafka": {"services/kafka.py"},
    "prometheus_client": {"services/metrics.py"},
    "httpx": {"services/channels.py"},
    # One module per iCalendar concern (import, export, alarms), all inside core/formats.
    "icalendar": {"core/formats/"},
    "psycopg": {"core/store.py"},
}


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


def _sdk_users(sdk: str) -> set[str]:
    return {
        str(p.relative_to(ROOT))
        for p in _sources()
        if any(name == sdk or name.startswith(sdk + ".") for name in _imports(p))
    }


def _owned(path: str, owners: set[str]) -> bool:
    return any(path == o or (o.endswith("/") and path.startswith(o)) for o in owners)


@pytest.mark.parametrize("sdk", sorted(SDK_OWNERS))
def test_each_sdk_has_one_owner(sdk: str) -> None:
    owners = SDK_OWNERS[sdk]
    users = _sdk_users(sdk)
    strays = {u for u in users if not _owned(u, owners)}
    assert not strays, f"{sdk} may only be imported by {sorted(owners)}, also by {sorted(strays)}"
    # A stale owner would let the table drift from the code; an unused SDK should leave the table.
    idle = {o for o in owners if not any(_owned(u, {o}) for u in users)}
    assert not idle, f"{sdk}: listed owner(s) {sorted(idle)} no longer import it"


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
