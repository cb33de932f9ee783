"""The agent's errors: part of the TodoError family, so every interface reports them alike."""

from __future__ import annotations

from core.errors import TodoError


class ModelError(TodoError):
    """The model could not answer; `message` is one sentence saying why (exit code 4).

    `unavailable` is True when the model could not be reached at all (no network, a
    timeout, 429 or 5xx after retries): then simple commands still run locally.
    """

    exit_code = 4

    def __init__(self, message: str, unavailable: bool = False) -> None:
        super().__init__(message)
        self.unavailable = unavailable


class NoApiKey(ModelError):
    """No Gemini API key is configured."""

    def __init__(self) -> None:
        super().__init__(
            "the chat agent needs a Gemini API key: set GEMINI_API_KEY or run "
            "`todo config set-key`",
            unavailable=True,
        )
