"""`todo list EXPRESSION...` and `todo count EXPRESSION...`: the filter language on the command
line, combined with the options by `and`; bad expressions exit 2 with a caret."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import add, day, fails, ids, isolate, ok


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("expressions")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        add("pay rent", "-t", "home", "-p", "high", "--due", str(day(-2)))  # 1, overdue
        add("water plants", "-t", "home", "--due", str(day(3)))  # 2
        add("write report", "-t", "work", "-p", "high")  # 3
        add("learn c++", "-t", "work", "--notes", "the garden book")  # 4
        add("old chore", "-t", "home")  # 5, completed
        ok("done", "5")
    return home


@pytest.fixture(autouse=True)
def _use_dataset(dataset: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, dataset)
        yield


@pytest.mark.parametrize(("args", "expected"), [
    (["+home"], [1, 2]),
    (["+home", "or", "p:h"], [1, 2, 3]),
    (["(+home or +work) and not p:h"], [2, 4]),
    (["--", "-home"], [3, 4]),
    (["not", "+home", "p:h"], [3]),
    (["is:overdue"], [1]),
    (["has:due", "or", "c++"], [1, 2, 4]),
    (["garden"], [4]),
    (["pay rent"], [1]),
    (['"rent pay"'], [1]),
    ([f"due.before:{day(3)}"], [1]),
    (["due.after:in 2 days"], [2]),
    (["+home", "--priority", "high"], [1]),
    (["--tag", "work", "p:h or learn"], [3, 4]),
    (["status:completed"], [5]),
    (["status:all", "+home"], [1, 2, 5]),
    (["--status", "pending", "status:completed"], []),
    ([], [1, 2, 3, 4]),
])
def test_list_selects_by_expression(args: list[str], expected: list[int]) -> None:
    assert sorted(ids(*args)) == expected


def test_count_takes_the_same_expression() -> None:
    assert ok("count", "+home", "or", "p:h").stdout.strip() == "3"
    assert json.loads(ok("count", "--json", "status:all").stdout) == {"count": 5}


@pytest.mark.parametrize(("args", "caret"), [
    (["+home", "or"], "        ^"),
    (["(+home"], "      ^"),
    (["due.before:someday"], "           ^"),
    (["colour:red"], "^"),
])
def test_a_bad_expression_exits_2_with_a_caret(args: list[str], caret: str) -> None:
    # --status all: the expression is then first parsed inside the read transaction.
    for command in (["list"], ["count"], ["list", "--status", "all"]):
        lines = fails(2, *command, *args).stderr.splitlines()
        assert lines[0].startswith("error: bad filter: ")
        assert lines[1] == "  " + " ".join(args)
        assert lines[2] == "  " + caret
