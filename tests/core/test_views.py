"""Saved views and the context in core (core/usecases/views.py), on both stores."""

from __future__ import annotations

import pytest

from core.creation import TaskCreate
from core.errors import BadInput
from core.selection import TaskFilter
from core.service import TaskService
from core.usecases.views import check_name, context_fields


def test_names_are_checked_and_lowercased() -> None:
    assert check_name(" Work.Q4_a-b ") == "work.q4_a-b"
    for bad in ("", "none", "NONE", "-a", "a b", "a/b", "@a", "x" * 65, "é" * 65):
        with pytest.raises(BadInput):
            check_name(bad)
    assert check_name("é" * 64) == "é" * 64


def test_an_add_takes_the_positive_top_level_project_and_tags() -> None:
    assert context_fields("project:home +garden p:h -later") == ("home", ("garden",))
    assert context_fields("+a") == (None, ("a",))
    assert context_fields("+a or project:x") == (None, ())
    assert context_fields("not (+a project:x)") == (None, ())
    assert context_fields("project:a project:b +c") == (None, ("c",))  # two: neither


def test_views_store_normalised_and_the_context_follows_them(svc: TaskService) -> None:
    views = svc.views
    assert views.save("W", "+work   and   not +later").expression == "+work -later"
    assert [(v.name, v.expression) for v in views.saved()] == [("w", "+work -later")]
    assert views.context() is None
    assert views.set_context("w") == views.get("w")
    assert views.context() == views.get("w")
    views.save("w", "+work")  # replacing keeps it the context
    assert views.context() is not None and views.context().expression == "+work"  # type: ignore[union-attr]
    assert views.set_context("none") is None and views.context() is None
    views.set_context("w")
    views.remove("w")
    assert views.context() is None and views.saved() == []
    with pytest.raises(BadInput, match="'w'"):
        views.get("w")


def test_a_views_filter_lists_pending_unless_it_names_a_status(svc: TaskService) -> None:
    done = svc.add(TaskCreate(title="a", tags=("x",)))
    svc.complete([done.id])
    open_ = svc.add(TaskCreate(title="b", tags=("x",)))
    assert [t.id for t in svc.list_tasks(svc.views.save("x", "+x").filter())] == [open_.id]
    both = svc.views.save("all-x", "+x status:all").filter()
    assert both == TaskFilter(status="all", expression="+x status:all")
    assert {t.id for t in svc.list_tasks(both)} == {done.id, open_.id}
