"""Subtasks and dependencies: checking a new parent or blockers, completing and deleting
a parent with its subtasks, and the `todo.task.unblocked` event.

The links are fields of the task (`parent`, `depends`), so they travel through the one
write path (`UnitOfWork.save`): each change is in the task's event and undone with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from core import events
from core.errors import BadInput
from core.formats.task_shape import task_to_dict
from core.queries import links as link_rows
from core.queries import tasks as task_rows
from core.schemas import UNSET, Status, TaskRead
from core.unit_of_work import Tx, UnitOfWork

if TYPE_CHECKING:
    from core.changes import TaskUpdate


def check_targets(uow: UnitOfWork, tx: Tx, ids: Sequence[int], what: str) -> None:
    """BadInput unless every id is a task of the owner that is not deleted."""
    found = link_rows.states(tx.db, uow.owner, ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise BadInput(f"{what}: no task with id {', '.join(missing)}")
    gone = [str(i) for i in ids if found[i] == Status.DELETED.value]
    if gone:
        raise BadInput(f"{what}: task {', '.join(gone)} is deleted (restore it first)")


def linked_new(uow: UnitOfWork, tx: Tx, task: TaskRead) -> TaskRead:
    """A new task's parent and blockers checked (they exist and are not deleted), and
    whether it starts blocked. A new task has no children nor dependants: no cycle."""
    if task.parent is None and not task.depends:
        return task
    check_targets(uow, tx, [] if task.parent is None else [task.parent], "parent")
    depends = tuple(sorted(set(task.depends)))
    check_targets(uow, tx, depends, "depends")
    return with_blocked(uow, tx, replace(task, depends=depends))


def relinked(uow: UnitOfWork, tx: Tx, task: TaskRead, change: TaskUpdate) -> TaskRead:
    """`task` with the parent and blockers `change` gives, checked: they exist, are not
    deleted, and close no cycle (BadInput names it: "5 -> 3 -> 5")."""
    from core import links  # the cycle checks: edits need them, an add never does

    if change.parent is not UNSET:
        parent = change.parent
        if parent is not None:
            check_targets(uow, tx, [parent], "parent")
            links.check_parent(task.id, parent, link_rows.parent_map(tx.db, uow.owner))
        task = replace(task, parent=parent)
    if change.depends is not UNSET:
        depends = tuple(sorted(set(change.depends)))
        check_targets(uow, tx, depends, "depends")
        links.check_depends(task.id, depends, link_rows.depends_map(tx.db, uow.owner))
        task = replace(task, depends=depends)
    return task


def with_blocked(uow: UnitOfWork, tx: Tx, task: TaskRead) -> TaskRead:
    """`task` with `blocked` as its status and blockers make it now."""
    blocked = (task.status is Status.PENDING and bool(task.depends)
               and link_rows.any_pending(tx.db, uow.owner, task.depends))
    return task if blocked == task.blocked else replace(task, blocked=blocked)


def open_children(uow: UnitOfWork, tx: Tx, loaded: Sequence[tuple[int, TaskRead]],
                  with_children: bool) -> list[int]:
    """The ids of the pending subtasks (at any depth) of `loaded` not among them: to be
    completed with them (`with_children`), else BadInput names them."""
    chosen = {task.id for _pk, task in loaded}
    pks = [pk for pk, task in loaded if task.children]
    extra = [i for i in link_rows.open_descendants(tx.db, pks, ("pending",)) if i not in chosen]
    if extra and not with_children:
        names = ", ".join(str(i) for i in extra)
        raise BadInput(
            f"open subtasks: {names}; complete them first or give --with-children "
            "to complete them too"
        )
    return extra


def live_children(tx: Tx, loaded: Sequence[tuple[int, TaskRead]]) -> list[int]:
    """The ids of the subtasks (any depth, not deleted) of `loaded` not among them."""
    chosen = {task.id for _pk, task in loaded}
    pks = [pk for pk, task in loaded if task.children]
    found = link_rows.open_descendants(tx.db, pks, ("pending", "completed"))
    return [i for i in found if i not in chosen]


def announce_unblocked(uow: UnitOfWork, tx: Tx, done: Sequence[tuple[int, TaskRead]]) -> None:
    """Append `todo.task.unblocked` for each pending task whose last pending blocker is
    among the tasks just completed (`done`: (pk, task))."""
    pks = [pk for pk, task in done if task.status is Status.COMPLETED]
    completed_ids = {task.id for _pk, task in done}
    for pk in link_rows.unblocked_by(tx.db, pks):
        task = task_rows.load_pk(tx.db, pk, uow.tz)
        freed_by = [i for i in task.depends if i in completed_ids]
        snapshot = task_to_dict(task, uow.tz)
        uow.append(tx, pk, events.unblocked_event(snapshot, freed_by, uow.owner, tx.now))


def children(uow: UnitOfWork, task_id: int) -> list[TaskRead]:
    """The direct subtasks (not deleted) of a task, in id order; NotFound for no such task."""
    with uow.store.read() as db:
        task_rows.load(db, uow.owner, [task_id], uow.tz)
        where, params = link_rows.children_where(uow.owner, task_id)
        return task_rows.select(db, where, params, uow.tz)


def dependants(uow: UnitOfWork, task_id: int) -> list[TaskRead]:
    """The tasks (not deleted) that depend on a task, in id order; NotFound for no such task."""
    with uow.store.read() as db:
        task_rows.load(db, uow.owner, [task_id], uow.tz)
        where, params = link_rows.dependants_where(uow.owner, task_id)
        return task_rows.select(db, where, params, uow.tz)
