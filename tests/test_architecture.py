"""Layering, enforced: the import-linter contracts and one owner per third-party SDK."""

from __future__ import annotations

import ast
import re
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


# Only these may hold SQL or ask which dialect they speak (issue 14): everything else in core
# calls a named query function of core.queries.
SQL_HOMES = ("core/queries/", "core/store.py", "core/migrations/")
_SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s|"
    r"(CREATE|DROP)\s+(UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s|ALTER\s+TABLE\s|PRAGMA\s)"
)


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string literal; an f-string's pieces joined around its fields."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "x" for v in node.values]
            found.append((node.lineno, "".join(str(p) for p in parts)))
    return found


def sql_outside_queries(paths: list[Path], root: Path) -> list[str]:
    """file:line of each string literal holding an SQL statement outside the SQL homes."""
    strays: dict[tuple[str, int], str] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        if rel.startswith(SQL_HOMES):
            continue
        for line, text in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if _SQL.search(text):  # an f-string and its pieces: one finding per line
                strays.setdefault((rel, line), " ".join(text.split())[:70])
    return [f"{rel}:{line}: {text}" for (rel, line), text in sorted(strays.items())]


def dialect_checks_outside_queries(paths: list[Path], root: Path) -> list[str]:
    """file:line of each `.dialect` read outside the SQL homes."""
    strays = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        if rel.startswith(SQL_HOMES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "dialect":
                strays.append(f"{rel}:{node.lineno}")
    return strays


def _core_sources() -> list[Path]:
    return sorted((ROOT / "core").rglob("*.py"))


def test_core_sql_lives_in_core_queries() -> None:
    strays = sql_outside_queries(_core_sources(), ROOT)
    assert not strays, "SQL outside core/queries and core/store.py:\n" + "\n".join(strays)


def test_only_queries_and_store_branch_on_the_dialect() -> None:
    strays = dialect_checks_outside_queries(_core_sources(), ROOT)
    assert not strays, "dialect branches outside core/queries and core/store.py: " + ", ".join(
        strays
    )


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ('db.run("DELETE FROM task_tag WHERE task_pk = ?", (pk,))\n', 1),
        ('x = (\n    "SELECT a "\n    "FROM t"\n)\n', 2),
        ('sql = f"UPDATE {table} SET a = ?"\n', 1),
        ('db.run("INSERT INTO audit (id) VALUES (?)")\n', 1),
        ('db.run("PRAGMA optimize")\n', 1),
        ('"""Select the tasks; update the title, then delete from the list."""\n', None),
        ('MESSAGE = "UPDATE failed: retry the insert into the table"\n', None),
    ],
)
def test_the_sql_check_finds_statements_and_spares_prose(
    tmp_path: Path, source: str, line: int | None
) -> None:
    module = tmp_path / "core" / "planted.py"
    module.parent.mkdir()
    module.write_text(source, encoding="utf-8")
    found = sql_outside_queries([module], tmp_path)
    if line is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(f"core/planted.py:{line}: "), found


def test_the_sql_check_spares_the_sql_homes(tmp_path: Path) -> None:
    module = tmp_path / "core" / "queries" / "planted.py"
    module.parent.mkdir(parents=True)
    module.write_text('db.run("DELETE FROM task_tag")\nif db.dialect == "sqlite": pass\n')
    assert sql_outside_queries([module], tmp_path) == []
    assert dialect_checks_outside_queries([module], tmp_path) == []


def test_no_interface_runs_the_drain() -> None:
    """The embedded drain is one after-commit hook wired where the service is opened
    (services/opener.py): an interface that ran it by hand could also forget it, and never
    make a recurring task's next instance."""
    mentions = {
        f"{p.relative_to(ROOT)}:{n}"
        for pkg in ("todo_cli", "agent")
        for p in (ROOT / pkg).rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "drain" in line.lower()
    }
    assert not mentions, f"interfaces mention the drain: {sorted(mentions)}"
