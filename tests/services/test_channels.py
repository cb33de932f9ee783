"""The notification channels against real servers on 127.0.0.1: an HTTP server for the
webhook, aiosmtpd for email (plain, STARTTLS with a self-signed certificate, AUTH), and a
stand-in `notify-send` program on PATH for the desktop."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from config.settings import NotifySettings
from services.channels import (
    MAX_BACKOFF_S,
    ChannelError,
    DesktopChannel,
    EmailChannel,
    Notification,
    TerminalChannel,
    Unavailable,
    WebhookChannel,
    build_channels,
    deliver_with_retry,
)
from tests.services.servers import HookServer, hook_server

REPO = Path(__file__).resolve().parents[2]

NOTE = Notification(
    event_id="0b6c3a52-7e0f-4c51-9d1e-2f4a8c9e1d23",
    task_id=42,
    title="pay rent",
    due="2025-03-01T09:00:00+01:00",
    at="2025-02-28T09:00:00+01:00",
    text="Reminder: pay rent (due tomorrow 09:00)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sleeps:
    """Stands in for time.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


# --- a real HTTP server ---------------------------------------------------------------


@pytest.fixture
def hook() -> Iterator[HookServer]:
    with hook_server([200]) as server:
        yield server


def test_webhook_posts_ntfy_compatible_json_with_event_id_and_token(hook: HookServer) -> None:
    WebhookChannel(hook.url + "/hooks/todo", token="s3cret", timeout=5).send(NOTE)

    [req] = hook.requests
    assert req.path == "/hooks/todo"
    assert req.headers["x-event-id"] == NOTE.event_id
    assert req.headers["authorization"] == "Bearer s3cret"
    assert req.headers["content-type"] == "application/json"
    assert req.body == {
        "title": "todo reminder",
        "message": "Reminder: pay rent (due tomorrow 09:00)",
        "tags": ["alarm_clock"],
        "event_id": NOTE.event_id,
        "task_id": 42,
        "task_title": "pay rent",
        "due": "2025-03-01T09:00:00+01:00",
        "at": "2025-02-28T09:00:00+01:00",
    }


def test_webhook_without_token_sends_no_authorization(hook: HookServer) -> None:
    WebhookChannel(hook.url + "/", timeout=5).send(NOTE)
    assert "authorization" not in hook.requests[0].headers


def test_ntfy_topic_url_posts_json_with_the_topic_to_the_server_root(hook: HookServer) -> None:
    channel = WebhookChannel(hook.url + "/todo-alerts", timeout=5, ntfy=True)
    channel.send(NOTE)

    [req] = hook.requests
    assert req.path == "/"
    assert req.body["topic"] == "todo-alerts"
    assert req.body["message"] == NOTE.text
    assert "click" not in req.body


def test_ntfy_is_recognised_by_host_name() -> None:
    channel = WebhookChannel("https://ntfy.sh/my_reminders")
    assert (channel.topic, channel.post_url) == ("my_reminders", "https://ntfy.sh/")
    own = WebhookChannel("https://ntfy.example.org/sub/alerts")
    assert (own.topic, own.post_url) == ("alerts", "https://ntfy.example.org/sub/")
    plain = WebhookChannel("https://hooks.example.org/alerts")
    assert (plain.topic, plain.post_url) == (None, "https://hooks.example.org/alerts")


def test_webhook_error_status_is_a_channel_error_with_the_status(hook: HookServer) -> None:
    hook.statuses = [503]
    with pytest.raises(ChannelError, match=r"HTTP 503.*broken today"):
        WebhookChannel(hook.url + "/x", timeout=5).send(NOTE)


def test_webhook_connection_refused_is_a_channel_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/x"
    with pytest.raises(ChannelError, match="ConnectError"):
        WebhookChannel(url, timeout=2).send(NOTE)


def test_retry_after_500_then_succeeds_once(hook: HookServer) -> None:
    hook.statuses = [500, 500, 200]
    sleeps = Sleeps()

    deliver_with_retry(WebhookChannel(hook.url + "/x", timeout=5), NOTE, 5, 1.0, sleeps)

    assert len(hook.requests) == 3
    assert {r.headers["x-event-id"] for r in hook.requests} == {NOTE.event_id}
    assert len(sleeps.delays) == 2
    assert 0.5 <= sleeps.delays[0] <= 1.0
    assert 1.0 <= sleeps.delays[1] <= 2.0


