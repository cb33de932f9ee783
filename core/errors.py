"""The one exception family of todo: each error carries the user's message and an exit code."""

from __future__ import annotations


class TodoError(Exception):
    """A failure the user can act on; interfaces print `message` and exit with `exit_code`."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(TodoError):
    """The user's input is malformed or names an impossible value (exit code 2)."""

    exit_code = 2


class BadFilter(BadInput):
    """A filter expression that does not parse (exit code 2). `message` is one line naming
    the column; `pointer` is two more lines, the expression and a caret under that column,
    for interfaces to print under the message."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


class OutOfRange(BadInput):
    """A date or number beyond what todo stores, e.g. a due in the year 9999 (exit code 2)."""


class NotFound(TodoError):
    """A task or other record the user named does not exist (exit code 1)."""

    exit_code = 1


class NothingToDo(TodoError):
    """The request is valid but nothing is there to apply it to, e.g. undo with no history."""

    exit_code = 1


class StorageError(TodoError):
    """The database could not be opened, migrated or written (exit code 3)."""

    exit_code = 3


class InvalidEvent(TodoError):
    """An event a consumer can never apply (unknown type, no owner, no such task): consumers
    raise it and the event is dead-lettered instead of being retried forever."""

    exit_code = 2
