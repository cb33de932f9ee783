"""Trees written back as text (core.filterlang.unparse) parse to the same tree: hypothesis
builds trees of every node type, nested, and round-trips them through the parser."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.filterlang import parse
from core.filterlang.tree import (
    And,
    DayRange,
    Everything,
    Has,
    Is,
    Node,
    Not,
    Or,
    PriorityIs,
    Project,
    StatusIs,
    Tag,
    Text,
)
from core.filterlang.unparse import to_text
from core.priorities import Priority

TEXTS = ["pay", "c++", "10:30", "and", "OR", "pay rent", " spaced ", "-5", "+x", "(a)",
         "due:fri", "café", "x_y"]
DATE_WORDS = ["fri", "today", "in 3 days", "2026-12-24", "dec 5", "end of month"]
atoms = st.one_of(
    st.builds(Tag, st.sampled_from(["work", "well-known", "x_1", "café"])),
    st.builds(Project, st.sampled_from(["home", "home/garden", "my project"])),
    st.builds(PriorityIs, st.sampled_from(list(Priority))),
    st.builds(StatusIs, st.sampled_from(["pending", "completed", "deleted", "all"])),
    st.builds(DayRange, st.sampled_from(["due", "scheduled"]),
              st.sampled_from(["before", "after", "on"]), st.sampled_from(DATE_WORDS)),
    st.builds(Is, st.sampled_from(["blocked", "waiting", "overdue"])),
    st.builds(Has, st.sampled_from(["subtasks", "due"])),
    st.builds(Text, st.sampled_from(TEXTS)),
)
trees = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: And(tuple(items))),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: Or(tuple(items))),
    ),
    max_leaves=8,
)


@given(trees)
@example(Or((Not(Tag("work")), And((Text("and"), Text("or"))))))
@example(Not(Not(Tag("work"))))
def test_the_text_of_a_tree_parses_back_to_it(node: Node) -> None:
    assert parse(to_text(node)) == node


@pytest.mark.parametrize(("node", "text"), [
    (Everything(), ""),
    (And((Tag("a"), Or((Text("b"), Text("c"))))), "+a (b or c)"),
    (Or((Not(Tag("a")), PriorityIs(Priority.HIGH))), "-a or p:high"),
    (DayRange("due", "before", "in 3 days"), 'due.before:"in 3 days"'),
    (Text("and"), '"and"'),
])
def test_the_text_reads_as_typed(node: Node, text: str) -> None:
    assert to_text(node) == text


def test_a_quote_inside_a_value_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="double quote"):
        to_text(Text('say "hi"'))
