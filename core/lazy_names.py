"""Names a package re-exports from its modules, each module imported on first use.

`core`, `core.dates` and `core.recurrence` hand out names this way, so a command pays only
for the modules whose names it reads (tests/core/test_lazy_packages.py). Standard library
only: every command imports this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def loader(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: a name that `homes` maps to module M is read from
    `package.M` on first use and kept in `namespace` (the package's globals), so that later
    reads cost nothing; any other name is an AttributeError."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    return __getattr__
