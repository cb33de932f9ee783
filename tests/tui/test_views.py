"""The `/` filter reads `todo list` options with the list command's own parser."""

from __future__ import annotations

from datetime import date

import click
import pytest

from core import BadInput, Priority, TaskFilter
from tests.conftest import Clock
from todo_cli import filter_args
from todo_cli.tui.views import FIXED, combine, parse_query, tag_view


def test_words_are_a_search(clock: Clock) -> None:
    assert parse_query("  pay rent ", clock()) == TaskFilter(search="pay rent")
    assert parse_query("   ", clock()) is None


def test_list_options_make_the_same_filter(clock: Clock) -> None:
    flt = parse_query("--tag Work -p high --due-before fri --sort urgency -r -n 5", clock())
    assert flt == TaskFilter(tags=("work",), priority=Priority.HIGH,
                             due_before=date(2026, 11, 27), sort="urgency", reverse=True, limit=5)
    assert parse_query("--status completed -s 'pay rent'", clock()) == TaskFilter(
        status="completed", search="pay rent")


@pytest.mark.parametrize(("text", "says"), [
    ("--bogus", "No such option '--bogus'"),
    ("--priority urgent", "unknown priority 'urgent'"),
    ("--due-before blursday", "--due-before:"),
    ("--tag 'unclosed", "filter: No closing quotation"),
    ("--help", "use the options of `todo list`"),
])
def test_bad_filters_say_why(clock: Clock, text: str, says: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_query(text, clock())
    assert says in err.value.message


def test_a_query_narrows_the_view(clock: Clock) -> None:
    home = tag_view("home").filter(clock())
    narrowed = combine(home, parse_query("--tag work --overdue", clock()))
    assert narrowed == TaskFilter(tags=("home", "work"), overdue=True)
    today = FIXED[0].filter(clock())
    # Today: due by the end of today, or scheduled for today or earlier (issue 15).
    assert combine(today, None) == today == TaskFilter(due_before=date(2026, 11, 23),
                                                       or_scheduled=True)


def _grammar(command: click.Command) -> list[tuple[object, ...]]:
    return [
        (p.name, tuple(p.opts), tuple(p.secondary_opts), repr(p.type), p.default, p.multiple)
        # --json and --tree choose how `todo list` prints, not which tasks: the box has neither.
        for p in command.params if p.name not in ("json", "tree")
    ]


def test_the_filter_box_reads_the_grammar_of_todo_list() -> None:
    # The TUI parses with todo_cli.filter_args, not with the CLI application: the two must
    # declare the same options, or the `/` box would drift from `todo list`.
    import typer

    from todo_cli.app import app

    root = typer.main.get_command(app)
    assert isinstance(root, click.Group)
    listed = _grammar(root.commands["list"])
    assert listed and _grammar(filter_args.command()) == listed


def test_the_filter_box_reads_project_and_waiting(clock: Clock) -> None:
    assert parse_query("--project 'home / garden' --waiting", clock()) == TaskFilter(
        project="home/garden", waiting=True)
    with pytest.raises(BadInput, match="empty part"):
        parse_query("--project a//b", clock())
