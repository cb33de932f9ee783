"""Agent test fixtures: the Gemini stub on 127.0.0.1 and a session pointed at it.

The real google-genai client talks HTTP to the stub (settings `agent.base_url`); only the
remote model is fake. Retries back off for milliseconds so the suite stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.session import ChatSession
from agent.turn import ConfirmRequest
from config.settings import Settings
from core import open_service
from core.service import TaskService
from tests.agent.file_keyring import FileKeyring
from tests.agent.stub import GeminiStub, gemini_stub, point_at
from tests.cli.conftest import home, migrated_template  # noqa: F401  (CLI homes)
from tests.conftest import Clock, make_settings

KEY = "test-key-5f1c9a"


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No API key from the machine: an empty file keyring and no key variables."""
    import keyring

    path = tmp_path / "keyring.json"
    monkeypatch.setenv("TODO_TEST_KEYRING", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.agent.file_keyring.FileKeyring")
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(before)


@pytest.fixture
def stub() -> Iterator[GeminiStub]:
    """A fresh Gemini stub with an empty script."""
    with gemini_stub() as server:
        yield server


def agent_settings(url: str, stub: GeminiStub) -> Settings:
    """Settings for `url` whose agent talks to the stub, with quick retries."""
    return point_at(make_settings(url), stub)


@pytest.fixture
def settings(tmp_path: Path, stub: GeminiStub) -> Settings:
    """Agent settings on a SQLite file."""
    return agent_settings(f"sqlite:///{tmp_path / 'todo.db'}", stub)


@pytest.fixture
def service(settings: Settings, clock: Clock) -> Iterator[TaskService]:
    """The task service the sessions use."""
    svc = open_service(settings, clock=clock)
    yield svc
    svc.close()


class Asker:
    """A confirmer that answers `answer` and remembers what it was asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[ConfirmRequest] = []

    def __call__(self, request: ConfirmRequest) -> bool:
        self.asked.append(request)
        return self.answer


SessionFactory = Callable[..., ChatSession]


@pytest.fixture
def session(service: TaskService, settings: Settings) -> SessionFactory:
    """Open a session on the test service: `session(confirm=..., conversation=...)`."""

    def make(**kwargs: object) -> ChatSession:
        kwargs.setdefault("api_key", KEY)
        return ChatSession(service, settings, **kwargs)  # type: ignore[arg-type]

    return make
