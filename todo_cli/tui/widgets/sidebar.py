"""The sidebar: the fixed views, then one entry per tag, each with its count.

Drawn line by line like the task table (Textual's Line API), not as an OptionList: moving
the highlight repaints the two lines it leaves and enters, where an OptionList repaints
every entry and scrolls itself (10 ms a key at 50k tasks, on every view switch).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip

from todo_cli.tui.backend import Counts
from todo_cli.tui.messages import ViewChosen
from todo_cli.tui.views import FIXED, View, sidebar_views, tag_view
from todo_cli.tui.widgets.viewport import RowView

_LINE_W = 19
"""The characters an entry has: its label, then its count flush right."""
_DIM = Style(dim=True)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the sidebar: the view's key and what the line says."""

    id: str
    prompt: str
    label_w: int  # the label's characters at the start of `prompt`; the count follows


def _entry(view: View, count: int | None) -> Entry:
    shown = "" if count is None else str(count)
    room = _LINE_W - len(shown) - (1 if shown else 0)
    # A long tag is cut, not wrapped onto a second line under its count.
    name = view.label if len(view.label) <= room else view.label[: room - 1] + "…"
    count_text = f"{shown:>{_LINE_W - len(name)}}" if shown else ""
    return Entry(view.key, name + count_text, len(name))


class Sidebar(RowView, can_focus=True):
    """Views to pick from; moving the highlight switches the view."""

    DEFAULT_CSS = """
    Sidebar {
        width: 24; height: 1fr; padding: 0 1; background: $surface; color: $foreground;
        border: tall $border-blurred; border-right: vkey $foreground 20%;
    }
    Sidebar:focus {
        border: tall $border; border-right: vkey $foreground 20%;
        background-tint: $foreground 5%;
    }
    Sidebar > .sidebar--highlighted {
        color: $foreground; background: $block-cursor-blurred-background;
    }
    Sidebar:focus > .sidebar--highlighted {
        color: $block-cursor-foreground; background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """
    COMPONENT_CLASSES = {"sidebar--highlighted"}
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Show", show=False),
    ]

    highlighted: reactive[int] = reactive(0, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options: list[Entry] = [_entry(v, None) for v in FIXED]
        self.views: dict[str, View] = {v.key: v for v in FIXED}
        self.chosen = FIXED[0].key
        self._quiet = False  # refilling the entries moves the highlight: not a choice
        self._styles: dict[str, Style] = {}

    def show_counts(self, numbers: Counts) -> None:
        """Redraw the entries with fresh counts; the saved views' and tags' entries follow
        the saved views and the tags in use."""
        tags = numbers.tags
        views = sidebar_views(tags, numbers.saved)
        counts = {**numbers.views, **{tag_view(tag).key: n for tag, n in tags}}
        self.views = {v.key: v for v in views}
        self.options = [_entry(v, counts.get(v.key)) for v in views]
        keys = [v.key for v in views]
        self._quiet = True
        try:
            self.highlighted = keys.index(self.chosen) if self.chosen in keys else 0
        finally:
            self._quiet = False
        self.refresh()
        if self.chosen not in keys:  # the tag of the view is gone: back to the first view
            self._choose(keys[0])

    # -- moving ------------------------------------------------------------------------------

    def validate_highlighted(self, value: int) -> int:
        return max(0, min(value, len(self.options) - 1))

    def watch_highlighted(self, old: int, new: int) -> None:
        if not self._show_row(new):
            for row in (old, new):
                self._refresh_row(row)
        if not self._quiet:
            self._choose(self.options[new].id)

    def row_count(self) -> int:
        return len(self.options)

    def rows_shown(self) -> int:
        return max(self.content_size.height, 1)

    def _refresh_row(self, row: int) -> None:
        line = row - self.top
        if 0 <= line < self.content_size.height:
            # Region in the widget's own coordinates: past the top border and the padding.
            gutter = self.styles.gutter
            self.refresh(Region(0, line + gutter.top, self.size.width, 1))

    def action_move(self, delta: int) -> None:
        self.highlighted += delta

    def action_jump(self, where: int) -> None:
        self.highlighted = 0 if where == 0 else len(self.options) - 1

    def action_select(self) -> None:
        self._choose(self.options[self.highlighted].id)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.top + offset.y < len(self.options):
            self.highlighted = self.top + offset.y

    def _choose(self, key: str) -> None:
        if key != self.chosen and key in self.views:
            self.chosen = key
            self.post_message(ViewChosen(self.views[key]))

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        row = self.top + y
        base = self._style("")
        if row >= len(self.options):
            return Strip.blank(width, base)
        entry = self.options[row]
        style = self._style("highlighted") if row == self.highlighted else base
        count = style + _DIM  # over the line's own background, highlighted or not
        segments = [Segment(entry.prompt[: entry.label_w], style),
                    Segment(entry.prompt[entry.label_w :], count)]
        return Strip(segments).adjust_cell_length(width, style)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else self.get_component_rich_style(
                f"sidebar--{name}")
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def on_focus(self) -> None:
        self._restyle()  # the highlight is brighter with the focus

    def on_blur(self) -> None:
        self._restyle()

    def _restyle(self) -> None:
        self._styles.clear()
        self.refresh()
