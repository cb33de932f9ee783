"""Quick add: one line of the quick-add grammar, with what it means shown as you type.

The preview calls core's parser (`core.quickadd.parse`, pure and fast, so it runs on the UI
thread); Enter hands the text to core's `add_text`, which reads it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from core import dates, quickadd, recurrence
from core.errors import BadInput
from core.reminders import ReminderSpec, describe_before
from core.schemas import TaskRead
from core.text import check_text, visible


def preview(text: str, now: datetime) -> Text:
    """What the quick-add line `text` would create, or the error core would give."""
    if not text.strip():
        return Text("e.g. pay rent fri 9am #home !high every month remind me 1 day before",
                    style="dim")
    try:
        parsed = quickadd.parse(check_text("title", text), now)  # as core's add_text
        due = parsed.due
        if parsed.recurrence is not None:
            due = recurrence.first_due(parsed.recurrence, now, due)
    except BadInput as exc:
        return Text(visible(exc.message), style="bold red")
    parts: list[tuple[str, str]] = [("title", parsed.title or "(none: a task needs a title)")]
    if due is not None:
        tz = now.tzinfo
        assert tz is not None
        parts.append(("due", f"{dates.describe_relative(due, now)} ({dates.iso(due, tz)})"))
    if parsed.tags:
        parts.append(("tags", " ".join("#" + t for t in parsed.tags)))
    if parsed.priority is not None:
        parts.append(("priority", parsed.priority.value))
    if parsed.recurrence is not None:
        parts.append(("repeats", recurrence.describe(parsed.recurrence)))
    if parsed.reminders:
        parts.append(("remind", ", ".join(_reminder(r, now) for r in parsed.reminders)))
    out = Text()
    for n, (name, value) in enumerate(parts):
        out.append(("  " if n else "") + f"{name}: ", style="bold")
        out.append(value)
    return out


def _reminder(spec: ReminderSpec, now: datetime) -> str:
    if spec.before is not None:
        return f"{describe_before(spec.before)} before"
    assert spec.at is not None
    return dates.describe_relative(spec.at, now)


class QuickAdd(Vertical):
    """The quick-add line and its preview; hidden until `a`."""

    DEFAULT_CSS = """
    QuickAdd { height: auto; display: none; padding: 0 1; background: $panel; }
    QuickAdd.-open { display: block; }
    QuickAdd > #quick-add-preview { height: auto; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel")]

    class Submitted(Message):
        """Enter in the quick-add line."""

        def __init__(self, text: str, under: int | None = None) -> None:
            super().__init__()
            self.text = text
            self.under = under
            """The task the new one goes under (quick add under a task), if any."""

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self.under: int | None = None  # the task a subtask goes under (not `parent`: Textual's)

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Add a task…", id="quick-add-input")
        yield Static(preview("", self._now()), id="quick-add-preview")

    def open(self, parent: TaskRead | None = None) -> None:
        """Show the line, empty, with the focus in it; with `parent`, the task added goes
        under that one (a subtask)."""
        self.under = None if parent is None else parent.id
        self.add_class("-open")
        field = self.query_one(Input)
        field.value = ""
        field.placeholder = ("Add a task…" if parent is None
                             else f"Add a subtask of {parent.id} '{visible(parent.title)}'…")
        field.focus()

    def action_close(self) -> None:
        self.remove_class("-open")
        self.screen.set_focus(None)
        self.app.action_focus_table()  # type: ignore[attr-defined]

    @on(Input.Changed, "#quick-add-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#quick-add-preview", Static).update(preview(event.value, self._now()))

    @on(Input.Submitted, "#quick-add-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Submitted(event.value, self.under))
