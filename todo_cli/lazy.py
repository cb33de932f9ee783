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


class _Deferred(ModuleType):
    """A stand-in in sys.modules that imports the real module on its first attribute read
    and then holds the real module's names, so later reads cost nothing extra."""

    def __getattr__(self, attribute: str) -> Any:
        import sys

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attribute)


def defer_stdlib(name: str) -> None:
    """Let `import NAME` succeed without loading NAME until one of its names is read.

    For `inspect` (with ast, dis and tokenize ~5 ms of a command's start): dataclasses
    imports it but reads it only to write a signature into a class without a docstring,
    which no todo dataclass lacks. For `subprocess` (with signal, threading, selectors):
    Typer imports it for `typer.launch` and shell completion, which a command rarely runs.
    Only the `todo` entry point calls this; anything that does use the module loads it on
    first use.
    """
    import sys

    if name not in sys.modules:
        sys.modules[name] = _Deferred(name)
