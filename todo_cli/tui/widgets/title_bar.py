"""The top line: the command palette's icon, and the app's title and sub-title.

It looks like Textual's Header, which redraws its title with a layout pass of the whole
screen. The sub-title here changes with every list the table shows (its count), so on every
filter key; this bar repaints its one line and nothing else.
"""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.widget import Widget

_ICON_W, _RIGHT_W = 8, 10  # as Textual's Header: the icon and the clock's space


class TitleBar(Widget):
    """`title — sub-title`, centred; a click on the icon opens the command palette."""

    DEFAULT_CSS = """
    TitleBar { dock: top; width: 100%; height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, icon: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.icon = icon

    def on_mount(self) -> None:
        self.tooltip = "Open the command palette"
        self.watch(self.app, "title", self._retitle, init=False)
        self.watch(self.app, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()  # same size, so no layout

    def render(self) -> RenderResult:
        app = self.app
        middle = max(self.size.width - _ICON_W - _RIGHT_W, 1)
        title = Text(app.title)
        if app.sub_title:
            title.append(f" — {app.sub_title}", style="dim")
        title.truncate(middle, overflow="ellipsis")
        pad = middle - title.cell_len
        return Text.assemble(set_cell_size(f" {self.icon}", _ICON_W), " " * (pad // 2), title)

    async def on_click(self, event: events.Click) -> None:
        if event.x < _ICON_W:
            event.stop()
            await self.run_action("app.command_palette")
