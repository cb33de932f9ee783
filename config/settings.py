"""Typed settings from config.toml and TODO_<SECTION>__<KEY> environment variables.

Environment wins over the file, the file over defaults. Each value remembers where it
came from so `todo config show` can say so. Plain dataclasses instead of
pydantic-settings: the loader runs on every command and pydantic-settings alone costs a
quarter of a second to import, more than a whole `todo add` is allowed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, NamedTuple

from config import paths

ENV_PREFIX = "TODO_"


class SettingsError(Exception):
    """A setting in the file or the environment is unknown or has the wrong type."""


def _secret() -> Any:
    return field(default=None, metadata={"secret": True})


# Sections are `dataclass(eq=False, repr=False)`: a generated __repr__ would print the
# secrets (`todo config show` masks them), nothing compares settings, and each generated
# method costs every command ~0.05 ms to create.


@dataclass(eq=False, repr=False)
class DatabaseSettings:
    """Where tasks are stored: any SQLAlchemy URL (sqlite:///... or postgresql://...)."""

    url: str = ""
    busy_timeout_ms: int = 10_000


@dataclass(eq=False, repr=False)
class RemindersSettings:
    """How reminders are computed."""

    all_day_time: str = "09:00"


@dataclass(eq=False, repr=False)
class KafkaSettings:
    """The Kafka cluster; unset bootstrap_servers means the embedded event log."""

    bootstrap_servers: str | None = None
    security_protocol: str | None = None
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = _secret()
    topic_prefix: str = "todo."
    partitions: int = 3
    delivery_timeout_s: float = 10.0
    relay_lease_s: float = 10.0


@dataclass(eq=False, repr=False)
class NotifySettings:
    """Where due reminders are delivered: a comma-separated list of channels and their setup."""

    channels: str = "terminal,desktop"
    webhook_url: str | None = None
    webhook_token: str | None = _secret()
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str | None = None
    smtp_password: str | None = _secret()
    smtp_from: str | None = None
    smtp_to: str | None = None
    retries: int = 5
    backoff_s: float = 1.0


@dataclass(eq=False, repr=False)
class WorkerSettings:
    """The background workers.

    `lease_s`: a consumer group's lease on the embedded log (one active member per group;
    renewed every third; a killed holder's group resumes within it). `reminder_lease_s`: a
    reminder delivery's claim, renewed every third while the send runs; a worker killed
    mid-send has its delivery repeated (once, same event id) when the claim runs out.
    """

    poll_timeout_s: float = 0.5
    scheduler_interval_s: float = 1.0
    lease_s: float = 10.0
    reminder_lease_s: float = 30.0
    retries: int = 3
    backoff_s: float = 0.5
    session_timeout_ms: int = 10_000
    batch: int = 500
    metrics_port: int | None = None  # serve /metrics, /healthz, /readyz here (off when unset)
    metrics_host: str = "127.0.0.1"  # 0.0.0.0 in a container, so the kubelet can probe it
    stall_s: float = 60.0  # /healthz fails when a loop has not gone round for this long


@dataclass(eq=False, repr=False)
class AgentSettings:
    """The Gemini chat agent."""

    model: str = "gemini-3.8-flash"
    base_url: str | None = None
    timeout_s: float = 30.0
    retries: int = 3
    retry_delay_s: float = 1.0
    max_steps: int = 8


@dataclass(eq=False, repr=False)
class Settings:
    """Every setting of todo, with the source of each value in `sources`."""

    user: str = ""
    timezone: str | None = None
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    reminders: RemindersSettings = field(default_factory=RemindersSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    notify: NotifySettings = field(default_factory=NotifySettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    agent: AgentSettings = field(default_factory=AgentSettings)
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def load_settings(
    env: dict[str, str] | None = None, file: str | os.PathLike[str] | None = None
) -> Settings:
    """Read config.toml and the environment into Settings; SettingsError names a bad key."""
    env = dict(os.environ) if env is None else env
    home = paths.home_override()
    if file is None and home is not None and os.path.exists(home) and not os.path.isdir(home):
        raise SettingsError(f"TODO_HOME={home} is a file, not a folder: point it at a folder")
    file = paths.config_file() if file is None else file
    data = _read_toml(file)
    settings = Settings()
    _fill(settings, "", data, _Sources(env, str(file), settings.sources))
    _apply_dynamic_defaults(settings)
    return settings


def _read_toml(file: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(file, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SettingsError(f"cannot read the config file {file}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"the config file {file} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    import tomllib  # here: most runs have no config file, and the parser costs ~2.5 ms

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{file}: {exc}") from None


class _Sources(NamedTuple):
    """Where _fill reads values and records their source."""

    env: dict[str, str]
    file: str
    found: dict[str, str]


def _fill(target: Any, prefix: str, data: dict[str, Any], src: _Sources) -> None:
    known = {f.name for f in fields(target) if f.name != "sources"}
    for key in data:
        if key not in known:
            raise SettingsError(f"unknown setting '{prefix}{key}' in {src.file}")
    for f in fields(target):
        if f.name == "sources":
            continue
        dotted = f"{prefix}{f.name}"
        current = getattr(target, f.name)
        if is_dataclass(current):
            section = data.get(f.name, {})
            if not isinstance(section, dict):
                raise SettingsError(f"setting '{dotted}' in {src.file} must be a table")
            _fill(current, dotted + ".", section, src)
            continue
        env_name = ENV_PREFIX + dotted.upper().replace(".", "__")
        if env_name in src.env:
            value = _coerce(dotted, f.type, src.env[env_name])
            src.found[dotted] = f"env {env_name}"
        elif f.name in data:
            value = _coerce(dotted, f.type, data[f.name])
            src.found[dotted] = f"file {src.file}"
        else:
            value = current
        setattr(target, f.name, value)


_KIND_NAMES = {"bool": "boolean (true or false)", "int": "whole number", "float": "number"}


def _coerce(key: str, kind: Any, raw: Any) -> Any:
    # `kind` is the annotation as written ("int", "str | None": annotations are not evaluated
    # here, get_type_hints would cost every command ~1 ms); a type also works.
    text_kind = getattr(kind, "__name__", str(kind))
    if text_kind == "int | None":  # an optional number: unset when empty
        if raw in (None, ""):
            return None
        text_kind = "int"
    try:
        if kind is bool or text_kind == "bool":
            return _to_bool(raw)
        if kind is int or text_kind == "int":
            return int(raw)
        if kind is float or text_kind == "float":
            return float(raw)
    except (TypeError, ValueError):
        wanted = _KIND_NAMES.get(text_kind, text_kind)
        raise SettingsError(f"setting '{key}' must be a {wanted}, not {raw!r}") from None
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise SettingsError(f"setting '{key}' must be a string, not {raw!r}")
    return raw


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    lowered = str(raw).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _apply_dynamic_defaults(settings: Settings) -> None:
    if not settings.user:
        settings.user = login_name()
        settings.sources["user"] = "default (login name)"
    if not settings.database.url:
        settings.database.url = paths.default_database_url()
        settings.sources["database.url"] = "default (data dir)"


def login_name() -> str:
    """The login name, as `getpass.getuser()` gives it ("me" when there is none), without
    importing getpass: with termios that cost every command without TODO_USER ~0.5 ms."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        name = os.environ.get(variable)
        if name:
            return name
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return "me"


_URL_PASSWORD = re.compile(r"(://[^:/@]+:)([^@]+)(@)")


def has_url_password(value: str) -> bool:
    """Whether `value` holds a URL with a password (`scheme://user:password@host`)."""
    return _URL_PASSWORD.search(value) is not None


def secret_env_names() -> set[str]:
    """The TODO_* variables of the settings marked secret (passwords, tokens)."""
    names: set[str] = set()

    def walk(target: Any, prefix: str) -> None:
        for f in fields(target):
            value = getattr(target, f.name, None)
            if is_dataclass(value):
                walk(value, f"{prefix}{f.name}.")
            elif f.metadata.get("secret"):
                names.add(ENV_PREFIX + f"{prefix}{f.name}".upper().replace(".", "__"))

    walk(Settings(), "")
    return names


def mask_url(url: str) -> str:
    """`url` with any password replaced by asterisks."""
    return _URL_PASSWORD.sub(r"\1********\3", url)


def effective_values(settings: Settings) -> list[tuple[str, str, str]]:
    """(dotted key, printable value, source) for every setting, secrets masked."""
    return [(key, "" if value is None else str(value), source)
            for key, value, source in effective_settings(settings)]


def effective_settings(settings: Settings) -> list[tuple[str, object, str]]:
    """(dotted key, value as typed, source) for every setting: None when unset, secrets and
    passwords inside URLs masked (`config show --json`)."""
    rows: list[tuple[str, object, str]] = []
    _collect(settings, "", settings.sources, rows)
    return rows


def _collect(target: Any, prefix: str, sources: dict[str, str], rows: list[Any]) -> None:
    for f in fields(target):
        if f.name == "sources":
            continue
        value = getattr(target, f.name)
        dotted = f"{prefix}{f.name}"
        if is_dataclass(value):
            _collect(value, dotted + ".", sources, rows)
            continue
        shown = value
        if f.metadata.get("secret") and value:
            shown = "********"
        elif isinstance(value, str):
            shown = mask_url(value)
        rows.append((dotted, shown, sources.get(dotted, "default")))
