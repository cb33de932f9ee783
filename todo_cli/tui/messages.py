"""Messages the workers and widgets post to the app: results arrive on the UI thread."""

from __future__ import annotations

from textual.message import Message

from core.live import ChangeSet
from todo_cli.tui.backend import Counts
from todo_cli.tui.listing import Listing
from todo_cli.tui.views import View


class ViewChosen(Message):
    """The user picked another view in the sidebar."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view


class TasksLoaded(Message):
    """A worker has the tasks of the current view and filter, sorted (`partial`: only the
    first screen of them; the rest follows)."""

    def __init__(self, tasks: Listing, generation: int, partial: bool = False) -> None:
        super().__init__()
        self.tasks = tasks
        self.generation = generation
        self.partial = partial


class CountsLoaded(Message):
    """Fresh counts for the sidebar."""

    def __init__(self, counts: Counts) -> None:
        super().__init__()
        self.counts = counts


class Changed(Message):
    """The event log moved: tasks changed (here or in another process), reminders fell due."""

    def __init__(self, changes: ChangeSet) -> None:
        super().__init__()
        self.changes = changes


class Failed(Message):
    """A core call was refused: the message for the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Done(Message):
    """A mutation went through: what to tell the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
