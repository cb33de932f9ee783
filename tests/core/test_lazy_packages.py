"""core.dates and core.recurrence load their modules on first use (a module __getattr__ over a
table of names): every name they re-export must still resolve, to the module's own object."""

from __future__ import annotations

import ast
import importlib
import inspect
from types import ModuleType

import pytest

import core.dates
import core.recurrence

PACKAGES = [core.dates, core.recurrence]


def _reexports(package: ModuleType) -> dict[str, str]:
    """Name -> module, as the package's own import statements (eager or for type checkers)
    name them."""
    tree = ast.parse(inspect.getsource(package))
    return {
        alias.asname or alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        and node.module.startswith(package.__name__ + ".")
        for alias in node.names
    }


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_reexport_is_listed_and_resolves_to_its_module(package: ModuleType) -> None:
    names = _reexports(package)
    assert sorted(names) == sorted(package.__all__)
    for name, module in names.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), name), name


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_an_unknown_name_is_an_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_dates_iso_is_the_function_after_its_module_loads() -> None:
    # The function shares its module's name: importing the module must not rebind it.
    importlib.import_module("core.dates.iso")
    assert callable(core.dates.iso) and not isinstance(core.dates.iso, ModuleType)
