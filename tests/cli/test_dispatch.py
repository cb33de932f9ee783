"""`todo NAME` builds only the commands of the module that owns NAME (todo_cli.app.app_for)."""

from __future__ import annotations

import typer

from todo_cli.app import app, app_for


def names(target: typer.Typer) -> set[str]:
    group = typer.main.get_command(target)
    assert isinstance(group, typer.core.TyperGroup)
    return set(group.commands)


def test_every_command_gets_an_app_that_has_it_and_fewer_others() -> None:
    everything = names(app)
    assert {"add", "list", "export", "chat", "tui", "tags", "config", "worker"} <= everything
    for name in everything:
        minimal = app_for([name, "--help"])
        assert minimal is not app, name
        assert name in names(minimal), name
        assert names(minimal) < everything, name


def test_help_options_first_and_unknown_names_get_the_whole_app() -> None:
    for args in ([], ["--help"], ["--version"], ["nosuch"]):
        assert app_for(args) is app, args
