"""`todo doctor`: whether settings, database and event log are healthy, and what to do if not.

Each check says ok, warn (worth a look, not broken) or fail; the setup is healthy when no
check fails. The database is opened without migrating it, so the doctor reports the schema
as it finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from config.settings import Settings, SettingsError
from core import _all_day_time, migrations, user_zone
from core.errors import TodoError
from core.eventlog import EventLog
from core.queries import maintenance
from core.store import Store

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    """One finding: what was checked, how it stands, and the detail or the remedy."""

    name: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True)
class Report:
    """Every finding of one diagnosis."""

    checks: tuple[Check, ...]

    @property
    def healthy(self) -> bool:
        """No check failed (warnings are fine)."""
        return all(c.status != "fail" for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """The report as `todo doctor --json` prints it."""
        return {"healthy": self.healthy, "checks": [asdict(c) for c in self.checks]}


def diagnose(load: Callable[[], Settings], groups: Mapping[str, str | None]) -> Report:
    """Check the settings `load` reads, then the database they name: integrity, schema
    revision, tables, the event backlog of each consumer group in `groups` (group -> log
    topic; with Kafka, the events not yet published instead) and dead letters."""
    try:
        settings = load()
        user_zone(settings)
        _all_day_time(settings)
    except (SettingsError, TodoError) as exc:
        problem = exc.message if isinstance(exc, TodoError) else str(exc)
        return Report((Check("config", "fail", problem),
                       Check("database", "fail", "not checked: fix the settings first")))
    checks = [Check("config", "ok", f"settings read ({len(settings.sources)} set)")]
    try:
        store = Store(settings.database.url, settings.database.busy_timeout_ms, migrate=False)
    except TodoError as exc:
        return Report((*checks, Check("database", "fail", exc.message)))
    try:
        checks.append(_guarded("integrity", lambda: _integrity(store)))
        schema = _guarded("schema", lambda: _schema(store))
        checks.append(schema)
        if schema.status != "fail" and store.schema_revision() is not None:
            checks.append(_guarded("tables", lambda: _tables(store)))
            log = EventLog(store)
            kafka = bool(settings.kafka.bootstrap_servers)
            checks.append(_guarded("backlog", lambda: _backlog(log, groups, kafka)))
            checks.append(_guarded("dead letters", lambda: _dead_letters(log)))
    finally:
        store.close()
    return Report(tuple(checks))


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except TodoError as exc:  # the store names the fault and the remedy in one sentence
        return Check(name, "fail", exc.message)


def _integrity(store: Store) -> Check:
    with store.read() as db:
        rows = maintenance.integrity(db)
    if rows is None:  # a server: reaching it is the check
        return Check("integrity", "ok", f"connected to {store.where.removeprefix('the ')}")
    if rows == ["ok"]:
        return Check("integrity", "ok", f"quick_check ok on {store.where.removeprefix('the ')}")
    shown = "; ".join(rows[:3]) + (f" (and {len(rows) - 3} more)" if len(rows) > 3 else "")
    return Check("integrity", "fail",
                 f"{store.where} is damaged ({shown}); restore it from a backup")


def _schema(store: Store) -> Check:
    revision = store.schema_revision()
    head = migrations.HEAD
    if revision is None:
        if len(store.missing_tables()) < len(store.declared_tables()):
            return Check("schema", "fail", f"{store.where} has tables but no schema revision "
                         "(table alembic_version); restore it from a backup")
        return Check("schema", "ok", "empty database: the first command creates the schema")
    if revision == head:
        return Check("schema", "ok", f"at revision {head} (the newest)")
    versions = Path(migrations.SCRIPT_LOCATION, "versions")
    if any(versions.glob(f"{revision}_*.py")):
        return Check("schema", "warn",
                     f"at revision {revision}, newest {head}: the next command migrates it")
    return Check("schema", "fail", f"at revision {revision}, which this todo does not know "
                 f"(newest {head}): the database was written by a newer todo; upgrade todo")


def _tables(store: Store) -> Check:
    missing = store.missing_tables()
    if missing:
        return Check("tables", "fail", f"{store.where} lacks tables {', '.join(missing)}; "
                     "restore it from a backup, or move it away to start a new one")
    return Check("tables", "ok", "every declared table present")


def _backlog(log: EventLog, groups: Mapping[str, str | None], kafka: bool) -> Check:
    if kafka:
        unsent = log.unsent_count()
        if unsent:
            return Check("backlog", "warn", f"{unsent} events not yet published to Kafka: "
                         "is `todo worker relay` running?")
        return Check("backlog", "ok", "every event published to Kafka")
    counts = {group: log.backlog(group, topic) for group, topic in groups.items()}
    shown = ", ".join(f"{group} {n}" for group, n in counts.items())
    return Check("backlog", "ok", f"events not yet handled per consumer group: {shown}")


def _dead_letters(log: EventLog) -> Check:
    count = len(log.dead_letters())
    if count:
        return Check("dead letters", "warn", f"{count} events a consumer gave up on: see the "
                     "dead_letter table for each error")
    return Check("dead letters", "ok", "none")
