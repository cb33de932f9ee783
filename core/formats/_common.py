"""Helpers shared by the importers: error locations, lenient tags and JSON loading."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.errors import BadInput
from core.tags import is_tag

_NOT_TAG_CHARS = re.compile(r"[^\w-]+")


@contextmanager
def located(where: str) -> Iterator[None]:
    """Prefix any BadInput raised inside with `where`, e.g. "line 3" or "task 4 (uuid ...)"."""
    try:
        yield
    except BadInput as exc:
        raise BadInput(f"{where}: {exc.message}") from None


def coerce_tag(text: str) -> str | None:
    """A valid tag made from a foreign tag or project name, or None when nothing usable is left.

    Other tools allow dots and spaces in tags; we keep what we can ("home.garden" ->
    "home-garden", "Café" -> "café") rather than refuse a whole import over one tag, and drop
    what cannot start with a letter ("2do").
    """
    tag = _NOT_TAG_CHARS.sub("-", unicodedata.normalize("NFC", text.strip().lower()))
    # Strip separators only: "2do" would become "do", a different word, so it is dropped.
    tag = tag.strip("_-")
    return tag if tag and is_tag(tag) else None


def coerce_tags(names: list[str]) -> tuple[str, ...]:
    """Coerced, de-duplicated and sorted tags; unusable names are dropped."""
    return tuple(sorted({t for t in map(coerce_tag, names) if t is not None}))


def check_uuid(value: object) -> str:
    """The canonical spelling of a UUID, or BadInput naming the bad value."""
    if not isinstance(value, str):
        raise BadInput(f"invalid uuid {json.dumps(value)}: expected a string")
    import uuid  # imports only: uuid loads platform, which every write would pay for

    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadInput(f"invalid uuid '{value}'") from None


def where(index: int, obj: object) -> str:
    """How an error names the `index`-th (0-based) object of an import: "task 4 (uuid ...)"."""
    label = f"task {index + 1}"
    if isinstance(obj, dict) and isinstance(obj.get("uuid"), str):
        label += f" (uuid {obj['uuid']})"
    return label


def load_json(text: str, first_line: int = 1) -> Any:
    """Parse JSON, or BadInput giving the line and column where it stops making sense.

    `first_line` is the number of `text`'s first line in the whole input.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = exc.lineno + first_line - 1
        raise BadInput(f"invalid JSON at line {line}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _too_deep() from None


class NestedTooDeeply(BadInput):
    """JSON whose arrays or objects nest deeper than the parser recurses."""


def _too_deep() -> BadInput:
    return NestedTooDeeply("invalid JSON: arrays or objects nested too deeply for a task list")


def load_objects(text: str) -> list[Any]:
    """A JSON array, a single object, or one object per line (Taskwarrior before 2.4)."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        loaded = load_json(text)
        if not isinstance(loaded, list):
            raise BadInput("invalid JSON: expected an array of tasks")
        return loaded
    try:
        return [json.loads(stripped)]
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise _too_deep() from None
    objects: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip().rstrip(",")
        if line.strip():
            objects.append(load_json(line, first_line=number))
    return objects


def optional_str(obj: dict[str, Any], key: str) -> str | None:
    """`obj[key]` when it is a string, None when absent or null, else BadInput naming the key."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise BadInput(f"'{key}' must be a string, not {json.dumps(value)}")


def required_title(obj: dict[str, Any], key: str) -> str:
    """The task's title from `obj[key]`, stripped; BadInput if missing, blank or not a string."""
    title = optional_str(obj, key)
    if title is None or not title.strip():
        raise BadInput(f"missing '{key}'")
    return title.strip()


def string_list(obj: dict[str, Any], key: str) -> list[str]:
    """`obj[key]` as a list of strings ([] when absent); BadInput for any other shape."""
    value = obj.get(key)
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise BadInput(f"'{key}' must be a list of strings, not {json.dumps(value)}")
