"""The filter language compiled to SQL (core.queries.filter_expr) selects, on a real SQLite
file and on the real PostgreSQL server, exactly the tasks the Python evaluator accepts.

Hypothesis writes expressions as text (so the parser is in the loop too) over the fields the
store has: tags, project, priority, due and scheduled (all-day dates and instants near local
midnights, in the zones farthest from UTC), wait, status and search words, parents and
dependencies (written as rows: the terms are tested apart from the commands that set them);
and random task sets for a fresh owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core import open_service
from core.creation import TaskCreate
from core.filterlang import parse
from core.filterlang.evaluate import predicate
from core.priorities import Priority
from core.queries.filter_expr import add_expr
from core.queries.where import Where
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import PG_URL, Clock, make_settings, require_postgres
from tests.core.filter_rows import row_of

ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Europe/Berlin"]
TODAY = date(2026, 11, 22)  # a Sunday
NOON = time(12, 0)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, TaskService]]:
    """One database per backend, a service per zone on it, each at noon of TODAY locally;
    each example is a fresh owner."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('filter-expr') / 'todo.db'}"
        schema = None
    else:
        require_postgres()
        import psycopg

        schema = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    opened = {
        zone: open_service(make_settings(url, timezone=zone),
                           clock=Clock(datetime.combine(TODAY, NOON, ZoneInfo(zone))))
        for zone in ZONES
    }
    yield opened
    for service in opened.values():
        service.close()
    if schema is not None:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def sql_ids(service: TaskService, expression: str) -> set[int]:
    """The ids the compiled expression selects for the service's owner."""
    uow = service.uow
    with uow.store.read() as db:
        where = Where()
        where.add("t.owner = ?", uow.owner)
        add_expr(where, parse(expression), uow.now(), db)
        return {row[0] for row in db.all(f"SELECT t.id FROM task t WHERE {where.sql()}",
                                         where.params)}


def python_ids(service: TaskService, expression: str, links: Links | None = None) -> set[int]:
    """The ids the Python evaluator accepts among all the owner's tasks, whose parents and
    blockers are `links`."""
    test = predicate(parse(expression), service.now())
    tasks = {task.id: task for task in service.list_tasks(TaskFilter(status="all"))}
    links = links or Links()
    pending = {i for i, task in tasks.items() if task.status is Status.PENDING}
    blocked = {i for i in pending if links.blockers.get(i, set()) & pending}
    parents = {p for child, p in links.parent.items() if tasks[child].status is not Status.DELETED}
    return {i for i, task in tasks.items()
            if test(row_of(task, blocked=i in blocked, has_children=i in parents))}


@dataclass
class Links:
    """Parents (child id -> parent id) and blockers (task id -> blocker ids) of a task set."""

    parent: dict[int, int] = field(default_factory=dict)
    blockers: dict[int, set[int]] = field(default_factory=dict)


def write_links(service: TaskService, ids: list[int], pairs: list[tuple[int, int, str]]) -> Links:
    """Make task a the child of, or blocked by, task b for each (a, b, kind) of indexes into
    `ids`, as rows (the test writes them: the filter terms are what is tested here)."""
    links = Links()
    owner = service.uow.owner
    pk = "(SELECT pk FROM task WHERE owner = ? AND id = ?)"
    with service.uow.store.write() as db:
        for a, b, kind in pairs:
            if a >= len(ids) or b >= len(ids) or a == b:
                continue
            task, other = ids[a], ids[b]
            if kind == "parent":
                db.run(f"UPDATE task SET parent_pk = {pk} WHERE owner = ? AND id = ?",
                       [owner, other, owner, task])
                links.parent[task] = other
            elif other not in links.blockers.setdefault(task, set()):
                db.run(f"INSERT INTO task_dependency (task_pk, blocker_pk) VALUES ({pk}, {pk})",
                       [owner, task, owner, other])
                links.blockers[task].add(other)
    return links


# --- tasks -----------------------------------------------------------------------------------

