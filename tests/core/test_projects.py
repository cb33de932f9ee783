"""Project paths and quick add's project and date fields (pure)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core import dates, project_tree, projects
from core.errors import BadInput
from core.quickadd import parse

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)  # a Sunday


def test_normalise_trims_segments() -> None:
    assert projects.normalise(" home / garden ") == "home/garden"


@pytest.mark.parametrize(("path", "part"), [
    ("", "needs a name"), ("/", "needs a name"), ("home//garden", "segment 2"),
    ("/home", "segment 1"), ("home/", "segment 2"), ("a\x1bb", "\\x1b"),
])
def test_bad_paths_name_the_part(path: str, part: str) -> None:
    with pytest.raises(BadInput, match=part.replace("\\", "\\\\")):
        projects.normalise(path)


def test_contains_is_by_segment() -> None:
    assert projects.contains("home", "home/garden")
    assert projects.contains("home", "home")
    assert not projects.contains("home", "homework")
    assert not projects.contains("home", None)


def test_like_prefix_escapes_wildcards() -> None:
    assert projects.like_prefix("a_b%c\\") == "a\\_b\\%c\\\\/%"


def test_rename_refuses_into_itself() -> None:
    with pytest.raises(BadInput, match="own sub-project"):
        projects.check_rename("home", "home/x")
    assert projects.renamed("home/garden", "home", "house") == "house/garden"


def test_tree_counts_own_and_total() -> None:
    roots = project_tree.tree({"home/garden": 2, "home": 1, "Work": 4, "a/b/c": 1})
    assert [project_tree.to_dict(r)["project"] for r in roots] == ["a", "home", "Work"]
    home = roots[1]
    assert (home.own, home.total, home.children[0].total) == (1, 3, 2)
    assert (roots[0].own, roots[0].total, roots[0].children[0].children[0].path) == (0, 1, "a/b/c")


def test_quick_add_fields() -> None:
    got = parse("paint pro:home/garden wait:fri sch:mon until:dec 31 #x", NOW)
    assert got.title == "paint"
    assert got.project == "home/garden"
    assert (got.wait, got.scheduled, got.until) == (
        date(2026, 11, 27), date(2026, 11, 23), date(2026, 12, 31))
    assert got.tags == ("x",)


def test_quick_add_date_field_over_several_words_and_after_a_space() -> None:
    assert parse("x wait:next fri at 9am", NOW).wait == datetime(2026, 11, 27, 9, tzinfo=BERLIN)
    assert parse("x wait: tomorrow y", NOW).title == "x y"


def test_quick_add_short_project_only_for_a_path() -> None:
    assert parse("x ^home", NOW).project == "home"
    assert parse("x ^ y^2 ^/", NOW).title == "x ^ y^2 ^/"


def test_quick_add_quoted_field_stays_title() -> None:
    assert parse('"project:home" x', NOW).title == "project:home x"


@pytest.mark.parametrize("text", ["x wait:blursday", "x until:", "x project:", "x pro:a//b"])
def test_quick_add_bad_field_is_an_error(text: str) -> None:
    with pytest.raises(BadInput):
        parse(text, NOW)


def test_moment_start_and_end_of_day() -> None:
    assert dates.moment(date(2026, 12, 1), BERLIN) == datetime(2026, 12, 1, tzinfo=BERLIN)
    assert dates.moment(date(2026, 12, 1), BERLIN, end_of_day=True) == datetime(
        2026, 12, 2, tzinfo=BERLIN)
