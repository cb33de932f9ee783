"""A stub of the Gemini REST API: a real HTTP server on 127.0.0.1 that plays scripted turns.

Each request to `...:generateContent` or `...:streamGenerateContent?alt=sse` takes the next
scripted reply: model parts (text, functionCall with an id), an HTTP error status, or a delay
(for timeouts). Every request is recorded with its path, headers and JSON body, so tests
assert on what the real google-genai client sent.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from config.settings import Settings


@dataclass
class Reply:
    """One scripted answer: parts of a model turn, or an error status; `delay` before it."""

    parts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0


def text(value: str) -> Reply:
    """A model turn that says `value`."""
    return Reply([{"text": value}])


def call(name: str, args: dict[str, Any] | None = None, call_id: str = "call-1") -> Reply:
    """A model turn asking for one function call."""
    return Reply([function_call(name, args, call_id)])


def function_call(
    name: str, args: dict[str, Any] | None = None, call_id: str = "call-1"
) -> dict[str, Any]:
    """A functionCall part, as the API puts it on the wire."""
    return {"functionCall": {"id": call_id, "name": name, "args": args or {}}}


def error(status: int) -> Reply:
    """An HTTP error with the API's error body."""
    return Reply(status=status)


def point_at(settings: Settings, stub: GeminiStub) -> Settings:
    """`settings` with the agent talking to `stub`, retrying quickly (tests stay fast)."""
    settings.agent.base_url = stub.url
    settings.agent.retries = 1
    settings.agent.retry_delay_s = 0.01
    settings.agent.timeout_s = 5.0
    return settings


@dataclass
class Received:
    """One request the stub answered."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def contents(self) -> list[dict[str, Any]]:
        """The conversation the client sent."""
        return list(self.body.get("contents", []))

    def function_responses(self) -> list[dict[str, Any]]:
        """Every functionResponse part in the conversation sent."""
        return [
            part["functionResponse"]
            for content in self.contents
            for part in content.get("parts", [])
            if "functionResponse" in part
        ]


_STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
}


@dataclass
class GeminiStub:
    """The script still to play and the requests received so far."""

    script: list[Reply] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def play(self, *replies: Reply) -> None:
        """Append replies to the script."""
        with self.lock:
            self.script.extend(replies)

    def received(self) -> list[Received]:
        """A copy of the requests so far."""
        with self.lock:
            return list(self.requests)

    def left(self) -> int:
        """How many scripted replies were not asked for."""
        with self.lock:
            return len(self.script)

    def _next(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(Received(path, headers, body))
            if not self.script:
                return Reply(status=500, parts=[{"text": "stub script exhausted"}])
            return self.script.pop(0)


def _candidate(parts: list[dict[str, Any]], finish: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        candidate["finishReason"] = "STOP"
    return {"candidates": [candidate], "modelVersion": "stub"}


def _chunks(parts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Stream text a few characters at a time, as the API does; calls arrive whole."""
    out: list[list[dict[str, Any]]] = []
    for part in parts:
        if "text" in part:
            words = part["text"].split(" ")
            out.extend([{"text": w + (" " if i < len(words) - 1 else "")}]
                       for i, w in enumerate(words))
        else:
            out.append([part])
    return out or [[]]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gemini_stub() -> Iterator[GeminiStub]:
    """The stub serving on a free port of 127.0.0.1; `url` is its base URL."""
    stub = GeminiStub()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = stub._next(self.path, headers, json.loads(raw or b"{}"))
            if reply.delay:
                time.sleep(reply.delay)
            try:
                if reply.status != 200:
                    self._error(reply.status)
                elif ":streamGenerateContent" in self.path:
                    self._stream(reply.parts)
                else:
                    self._json(200, _candidate(reply.parts, finish=True))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def _error(self, status: int) -> None:
            name = _STATUS_NAMES.get(status, "UNKNOWN")
            body = {"error": {"code": status, "message": f"stub says {name}", "status": name}}
            self._json(status, body)

        def _json(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, parts: list[dict[str, Any]]) -> None:
            chunks = _chunks(parts)
            events = b"".join(
                b"data: " + json.dumps(_candidate(c, i == len(chunks) - 1)).encode() + b"\r\n\r\n"
                for i, c in enumerate(chunks)
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Content-Length", str(len(events)))
            self.end_headers()
            self.wfile.write(events)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
