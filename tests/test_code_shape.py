"""The shape of the code, measured (issue 14): no module outside tests and bench over 400
lines, and the median function under 10 lines, docstring included."""

from __future__ import annotations

import ast
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "config", "todo_cli", "agent", "services")


def function_lengths(paths: list[Path]) -> list[int]:
    """The length in lines of every function and method defined in `paths`."""
    lengths = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths.append((node.end_lineno or node.lineno) - node.lineno + 1)
    return lengths


def _sources() -> list[Path]:
    # Alembic versions are generated upgrade scripts, not code we shape.
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
            if "migrations/versions" not in p.as_posix()]


def test_the_median_function_is_under_ten_lines() -> None:
    lengths = function_lengths(_sources())
    assert len(lengths) > 1000  # the walk found the code, not an empty tree
    assert statistics.median(lengths) < 10, statistics.median(lengths)


def test_the_measure_counts_a_long_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n" + "    x = 1\n" * 11 + "\n\ndef g():\n    pass\n")
    assert function_lengths([module]) == [12, 2]


def test_no_module_is_over_400_lines() -> None:
    long = {p.relative_to(ROOT).as_posix(): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"split these by what they own: {long}"
