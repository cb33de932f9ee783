"""Background workers and the audit log."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from core import dates
from core.errors import BadInput
from todo_cli import render, render_json
from todo_cli.commands import options as opts
from todo_cli.commands.options import Json
from todo_cli.context import service, settings

app = typer.Typer(
    help="Background workers: relay, recurrence, audit, notify (embedded log or Kafka).",
    rich_markup_mode=None,
)


MetricsPort = Annotated[int | None, typer.Option(
    "--metrics-port", min=0, max=65535, metavar="PORT",
    help="Serve /metrics, /healthz and /readyz on this port (setting worker.metrics_port).",
)]


def _run(*names: str, metrics_port: int | None = None) -> None:
    from services import workers

    chosen = settings()
    if metrics_port is not None:
        chosen.worker.metrics_port = metrics_port
    workers.run(list(names), chosen)


@app.command()
def relay(metrics_port: MetricsPort = None) -> None:
    """Publish the outbox to Kafka in order; rows are marked sent once acknowledged."""
    _run("relay", metrics_port=metrics_port)


@app.command()
def recurrence(metrics_port: MetricsPort = None) -> None:
    """Create the next instance of each completed recurring task, exactly once."""
    _run("recurrence", metrics_port=metrics_port)


@app.command()
def audit(metrics_port: MetricsPort = None) -> None:
    """Append every event to the audit log."""
    _run("audit", metrics_port=metrics_port)


@app.command()
def notify(metrics_port: MetricsPort = None) -> None:
    """Claim due reminders and deliver them to the configured channels."""
    _run("notify", metrics_port=metrics_port)


@app.command("all")
def all_(metrics_port: MetricsPort = None) -> None:
    """Run every worker (the relay only when Kafka is configured)."""
    names = ["recurrence", "audit", "notify"]
    if settings().kafka.bootstrap_servers:
        names.insert(0, "relay")
    _run(*names, metrics_port=metrics_port)


@app.command()
def status() -> None:
    """Each consumer group's position and backlog."""
    from services import workers

    render.worker_status(workers.status(settings()))


@app.command("install-systemd")
def install_systemd(
    path: Annotated[Path | None, typer.Option(help="Where to write the unit.")] = None,
) -> None:
    """Write a systemd user unit for `todo worker all` and print how to enable it."""
    from services import workers

    target = path or Path.home() / ".config/systemd/user/todo-worker.service"
    keep, secret = {}, []
    for name, value in os.environ.items():
        if name.startswith("TODO_") or name == "TZ":
            if any(word in name for word in ("PASSWORD", "TOKEN", "SECRET", "KEY")):
                secret.append(name)
            else:
                keep[name] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(workers.systemd_unit(keep), encoding="utf-8")
    target.chmod(0o600)
    out = render.Out()
    out.line(f"Wrote {target}")
    if secret:
        out.line(f"Left out {', '.join(sorted(secret))}: put secrets in config.toml "
                 "(readable only by you), not in the unit")
    out.line("Enable it with: systemctl --user daemon-reload && "
             "systemctl --user enable --now todo-worker.service")


def audit_log(
    since: Annotated[str | None, typer.Option(help="Only events since this date (e.g. 'mon').")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only this event type (created, completed, ...).")] = None,
    limit: opts.Limit = None,
    json: Json = False,
) -> None:
    """Show the audit log: who changed what and when, with old and new values."""
    svc = service()
    when = None
    if since is not None:
        try:
            due = dates.parse_due(since, svc.now())
        except BadInput as exc:
            raise BadInput(f"--since: {exc.message}") from None
        when = due if isinstance(due, datetime) else dates.day_start(due, svc.tz)
    entries = svc.audit(when, type_, limit)
    if json:
        render_json.audit(entries, svc.tz)
    else:
        render.audit(entries, svc.tz)


def register(root: typer.Typer) -> None:
    """Attach `worker` and `audit` to the root app."""
    root.add_typer(app, name="worker")
    root.command("audit")(audit_log)
