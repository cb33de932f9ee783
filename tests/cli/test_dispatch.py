"""`todo NAME` builds only the commands of the module that owns NAME (todo_cli.app.app_for)."""

from __future__ import annotations

import typer

from todo_cli.app import REGISTRARS, app, app_for, names_added


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


def test_a_command_gets_an_app_with_only_itself() -> None:
    # Typer builds a Click command per registered function on every run: only the one asked
    # for is built. `ls` is an alias of `list` from the same function and is not built either.
    for name in ("add", "list", "ls", "count", "done", "worker"):
        assert names(app_for([name])) == {name}, name
    assert names(app_for(["tags", "list"])) == {"tags"}


def test_the_dispatch_table_names_what_each_module_registers() -> None:
    # `todo NAME` imports the module the table names: a command missing from its tuple
    # would fall back to the whole app, one named in the wrong tuple would not be found.
    for registrar, declared in REGISTRARS:
        assert set(declared) == names_added(registrar), registrar.__qualname__
    every = [name for _registrar, declared in REGISTRARS for name in declared]
    assert len(every) == len(set(every)) == len(names(app))
