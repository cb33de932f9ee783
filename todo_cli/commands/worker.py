"""Background workers and the audit log."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from core import dates
from core.errors import BadInput
from todo_cli import render, render_json, render_reports
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
def status(json: Json = False) -> None:
    """Each consumer group's position and backlog (with Kafka, also the relay's and each
    topic's partitions); --json prints the shape documented in the README."""
    from services import worker_status

    found = worker_status.report(settings())
    if json:
        import json as jsonlib

        render.Out().line(jsonlib.dumps(found, indent=2, ensure_ascii=False))
    else:
        render_reports.worker_status(worker_status.rows(found))


@app.command("install-systemd")
def install_systemd(
    path: Annotated[Path | None, typer.Option(help="Where to write the unit; the template goes beside it.")] = None,
) -> None:
    """Write the systemd user units (`todo-worker.service` for every worker,
    `todo-worker@.service` for one each) and print how to enable them. Secrets from the
    environment go to a file only you can read, never into a unit."""
    from config import paths
    from services import systemd

    target = path or Path.home() / ".config/systemd/user" / systemd.UNIT
    env = systemd.split_environment(dict(os.environ))
    env_file = Path(paths.config_dir()) / systemd.ENV_FILE if env.secret else None
    template = target.parent / systemd.TEMPLATE
    config = Path(paths.config_file())
    try:
        if env_file is not None:
            systemd.write_private(env_file, systemd.env_file_text(env.secret))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(systemd.unit(env.plain, env_file), encoding="utf-8")
        template.write_text(systemd.unit(env.plain, env_file, instance=True), encoding="utf-8")
        private = config.exists() and config.stat().st_mode & 0o077
        if private:
            config.chmod(0o600)  # the workers read their secrets from it too
    except OSError as exc:
        raise BadInput(f"cannot write {exc.filename or target}: {exc.strerror or exc}") from None
    out = render.Out()
    out.line(f"Wrote {target} and {template}")
    if private:
        out.line(f"Made {config} readable only by you: it may hold secrets the workers read")
    if env_file is not None:
        kept = ", ".join(f"{name} ({env.why[name]})" for name in sorted(env.secret))
        out.line(f"Secrets went to {env_file} (mode 0600, read by the units), not into the "
                 f"units: {kept}")
    out.line("Enable with: systemctl --user daemon-reload && "
             f"systemctl --user enable --now {systemd.UNIT}")
    out.line("Or one unit per worker: systemctl --user enable --now todo-worker@notify "
             "(relay, recurrence, audit, notify)")


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
        render_reports.audit(entries, svc.tz)


def register(root: typer.Typer) -> None:
    """Attach `worker` and `audit` to the root app."""
    root.add_typer(app, name="worker")
    root.command("audit")(audit_log)
