"""The edit modal: every field of one task. Core validates; its errors show inline.

Only the fields the user changed go into the TaskUpdate, so saving an untouched form
changes nothing and a recurring task's rule is not restarted by accident. The save takes
its place in the app's line of writes (`InOrder`) when Save is pressed, as every key does:
a `+` pressed before it reaches core before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from core import dates
from core.changes import TaskUpdate
from core.errors import TodoError
from core.priorities import Priority
from core.schemas import UNSET, Due, Status, TaskRead, _Unset
from core.text import visible
from todo_cli.tui.backend import Backend
from todo_cli.tui.screens import plan_fields
from todo_cli.tui.tickets import InOrder

_CLEAR = plan_fields.CLEAR
_DATES = (
    ("wait", "hidden until: mon, 2026-12-01, none"),
    ("scheduled", "start on: tomorrow, fri 9am, none"),
    ("until", "expires after: dec 31, none"),
)


class EditScreen(ModalScreen[bool]):
    """Edit one task; dismissed with True once core accepted the change, False on cancel."""

    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    EditScreen > Vertical {
        width: 80; height: auto; max-height: 100%; border: thick $primary 60%;
        background: $surface; padding: 0 1;
    }
    EditScreen Grid {
        grid-size: 2; grid-columns: 10 1fr; grid-rows: auto; grid-gutter: 0 1; height: auto;
    }
    EditScreen .field-label { color: $text-muted; text-align: right; width: 100%; }
    EditScreen .hint { color: $text-muted; text-style: italic; margin-left: 11; }
    EditScreen Input, EditScreen Select { width: 100%; }
    EditScreen TextArea { height: 3; }
    EditScreen #edit-error { color: $error; text-style: bold; height: auto; }
    EditScreen #edit-children { color: $text-muted; height: auto; max-height: 3; }
    EditScreen Horizontal { height: auto; align-horizontal: right; }
    EditScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self, task: TaskRead, backend: Backend, writes: InOrder, blink: bool = True,
        subtasks: Sequence[TaskRead] = (),
    ) -> None:
        super().__init__()
        self.todo = task
        self.subtasks = subtasks  # shown under the form (not `children`: Textual's word)
        self.backend = backend
        self.writes = writes
        self.blink = blink
        self._saving = False  # a save is in line: a second press must not queue another

    def compose(self) -> ComposeResult:
        t = self.todo
        tz = self.backend.now().tzinfo
        assert tz is not None
        due = dates.iso(t.due, tz) if t.due is not None else ""
        plan = self._plan = plan_fields.shown(t, tz) | plan_fields.links_shown(t)
        with Vertical():
            yield Static(f"[b]Edit task {t.id}[/b]", markup=True)
            with Grid():
                # Stored text is shown escaped (core/text.py): saving keeps what was shown.
                yield from _field("Title", Input(visible(t.title), id="edit-title", compact=True))
                yield from _field("Notes", TextArea(visible(t.notes or "", multiline=True),
                                                    id="edit-notes", compact=True))
                yield from _field("Priority", Select(
                    [(p.value, p) for p in Priority], value=t.priority, allow_blank=False,
                    id="edit-priority", compact=True))
                yield from _field("Due", Input(due, id="edit-due", compact=True,
                                               placeholder="fri 5pm, 2026-12-05, none"))
                yield from _field("Tags", Input(visible(" ".join(t.tags)), id="edit-tags",
                                                compact=True,
                                                placeholder="space separated"))
                yield from _field("Project", Input(plan["project"], id="edit-project",
                                                   compact=True, placeholder="home/garden, none"))
                for name, hint in _DATES:
                    yield from _field(name.capitalize(), Input(
                        plan[name], id=f"edit-{name}", compact=True, placeholder=hint))
                yield from _field("Parent", Input(plan["parent"], id="edit-parent",
                                                  compact=True, placeholder="a task id, none"))
                yield from _field("Depends", Input(plan["depends"], id="edit-depends",
                                                   compact=True,
                                                   placeholder="ids it waits for: 3,4"))
                yield from _field("Repeats", Input(t.recurrence or "", id="edit-recurrence",
                                                   compact=True,
                                                   placeholder="every mon at 9am, RRULE, none"))
                yield from _field("Remind", Input("", id="edit-remind", compact=True,
                                                  placeholder="add one: 30m before, at 3pm"))
            if self.subtasks:
                yield Static(_children_line(self.subtasks), id="edit-children", markup=False)
            yield Static("", id="edit-error")
            with Horizontal():
                yield Button("Cancel", id="edit-cancel", compact=True)
                yield Button("Save", variant="primary", id="edit-save", compact=True)

    def on_mount(self) -> None:
        for widget in self.query("Input, TextArea"):
            widget.cursor_blink = self.blink  # type: ignore[attr-defined]
        self.query_one("#edit-title", Input).focus()

    def _text(self, field: str) -> str:
        return self.query_one(f"#edit-{field}", Input).value

    def change(self, now: datetime) -> TaskUpdate:
        """The fields that differ from the task, as core's partial update."""
        t = self.todo
        title = self._text("title")
        notes = self.query_one("#edit-notes", TextArea).text
        priority = self.query_one("#edit-priority", Select).value
        tags = tuple(self._text("tags").split())
        rule = self._text("recurrence").strip()
        remind = self._text("remind").strip()
        return TaskUpdate(
            title=title if title != visible(t.title) else UNSET,
            notes=notes if notes != visible(t.notes or "", multiline=True) else UNSET,
            priority=priority if isinstance(priority, Priority) and priority != t.priority
            else UNSET,
            due=self._due(now),
            tags=tags if tags != t.tags else UNSET,
            recurrence=_rule_change(rule, t.recurrence),
            add_reminders=(remind,) if remind else (),
            project=plan_fields.project_change(self._text("project"), self._plan["project"]),
            wait=self._date("wait", now),
            scheduled=self._date("scheduled", now),
            until=self._date("until", now),
            parent=plan_fields.parent_change(self._text("parent"), self._plan["parent"]),
            depends=plan_fields.depends_change(self._text("depends"), self._plan["depends"]),
        )

    def _date(self, name: str, now: datetime) -> Due | _Unset | None:
        return plan_fields.date_change(name.capitalize(), self._text(name), self._plan[name],
                                       now)

    def _due(self, now: datetime) -> Due | _Unset | None:
        text = self._text("due").strip()
        tz = now.tzinfo
        assert tz is not None
        shown = dates.iso(self.todo.due, tz) if self.todo.due is not None else ""
        if text == shown:
            return UNSET
        if text.lower() in _CLEAR:
            return None
        return dates.parse_due(text, now)

    def action_cancel(self) -> None:
        if not self._saving:  # a save in line closes the modal itself
            self.dismiss(False)

    def action_save(self) -> None:
        if self._saving:
            return
        try:
            change = self.change(self.backend.now())
        except TodoError as exc:
            self.show_error(exc.message)
            return
        if not change.changes():
            self.dismiss(False)
            return
        self._saving = True
        ticket = self.writes.ticket()  # on the UI thread: its place is when Save was pressed
        # The app's worker, not the screen's: dismissing the screen must not cancel a save
        # whose ticket the line is waiting on.
        self.app.run_worker(lambda: self._save(ticket, change), thread=True, group="write")

    def _save(self, ticket: int, change: TaskUpdate) -> None:
        try:
            self.writes.run(ticket, lambda: self.backend.update(self.todo.id, change))
        except TodoError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _failed(self, text: str) -> None:
        self._saving = False
        self.show_error(text)

    def show_error(self, text: str) -> None:
        """Core's objection, under the form; the modal stays open."""
        self.query_one("#edit-error", Static).update(text)

    @on(Button.Pressed, "#edit-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


def _field(label: str, widget: Widget) -> Iterator[Widget]:
    yield Label(label, classes="field-label")
    yield widget


def _children_line(children: Sequence[TaskRead]) -> str:
    """The subtasks, under the form: "Subtasks  4 'buy paint', 5 'sand' (done)"."""
    names = ", ".join(f"{c.id} '{visible(c.title)}'"
                      + ("" if c.status is Status.PENDING else f" ({c.status.value})")
                      for c in children)
    return f"Subtasks  {names}"


def _rule_change(text: str, current: str | None) -> str | _Unset | None:
    if text == (current or ""):
        return UNSET
    return None if text.lower() in _CLEAR else text