def test_always_500_gives_up_after_retries_plus_one_attempts(hook: HookServer) -> None:
    hook.statuses = [500]
    sleeps = Sleeps()

    with pytest.raises(ChannelError, match="HTTP 500"):
        deliver_with_retry(WebhookChannel(hook.url + "/x", timeout=5), NOTE, 3, 0.1, sleeps)

    assert len(hook.requests) == 4
    assert len(sleeps.delays) == 3


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    url = f"http://127.0.0.1:{free_port()}/x"
    sleeps = Sleeps()

    with pytest.raises(ChannelError):
        deliver_with_retry(WebhookChannel(url, timeout=2), NOTE, 7, 4.0, sleeps)

    nominal = [4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
    assert len(sleeps.delays) == len(nominal)
    for delay, ceiling in zip(sleeps.delays, nominal, strict=True):
        assert ceiling / 2 <= delay <= ceiling <= MAX_BACKOFF_S


def test_zero_retries_is_one_attempt(hook: HookServer) -> None:
    hook.statuses = [500]
    sleeps = Sleeps()
    with pytest.raises(ChannelError):
        deliver_with_retry(WebhookChannel(hook.url + "/x", timeout=5), NOTE, 0, 1.0, sleeps)
    assert (len(hook.requests), sleeps.delays) == (1, [])


def test_webhook_module_imports_httpx_only_when_sending() -> None:
    code = "import sys, services.channels; print('httpx' in sys.modules, 'smtplib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


# --- a real SMTP server ---------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message and who logged in."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((user, password))
        # handled=False: aiosmtpd answers 235 or 535 itself.
        return AuthResult(success=(user, password) == ("me", "hunter2"), handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl program."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl program is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """Starts aiosmtpd with the given options; yields a function (options) -> (inbox, port)."""
    started: list[Controller] = []

    def start(**options: Any) -> tuple[Inbox, int]:
        inbox = Inbox()
        if options.pop("auth", False):
            options["authenticator"] = inbox.authenticate
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


def email_channel(port: int, **overrides: Any) -> EmailChannel:
    options: dict[str, Any] = dict(
        host="127.0.0.1",
        port=port,
        starttls=False,
        username=None,
        password=None,
        sender="todo@example.org",
        recipient="me@example.org",
        timeout=5,
    )
    options.update(overrides)
    return EmailChannel(**options)


def test_email_plain_delivery(smtp_server: Any) -> None:
    inbox, port = smtp_server()

    email_channel(port).send(NOTE)

    [msg] = inbox.messages
    assert msg["Subject"] == "Reminder: pay rent"
    assert msg["From"] == "todo@example.org"
    assert msg["To"] == "me@example.org"
    assert msg["Message-ID"] == f"<todo-reminder.{NOTE.event_id}@example.org>"
    assert msg["X-Event-Id"] == NOTE.event_id
    body = msg.get_content()
    assert NOTE.text in body
    assert "#42 pay rent" in body
    assert NOTE.due is not None and NOTE.due in body
    assert inbox.envelopes == [("todo@example.org", ["me@example.org"])]


def test_email_message_id_is_the_same_on_every_send(smtp_server: Any) -> None:
    inbox, port = smtp_server()
    channel = email_channel(port)
    channel.send(NOTE)
    channel.send(NOTE)
    assert inbox.messages[0]["Message-ID"] == inbox.messages[1]["Message-ID"]


def test_email_over_starttls_with_login(smtp_server: Any, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox, port = smtp_server(
        tls_context=server_tls, require_starttls=True, auth=True, auth_require_tls=True
    )
    client_tls = ssl.create_default_context(cafile=str(cert))

    channel = email_channel(
        port, starttls=True, username="me", password="hunter2", ssl_context=client_tls
    )
    channel.send(NOTE)

    assert inbox.logins == [("me", "hunter2")]
    assert [m["Subject"] for m in inbox.messages] == ["Reminder: pay rent"]


def test_starttls_refuses_an_untrusted_certificate(
    smtp_server: Any, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox, port = smtp_server(tls_context=server_tls, require_starttls=True)

    with pytest.raises(ChannelError, match="certificate"):
        email_channel(port, starttls=True).send(NOTE)  # the system's trust store
    assert inbox.messages == []


def test_starttls_asked_but_not_offered_does_not_fall_back_to_plain(smtp_server: Any) -> None:
    inbox, port = smtp_server()
    with pytest.raises(ChannelError, match="STARTTLS"):
        email_channel(port, starttls=True).send(NOTE)
    assert inbox.messages == []


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_email_wrong_password_is_a_channel_error(smtp_server: Any) -> None:
    inbox, port = smtp_server(auth=True, auth_require_tls=False)
    with pytest.raises(ChannelError, match="SMTPAuthenticationError"):
        email_channel(port, username="me", password="wrong").send(NOTE)
    assert set(inbox.logins) == {("me", "wrong")}  # smtplib tries PLAIN, then LOGIN
    assert inbox.messages == []


def test_email_connection_refused_is_a_channel_error() -> None:
    with pytest.raises(ChannelError, match="cannot connect"):
        email_channel(free_port()).send(NOTE)


# --- desktop: the notify-send program is the edge -------------------------------------


def fake_notify_send(folder: Path, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    program = folder / "notify-send"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)
    return program


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A D-Bus address in the environment and an empty bin folder first on PATH."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def test_desktop_calls_notify_send_with_title_and_text(session_bus: Path, tmp_path: Path) -> None:
    out = tmp_path / "args.txt"
    fake_notify_send(session_bus, f"printf '%s\\n' \"$@\" > '{out}'\n")

    DesktopChannel().send(NOTE)

    assert out.read_text().splitlines() == [
        "--app-name=todo",
        "--",
        "pay rent",
        "Reminder: pay rent (due tomorrow 09:00)",
    ]


def test_desktop_without_session_bus_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, session_bus: Path
) -> None:
    fake_notify_send(session_bus, "exit 0\n")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    with pytest.raises(Unavailable, match="DBUS_SESSION_BUS_ADDRESS"):
        DesktopChannel().send(NOTE)


def test_desktop_without_notify_send_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, session_bus: Path
) -> None:
    monkeypatch.setenv("PATH", str(session_bus))
    with pytest.raises(Unavailable, match="notify-send"):
        DesktopChannel().send(NOTE)


def test_desktop_without_notification_daemon_is_unavailable(session_bus: Path) -> None:
    fake_notify_send(
        session_bus,
        "echo 'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name "
        "org.freedesktop.Notifications was not provided by any .service files' >&2\nexit 1\n",
    )
    sleeps = Sleeps()
    with pytest.raises(Unavailable):
        deliver_with_retry(DesktopChannel(), NOTE, 5, 1.0, sleeps)
    assert sleeps.delays == []


def test_desktop_failure_and_hang_are_channel_errors(session_bus: Path) -> None:
    fake_notify_send(session_bus, "echo 'something broke' >&2\nexit 3\n")
    with pytest.raises(ChannelError, match="something broke") as info:
        DesktopChannel().send(NOTE)
    assert not isinstance(info.value, Unavailable)

    fake_notify_send(session_bus, "exec sleep 5\n")
    with pytest.raises(ChannelError, match=r"longer than 0\.3 s"):
        DesktopChannel(timeout=0.3).send(NOTE)


# --- terminal and building channels from settings -------------------------------------


def test_terminal_writes_one_line() -> None:
    stream = io.StringIO()
    TerminalChannel(stream).send(NOTE)
    TerminalChannel(stream).send(Notification("e2", 1, "a", None, "t", "two\nlines"))
    assert stream.getvalue() == "Reminder: pay rent (due tomorrow 09:00)\ntwo lines\n"


def test_terminal_defaults_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    TerminalChannel().send(NOTE)
    assert capsys.readouterr().out == NOTE.text + "\n"


def test_build_channels_default_is_terminal_and_desktop() -> None:
    stream = io.StringIO()
    channels = build_channels(NotifySettings(), stream=stream)
    assert [c.name for c in channels] == ["terminal", "desktop"]
    channels[0].send(NOTE)
    assert stream.getvalue() == NOTE.text + "\n"


def test_build_channels_all_four() -> None:
    settings = NotifySettings(
        channels=" Terminal, desktop,webhook , email,terminal",
        webhook_url="https://ntfy.sh/rent",
        webhook_token="tk_abc",
        smtp_host="mail.example.org",
        smtp_port=2525,
        smtp_username="me",
        smtp_password="pw",
        smtp_from="todo@example.org",
        smtp_to="me@example.org",
    )
    channels = build_channels(settings)
    assert [c.name for c in channels] == ["terminal", "desktop", "webhook", "email"]
    hook, mail = channels[2], channels[3]
    assert isinstance(hook, WebhookChannel) and hook.topic == "rent" and hook.token == "tk_abc"
    assert isinstance(mail, EmailChannel)
    assert (mail.host, mail.port, mail.starttls, mail.recipient) == (
        "mail.example.org",
        2525,
        True,
        "me@example.org",
    )


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (NotifySettings(channels="terminal,pager"), "notify.channels"),
        (NotifySettings(channels="webhook"), "notify.webhook_url"),
        (NotifySettings(channels="webhook", webhook_url="ftp://x/y"), "notify.webhook_url"),
        (NotifySettings(channels="email", smtp_from="a@x", smtp_to="b@x"), "notify.smtp_host"),
        (NotifySettings(channels="email", smtp_host="h", smtp_to="b@x"), "notify.smtp_from"),
        (NotifySettings(channels="email", smtp_host="h", smtp_from="a@x"), "notify.smtp_to"),
    ],
)
def test_build_channels_errors_name_the_setting(settings: NotifySettings, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        build_channels(settings)
