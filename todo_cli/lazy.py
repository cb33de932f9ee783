"""A module imported on its first attribute access."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Module:
    """Stands for the module `name` until something reads an attribute of it.

    Command modules name `typer` in their signatures' annotations, which Typer evaluates
    when it builds the app; a plain command run without Typer (todo_cli/plain.py) never
    reads them, so it never pays for importing Typer and Click (~25 ms).
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attribute)
