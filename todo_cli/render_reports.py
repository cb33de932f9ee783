"""Reports the CLI prints: a task's history, the audit log, settings, worker status and
`todo doctor`. Stored text goes through `visible`, so nothing in it can drive the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from core.text import visible
from todo_cli.render import Out, duration_words, stamp


def history(entries: Sequence[Any], tz: tzinfo, out: Out | None = None) -> None:
    """A task's changes, oldest first: time, event type, and old -> new per field."""
    out = out or Out()
    for entry in entries:
        kind = entry.type.rsplit(".", 1)[-1]
        when = stamp(entry.time, tz)
        out.line(f"{out.style(when, 'dim')}  {out.style(kind, 'bold')}")
        for name, change in entry.changes.items():
            out.line(f"    {name}: {_value(change['old'])} -> {_value(change['new'])}")


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):  # tags
            return visible(" ".join("#" + v for v in value)) or "-"
        return visible(", ".join(_list_item(v) for v in value))
    return visible(str(value))


def _list_item(value: Any) -> str:
    if isinstance(value, dict) and "at" in value:  # a reminder: when, and how it is set
        before = value.get("before")
        how = f"{duration_words(before)} before" if isinstance(before, str) else "at"
        return f"{value['at']} ({how}, {value.get('state', '?')})"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


def settings_table(rows: Sequence[tuple[str, str, str]], out: Out | None = None) -> None:
    """Effective settings with where each value came from."""
    out = out or Out()
    # A value set through the environment may hold anything: shown, never obeyed.
    rows = [(key, visible(value), source) for key, value, source in rows]
    key_w = max(len(k) for k, _, _ in rows)
    val_w = max(len(v) for _, v, _ in rows)
    for key, value, source in rows:
        out.line(f"{key.ljust(key_w)}  {value.ljust(val_w)}  {out.style(source, 'dim')}")


def worker_status(rows: Sequence[Any], out: Out | None = None) -> None:
    """Consumer groups with their position and backlog; topics with their partition count."""
    out = out or Out()
    width = max(len(r.group) for r in rows)
    for row in rows:
        backlog = " " * 14 if row.backlog is None else f"backlog {row.backlog:>6}"
        out.line(f"{out.style(row.group.ljust(width), 'bold')}  {backlog}  "
                 f"{out.style(row.position, 'dim')}")


def doctor(report: Any, out: Out | None = None) -> None:
    """`todo doctor`: one line per check, its status first, then the verdict."""
    out = out or Out()
    marks = {"ok": ("ok  ", "green"), "warn": ("warn", "yellow"), "fail": ("FAIL", "red")}
    width = max(len(c.name) for c in report.checks)
    for check in report.checks:
        mark, colour = marks[check.status]
        out.line(f"{out.style(mark, colour, 'bold')}  {check.name.ljust(width)}  {check.detail}")
    out.line("healthy" if report.healthy else "problems found: see FAIL above")


def audit(entries: Sequence[Any], tz: tzinfo, out: Out | None = None) -> None:
    """Audit entries: when, what, which task, from where, and the changed values."""
    out = out or Out()
    for entry in entries:
        kind = entry.type.removeprefix("todo.")
        task = f"{entry.task_id} {entry.task_title!r}" if entry.task_id is not None else "-"
        out.line(f"{out.style(stamp(entry.time, tz), 'dim')}  {out.style(kind, 'bold')}  "
                 f"{task}  {out.style(visible(entry.source), 'dim')}")
        for name, change in entry.changes.items():
            if isinstance(change, dict) and "old" in change:
                out.line(f"    {name}: {_value(change['old'])} -> {_value(change['new'])}")
