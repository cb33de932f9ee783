"""Priority and tag filters answered from the loaded tasks (todo_cli/tui/masks.py) select
exactly what core's SQL selects, in the same order, on the real backend and database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_service
from core.creation import TaskCreate
from core.priorities import Priority
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import make_settings
from todo_cli.tui.backend import SORTS, Backend
from todo_cli.tui.masks import answers

TAGS = ["home", "work", "a-b", "x_1"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('columns') / 'todo.db'}"
    open_service(make_settings(url)).close()
    yield url


tasks = st.lists(
    st.builds(
        TaskCreate,
        title=st.sampled_from(["a", "b", "c"]),
        priority=st.sampled_from(list(Priority)),
        tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True).map(tuple),
        status=st.sampled_from([Status.PENDING, Status.PENDING, Status.COMPLETED]),
    ),
    min_size=1, max_size=25,
)
filters = st.builds(
    TaskFilter,
    priority=st.sampled_from([None, *Priority]),
    tags=st.lists(st.sampled_from([*TAGS, "Work", "nowhere"]), max_size=2,
                  unique=True).map(tuple),
    sort=st.sampled_from(list(SORTS)),
    reverse=st.booleans(),
).filter(answers)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(batch=tasks, asked=st.lists(filters, min_size=1, max_size=4))
def test_column_answers_are_the_sql_answers(
    database: str, batch: list[TaskCreate], asked: list[TaskFilter]
) -> None:
    settings_ = make_settings(database, user=f"owner-{uuid.uuid4()}")
    service: TaskService = open_service(settings_)
    try:
        for create in batch:
            service.add(create)
        backend = Backend(service)
        backend.start()
        backend.preload("due")
        for flt in asked:
            assert list(backend.view(flt).tasks) == service.list_tasks(flt), flt
    finally:
        service.close()


def test_what_the_masks_answer() -> None:
    assert answers(TaskFilter(tags=("home",), sort="title", limit=5))
    assert answers(TaskFilter(priority=Priority.HIGH))
    assert not answers(TaskFilter())  # every pending task: nothing to narrow
    assert not answers(TaskFilter(tags=("home",), status="completed"))
    assert not answers(TaskFilter(tags=("home",), search="pay"))
    assert not answers(TaskFilter(priority=Priority.LOW, overdue=True))


def test_before_the_preload_the_database_answers(tmp_path: Path) -> None:
    settings_ = make_settings(f"sqlite:///{tmp_path / 'todo.db'}")
    service = open_service(settings_)
    try:
        service.add(TaskCreate(title="pay", tags=("home",)))
        service.add(TaskCreate(title="done", tags=("home",), status=Status.COMPLETED))
        backend = Backend(service)
        backend.start()
        # Only the completed task is loaded: the masks would answer "nothing pending".
        assert [t.title for t in backend.view(TaskFilter(status="completed")).tasks] == ["done"]
        flt = TaskFilter(tags=("home",))
        assert [t.title for t in backend.view(flt).tasks] == ["pay"]
    finally:
        service.close()


