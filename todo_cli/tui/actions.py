"""The TUI's key actions, mixed into the app class: on the task under the cursor (quick add,
done, delete, undo, priority, edit: each runs its core call through the app's ordered write
path, `_write`, and says what happened in a notification), and on the view (sort, the
filter bar, focus)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input, Static

from core.errors import TodoError
from core.text import visible
from todo_cli.tui.backend import SORTS
from todo_cli.tui.messages import Failed
from todo_cli.tui.screens.confirm import ConfirmScreen
from todo_cli.tui.screens.edit import EditScreen
from todo_cli.tui.widgets.quick_add import QuickAdd
from todo_cli.tui.widgets.task_table import TaskTable

if TYPE_CHECKING:
    from todo_cli.tui.host import Host
else:
    Host = object  # the app provides it all at run time (todo_cli/tui/host.py)


class TaskActions(Host):
    """Key actions and their handlers, for `TodoApp` (which provides `backend`, `table`,
    `_write`, `poll` and the App methods used here)."""

    def action_quick_add(self) -> None:
        self.query_one(QuickAdd).open()

    def action_quick_add_under(self) -> None:
        """Quick add a subtask of the task under the cursor."""
        task = self.table.current
        if task is not None:
            self.query_one(QuickAdd).open(parent=task)

    def on_quick_add_submitted(self, message: QuickAdd.Submitted) -> None:
        quick = self.query_one(QuickAdd)
        quick.action_close()
        under = "" if message.under is None else f" under {message.under}"
        self._write(lambda: self.backend.add(message.text, message.under),
                    lambda task: f"Added {task.id} '{visible(task.title)}'{under}")

    def action_toggle_done(self) -> None:
        task = self.table.current
        if task is None:
            return

        def say(tasks: Any) -> str:
            return "; ".join(f"{t.status.value.capitalize()} {t.id} '{visible(t.title)}'"
                             for t in tasks)

        self._write(lambda: self.backend.toggle_done(task.id), say)

    def action_delete(self) -> None:
        task = self.table.current
        if task is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda: self.backend.delete(task.id),
                            lambda _: f"Deleted {task.id} '{visible(task.title)}' (u undoes)")

        self.push_screen(ConfirmScreen(f"Delete task {task.id} '{visible(task.title)}'?"), answered)

    def action_undo(self) -> None:
        def say(result: Any) -> str:
            titles = ", ".join(f"{t.id} '{visible(t.title)}'" for t in result.tasks)
            return f"Undid {result.kind}: {titles}"

        self._write(self.backend.undo, say)

    def action_priority(self, delta: int) -> None:
        task = self.table.current
        if task is None:
            return

        def say(tasks: Any) -> str:
            if not tasks:
                return f"Priority of {task.id} is already {task.priority.value}"
            return f"Priority of {task.id}: {tasks[0].priority.value}"

        self._write(lambda: self.backend.step_priority(task.id, delta), say)

    def action_edit(self) -> None:
        task = self.table.current
        if task is not None:
            self._open_editor(task.id)

    def on_task_table_selected(self, message: TaskTable.Selected) -> None:
        self._open_editor(message.task.id)

    def _open_editor(self, task_id: int) -> None:
        # The cached row may lag another process by one poll: edit what core has now.
        self._editor_worker(task_id)

    @work(thread=True, group="write")
    def _editor_worker(self, task_id: int) -> None:
        try:
            task = self.backend.get(task_id)
            children = self.backend.children(task_id) if task.children else []
        except TodoError as exc:
            self.post_message(Failed(exc.message))
            return

        def saved(ok: bool | None) -> None:
            if ok:
                if self.backend.deferred:
                    self.notify(visible(self.backend.deferred), title="Not done",
                                severity="error", timeout=6)
                self.poll()

        editor = EditScreen(task, self.backend, self._writes, self.cursor_blink, children)
        self.call_from_thread(self.push_screen, editor, saved)


class ViewActions(Host):
    """Sorting, the filter bar and focus, for `TodoApp` (which provides `sort`, `table`,
    `reload` and `_update_title`)."""

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._update_title(None)
        self.reload()

    def action_toggle_tree(self) -> None:
        """Show subtasks indented under their parents, or the flat list again."""
        on = self.table.toggle_tree()
        self.notify("Tree view: subtasks under their parents" if on else "Tree view off",
                    timeout=2)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("-open")
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.has_class("-open"):
            field.value = ""
            field.remove_class("-open")
            self.query_one("#filter-error", Static).remove_class("-open")
            self.table.focus()

    def action_focus_table(self) -> None:
        """Give the table the focus (after a bar closes)."""
        self.table.focus()
