"""Migrations: HEAD is Alembic's head, the migrated schema is the models', old files upgrade."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core import Status, migrations, open_service
from core.changes import TaskUpdate
from core.models import metadata
from core.selection import TaskFilter
from core.store import Store, _sqlalchemy_url
from tests.conftest import BERLIN, make_settings

FIXTURE = Path(__file__).parent.parent / "fixtures" / "todo-0001.db"
_FTS_TABLES = {"task_fts", "task_fts_data", "task_fts_idx", "task_fts_docsize", "task_fts_config"}


def test_head_constant_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite://"))
    assert script.get_current_head() == migrations.HEAD


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    Store(db_url).close()
    engine = sa.create_engine(_sqlalchemy_url(db_url))
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    diffs = [d for d in diffs if not _is_fulltext(d)]
    assert diffs == []


def _is_fulltext(diff: object) -> bool:
    text = repr(diff)
    return any(name in text for name in _FTS_TABLES) or "ix_task_fts" in text


def test_opening_twice_does_not_migrate_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    Store(url).close()
    store = Store(url)
    assert store.schema_revision() == migrations.HEAD
    store.close()


def test_first_schema_file_upgrades_with_nothing_lost(tmp_path: Path) -> None:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    now = datetime(2026, 11, 22, 10, tzinfo=BERLIN)
    svc = open_service(make_settings(f"sqlite:///{copy}"), clock=lambda: now)
    try:
        assert svc.store.schema_revision() == migrations.HEAD
        tasks = {t.id: t for t in svc.list_tasks(TaskFilter(status="all"))}
        assert sorted(tasks) == [1, 2, 3]
        assert tasks[1].title == "pay rent"
        assert tasks[1].notes == "standing order?"
        assert tasks[1].tags == ("finance",)
        assert tasks[1].due == datetime(2026, 11, 27, 9, 0, tzinfo=BERLIN)
        assert tasks[2].status is Status.COMPLETED
        assert tasks[2].due == date(2026, 11, 23)
        assert tasks[3].status is Status.DELETED
        assert tasks[3].tags == ("q4", "work")
        assert [e.type.rsplit(".", 1)[1] for e in svc.history(3)] == [
            "created", "updated", "deleted",
        ]
        assert [t.id for t in svc.list_tasks(TaskFilter(search="rent"))] == [1]
        assert svc.undo().kind == "delete"
        assert svc.add_text("new after upgrade").id == 4
        assert [t.id for t in svc.list_tasks(TaskFilter(search="upgrade"))] == [4]
        svc.update([4], TaskUpdate(title="renamed"))
        assert [t.id for t in svc.list_tasks(TaskFilter(search="renamed"))] == [4]
    finally:
        svc.close()


def test_0009_moves_kept_project_scheduled_and_wait_into_their_columns(db_url: str) -> None:
    # Before issue 15 a Taskwarrior import kept these aside in task.kept.
    migrations.upgrade(_sqlalchemy_url(db_url), "0008")
    kept = ('{"project":"Admin.Papers","scheduled":"2027-01-05T08:00:00Z",'
            '"uda.estimate":3,"wait":"2027-01-01T08:00:00Z"}')
    day_wait = '{"project":"a..b","scheduled":"2027-01-05","wait":"2027-01-01"}'
    # Stored as core.store.Db writes it: naive UTC text on SQLite.
    now: object = datetime(2026, 11, 1, tzinfo=BERLIN)
    if db_url.startswith("sqlite"):
        now = "2026-10-31 23:00:00.000000"
    engine = sa.create_engine(_sqlalchemy_url(db_url))
    try:
        with engine.begin() as conn:
            for id_, text in ((1, kept), (2, day_wait)):
                conn.execute(sa.text(
                    "INSERT INTO task (owner, id, uuid, title, status, priority, created, "
                    "updated, version, recur_from_completion, kept) VALUES ('alice', :id, :uuid, "
                    "'t', 'pending', 0, :now, :now, 1, false, :kept)"),
                    {"id": id_, "uuid": f"0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a000{id_}",
                     "now": now, "kept": text})
    finally:
        engine.dispose()
    svc = open_service(make_settings(db_url))
    try:
        first, second = svc.list_tasks(TaskFilter(status="all", sort="id"))
        assert (first.project, first.kept) == ("Admin/Papers", {"uda.estimate": 3})
        assert first.scheduled == datetime(2027, 1, 5, 9, tzinfo=BERLIN)
        assert first.wait == datetime(2027, 1, 1, 9, tzinfo=BERLIN)
        # A bare-day wait needs the user's zone, and "a..b" is no path: both stay kept.
        assert (second.project, second.scheduled) == (None, date(2027, 1, 5))
        assert second.kept == {"project": "a..b", "wait": "2027-01-01"}
        exported = svc.export("json", TaskFilter(status="all", sort="id"))
        assert '"kept":{"uda.estimate":3}' in exported
    finally:
        svc.close()
