"""Saved views in the sidebar with their counts, the `/` line's filter language and @NAME,
and the context applied to the whole session and shown in the title."""

from __future__ import annotations

import pytest

from core.service import TaskService
from tests.tui.conftest import SIZE, MakeApp, seed, settle, titles
from todo_cli.tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.asyncio


def _entries(sidebar: Sidebar) -> dict[str, str]:
    """Label -> count of each sidebar entry."""
    found = {}
    for option in sidebar.options:
        label, *count = str(option.prompt).split()
        found[label] = count[0] if count else ""
    return found


async def test_saved_views_in_the_sidebar_with_counts(make_app: MakeApp,
                                                      service: TaskService) -> None:
    seed(service)
    service.views.save("homey", "+home or +family")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == "todo"  # no context
        sidebar = app.query_one(Sidebar)
        labels = [str(o.prompt).split()[0] for o in sidebar.options]
        assert labels[:6] == ["Today", "Upcoming", "Overdue", "All", "Completed", "@homey"]
        assert _entries(sidebar)["@homey"] == "3"
        sidebar.highlighted = 5
        await settle(pilot)
        assert sorted(titles(app)) == ["call mum", "pay rent", "water plants"]
        assert app.sub_title.startswith("@homey · sort: due · 3 tasks")


async def test_filter_line_takes_the_language_and_views(make_app: MakeApp,
                                                        service: TaskService) -> None:
    seed(service)
    service.views.save("money", "+finance or p:h")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        await pilot.press("slash", *"+home or due.before:tue -family")
        await settle(pilot)
        # Sunday: the taxes are due on Friday, mum is family.
        assert sorted(titles(app)) == ["pay rent", "renew passport", "water plants"]
        await pilot.press("ctrl+u", *"@money not +home")
        await settle(pilot)
        assert titles(app) == ["file taxes"]
        await pilot.press("ctrl+u", *"@nope")
        await settle(pilot)
        assert "nope" in str(app.query_one("#filter-error").render())


async def test_the_context_narrows_every_view_and_shows_in_the_title(
        make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    service.views.save("home", "+home")
    service.views.set_context("home")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app) == ["pay rent"]  # Today, in the context
        assert app.title == "todo · context: home"
        assert app.sub_title.startswith("Today · sort: due")
        sidebar = app.query_one(Sidebar)
        assert _entries(sidebar)["All"] == "2"
        sidebar.highlighted = 3
        await settle(pilot)
        assert sorted(titles(app)) == ["pay rent", "water plants"]
        await pilot.press("slash", *"water")
        await settle(pilot)
        assert titles(app) == ["water plants"]
