"""The `/` filter with `todo list` options also takes the list command's expression words,
as `todo list` does, instead of dropping them."""

from __future__ import annotations

from core import Priority, TaskFilter
from tests.conftest import Clock
from todo_cli.tui.views import parse_query


def test_options_and_an_expression(clock: Clock) -> None:
    assert parse_query("-p high '+work or pay'", clock()) == TaskFilter(
        priority=Priority.HIGH, expression="+work or pay")


def test_a_status_term_replaces_only_the_default_status(clock: Clock) -> None:
    assert parse_query("-p high status:completed", clock()) == TaskFilter(
        status="all", priority=Priority.HIGH, expression="status:completed")
    assert parse_query("--status pending status:completed", clock()) == TaskFilter(
        status="pending", expression="status:completed")
