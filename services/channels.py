"""Where a due reminder goes: the terminal, the desktop, a webhook, email.

Each channel sends one Notification or raises ChannelError saying why it could not;
Unavailable means the channel cannot work on this machine at all, so retrying is
pointless. `deliver_with_retry` retries one channel with capped, jittered exponential
backoff; the notifications consumer calls it per channel, so a failing channel never
holds up the others, and records which channels already delivered each event.

httpx, smtplib and ssl are imported inside the channels that use them, so importing this
module stays cheap for commands that never send anything.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO
from urllib.parse import urlsplit, urlunsplit

from config.settings import NotifySettings, mask_url

if TYPE_CHECKING:
    import ssl
    from email.message import EmailMessage

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 30.0
WEBHOOK_TITLE = "todo reminder"
APP_NAME = "todo"


@dataclass(frozen=True)
class Notification:
    """One due reminder, as every channel receives it."""

    event_id: str  # the todo.reminder.due event id: the idempotency key
    task_id: int
    title: str
    due: str | None  # ISO, local
    at: str  # reminder time, ISO
    text: str  # one human line, e.g. "Reminder: pay rent (due tomorrow 09:00)"


class ChannelError(Exception):
    """A delivery failed; the message says why. Worth retrying."""


class Unavailable(ChannelError):
    """The channel cannot work here at all (no session bus, no notify-send): skip it."""


class Channel(Protocol):
    """Something that delivers a Notification or raises ChannelError."""

    name: str

    def send(self, n: Notification) -> None:
        """Deliver `n` once; raise ChannelError (or Unavailable) when that failed."""
        ...


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TerminalChannel:
    """Writes the reminder's line to a stream: the worker's own output by default."""

    name: str = "terminal"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, n: Notification) -> None:
        stream = self._stream if self._stream is not None else sys.stdout
        try:
            stream.write(_one_line(n.text) + "\n")
            stream.flush()
        except (OSError, ValueError) as exc:  # closed pipe, closed file
            raise ChannelError(f"terminal: {exc}") from exc


# notify-send's errors when the bus or the notification daemon is missing.
_NO_DESKTOP = (
    "org.freedesktop.Notifications was not provided",
    "ServiceUnknown",
    "Cannot autolaunch D-Bus",
    "Could not connect",
)


class DesktopChannel:
    """A freedesktop notification through `notify-send`; Unavailable without a session bus."""

    name: str = "desktop"

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def send(self, n: Notification) -> None:
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise Unavailable("desktop: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)")
        program = shutil.which("notify-send")
        if program is None:
            raise Unavailable("desktop: notify-send is not installed")
        argv = [program, f"--app-name={APP_NAME}", "--", _one_line(n.title), _one_line(n.text)]
        try:
            done = subprocess.run(
                argv, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ChannelError(f"desktop: notify-send took longer than {self.timeout:g} s") from exc
        except OSError as exc:
            raise ChannelError(f"desktop: cannot run notify-send: {exc}") from exc
        if done.returncode != 0:
            why = _one_line(done.stderr or done.stdout) or f"exit status {done.returncode}"
            if any(marker in why for marker in _NO_DESKTOP):
                raise Unavailable(f"desktop: no notification service: {why}")
            raise ChannelError(f"desktop: notify-send failed: {why}")


_NTFY_TOPIC = re.compile(r"[-_A-Za-z0-9]{1,64}")


class WebhookChannel:
    """POSTs the reminder as JSON that ntfy understands and any other webhook can read.

    For an ntfy topic URL (https://ntfy.sh/mytopic; auto-detected by a host named ntfy.sh
    or ntfy.*, or forced with ntfy=True) the body carries the topic and goes to the server's
    root, which is how ntfy takes JSON. Any other URL receives the same body as it is.
    """

    name: str = "webhook"

    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout: float = 10.0,
        *,
        ntfy: bool | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook URL must be http(s)://host/..., not {mask_url(url)!r}")
        self.url = url
        self.token = token
        self.timeout = timeout
        self.topic: str | None = None
        self.post_url = url
        if ntfy is None:
            host = parts.hostname.lower()
            ntfy = host == "ntfy.sh" or host.startswith("ntfy.")
        if ntfy:
            head, _, last = parts.path.rstrip("/").rpartition("/")
            if not _NTFY_TOPIC.fullmatch(last):
                raise ValueError(f"ntfy URL must end with a topic name, not {mask_url(url)!r}")
            self.topic = last
            self.post_url = urlunsplit((parts.scheme, parts.netloc, head + "/", "", ""))

    @functools.cached_property
    def _http(self) -> Any:
        """One client for every POST: a client per POST (its TLS context) cost ~45 ms."""
        import httpx

        return httpx.Client()

    def body(self, n: Notification) -> dict[str, Any]:
        """The JSON document sent for `n`."""
        doc: dict[str, Any] = {}
        if self.topic is not None:
            doc["topic"] = self.topic
        doc.update(
            title=WEBHOOK_TITLE,
            message=n.text,
            tags=["alarm_clock"],
            event_id=n.event_id,
            task_id=n.task_id,
            task_title=n.title,
            due=n.due,
            at=n.at,
        )
        return doc

    def send(self, n: Notification) -> None:
        import httpx

        headers = {"X-Event-Id": n.event_id, "User-Agent": f"{APP_NAME}-reminders"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        where = mask_url(self.post_url)
        try:
            response = self._http.post(
                self.post_url, json=self.body(n), headers=headers, timeout=self.timeout
            )
        except httpx.TimeoutException as exc:
            raise ChannelError(f"webhook {where}: no answer within {self.timeout:g} s") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise ChannelError(f"webhook {where}: {type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            detail = _one_line(response.text)[:200]
            reason = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            raise ChannelError(f"webhook {where}: {reason}" + (f": {detail}" if detail else ""))


class EmailChannel:
    """Sends the reminder by SMTP, upgrading with STARTTLS when asked (never falling back)."""

    name: str = "email"

    def __init__(
        self,
        host: str,
        port: int,
        starttls: bool,
        username: str | None,
        password: str | None,
        sender: str,
        recipient: str,
        timeout: float = 10.0,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.starttls = starttls
        self.username = username
        self._password = password
        self.sender = sender
        self.recipient = recipient
        self.timeout = timeout
        self.ssl_context = ssl_context

    def message(self, n: Notification) -> EmailMessage:
        """The email sent for `n`; its Message-ID is derived from the event id."""
        from email.message import EmailMessage
        from email.utils import formatdate

        msg = EmailMessage()
        msg["Subject"] = f"Reminder: {_one_line(n.title)}"
        msg["From"] = self.sender
        msg["To"] = self.recipient
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id(n.event_id, self.sender)
        msg["X-Event-Id"] = _one_line(n.event_id)
        lines = [n.text, "", f"Task:     #{n.task_id} {n.title}"]
        if n.due:
            lines.append(f"Due:      {n.due}")
        lines.append(f"Reminder: {n.at}")
        msg.set_content("\n".join(lines) + "\n")
        return msg

    def send(self, n: Notification) -> None:
        import smtplib
        import ssl

        msg = self.message(n)
        where = f"email via {self.host}:{self.port}"
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"{where}: cannot connect: {exc}") from exc
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self._password or "")
            refused = smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"{where}: {type(exc).__name__}: {exc}") from exc
        finally:
            _quit(smtp)
        if refused:
            # Accepted for the others; retrying would send them a second copy.
            log.warning("%s: recipients refused: %s", where, ", ".join(refused))


def _quit(smtp: Any) -> None:
    """Say goodbye; once the server accepted the message, a failed QUIT changes nothing."""
    try:
        smtp.quit()
    except Exception:
        smtp.close()


_NOT_ATOM = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


def message_id(event_id: str, sender: str) -> str:
    """A stable Message-ID for the event, so a resent copy is recognisably the same mail."""
    local = _NOT_ATOM.sub("-", event_id).strip(".") or "reminder"
    domain = sender.rpartition("@")[2].strip(" <>") if "@" in sender else ""
    domain = _NOT_ATOM.sub("", domain).strip(".") or "todo.localhost"
    return f"<todo-reminder.{local}@{domain}>"


KNOWN_CHANNELS = ("terminal", "desktop", "webhook", "email")


def build_channels(settings: NotifySettings, stream: TextIO | None = None) -> list[Channel]:
    """The channels named in `notify.channels`, in order; ValueError names a bad setting."""
    names: list[str] = []
    for raw in settings.channels.split(","):
        name = raw.strip().lower()
        if not name or name in names:
            continue
        if name not in KNOWN_CHANNELS:
            raise ValueError(
                f"unknown notification channel {name!r} in notify.channels "
                f"(known: {', '.join(KNOWN_CHANNELS)})"
            )
        names.append(name)
    channels: list[Channel] = []
    for name in names:
        if name == "terminal":
            channels.append(TerminalChannel(stream))
        elif name == "desktop":
            channels.append(DesktopChannel())
        elif name == "webhook":
            channels.append(_webhook(settings))
        else:
            channels.append(_email(settings))
    return channels


def _required(settings: NotifySettings, key: str, channel: str) -> str:
    value = getattr(settings, key)
    if not value:
        env = f"TODO_NOTIFY__{key.upper()}"
        raise ValueError(f"notify.{key} is required for the {channel} channel (or set {env})")
    return str(value)


def _webhook(settings: NotifySettings) -> WebhookChannel:
    url = _required(settings, "webhook_url", "webhook")
    try:
        return WebhookChannel(url, token=settings.webhook_token)
    except ValueError as exc:
        raise ValueError(f"notify.webhook_url: {exc}") from None


def _email(settings: NotifySettings) -> EmailChannel:
    host = _required(settings, "smtp_host", "email")
    sender = _required(settings, "smtp_from", "email")
    recipient = _required(settings, "smtp_to", "email")
    return EmailChannel(host, settings.smtp_port, settings.smtp_starttls, settings.smtp_username,
                        settings.smtp_password, sender, recipient)


def backoff_delay(attempt: int, backoff_s: float) -> float:
    """Seconds to wait after failed attempt number `attempt` (0-based): exponential, capped at
    30 s, with jitter in the upper half so retries of many reminders spread out."""
    ceiling = min(MAX_BACKOFF_S, backoff_s * 2.0 ** min(attempt, 32))
    return ceiling / 2 + random.uniform(0.0, ceiling / 2)


def deliver_with_retry(
    channel: Channel,
    n: Notification,
    retries: int,
    backoff_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send `n` through `channel`, trying again up to `retries` times after a ChannelError
    (so at most retries + 1 attempts). Unavailable is raised at once; after the last
    failure the ChannelError is raised."""
    attempts = max(0, retries) + 1
    for attempt in range(attempts):
        try:
            channel.send(n)
            return
        except Unavailable:
            raise
        except ChannelError as exc:
            if attempt + 1 >= attempts:
                raise
            delay = backoff_delay(attempt, max(0.0, backoff_s))
            log.warning("%s: attempt %d of %d for event %s failed (%s); retrying in %.1f s",
                        channel.name, attempt + 1, attempts, n.event_id, exc, delay)
            sleep(delay)
