"""core.links: cycles named, ids parsed, the tree order of `list --tree` (pure)."""

from __future__ import annotations

import pytest

from core import links
from core.errors import BadInput


def test_a_parent_chain_that_comes_back_is_named() -> None:
    parents = {2: 1, 3: 2}
    with pytest.raises(BadInput, match=r"\(1 -> 3 -> 2 -> 1\)"):
        links.check_parent(1, 3, parents)
    links.check_parent(4, 3, parents)  # a new branch is fine
    links.check_parent(1, None, parents)


def test_the_shortest_dependency_cycle_is_named() -> None:
    depends = {2: [3, 9], 3: [1], 9: [8], 8: [1]}
    with pytest.raises(BadInput, match=r"dependency cycle: 1 -> 2 -> 3 -> 1$"):
        links.check_depends(1, [2], depends)
    with pytest.raises(BadInput, match=r"1 -> 1"):
        links.check_depends(1, [1], {})
    links.check_depends(1, [4], depends)


@pytest.mark.parametrize(("text", "ids"), [("3,4", (3, 4)), ("4 3 3", (3, 4)), ("", ())])
def test_ids_parse(text: str, ids: tuple[int, ...]) -> None:
    assert links.parse_ids(text) == ids


@pytest.mark.parametrize("text", ["3,x", "0", "-1", "2.5"])
def test_bad_ids_are_named(text: str) -> None:
    with pytest.raises(BadInput, match="is not a task id"):
        links.parse_ids(text)


def test_tree_order_keeps_sibling_order_and_lifts_orphans() -> None:
    ids = [5, 1, 3, 2, 4]
    parent_of = {3: 1, 2: 1, 4: 3, 5: 99}
    assert links.tree_order(ids, parent_of) == [(5, 0), (1, 0), (3, 1), (4, 2), (2, 1)]
