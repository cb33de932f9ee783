"""The database: connections, transactions, dialect differences and migration on start.

The runtime speaks SQL through the DB-API (sqlite3, psycopg 3) rather than through
SQLAlchemy: importing SQLAlchemy costs ~0.3 s here, while `todo add` on 50k tasks must
finish in half of Taskwarrior's 0.4 s. SQLAlchemy and Alembic are loaded only when the
schema needs migrating. SQL is written once with `?` placeholders; the PostgreSQL side
rewrites them. Write transactions are serialised per database (SQLite: BEGIN IMMEDIATE
under a busy timeout) or per owner (PostgreSQL: an advisory lock), so concurrent CLI
calls, the TUI and workers queue instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol

from core import migrations
from core.errors import StorageError
from core.faults import storage_fault, unreachable, unstorable, unusable

Params = Sequence[Any]
_WRITE_LOCK = 7262002


class _Cursor(Protocol):
    lastrowid: int | None

    def fetchall(self) -> list[Any]: ...
    def fetchone(self) -> Any: ...


class Db:
    """One connection inside one transaction, with dialect-neutral helpers."""

    def __init__(self, raw: Any, dialect: str) -> None:
        self.raw = raw
        self.dialect = dialect
        self._pg = dialect == "postgresql"

    def run(self, sql: str, params: Params = ()) -> _Cursor:
        """Execute one statement; `?` placeholders work on every dialect."""
        if self._pg:
            sql = _pg_sql(sql)
        try:
            cursor: _Cursor = self.raw.execute(sql, params)
        except (OverflowError, UnicodeEncodeError) as exc:
            raise unstorable(exc) from None
        return cursor

    def insert(self, sql: str, params: Params, key: str = "pk") -> int:
        """Execute one INSERT and return the new row's integer primary key `key`."""
        if self._pg:
            return int(self.run(f"{sql} RETURNING {key}", params).fetchone()[0])
        # SQLite: lastrowid is a third of the cost of RETURNING, which imports feel.
        rowid = self.run(sql, params).lastrowid
        assert rowid is not None
        return int(rowid)

    def many(self, sql: str, rows: Sequence[Params]) -> None:
        """Execute one statement for each parameter row."""
        try:
            if self._pg:
                with self.raw.cursor() as cur:
                    cur.executemany(_pg_sql(sql), rows)
            else:
                self.raw.executemany(sql, rows)
        except (OverflowError, UnicodeEncodeError) as exc:
            raise unstorable(exc) from None

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row of a query."""
        return self.run(sql, params).fetchall()

    def one(self, sql: str, params: Params = ()) -> Any:
        """The first row of a query, or None."""
        return self.run(sql, params).fetchone()

    def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.one(sql, params)
        return None if row is None else row[0]

    def dt(self, value: datetime | None) -> Any:
        """A timezone-aware datetime as this dialect stores it (UTC)."""
        if value is None:
            return None
        utc = value.astimezone(UTC)
        if self._pg:
            return utc
        # The text SQLAlchemy writes for SQLite; isoformat is several times faster than strftime.
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds")

    def day(self, value: date | None) -> Any:
        """An all-day date as this dialect stores it."""
        if value is None:
            return None
        return value if self._pg else value.isoformat()


def read_dt(value: Any) -> datetime | None:
    """A stored datetime back as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    # Parsing the offset is ~6x cheaper than .replace(tzinfo=UTC) on the naive result, and
    # `todo list` reads two or three of these per task.
    return datetime.fromisoformat(value + "+00:00")


