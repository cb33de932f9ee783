"""`todo edit`'s planning options: --project/--no-project, --wait/--no-wait, ... as changes."""

from __future__ import annotations

from datetime import datetime

from core import dates
from core.errors import BadInput
from core.schemas import UNSET, Due, _Unset


def cleared(name: str, value: str | None, clear: bool) -> str | _Unset | None:
    """The change `--NAME VALUE` / `--no-NAME` asks for: VALUE, None to clear, or UNSET."""
    if clear and value is not None:
        raise BadInput(f"give --{name} or --no-{name}, not both")
    if clear:
        return None
    return UNSET if value is None else value


def date_change(
    name: str, value: str | None, clear: bool, now: datetime
) -> Due | _Unset | None:
    """A date option's change; the date phrase is read here so an error names the option."""
    text = cleared(name, value, clear)
    if not isinstance(text, str):
        return text
    try:
        return dates.parse_due(text, now)
    except BadInput as exc:
        raise BadInput(f"--{name}: {exc.message}") from None
