"""The TUI's `/` line with a filter-language expression: the rows the backend shows (row masks
where they can answer, else SQL) are the rows `todo list` selects (SQL, same order) and the
tasks the plain-Python evaluator accepts, for generated expressions and tasks, on both stores.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.changes import TaskUpdate
from core.creation import TaskCreate
from core.filterlang import parse
from core.filterlang.tree import mentions_status
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService
from tests.core import test_filter_expr_sql as shared
from todo_cli.tui.backend import Backend
from todo_cli.tui.masks import answers, maskable
from todo_cli.tui.views import parse_query

services = shared.services  # the module-scoped stores (SQLite file, PostgreSQL schema)


def _visible(service: TaskService, expression: str, flt: TaskFilter) -> set[int]:
    """What a list hides besides the expression: other statuses, and (pending lists) tasks
    waiting until later (unless it asks is:waiting) or past their until."""
    now = service.now()
    kept = set()
    for task in service.list_tasks(TaskFilter(status="all")):
        if flt.status != "all" and str(task.status) != flt.status:
            continue
        if flt.status == "pending" and task.until is not None and task.until <= now:
            continue
        waits = task.wait is not None and task.wait > now
        if flt.status == "pending" and waits and "is:waiting" not in expression:
            continue
        kept.add(task.id)
    return kept


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(zone=st.sampled_from(shared.ZONES), batch=st.lists(shared.creates, min_size=1, max_size=10),
       pairs=shared.link_pairs, expressions=st.lists(shared.expressions, min_size=1, max_size=3))
@example(zone="Europe/Berlin",
         batch=[TaskCreate(title="a", tags=("home",), project="home/x"),
                TaskCreate(title="b", status=Status.COMPLETED)],
         pairs=[], expressions=["project:home or +work", "not +home"])
# Found by the property: plain words joined by `and` were searched with the word "and".
@example(zone="Europe/Berlin", batch=[TaskCreate(title="pay")], pairs=[],
         expressions=["pay and pay"])
def test_tui_rows_are_sql_rows_are_python_tasks(
    services: dict[str, TaskService], zone: str, batch: list[TaskCreate],
    pairs: list[tuple[int, int, str]], expressions: list[str],
) -> None:
    service = services[zone].for_owner(f"owner-{uuid.uuid4()}")
    ids = [service.add(create).id for create in batch]
    links = shared.write_links(service, ids, pairs)
    backend = Backend(service)
    backend.start()
    backend.preload("due")
    for expression in expressions:
        flt = parse_query(expression, service.now())
        assert flt is not None
        shown = [task.id for task in backend.view(flt).tasks]
        assert shown == [task.id for task in service.list_tasks(flt)], expression
        expected = shared.python_ids(service, expression, links) & _visible(
            service, expression, flt)
        assert set(shown) == expected, expression


def test_the_masks_answer_expressions_of_the_terms_they_know() -> None:
    assert answers(TaskFilter(expression="project:home or (p:h not +work)"))
    assert answers(TaskFilter(expression="due.before:fri -home is:overdue has:due"))
    assert answers(TaskFilter(tags=("a",), expression="not status:completed"))
    assert answers(TaskFilter(expression="+a or rent"))  # the search: one indexed query
    for unknown in ("is:blocked", "has:subtasks", "is:waiting", "pay or has:subtasks"):
        assert not maskable(unknown)
    assert not answers(TaskFilter(status="all", expression="+a"))
    assert mentions_status(parse("status:all"))


def test_masks_hide_waiting_and_expired_tasks_as_sql_does(
    services: dict[str, TaskService],
) -> None:
    service = services["Europe/Berlin"].for_owner(f"owner-{uuid.uuid4()}")
    now = service.now()
    shown_task = service.add(TaskCreate(title="a", tags=("home",)))
    waiting = service.add(TaskCreate(title="b", tags=("home",)))
    backend = Backend(service)
    backend.start()
    backend.preload("due")
    # Set after the preload: the change reaches the cache through the event log, as an edit
    # in another terminal does.
    service.update([waiting.id], TaskUpdate(wait=now.replace(year=now.year + 1)))
    backend.poll(claim_reminders=False)
    flt = TaskFilter(expression="+home")
    assert answers(flt)
    assert [t.id for t in backend.view(flt).tasks] == [shown_task.id]
    assert [t.id for t in service.list_tasks(flt)] == [shown_task.id]
