"""The task table: a virtual list that renders only the rows on screen.

A DataTable builds every row up front, which at 50k tasks costs seconds. This widget keeps
the tasks (already sorted) in a list and draws each visible line on demand (Textual's Line
API), so a repaint costs the same at 50 tasks or 50,000.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core import dates
from core.priorities import Priority
from core.schemas import ReminderState, Status, TaskRead
from core.urgency import is_overdue

_PRIORITY_MARK = {Priority.HIGH: "H", Priority.MEDIUM: "M", Priority.LOW: "L", Priority.NONE: " "}
_ID_W, _DUE_W, _MARK_W = 5, 17, 4
RECURRING = "↻"
REMINDER = "⏰"


class TaskTable(ScrollView, can_focus=True):
    """Tasks, one per line, under a fixed header; the cursor row is the current task."""

    DEFAULT_CSS = """
    TaskTable { height: 1fr; overflow-x: hidden; }
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
    """
    COMPONENT_CLASSES = {
        "task-table--header", "task-table--cursor", "task-table--overdue", "task-table--tags",
        "task-table--settled", "task-table--high", "task-table--medium", "task-table--low",
        "task-table--marker", "task-table--empty",
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
        self.tasks: Sequence[TaskRead] = ()
        self.empty_text = "No tasks."
        # Rendered rows by (task, width): moving the cursor or scrolling by a line redraws
        # the rows from here. Tasks are immutable, so a changed task is a new key.
        self._rows: dict[tuple[int, int], tuple[TaskRead, Strip]] = {}
        self._styles: dict[str, Style] = {}

    def on_mount(self) -> None:
        # Relative due text ("today 17:00") and overdue red move with the clock.
        self.set_interval(30, self._expire)

    def _expire(self) -> None:
        self._rows.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        # Rows are drawn to the width: the virtual width follows it, so no sideways scroll.
        self.virtual_size = Size(event.size.width, len(self.tasks) + 1)

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

    def set_tasks(self, tasks: Sequence[TaskRead]) -> None:
        """Show `tasks` in this order; the cursor stays on the same task when it still shows."""
        current = self.current
        self.tasks = tasks
        if len(self._rows) > 4096:
            self._rows.clear()
        size = Size(self.size.width, len(tasks) + 1)
        if size != self.virtual_size:  # a new size means a new layout; skip it when we can
            self.virtual_size = size
        index = 0
        if current is not None:
            index = next((i for i, t in enumerate(tasks) if t.id == current.id),
                         min(self.cursor, max(len(tasks) - 1, 0)))
        self.cursor = index
        self.refresh()

    @property
    def current(self) -> TaskRead | None:
        """The task under the cursor, if any."""
        if 0 <= self.cursor < len(self.tasks):
            return self.tasks[self.cursor]
        return None

    # -- moving ------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.tasks) - 1)) if self.tasks else 0

    def watch_cursor(self, old: int, new: int) -> None:
        rows = max(self.size.height - 1, 1)
        top = round(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + rows:
            self.scroll_to(y=new - rows + 1, animate=False, immediate=True)
        else:
            # Only the two rows whose highlight changed (virtual line = row + the header).
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
            return
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.size.height - 2, 1)

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.tasks) - 1

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        row = round(self.scroll_y) + event.y - 1
        if row < len(self.tasks):
            self.cursor = row
            if event.chain == 2:
                self.action_select()

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._header(width)
        row = round(self.scroll_y) + y - 1
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
        if row == self.cursor:
            # Over the row's own styles (Strip.apply_style would put it under them).
            strip = Strip(Segment.apply_style(strip, post_style=self._style("cursor")),
                          strip.cell_length)
        return strip

    def _header(self, width: int) -> Strip:
        style = self.get_component_rich_style("task-table--header")
        title_w = max(width - _ID_W - _DUE_W - _MARK_W - 7, 8)
        text = f"{'ID':>{_ID_W}}  P {'Title':<{title_w}} {'Due':<{_DUE_W}} {'':<{_MARK_W}}"
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _base(self) -> Style:
        # The widget's own style, cached with the others: reading it costs more than a row.
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _row(self, task: TaskRead, width: int) -> Strip:
        now = self._now()
        base = self._base()
        settled = task.status is not Status.PENDING
        title_w = max(width - _ID_W - _DUE_W - _MARK_W - 7, 8)
        title_style = self._style("settled") if settled else base
        tags = " ".join("#" + t for t in task.tags)
        title, shown_tags = _fit(task.title, tags, title_w)
        due = dates.describe_relative(task.due, now) if task.due is not None else ""
        overdue = task.due is not None and not settled and is_overdue(task.due, now)
        segments = [
            Segment(f"{task.id:>{_ID_W}}  ", base),
            Segment(_PRIORITY_MARK[task.priority], self._priority_style(task.priority)),
            Segment(" ", base),
            Segment(title, title_style),
            Segment(" " if shown_tags else "", base),
            Segment(shown_tags, self._style("tags")),
        ]
        strip = Strip(segments).adjust_cell_length(_ID_W + 4 + title_w, base)
        tail = [
            Segment(" ", base),
            Segment(f"{due:<{_DUE_W}}", self._style("overdue") if overdue else base),
            Segment(" ", base),
            Segment(_markers(task), self._style("marker")),
        ]
        return (strip + Strip(tail)).adjust_cell_length(width, base)

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"task-table--{name}")
        return style

    def _priority_style(self, priority: Priority) -> Style:
        if priority is Priority.NONE:
            return self._base()
        return self._style(priority.value)


def _fit(title: str, tags: str, room: int) -> tuple[str, str]:
    """Title and tags cut to `room` cells; the title keeps priority over the tags."""
    if len(title) >= room:
        return title[: room - 1] + "…", ""
    left = room - len(title) - 1
    if len(tags) > left:
        tags = tags[: left - 1] + "…" if left > 1 else ""
    return title, tags


def _markers(task: TaskRead) -> str:
    marks = RECURRING if task.recurrence is not None else " "
    if any(r.state is ReminderState.PENDING for r in task.reminders):
        marks += REMINDER
    return marks
