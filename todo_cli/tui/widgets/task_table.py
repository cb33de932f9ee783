"""The task table: a virtual list that renders only the rows on screen.

A DataTable builds every row up front, which at 50k tasks costs seconds. This widget keeps
the tasks (already sorted) in a list and draws each visible line on demand (Textual's Line
API), so a repaint costs the same at 50 tasks or 50,000.

It scrolls itself (`top`, the first row shown) and draws its own scrollbar in the last
column, instead of being a ScrollView: Textual treats a ScrollView's scroll as a layout
change and repaints the whole screen, scrollbar widget included, on every step. Here moving
by a page repaints the table's own lines and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from core.schemas import TaskRead
from todo_cli.cells import (
    DELETED,
    DONE,
    MARKER,
    OVERDUE,
    PRIORITY_STYLE,
    TAGS,
    cells,
    fit,
)
from todo_cli.tui.listing import EMPTY, Listing
from todo_cli.tui.widgets.viewport import RowView

_ID_W, _DUE_W, _MARK_W = 5, 17, 4
_LEAD_W = _ID_W + 4  # "  123  H " before the title
_FIXED_W = _LEAD_W + 1 + _DUE_W + 1 + _MARK_W + 1  # everything but the title, bar included
RECURRING = "↻"
REMINDER = "⏰"
BLOCKED = "⊘"
"""In the marker column's last cell: the task waits for a pending blocker."""


def _padded(marks: str) -> str:
    return marks + " " * (_MARK_W - cell_len(marks))


# The component class (in DEFAULT_CSS) that draws each semantic style of todo_cli/cells.py.
_COMPONENT = {
    OVERDUE: "overdue", DONE: "settled", DELETED: "settled", TAGS: "tags", MARKER: "marker",
    # prio.high -> high, prio.medium -> medium, prio.low -> low
    **{style: priority.value for priority, style in PRIORITY_STYLE.items()},
}

# Indexed by (recurring, reminder pending): the marker column, padded to its cells.
_MARKS = {
    (False, False): _padded(" "),
    (True, False): _padded(RECURRING),
    (False, True): _padded(" " + REMINDER),
    (True, True): _padded(RECURRING + REMINDER),
}


def _marks(recurring: bool, reminder: bool, blocked: bool) -> str:
    """The marker column; every entry of _MARKS leaves its last cell free for BLOCKED."""
    marks = _MARKS[recurring, reminder]
    return marks[:-1] + BLOCKED if blocked else marks


