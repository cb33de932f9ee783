"""The chat pane (`c`): the agent session of `todo chat`, inside the TUI.

The session runs in a thread worker over a service of its own, which the app opens and hands
to the pane (a Store is one connection, and the table's backend holds the other), so the UI
never waits on the model or the database. Changes the agent makes reach the table the way
every other process's do: through the event log the app polls; what a change sets off after
it commits (a recurring task's next instance) is the service's own after-commit work.
Confirmations are the same ConfirmScreen modal as `d`; the worker thread waits for the
answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, RichLog, Static

from core.errors import TodoError
from core.text import visible
from todo_cli import chat_render
from todo_cli.tui.screens.confirm import ConfirmScreen
from todo_cli.tui.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from agent.session import ChatSession
    from agent.turn import ChatEvent, ConfirmRequest
    from config.settings import Settings
    from core.service import TaskService

_STYLES = {"tool": "green", "refused": "yellow", "notice": "dim italic", "error": "bold red"}


class ChatPane(Vertical):
    """A transcript and a message line; `c` shows it, Esc goes back to the table."""

    DEFAULT_CSS = """
    ChatPane { width: 48; border-left: tall $accent 40%; display: none; }
    ChatPane.-open { display: block; }
    ChatPane RichLog { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    ChatPane #chat-status { height: 1; padding: 0 1; color: $text-muted; }
    ChatPane Input { dock: bottom; }
    """
    BINDINGS = [Binding("escape", "close", "Back to tasks", show=False)]

    def __init__(
        self, service: TaskService, settings: Settings, now: Callable[[], datetime],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.service = service
        self._settings = settings
        self._now = now
        self._session: ChatSession | None = None
        self._reply = ""
        self._width = 0  # the transcript's text width when last seen open
        self.busy = False
        self.turns = 0

    def compose(self) -> ComposeResult:
        yield RichLog(wrap=True, markup=False, min_width=1, id="chat-log")
        yield Static("", id="chat-status")
        yield Input(placeholder="Ask the agent: “what's overdue?”", id="chat-input")

    @property
    def log_widget(self) -> RichLog:
        """The transcript."""
        return self.query_one("#chat-log", RichLog)

    def open(self) -> None:
        """Show the pane and put the cursor in its message line."""
        self.add_class("-open")
        self.query_one("#chat-input", Input).focus()

    def action_close(self) -> None:
        """Hide the pane; the table gets the focus back."""
        self.remove_class("-open")
        self.app.query_one(TaskTable).focus()

    @on(Input.Submitted, "#chat-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.busy:
            return
        event.input.value = ""
        self.busy = True
        self._write(Text(f"› {text}", style="bold"))
        self._status("thinking…")
        self._send(text)

    @work(thread=True, exclusive=True, group="chat")
    def _send(self, text: str) -> None:
        try:
            turn = self._session_now().send(text, self._on_event)
            if turn.offline and not turn.tool_calls and turn.reply:
                self.app.call_from_thread(self._line, turn.reply, "notice")
        except TodoError as exc:
            self.app.call_from_thread(self._line, exc.message, "error")
        finally:
            if self.service.deferred is not None:  # the change stands; the next one retries
                self.app.call_from_thread(self._line, self.service.deferred, "notice")
            self.app.call_from_thread(self._finished)

    def _session_now(self) -> ChatSession:
        """The session, started on the first message (in the worker: it reads the key)."""
        if self._session is None:
            from agent.session import ChatSession

            self._session = ChatSession(self.service, self._settings, confirm=self._confirm)
        return self._session

    def _on_event(self, event: ChatEvent) -> None:
        self.app.call_from_thread(self._show, event.kind, event.text)

    def _show(self, kind: str, text: str) -> None:
        if kind == "text":
            self._reply += text
            self._status(self._reply.rsplit("\n", 1)[-1][-80:] or "…")
            return
        self._flush_reply()
        self._line(text, kind)

    def _line(self, text: str, kind: str) -> None:
        self._write(Text(visible(text, multiline=True), style=_STYLES.get(kind, "")))

    def _flush_reply(self) -> None:
        if self._reply.strip():
            self._write(Text(visible(self._reply.strip(), multiline=True)))
        self._reply = ""

    def _write(self, text: Text) -> None:
        # Wrapped to the pane's own width: RichLog would otherwise render at least 78
        # columns wide and the pane, narrower, would cut the end of every long line. The
        # gutter is kept for the scrollbar, so the width stays put when one appears; while
        # the pane is closed (Esc during a turn) its width is the one it had open.
        log = self.log_widget
        self._width = log.scrollable_content_region.width or self._width
        log.write(text, width=self._width or None)

    def _finished(self) -> None:
        self._flush_reply()
        self._status("")
        self.busy = False
        self.turns += 1

    def _status(self, text: str) -> None:
        self.query_one("#chat-status", Static).update(text)

    def _confirm(self, request: ConfirmRequest) -> bool:
        """Ask with the modal from the worker thread, and wait for the answer."""
        answered = threading.Event()
        answer: list[bool] = []

        def done(result: bool | None) -> None:
            answer.append(bool(result))
            answered.set()

        # The modal is small: the first dozen tasks, then how many more.
        question = "\n".join(chat_render.confirm_lines(request, self._now(), most=12))
        self.app.call_from_thread(
            self.app.push_screen, ConfirmScreen(question, yes="Yes, do it"), done
        )
        answered.wait()
        return answer[0]
