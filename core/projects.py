"""Project paths: `home/garden` is the project `garden` inside `home`. Pure: no I/O.

A path is stored as typed, with its segments trimmed and joined by '/'. Listing a project
includes its sub-projects, so `home` matches `home` and every `home/...`, never `homework`.
"""

from __future__ import annotations

import re

from core.errors import BadInput
from core.text import escape

SEPARATOR = "/"
MAX_PATH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(path: str) -> str:
    """`path` with each segment trimmed ("home / garden" -> "home/garden"); BadInput naming
    the part at fault for an empty path, an empty segment or a control character."""
    found = _CONTROL.search(path)
    if found is not None:
        raise BadInput(
            f"project '{path.encode('unicode_escape').decode()}' holds the control character "
            f"{escape(found.group())} at position {found.start() + 1}"
        )
    segments = [part.strip() for part in path.split(SEPARATOR)]
    if not any(segments):
        raise BadInput("a project needs a name")
    for index, part in enumerate(segments, start=1):
        if not part:
            raise BadInput(
                f"project '{path}' has an empty part (segment {index}): "
                "write paths like home/garden"
            )
    joined = SEPARATOR.join(segments)
    if len(joined) > MAX_PATH:
        raise BadInput(f"project is {len(joined)} characters long; the limit is {MAX_PATH}")
    return joined


def optional(path: str | None) -> str | None:
    """`normalise(path)`, or None for None."""
    return None if path is None else normalise(path)


def contains(project: str, path: str | None) -> bool:
    """Whether `path` is `project` or one of its sub-projects."""
    return path is not None and (path == project or path.startswith(project + SEPARATOR))


def like_prefix(project: str) -> str:
    """The LIKE pattern (escape character '\\') of every sub-project of `project`."""
    escaped = project.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + SEPARATOR + "%"


def renamed(path: str, old: str, new: str) -> str:
    """`path` with its `old` prefix replaced by `new` (`path` must be inside `old`)."""
    assert contains(old, path)
    return new + path[len(old):]


def check_rename(old: str, new: str) -> None:
    """BadInput when moving `old` to `new` makes no sense: into itself, or nothing moves."""
    if old == new:
        raise BadInput(f"project '{old}' already has that name")
    if contains(old, new):
        raise BadInput(f"cannot move project '{old}' into its own sub-project '{new}'")