class TaskTable(RowView, can_focus=True):
    """Tasks, one per line, under a fixed header; the cursor row is the current task."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; }
    TaskTable > .task-table--header { text-style: bold; color: $text-muted; }
    TaskTable > .task-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    TaskTable:blur > .task-table--cursor { background: $block-cursor-blurred-background; }
    TaskTable > .task-table--overdue { color: $error; text-style: bold; }
    TaskTable > .task-table--tags { color: $accent; }
    TaskTable > .task-table--settled { color: $text-muted; text-style: strike; }
    TaskTable > .task-table--high { color: $error; text-style: bold; }
    TaskTable > .task-table--medium { color: $warning; text-style: bold; }
    TaskTable > .task-table--low { color: $primary; }
    TaskTable > .task-table--marker { color: $secondary; }
    TaskTable > .task-table--empty { color: $text-muted; text-style: italic; }
    TaskTable > .task-table--track { background: $scrollbar-background; }
    TaskTable > .task-table--thumb { background: $scrollbar; }
    """
    COMPONENT_CLASSES = {
        "task-table--header", "task-table--cursor", "task-table--overdue", "task-table--tags",
        "task-table--settled", "task-table--high", "task-table--medium", "task-table--low",
        "task-table--marker", "task-table--empty", "task-table--track", "task-table--thumb",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Edit", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        """The user chose a task (Enter or double click)."""

        def __init__(self, task: TaskRead) -> None:
            super().__init__()
            self.task = task

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self.listing = EMPTY
        self.empty_text = "No tasks."
        # Rendered rows by (task, width): moving the cursor or scrolling by a line redraws
        # the rows from here. Tasks are immutable, so a changed task is a new key.
        self._rows: dict[tuple[int, int], tuple[TaskRead, Strip]] = {}
        self._styles: dict[str, Style] = {}
        self._dragging = False

    def on_mount(self) -> None:
        # Relative due text ("today 17:00") and overdue red move with the clock.
        self.set_interval(30, self._expire)

    def _expire(self) -> None:
        self._rows.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._show_from(self.top)
        self._show_row(self.cursor)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def on_focus(self) -> None:
        self._restyle()  # the cursor row is dimmer without the focus

    def on_blur(self) -> None:
        self._restyle()

    def _restyle(self) -> None:
        self._styles.clear()
        self._rows.clear()
        self.refresh()

    # -- data --------------------------------------------------------------------------------

    def set_tasks(self, listing: Listing) -> None:
        """Show `listing`. The cursor stays on the same task when it still shows, else on
        the same row."""
        current = self.current
        self.listing = listing
        if len(self._rows) > 4096:
            self._rows.clear()
        row = listing.row_of(current.id) if current is not None else 0
        self._show_from(self.top)
        self.cursor = min(self.cursor, max(len(listing) - 1, 0)) if row is None else row
        self.refresh()

    @property
    def tasks(self) -> Sequence[TaskRead]:
        """The tasks shown, in order."""
        return self.listing.tasks

    @property
    def current(self) -> TaskRead | None:
        """The task under the cursor, if any."""
        if 0 <= self.cursor < len(self.tasks):
            return self.tasks[self.cursor]
        return None

    @property
    def page_rows(self) -> int:
        """How many task rows fit under the header."""
        return max(self.size.height - 1, 1)

    # -- moving ------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.tasks) - 1)) if self.tasks else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if self._show_row(self.cursor):
            return
        # Only the two rows whose highlight changed (line = row - top + the header).
        for row in (old, new):
            if self.top <= row < self.top + self.page_rows:
                self.refresh(Region(0, row - self.top + 1, self.size.width, 1))

    def row_count(self) -> int:
        return len(self.tasks)

    def rows_shown(self) -> int:
        return self.page_rows

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.size.height - 2, 1)

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.tasks) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    # -- mouse -------------------------------------------------------------------------------

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.x == self.size.width - 1 and event.y >= 1 and self._overflows():
            event.stop()
            self._dragging = True
            self.capture_mouse()
            self._drag_to(event.y)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            self._drag_to(event.y)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def _drag_to(self, y: int) -> None:
        """Scroll so the scrollbar's thumb sits at line `y`, as far as the list allows."""
        rows = self.page_rows
        fraction = min(max(y - 1, 0) / max(rows - 1, 1), 1.0)
        self._show_from(round(fraction * (len(self.tasks) - rows)))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1 or event.x == self.size.width - 1:
            return
        row = self.top + event.y - 1
        if row < len(self.tasks):
            self.cursor = row
            if event.chain == 2:
                self.action_select()

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._header(width)
        row = self.top + y - 1
        if row >= len(self.tasks):
            if row == 0:
                style = self.get_component_rich_style("task-table--empty")
                # Padding needs a style too: NO_COLOR's monochrome filter reads every one.
                line = Strip([Segment(f"  {self.empty_text}", style)])
                return line.adjust_cell_length(width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        task = self.tasks[row]
        cached = self._rows.get((task.id, width))
        if cached is not None and cached[0] is task:
            strip = cached[1]
        else:
            strip = self._row(task, width)
            self._rows[(task.id, width)] = (task, strip)
        segments = list(strip)
        if row == self.cursor:
            # Over the row's own styles (Strip.apply_style would put it under them).
            segments = list(Segment.apply_style(segments, post_style=self._style("cursor")))
        segments.append(self._bar(y - 1))
        return Strip(segments, width)

    def _overflows(self) -> bool:
        return len(self.tasks) > self.page_rows

    def _bar(self, line: int) -> Segment:
        """The scrollbar's cell on task line `line`: thumb or track."""
        rows, total = self.page_rows, len(self.tasks)
        if total <= rows:
            return Segment(" ", self._base())
        size = max(1, round(rows * rows / total))
        start = round(self.top / (total - rows) * (rows - size))
        return Segment(" ", self._style("thumb" if start <= line < start + size else "track"))

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("task-table--header")
        title_w = max(width - _FIXED_W, 8)
        text = f"{'ID':>{_ID_W}}  P {'Title':<{title_w}} {'Due':<{_DUE_W}} {'':<{_MARK_W}}"
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _base(self) -> Style:
        # The widget's own style, cached with the others: reading it costs more than a row.
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _row(self, task: TaskRead, width: int) -> Strip:
        """One task's line, without the scrollbar cell (`width - 1` cells)."""
        c = cells(task, self._now())
        base = self._base()
        title_w = max(width - _FIXED_W, 8)
        title, shown_tags = fit(c.title, c.tags, title_w)
        segments = [
            Segment(f"{c.id:>{_ID_W}}  ", base),
            Segment(f"{c.mark:1}", self._look(c.mark_style)),
            Segment(" ", base),
            Segment(title, self._look(c.title_style)),
        ]
        if shown_tags:
            segments += [Segment(" ", base), Segment(shown_tags, self._look(TAGS))]
        pad = title_w - _fitted_cells(title, shown_tags)
        if pad < 0:  # wide characters: cut to the cells
            segments = list(Strip(segments).adjust_cell_length(_LEAD_W + title_w, base))
        elif pad:
            segments.append(Segment(" " * pad, base))
        segments += [
            Segment(" ", base),
            Segment(f"{c.due:<{_DUE_W}}", self._look(c.due_style)),
            Segment(" ", base),
            Segment(_marks(c.recurring, c.reminder, c.blocked), self._look(MARKER)),
        ]
        return Strip(segments).adjust_cell_length(width - 1, base)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"task-table--{name}")
        return style

    def _look(self, name: str | None) -> Style:
        """The TUI's look for a semantic style of todo_cli/cells.py (the theme's colours)."""
        return self._base() if name is None else self._style(_COMPONENT[name])


def _fitted_cells(title: str, tags: str) -> int:
    """The cells title and tags take side by side (a space between when there are tags)."""
    return cell_len(title) + (cell_len(tags) + 1 if tags else 0)
