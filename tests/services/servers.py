"""Real servers on 127.0.0.1 for the worker tests: a scripted HTTP webhook receiver and an
aiosmtpd SMTP server that keeps what it receives. Same approach as test_channels.py."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.message
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HookRequest:
    """One POST the webhook server received, with when it arrived (time.monotonic)."""

    path: str
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class HookServer:
    """Answers each POST with the next scripted status (the last one repeats)."""

    statuses: list[int]
    delays: dict[int, float] = field(default_factory=dict)  # request number (0-based) -> s
    requests: list[HookRequest] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self) -> list[HookRequest]:
        """A copy of the requests so far (the server thread appends concurrently)."""
        with self.lock:
            return list(self.requests)


@contextlib.contextmanager
def hook_server(
    statuses: list[int] | None = None, delays: dict[int, float] | None = None
) -> Iterator[HookServer]:
    """A ThreadingHTTPServer on 127.0.0.1 recording JSON POSTs; `url` is its root.

    `delays`: request number -> seconds to wait before answering (recorded on arrival)."""
    state = HookServer(statuses=list(statuses or [200]), delays=dict(delays or {}))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.requests.append(
                    HookRequest(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        json.loads(raw),
                        time.monotonic(),
                    )
                )
                index = min(len(state.requests), len(state.statuses)) - 1
                status = state.statuses[index]
                delay = state.delays.get(len(state.requests) - 1, 0.0)
            time.sleep(delay)
            payload = b'{"id":"abc"}' if status < 300 else b"broken today"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class Inbox:
    """An aiosmtpd handler that keeps every message and when it arrived (time.monotonic)."""

    def __init__(self, delays: dict[int, float] | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.times: list[float] = []
        self.delays = dict(delays or {})  # message number (0-based) -> s before "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        self.messages.append(parsed)
        self.times.append(time.monotonic())
        delay = self.delays.get(len(self.messages) - 1, 0.0)
        if delay:
            await asyncio.sleep(delay)
        return "250 OK"


@contextlib.contextmanager
def smtp_server(delays: dict[int, float] | None = None) -> Iterator[tuple[Inbox, int]]:
    """aiosmtpd on 127.0.0.1: yields (inbox, port). `delays`: message number -> seconds
    to wait before accepting it (kept on arrival)."""
    inbox = Inbox(delays)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
