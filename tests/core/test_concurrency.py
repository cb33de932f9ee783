"""Several processes writing at once: nothing fails with "locked", ids stay unique."""

from __future__ import annotations

import multiprocessing as mp

from core import open_service
from core.selection import TaskFilter
from tests.conftest import make_settings

WRITERS = 4
ADDS = 15


def _writer(url: str, n: int) -> None:
    svc = open_service(make_settings(url))
    try:
        for i in range(ADDS):
            task = svc.add_text(f"w{n} task {i} #w{n}")
            if i % 3 == 0:
                svc.complete([task.id])
    finally:
        svc.close()


def test_concurrent_writers_all_succeed(db_url: str) -> None:
    open_service(make_settings(db_url)).close()  # migrate once, as the first command would
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, n)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    svc = open_service(make_settings(db_url))
    try:
        tasks = svc.list_tasks(TaskFilter(status="all"))
        assert sorted(t.id for t in tasks) == list(range(1, WRITERS * ADDS + 1))
        assert svc.count(TaskFilter(status="completed")) == WRITERS * 5
    finally:
        svc.close()


def test_concurrent_first_runs_migrate_once(db_url: str) -> None:
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, n)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