WORDS = ["pay", "rent", "payment", "garden", "Gardening", "report", "c++", "tax"]
days = st.dates(TODAY - timedelta(days=3), TODAY + timedelta(days=7))
instants = st.builds(
    lambda day, minutes: datetime.combine(day, time(0), UTC) + timedelta(minutes=minutes),
    days, st.integers(-15 * 60, 15 * 60).map(lambda m: m - m % 30),
)
creates = st.builds(
    TaskCreate,
    title=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    notes=st.none() | st.sampled_from(["about the garden", "rental c++ notes", "paid"]),
    tags=st.lists(st.sampled_from(["home", "work", "errand"]), max_size=2, unique=True)
    .map(tuple),
    priority=st.sampled_from(list(Priority)),
    due=st.none() | days | instants,
    status=st.sampled_from(list(Status)),
    project=st.none() | st.sampled_from(["home", "home/garden", "homework", "work/q4"]),
    scheduled=st.none() | days | instants,
    wait=st.none() | instants,
)
link_pairs = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9),
                                st.sampled_from(["parent", "depends"])), max_size=5)

# --- expressions -----------------------------------------------------------------------------

DATE_WORDS = ["today", "tomorrow", "fri", "2026-11-20", '"in 3 days"', "mon"]
atoms = st.one_of(
    st.sampled_from(["+home", "+work", "+errand", "-home", "-work"]),
    st.sampled_from(["p:h", "p:m", "priority:low", "p:none"]),
    st.sampled_from(["status:pending", "status:completed", "status:deleted", "status:all"]),
    st.sampled_from(["is:overdue", "has:due", "is:waiting", "is:blocked", "has:subtasks"]),
    st.sampled_from(["project:home", "project:home/garden", "proj:work", "project:homework"]),
    st.builds("{}{}:{}".format, st.sampled_from(["due", "scheduled"]),
              st.sampled_from(["", ".before", ".after"]), st.sampled_from(DATE_WORDS)),
    st.sampled_from(["pay", "gard", "ren", "rep", "zzz", '"pay rent"', "c++", "tax", "Paym"]),
)
expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds("{} {}".format, inner, inner),
        st.builds("{} and {}".format, inner, inner),
        st.builds("({} or {})".format, inner, inner),
        st.builds("{} or {}".format, inner, inner),
        st.builds("not {}".format, inner),
        st.builds("not ({})".format, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(zone=st.sampled_from(ZONES), batch=st.lists(creates, min_size=1, max_size=10),
       pairs=link_pairs, expression=expressions)
@example(zone="Etc/GMT+12", batch=[TaskCreate(title="pay", status=Status.PENDING)], pairs=[],
         expression="not due.before:fri")
@example(zone="Europe/Berlin", batch=[TaskCreate(title="a"), TaskCreate(title="b")],
         pairs=[(0, 1, "depends"), (1, 0, "parent")], expression="is:blocked or has:subtasks")
def test_sql_selects_what_python_accepts(
    services: dict[str, TaskService], zone: str, batch: list[TaskCreate],
    pairs: list[tuple[int, int, str]], expression: str,
) -> None:
    service = services[zone].for_owner(f"owner-{uuid.uuid4()}")
    ids = [service.add(create).id for create in batch]
    links = write_links(service, ids, pairs)
    assert sql_ids(service, expression) == python_ids(service, expression, links)


def test_the_answers_are_the_expected_tasks(services: dict[str, TaskService]) -> None:
    """Not only equal to each other: right, on a hand-made set."""
    service = services["Europe/Berlin"].for_owner(f"owner-{uuid.uuid4()}")
    rent = service.add(TaskCreate(title="Pay rent", tags=("home",), due=TODAY))
    tax = service.add(TaskCreate(title="File tax", priority=Priority.HIGH,
                                 due=date(2026, 11, 27)))
    done = service.add(TaskCreate(title="Paint fence", tags=("home",), status=Status.COMPLETED))
    cases = {
        "+home": {rent.id, done.id},
        "+home status:pending": {rent.id},
        "pay or p:h": {rent.id, tax.id},
        "not +home": {tax.id},
        "due.before:fri": {rent.id},
        "due:fri": {tax.id},
        "not has:due": {done.id},
        "(pa or fil) -home": {tax.id},
        "": {rent.id, tax.id, done.id},
    }
    for expression, ids in cases.items():
        assert sql_ids(service, expression) == ids, expression
        assert python_ids(service, expression) == ids, expression
