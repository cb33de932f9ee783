"""systemd user units for the workers: `todo-worker.service` runs them all,
`todo-worker@.service` one each (`systemctl --user start todo-worker@notify`).

Secrets never go into a unit (units are world-readable by habit and show up in
`systemctl show`): they go to an environment file of mode 0600 that the units read with
`EnvironmentFile=`. Values are quoted by systemd's rules, so spaces, quotes, `%` and `$`
arrive as written.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from config.settings import ENV_PREFIX, has_url_password, secret_env_names

UNIT = "todo-worker.service"
TEMPLATE = "todo-worker@.service"
ENV_FILE = "worker.env"
_SECRET_WORDS = ("PASSWORD", "TOKEN", "SECRET", "KEY", "CREDENTIAL")


@dataclass(frozen=True, slots=True)
class Environment:
    """The variables a unit passes on: plain ones in the unit, secret ones in the 0600 file
    (with why each is secret)."""

    plain: dict[str, str]
    secret: dict[str, str]
    why: dict[str, str]


def split_environment(env: Mapping[str, str]) -> Environment:
    """The TODO_* variables and TZ of `env`, sorted into plain and secret."""
    plain: dict[str, str] = {}
    secret: dict[str, str] = {}
    why: dict[str, str] = {}
    known = secret_env_names()
    for name, value in sorted(env.items()):
        if not (name.startswith(ENV_PREFIX) or name == "TZ"):
            continue
        reason = _secret_reason(name, value, known)
        if reason is None:
            plain[name] = value
        else:
            secret[name], why[name] = value, reason
    return Environment(plain, secret, why)


def _secret_reason(name: str, value: str, known: set[str]) -> str | None:
    if name in known or any(word in name for word in _SECRET_WORDS):
        return "a secret setting"
    if has_url_password(value):
        return "a password in its URL"
    return None


def command() -> list[str]:
    """How systemd starts todo: the installed script, else this Python with -m."""
    todo = shutil.which("todo")
    return [todo] if todo else [sys.executable, "-m", "todo_cli.main"]


def unit(plain: Mapping[str, str], env_file: Path | None, instance: bool = False) -> str:
    """The text of the unit running every worker, or (`instance`) the template running the
    worker named by the instance (`%i`)."""
    what = "%i" if instance else "all"
    description = "todo worker %i" if instance else "todo workers (all of them)"
    exec_start = " ".join(quote_arg(a) for a in [*command(), "worker"]) + f" {what}"
    lines = ["[Unit]", f"Description={description}",
             # No After=network-online.target: a user manager has no such target. A worker
             # that cannot reach its broker or database exits and is restarted.
             "StartLimitIntervalSec=0", "",
             "[Service]", f"ExecStart={exec_start}"]
    lines += [f"Environment={quote_assignment(k, v)}" for k, v in sorted(plain.items())]
    if env_file is not None:
        lines.append(f"EnvironmentFile={quote_path(env_file)}")
    lines += ["Restart=on-failure", "RestartSec=5", "KillSignal=SIGTERM", "TimeoutStopSec=30",
              "", "[Install]", "WantedBy=default.target", ""]
    return "\n".join(lines)


def env_file_text(secret: Mapping[str, str]) -> str:
    """The environment file: one `NAME=value` a line, quoted as systemd's parser reads it."""
    head = "# Secrets of the todo workers, read by the systemd units (EnvironmentFile=).\n"
    return head + "".join(f"{k}={_env_file_value(v)}\n" for k, v in sorted(secret.items()))


def _env_file_value(value: str) -> str:
    if "'" not in value and "\n" not in value:
        return f"'{value}'"  # nothing is special between single quotes
    escaped = "".join("\\" + c if c in '\\"$`' else c for c in value)
    return f'"{escaped}"'


def quote_assignment(name: str, value: str) -> str:
    """`NAME=value` as one double-quoted word of `Environment=` (C escapes, `%` doubled)."""
    return '"' + _c_escape(f"{name}={value}").replace("%", "%%") + '"'


def quote_arg(arg: str) -> str:
    """One word of `ExecStart=`: quoted, `%` and `$` doubled so nothing gets expanded."""
    return '"' + _c_escape(arg).replace("%", "%%").replace("$", "$$") + '"'


def quote_path(path: Path) -> str:
    """A path setting's value: specifiers escaped (systemd takes the rest of the line)."""
    return str(path).replace("%", "%%")


def _c_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\t", "\\t"))


def write_private(path: Path, text: str) -> None:
    """Write `path` readable only by its owner, from its first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
