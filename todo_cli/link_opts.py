"""`todo edit`'s link options: --parent/--no-parent, --depends/--no-depends as changes."""

from __future__ import annotations

from core.errors import BadInput
from core.links import parse_ids
from core.schemas import UNSET, _Unset


def _both(name: str) -> BadInput:
    return BadInput(f"give --{name} or --no-{name}, not both")


def parent_change(value: int | None, clear: bool) -> int | _Unset | None:
    """The change `--parent ID` / `--no-parent` asks for: ID, None (top level), or UNSET."""
    if clear and value is not None:
        raise _both("parent")
    if clear:
        return None
    return UNSET if value is None else value


def depends_change(value: str | None, clear: bool) -> tuple[int, ...] | _Unset:
    """The change `--depends 3,4` / `--no-depends` asks for: the ids, () to clear, or UNSET."""
    if clear and value is not None:
        raise _both("depends")
    if clear:
        return ()
    return UNSET if value is None else parse_ids(value, "--depends")
