"""The filter language's parser: each term, precedence (not > and > or, side by side is and),
and errors that point at the column where the expression went wrong."""

from __future__ import annotations

import pytest

from core.errors import BadFilter
from core.filterlang import parse
from core.filterlang.args import join_args
from core.filterlang.tree import (
    And,
    DayRange,
    Everything,
    Has,
    Is,
    Not,
    Or,
    PriorityIs,
    Project,
    StatusIs,
    Tag,
    Text,
    mentions_status,
)
from core.priorities import Priority


@pytest.mark.parametrize(("text", "tree"), [
    ("", Everything()),
    ("   ", Everything()),
    ("+work", Tag("work")),
    ("+Work", Tag("work")),
    ("-home", Not(Tag("home"))),
    ("-well-known", Not(Tag("well-known"))),
    ("project:home", Project("home")),
    ("project:home/garden/", Project("home/garden")),
    ("priority:high", PriorityIs(Priority.HIGH)),
    ("p:h", PriorityIs(Priority.HIGH)),
    ("P:L", PriorityIs(Priority.LOW)),
    ("pri:p2", PriorityIs(Priority.MEDIUM)),
    ("status:completed", StatusIs("completed")),
    ("status:done", StatusIs("completed")),
    ("status:ALL", StatusIs("all")),
    ("is:blocked", Is("blocked")),
    ("is:waiting", Is("waiting")),
    ("is:overdue", Is("overdue")),
    ("has:subtasks", Has("subtasks")),
    ("has:due", Has("due")),
    ("rent", Text("rent")),
    ("c++", Text("c++")),
    ("10:30", Text("10:30")),
    ('"pay rent"', Text("pay rent")),
    ('"and"', Text("and")),
    ('"re: meeting"', Text("re: meeting")),
])
def test_each_term(text: str, tree: object) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "field", "op", "word", "pos"), [
    ("due:today", "due", "on", "today", 4),
    ("due.before:fri", "due", "before", "fri", 11),
    ("due.after:2026-12-24", "due", "after", "2026-12-24", 10),
    ('due.after:"in 3 days"', "due", "after", "in 3 days", 11),
    ("scheduled:tomorrow", "scheduled", "on", "tomorrow", 10),
    ('scheduled.before:"end of month"', "scheduled", "before", "end of month", 18),
    ('scheduled.after:"dec 5"', "scheduled", "after", "dec 5", 17),
])
def test_date_terms_keep_their_word_and_column(
    text: str, field: str, op: str, word: str, pos: int
) -> None:
    node = parse(text)
    assert node == DayRange(field, op, word)  # type: ignore[arg-type]
    assert isinstance(node, DayRange) and node.pos == pos


def test_side_by_side_is_and() -> None:
    assert parse("+a +b pay") == And((Tag("a"), Tag("b"), Text("pay")))
    assert parse("+a and +b") == parse("+a +b")


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    assert parse("a or not b c") == Or((Text("a"), And((Not(Text("b")), Text("c")))))
    assert parse("a b or c") == Or((And((Text("a"), Text("b"))), Text("c")))
    assert parse("not not a") == Not(Not(Text("a")))


def test_parentheses_override_precedence() -> None:
    assert parse("a (b or c)") == And((Text("a"), Or((Text("b"), Text("c")))))
    assert parse("not (a b)") == Not(And((Text("a"), Text("b"))))
    assert parse("(+a)(+b)") == And((Tag("a"), Tag("b")))


def test_keywords_ignore_case_and_quotes_make_them_words() -> None:
    assert parse("a OR b") == Or((Text("a"), Text("b")))
    assert parse('a "or" b') == And((Text("a"), Text("or"), Text("b")))


def _error(text: str) -> BadFilter:
    with pytest.raises(BadFilter) as caught:
        parse(text)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message
    return caught.value


@pytest.mark.parametrize(("text", "column", "expected"), [
    ("+a or", 5, "expected a filter after 'or'"),
    ("+a and", 6, "expected a filter after 'and'"),
    ("not", 3, "expected a filter after 'not'"),
    ("(+a", 3, "expected ')' to close the '(' at column 1"),
    ("+a)", 2, "unexpected ')'"),
    ("()", 1, "expected a filter inside '()'"),
    ("a and or b", 6, "expected a filter after 'and'"),
    ("or a", 0, "expected a filter here"),
    ('x "abc', 2, "this quote is never closed"),
    ("+a due.before:someday", 14, "'someday' is not a date"),
    ("due.before:", 11, "due.before: needs a date"),
    ("+a foo:bar", 3, "unknown filter 'foo:'"),
    ("p:x", 2, "unknown priority 'x'"),
    ("status:open", 7, "status:open is not known"),
    ("is:late", 3, "is:late is not known"),
    ("has:kids", 4, "has:kids is not known"),
    ("+1a", 0, "invalid tag '1a'"),
    ("ok !!", 3, "'!!' has no words to search for"),
    ('"..."', 0, "has no words to search for"),
    ("project:/", 8, "project: needs a name"),
])
def test_errors_point_at_the_column(text: str, column: int, expected: str) -> None:
    error = _error(text)
    assert expected in error.message
    assert f"(column {column + 1})" in error.message
    shown, caret = error.pointer.splitlines()
    assert shown == text
    assert caret == " " * column + "^"


def test_the_caret_stays_under_its_column_past_tabs_and_newlines() -> None:
    error = _error("+a\tor\n")
    assert error.pointer.splitlines() == ["+a or ", "      ^"]


@pytest.mark.parametrize(("args", "joined"), [
    (["+a", "pay rent"], "+a pay rent"),
    (["due.before:in 3 days", "+a"], 'due.before:"in 3 days" +a'),
    (["scheduled:dec 5"], 'scheduled:"dec 5"'),
    (["due:fri or +x"], "due:fri or +x"),
    (["p:h or +work"], "p:h or +work"),
    (["(+a or +b)"], "(+a or +b)"),
    (['due:"in 3 days"'], 'due:"in 3 days"'),
])
def test_shell_arguments_join_into_one_expression(args: list[str], joined: str) -> None:
    assert join_args(args) == joined


@pytest.mark.parametrize(("text", "expected"), [
    ("status:all", True), ("+a (p:h or not status:deleted)", True), ("+a p:h", False),
    ("", False), ('"status:all"', False),
])
def test_mentions_status(text: str, expected: bool) -> None:
    assert mentions_status(parse(text)) is expected
