"""Database faults as the user's errors: the one mapping of sqlite3, psycopg and SQLAlchemy
(migrations) errors to StorageError, used by core/store.py around every transaction, the
connection and migrations. Each message is one sentence naming the database and what to do.
"""

from __future__ import annotations

from core.errors import BadInput, StorageError

# SQLite says what went wrong in words only; PostgreSQL gives an SQLSTATE.
_SQLITE_FAULTS = (
    (("readonly", "read-only"), "cannot write {where}: the file or its folder is read-only; "
     "make both writable for you (chmod u+w) and retry"),
    (("unable to open",), "cannot open {where} ({error}); check that its folder exists and "
     "is writable"),
    (("malformed", "not a database", "corrupt"), "{where} is damaged ({error}); run "
     "`todo doctor`, then restore it from a backup"),
    (("no such table", "no such column"), "{where} lacks part of its schema ({error}); "
     "restore it from a backup, or move it away to start a new one"),
    (("full",), "{where} is full ({error}); free disk space and retry"),
    (("locked", "busy"), "{where} is busy ({error}); another process holds it, retry in a "
     "moment"),
    (("disk i/o",), "cannot read or write {where} ({error}); check the disk, then run "
     "`todo doctor`"),
)
_SQLITE_CLASSES = ("OperationalError", "DatabaseError", "InternalError")
_PG_FAULTS = {
    "42P01": _SQLITE_FAULTS[3][1], "42703": _SQLITE_FAULTS[3][1],
    "42501": "{where} refused access ({error}); grant this user rights on the schema",
    "25006": "cannot write {where}: it is read-only ({error}); connect to a writable server",
    "53100": "{where} is full ({error}); free disk space on the server and retry",
}
_PG_CLASSES = ("08", "53", "57", "58", "XX")  # connection, resources, shutdown, system, internal
_CONNECTION_LOST = ("lost the connection to {where} ({error}); check that the server is "
                    "running and database.url is right")


def storage_fault(exc: BaseException, where: str) -> StorageError | None:
    """`exc` as a one-sentence StorageError naming `where`, or None when it is not a fault of
    the database (a bug such as a broken constraint stays what it is)."""
    error = " ".join(str(exc).split())[:200]
    module = type(exc).__module__
    if module.startswith("sqlalchemy"):  # migrations run through SQLAlchemy: its `orig`
        orig = getattr(exc, "orig", None)
        return None if orig is None else storage_fault(orig, where)
    if module.startswith("psycopg"):
        return _pg_fault(exc, where, error)
    # By name: only the store imports drivers. Integrity and programming errors are bugs.
    if module == "sqlite3" and type(exc).__name__ in _SQLITE_CLASSES:
        lowered = error.lower()
        for words, sentence in _SQLITE_FAULTS:
            if any(word in lowered for word in words):
                return StorageError(sentence.format(where=where, error=error))
        return StorageError(f"{where} failed ({error}); run `todo doctor` to check it")
    return None


def _pg_fault(exc: BaseException, where: str, error: str) -> StorageError | None:
    state = getattr(exc, "sqlstate", None) or ""
    if state in _PG_FAULTS:
        return StorageError(_PG_FAULTS[state].format(where=where, error=error))
    # Without an SQLSTATE, psycopg's OperationalError and InterfaceError mean the connection.
    if state[:2] in _PG_CLASSES or type(exc).__name__ in ("OperationalError", "InterfaceError"):
        return StorageError(_CONNECTION_LOST.format(where=where, error=error))
    return None


def unusable(exc: OSError, where: str) -> StorageError:
    """A file system error around the database (its folder, the migration lock)."""
    error = " ".join(str(exc).split())[:200]
    return StorageError(f"cannot use {where} ({error}); check the path and its permissions")


def unreachable(exc: Exception, where: str) -> StorageError:
    """A server that could not be reached, as one sentence naming it."""
    error = " ".join(str(exc).split())[:200]
    return StorageError(
        f"cannot connect to {where} ({error}); check that the server is running and "
        "database.url is right"
    )


def unstorable(exc: Exception) -> BadInput:
    """A value the driver cannot send (a huge integer, a lone surrogate) as bad input."""
    if isinstance(exc, OverflowError):
        return BadInput(f"a number is too large to store ({exc}); the largest is {2**63 - 1}")
    return BadInput("text holds characters that are not valid Unicode (a lone surrogate)")
