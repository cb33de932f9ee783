"""`todo list` (and `ls`, `count`, bare `todo`): every filter, every sort, limits.

One data set, built once per module through the CLI with dates relative to the real today,
is read by every test here; the tests only read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import add, day, fails, ids, isolate, ok, tasks_json

# id: (title, due, tags, priority, notes)
DATA: dict[int, tuple[str, str | None, list[str], str, str | None]] = {
    1: ("pay rent", f"{day(-3)}", ["finance", "home"], "high", "landlord: cash only"),
    2: ("water plants", f"{day(0)}", ["home"], "low", None),
    3: ("dentist", f"{day(1)} 09:00", ["health"], "medium", None),
    4: ("write report", f"{day(5)}", ["work"], "high", "quarterly numbers"),
    5: ("renew passport", f"{day(30)}", ["admin"], "none", None),
    6: ("read book", None, ["leisure"], "low", None),
    7: ("buy milk", None, [], "none", None),
    8: ("old chore", f"{day(-1)}", ["home"], "none", None),  # completed
    9: ("trashed idea", f"{day(-2)}", ["work"], "none", None),  # deleted
}
PENDING_BY_DUE = [1, 2, 3, 4, 5, 6, 7]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("listing")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        for title, due, tags, priority, notes in DATA.values():
            options = ["-p", priority]
            if due:
                options += ["--due", due]
            for tag in tags:
                options += ["-t", tag]
            if notes:
                options += ["--notes", notes]
            add(title, *options)
        ok("done", "8")
        ok("rm", "9")
    return home


@pytest.fixture(autouse=True)
def _use_dataset(dataset: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, dataset)
        yield


def test_the_data_set_is_as_described() -> None:
    tasks = tasks_json("--status", "all", "--sort", "id")
    assert [(t["id"], t["title"]) for t in tasks] == [(i, d[0]) for i, d in DATA.items()]
    assert tasks[2]["due"].startswith(f"{day(1)}T09:00:00")
    assert [t["status"] for t in tasks][-3:] == ["pending", "completed", "deleted"]


def test_default_is_pending_by_due_with_undated_last() -> None:
    assert ids() == PENDING_BY_DUE


def test_human_table_lists_id_priority_relative_due_title_and_tags() -> None:
    lines = ok("list").stdout.splitlines()
    assert len(lines) == 7
    assert lines[0].split() == ["1", "H", "3", "days", "ago", "pay", "rent", "#finance", "#home"]
    assert lines[1].split() == ["2", "L", "today", "water", "plants", "#home"]
    assert lines[2].split() == ["3", "M", "tomorrow", "09:00", "dentist", "#health"]
    assert lines[6].split() == ["7", "buy", "milk"]


def test_ls_is_an_alias_of_list() -> None:
    assert ok("ls", "--json").stdout == ok("list", "--json").stdout
    assert ok("ls", "-p", "high").stdout == ok("list", "-p", "high").stdout


@pytest.mark.parametrize(
    ("status", "expected"),
    [("pending", PENDING_BY_DUE), ("completed", [8]), ("deleted", [9]),
     ("all", [1, 9, 8, 2, 3, 4, 5, 6, 7])],
)
def test_status_filter(status: str, expected: list[int]) -> None:
    assert ids("--status", status) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--priority", "high"], [1, 4]), (["-p", "m"], [3]), (["-p", "low"], [2, 6]),
     (["-p", "none"], [5, 7]), (["-p", "p1", "--status", "all"], [1, 4])],
)
def test_priority_filter(args: list[str], expected: list[int]) -> None:
    assert ids(*args) == expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [(["home"], [1, 2]), (["home", "finance"], [1]), (["home", "work"], []),
     (["#HOME"], [1, 2]), (["+work"], [4]), (["nosuch"], [])],
)
def test_tag_filter_is_repeatable_and_all_must_match(tags: list[str], expected: list[int]) -> None:
    args = [a for tag in tags for a in ("--tag", tag)]
    assert ids(*args) == expected


def test_tag_filter_short_option_and_other_statuses() -> None:
    assert ids("-t", "home", "--status", "all") == [1, 8, 2]


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--due-before", "tomorrow"], [1, 2]),
     (["--due-before", "today"], [1]),
     (["--due-before", "in 5 days"], [1, 2, 3]),
     (["--due-after", "tomorrow"], [4, 5]),
     (["--due-after", "today"], [3, 4, 5]),
     (["--due-after", "today", "--due-before", "in 30 days"], [3, 4]),
     (["--due-before", str(day(-2))], [1]),
     (["--due-after", str(day(29))], [5])],
)
def test_due_before_and_after_take_quick_add_dates(args: list[str], expected: list[int]) -> None:
    assert ids(*args) == expected


def test_due_before_a_timed_phrase_compares_by_day() -> None:
    assert ids("--due-before", "tomorrow 23:00") == [1, 2]


def test_overdue_only_pending_past_due() -> None:
    assert ids("--overdue") == [1]
    assert ids("--overdue", "--status", "all") == [1, 9, 8]


def test_today() -> None:
    assert ids("--today") == [2]


@pytest.mark.parametrize(("days", "expected"), [(0, [2]), (1, [2, 3]), (5, [2, 3, 4]),
                                                 (30, [2, 3, 4, 5])])
def test_upcoming_n_days(days: int, expected: list[int]) -> None:
    assert ids("--upcoming", str(days)) == expected


def test_no_due() -> None:
    assert ids("--no-due") == [6, 7]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("cash", [1]), ("quart", [4]), ("rep", [4]), ("pay ren", [1]), ("PLANTS", [2]),
     ("milk bob", []), ("landlord rent", [1]), ("nothing", [])],
)
def test_search_matches_word_prefixes_in_title_and_notes(text: str, expected: list[int]) -> None:
    assert ids("--search", text) == expected


def test_search_short_option_combines_with_other_filters() -> None:
    assert ids("-s", "r", "-p", "high") == [1, 4]
    assert ids("-s", "idea", "--status", "deleted") == [9]


def test_filters_combine() -> None:
    assert ids("--tag", "home", "-p", "low", "--today") == [2]
    assert ids("--no-due", "-p", "low") == [6]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("due", PENDING_BY_DUE),
     ("priority", [1, 4, 3, 2, 6, 5, 7]),
     ("created", [1, 2, 3, 4, 5, 6, 7]),
     ("title", [7, 3, 1, 6, 5, 2, 4])],
)
def test_sort_and_reverse(sort: str, expected: list[int]) -> None:
    assert ids("--sort", sort) == expected
    reversed_ids = ids("--sort", sort, "--reverse")
    if sort == "due":
        # Undated tasks stay last even reversed.
        assert reversed_ids == [5, 4, 3, 2, 1, 6, 7]
    else:
        assert reversed_ids == expected[::-1]


def test_sort_urgency() -> None:
    order = ids("--sort", "urgency")
    assert sorted(order) == PENDING_BY_DUE
    assert order[0] == 1  # high and overdue
    assert order[-1] == 7  # no priority, no due
    assert order.index(5) < order.index(6) < order.index(7)
    assert ids("--sort", "urgency", "-r") == order[::-1]


def test_limit() -> None:
    assert ids("--limit", "2") == [1, 2]
    assert ids("-n", "3", "--sort", "priority") == [1, 4, 3]
    assert ids("-n", "1", "-r") == [5]
    assert ids("--limit", "100") == PENDING_BY_DUE


def test_empty_result_prints_nothing_when_piped() -> None:
    assert ok("list", "--tag", "nosuch").stdout == ""
    assert ok("list", "--tag", "nosuch", "--json").stdout == "[]\n"


def test_count_uses_the_same_filters() -> None:
    assert ok("count").stdout == "7\n"
    assert ok("count", "--status", "all").stdout == "9\n"
    assert ok("count", "--tag", "home").stdout == "2\n"
    assert ok("count", "--overdue").stdout == "1\n"
    assert ok("count", "--search", "cash").stdout == "1\n"
    assert ok("count", "--no-due", "-p", "none").stdout == "1\n"
    assert ok("count", "--upcoming", "1").stdout == "2\n"


def test_bare_todo_prints_only_todays_and_overdue_tasks() -> None:
    out = ok().stdout
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2"]
    assert "pay rent" in lines[0] and "water plants" in lines[1]
    for absent in ("dentist", "buy milk", "old chore", "trashed"):
        assert absent not in out


def test_list_rejects_bad_filters_without_traceback() -> None:
    fails(2, "list", "--due-before", "someday")
    fails(2, "list", "--upcoming", "-1")
    fails(2, "list", "--limit", "0")
    fails(2, "list", "--sort", "bogus")
    fails(2, "list", "--status", "nope")
    fails(2, "list", "--search", "!!")
