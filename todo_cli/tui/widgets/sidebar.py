"""The sidebar: the fixed views, then one entry per tag, each with its count."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from todo_cli.tui.messages import ViewChosen
from todo_cli.tui.views import FIXED, View, tag_view

_LINE_W = 19
"""The characters an entry has: its label, then its count flush right."""


class Sidebar(OptionList):
    """Views to pick from; moving the highlight switches the view."""

    DEFAULT_CSS = """
    Sidebar { width: 24; height: 1fr; border-right: vkey $foreground 20%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(*[self._option(v, None) for v in FIXED], id=id)
        self.views: dict[str, View] = {v.key: v for v in FIXED}
        self.chosen = FIXED[0].key

    @staticmethod
    def _option(view: View, count: int | None) -> Option:
        shown = "" if count is None else str(count)
        room = _LINE_W - len(shown) - (1 if shown else 0)
        # A long tag is cut, not wrapped onto a second line under its count.
        name = view.label if len(view.label) <= room else view.label[: room - 1] + "…"
        label = Text(name)
        if shown:
            label.append(f"{shown:>{_LINE_W - len(name)}}", style="dim")
        return Option(label, id=view.key)

    def show_counts(self, counts: dict[str, int], tags: Sequence[tuple[str, int]]) -> None:
        """Redraw the entries with fresh counts; the tag entries follow the tags in use."""
        views = [*FIXED, *(tag_view(tag) for tag, _ in tags)]
        counts = {**counts, **{tag_view(tag).key: n for tag, n in tags}}
        self.views = {v.key: v for v in views}
        keys = [v.key for v in views]
        # Refilling the list moves the highlight through other entries: not a choice.
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options([self._option(v, counts.get(v.key)) for v in views])
            self.highlighted = keys.index(self.chosen) if self.chosen in keys else 0
        if self.chosen not in keys:  # the tag of the view is gone: back to the first view
            self._choose(keys[0])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self._choose(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._choose(event.option.id)

    def _choose(self, key: str) -> None:
        if key != self.chosen and key in self.views:
            self.chosen = key
            self.post_message(ViewChosen(self.views[key]))