def read_day(value: Any) -> date | None:
    """A stored all-day date back as a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


_PG_SQL_CACHE: dict[str, str] = {}
_PASSWORD = re.compile(r"(://[^:/@]+:)([^@]+)(@)")


def _pg_sql(sql: str) -> str:
    converted = _PG_SQL_CACHE.get(sql)
    if converted is None:
        converted = sql.replace("%", "%%").replace("?", "%s")
        _PG_SQL_CACHE[sql] = converted
    return converted


class Store:
    """An open database; `read()` and `write()` hand out transactions."""

    def __init__(self, url: str, busy_timeout_ms: int = 10_000, migrate: bool = True) -> None:
        """Connect to `url` and, unless `migrate` is False (`todo doctor`), migrate it."""
        self.url = url
        self.dialect = _dialect(url)
        self._busy_timeout_ms = busy_timeout_ms
        self._raw = self._connect()
        if migrate:
            self._ensure_schema()

    def close(self) -> None:
        """Close the connection (on SQLite, after refreshing the planner's statistics)."""
        if self.dialect == "sqlite":
            # SQLite keeps no statistics until asked, and without them tag and priority
            # filters pick poor plans at 50k tasks. It analyzes only tables the closing
            # connection's queries would gain from, and rarely: so ask first (~20 us at 10k
            # tasks) and pay for the analysis and the index check (~0.15 ms) only then.
            with contextlib.suppress(sqlite3.Error):
                tables = _tables_to_analyze(self._raw)
                if tables:
                    self._raw.execute("PRAGMA optimize")
                    _note_unmeasured_indexes(self._raw, tables)
        self._raw.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Db]:
        """A read transaction: one consistent snapshot for several queries."""
        with self._transaction("BEGIN") as db:
            yield db

    @contextlib.contextmanager
    def write(self) -> Iterator[Db]:
        """A write transaction: all of it commits, or none of it does.

        Writers are serialised database-wide (see below), whoever they write for.
        """
        begin = "BEGIN" if self.dialect == "postgresql" else "BEGIN IMMEDIATE"
        with self._transaction(begin) as db:
            if self.dialect == "postgresql":
                # One writer at a time, as on SQLite: outbox sequence numbers then commit in
                # order, so a consumer reading the outbox by position never passes a row that
                # is still to commit. Writes are small; the lock is held for milliseconds.
                db.run("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))
            yield db

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[Db]:
        # The one place database faults become StorageError: every query runs in here.
        db = Db(self._raw, self.dialect)
        with self.faults():
            self._raw.execute(begin)
        try:
            yield db
        except BaseException as exc:
            with contextlib.suppress(Exception):  # a broken connection cannot roll back
                self._raw.execute("ROLLBACK")
            fault = storage_fault(exc, self.where)
            if fault is None:
                raise
            raise fault from exc
        else:
            with self.faults():
                self._raw.execute("COMMIT")

    @contextlib.contextmanager
    def faults(self) -> Iterator[None]:
        """Turn a database fault raised inside into StorageError naming this database."""
        try:
            yield
        except OSError as exc:
            raise unusable(exc, self.where) from exc
        except Exception as exc:
            fault = storage_fault(exc, self.where)
            if fault is None:
                raise
            raise fault from exc

    @property
    def where(self) -> str:
        """The database as messages name it: the SQLite file, or the URL without password."""
        if self.dialect == "sqlite":
            return f"the database {_sqlite_path(self.url)}"
        return f"the database {_masked(self.url)}"

    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            return _connect_sqlite(_sqlite_path(self.url), self._busy_timeout_ms, self.where)
        return _connect_postgres(self.url, self.where)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at, or None for an empty database."""
        try:
            # One statement, its own transaction: no BEGIN and COMMIT round trips.
            with self.faults():
                row = self._raw.execute("SELECT version_num FROM alembic_version").fetchone()
        except StorageError as exc:  # the table is missing: a new database
            if exc.__cause__ is None or not _is_missing_table(exc.__cause__):
                raise
            return None
        return None if row is None else str(row[0])

    @staticmethod
    def declared_tables() -> list[str]:
        """The tables core/models.py declares (imports SQLModel: for `todo doctor` only)."""
        from sqlmodel import SQLModel

        import core.models  # noqa: F401  (declares the tables)

        return sorted(SQLModel.metadata.tables)

    def missing_tables(self) -> list[str]:
        """The declared tables this database lacks."""
        missing = []
        for table in self.declared_tables():
            try:
                with self.read() as db:
                    db.value(f'SELECT 1 FROM "{table}" LIMIT 1')
            except StorageError as exc:
                if exc.__cause__ is None or not _is_missing_table(exc.__cause__):
                    raise
                missing.append(table)
        return missing

    def _ensure_schema(self) -> None:
        if self.schema_revision() != migrations.HEAD:
            self.upgrade()

    def upgrade(self) -> str | None:
        """Bring the schema to head under the migration lock, so concurrent upgrades (replicas,
        `todo db upgrade` twice) queue instead of interleaving; the revision it was at."""
        with self._migration_lock():
            before = self.schema_revision()
            if before != migrations.HEAD:
                with self.faults():
                    migrations.upgrade(_sqlalchemy_url(self.url))
        return before

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        # Two first runs at once must not both create the schema.
        if self.dialect == "postgresql":
            self._raw.execute("SELECT pg_advisory_lock(7262001)")
            try:
                yield
            finally:
                self._raw.execute("SELECT pg_advisory_unlock(7262001)")
            return
        import fcntl

        lock_path = _sqlite_path(self.url) + ".migrate-lock"
        with self.faults(), open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield


# The indexes of a table that ANALYZE left without a row: it writes none for an index with
# no entries (ix_task_until while no task has an `until`; every index of an empty table).
_UNMEASURED = """
SELECT i.name FROM pragma_index_list(?1) AS i
WHERE NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.tbl = ?1 AND s.idx = i.name)
"""
_NOTE_UNMEASURED = (
    f"INSERT INTO sqlite_stat1 (tbl, idx, stat) SELECT ?1, name, '1 1' FROM ({_UNMEASURED})"
)


def _tables_to_analyze(raw: sqlite3.Connection) -> list[str]:
    """The tables `PRAGMA optimize` would analyze now: its debugging bit (0x01) lists the
    ANALYZE statements it would run, running none, and the other bits are its defaults."""
    rows = raw.execute("PRAGMA optimize(0xffff)").fetchall()
    # Each row reads: ANALYZE "main"."task"
    return [str(row[0]).rsplit('"."', 1)[-1].removesuffix('"').replace('""', '"')
            for row in rows]


def _note_unmeasured_indexes(raw: sqlite3.Connection, tables: list[str]) -> None:
    """Give each index that ANALYZE of `tables` left without statistics a row of its own.

    `PRAGMA optimize` (SQLite 3.40 here) re-analyzes a table on every call while one of its
    indexes has no row in sqlite_stat1, so without this every command closed with a full
    ANALYZE of `task` (~4 ms CPU at 10k tasks, more with size; on a new, empty database an
    empty one every time). SQLite documents sqlite_stat1 as the application's to edit; the
    row says "one entry", and the next real ANALYZE of the table (once it holds 25 times
    the rows the statistics say) replaces it with measured figures.
    """
    for table in tables:
        # Read first: an INSERT takes the write lock even when it adds nothing. The INSERT
        # checks again, so two closing processes do not both add the row.
        if raw.execute(_UNMEASURED, (table,)).fetchone() is not None:
            raw.execute(_NOTE_UNMEASURED, (table,))


def _is_missing_table(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no such table" in text or "does not exist" in text


def _masked(url: str) -> str:
    return _PASSWORD.sub(r"\1********\3", _libpq_url(url))


def _dialect(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    raise StorageError(
        f"unsupported database.url scheme '{scheme}': use sqlite:///PATH or postgresql://..."
    )


def _sqlite_path(url: str) -> str:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path:
        raise StorageError(f"database.url '{url}' names no file: use sqlite:///PATH")
    return path


def _connect_sqlite(path: str, busy_timeout_ms: int, where: str) -> sqlite3.Connection:
    try:
        # os.path, not pathlib: pathlib (with urllib.parse) costs every command ~2 ms.
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        # isolation_level=None: we issue BEGIN ourselves, so writers take the lock up front.
        # A Store is used by one thread at a time, but workers open it before their thread
        # starts, hence check_same_thread=False.
        raw = sqlite3.connect(
            path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA synchronous=NORMAL")
    except OSError as exc:
        raise unusable(exc, where) from None
    except sqlite3.Error as exc:
        raise storage_fault(exc, where) or StorageError(f"cannot open {where}: {exc}") from None
    return raw


def _connect_postgres(url: str, where: str) -> Any:
    import psycopg

    try:
        return psycopg.connect(_libpq_url(url), autocommit=True)
    except psycopg.Error as exc:
        raise unreachable(exc, where) from None


def _libpq_url(url: str) -> str:
    _scheme, rest = url.split("://", 1)
    return "postgresql://" + rest


def _sqlalchemy_url(url: str) -> str:
    if url.startswith("sqlite"):
        return url
    return "postgresql+psycopg://" + url.split("://", 1)[1]
