"""Links on import and export: parents and blockers travel by uuid in other formats
(iCalendar RELATED-TO, Taskwarrior `depends`), by id here.

An import resolves each uuid among the file's tasks and the owner's stored ones, after every
task of the file is in (a subtask may come before its parent); the links are checked like an
edit's (no cycle). A uuid found nowhere is kept on the task (`kept["depends"]`, as other
fields we cannot place), so exporting it again gives it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core import links
from core.creation import TaskCreate
from core.queries import links as link_rows
from core.queries import tasks as task_rows
from core.schemas import TaskRead
from core.unit_of_work import Tx, UnitOfWork


def uuid_map(uow: UnitOfWork, tasks: Sequence[TaskRead]) -> dict[int, str]:
    """id -> uuid for every parent and blocker of `tasks` (listed or not)."""
    out = {t.id: t.uuid for t in tasks}
    wanted = {i for t in tasks for i in (*t.depends, t.parent) if i is not None} - set(out)
    if wanted:
        with uow.store.read() as db:
            out.update(link_rows.uuids_of_ids(db, uow.owner, wanted))
    return out


def keep_unknown(uow: UnitOfWork, tx: Tx, creates: list[TaskCreate]) -> list[TaskCreate]:
    """`creates` with each blocker uuid found neither in the file nor stored moved into
    `kept["depends"]` (an unknown parent is dropped: other apps' RELATED-TO may name
    calendars' items we never see)."""
    in_file = {c.uuid for c in creates if c.uuid}
    linked = {u for c in creates for u in (*c.depends_uuids, c.parent_uuid) if u}
    stored = set(link_rows.ids_of_uuids(tx.db, uow.owner, linked - in_file))
    known = in_file | stored
    return [_kept_unknown(c, known) for c in creates]


def _kept_unknown(create: TaskCreate, known: set[str]) -> TaskCreate:
    unknown = [u for u in create.depends_uuids if u not in known]
    parent = create.parent_uuid if create.parent_uuid in known else None
    if not unknown and parent == create.parent_uuid:
        return create
    kept = dict(create.kept)
    if unknown:
        kept["depends"] = unknown
    return replace(create, kept=kept, parent_uuid=parent,
                   depends_uuids=tuple(u for u in create.depends_uuids if u in known))


def link_all(uow: UnitOfWork, tx: Tx, creates: Sequence[TaskCreate],
             added: Sequence[TaskRead]) -> list[TaskRead]:
    """Give the tasks just added the parent and blockers their `creates` name by uuid,
    checked for cycles; returns `added` with their links."""
    wanted = {c.uuid: c for c in creates if c.uuid and (c.parent_uuid or c.depends_uuids)}
    todo = [t for t in added if t.uuid in wanted]
    if not todo:
        return list(added)
    uuids = {u for c in wanted.values() for u in (*c.depends_uuids, c.parent_uuid) if u}
    ids = link_rows.ids_of_uuids(tx.db, uow.owner, uuids)
    pks = task_rows.pks_of_uuids(tx.db, uow.owner, [t.uuid for t in todo])
    # The graphs are read once and kept up to date here: one read per task would make a
    # large import quadratic.
    graphs = _Graphs(link_rows.parent_map(tx.db, uow.owner),
                     link_rows.depends_map(tx.db, uow.owner))
    done = {t.uuid: _linked(uow, tx, pks[t.uuid], t, wanted[t.uuid], ids, graphs)
            for t in todo}
    return [done.get(t.uuid, t) for t in added]


@dataclass(slots=True)
class _Graphs:
    """The parent and dependency edges an import is checked against for cycles."""

    parents: dict[int, int]
    depends: dict[int, list[int]]


def _linked(uow: UnitOfWork, tx: Tx, pk: int, task: TaskRead, create: TaskCreate,
            ids: dict[str, int], graphs: _Graphs) -> TaskRead:
    parent = None if create.parent_uuid is None else ids[create.parent_uuid]
    depends = tuple(sorted({ids[u] for u in create.depends_uuids}))
    links.check_parent(task.id, parent, graphs.parents)
    links.check_depends(task.id, depends, graphs.depends)
    if parent is not None:
        graphs.parents[task.id] = parent
    if depends:
        graphs.depends[task.id] = list(depends)
    return uow.save(tx, pk, task, replace(task, parent=parent, depends=depends))
