"""The Gemini client: the only module that imports google.genai.

It speaks in plain dicts shaped like the REST API's Content objects
(`{"role": "model", "parts": [{"text": ...}, {"functionCall": {"id", "name", "args"}}]}`),
so the session and the stored conversations never see an SDK type. Automatic function
calling is off: the session runs every call itself. Every SDK failure becomes one
ModelError sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from google import genai
from google.genai import errors, types

from agent.errors import ModelError
from agent.toolspec import ToolSpec
from config.settings import AgentSettings

Content = dict[str, Any]


class GeminiModel:
    """One model of the Gemini API, with the tools declared and a system instruction."""

    def __init__(self, settings: AgentSettings, api_key: str, tools: Sequence[ToolSpec]) -> None:
        self.settings = settings
        self._client = genai.Client(api_key=api_key, http_options=http_options(settings))
        self._tool = types.Tool(function_declarations=[declaration(t) for t in tools])

    def generate(
        self, contents: Sequence[Content], system: str, on_text: Callable[[str], None]
    ) -> Content:
        """Stream one model turn: text pieces go to `on_text` as they arrive; the whole
        turn (text and function calls) is returned."""
        config = types.GenerateContentConfig(
            system_instruction=system,
            tools=[self._tool],
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )
        parts: list[Content] = []
        try:
            sdk_contents = [types.Content.model_validate(c) for c in contents]
            stream = self._client.models.generate_content_stream(
                model=self.settings.model, contents=sdk_contents, config=config
            )
            for chunk in stream:
                for part in _parts(chunk):
                    _collect(parts, part, on_text)
        except Exception as exc:
            raise as_model_error(exc, self.settings) from None
        return {"role": "model", "parts": parts}


def http_options(settings: AgentSettings) -> types.HttpOptions:
    """Base URL, timeout and retries from the settings."""
    return types.HttpOptions(
        base_url=settings.base_url or None,
        timeout=int(settings.timeout_s * 1000),
        retry_options=types.HttpRetryOptions(
            attempts=max(1, settings.retries + 1),
            initial_delay=settings.retry_delay_s,
            max_delay=max(settings.retry_delay_s, 8 * settings.retry_delay_s),
        ),
    )


def declaration(spec: ToolSpec) -> types.FunctionDeclaration:
    """A tool as Gemini sees it: name, description, JSON schema of the arguments."""
    return types.FunctionDeclaration(
        name=spec.name, description=spec.description(), parameters_json_schema=spec.schema()
    )


def _parts(chunk: types.GenerateContentResponse) -> list[types.Part]:
    if not chunk.candidates or chunk.candidates[0].content is None:
        return []
    return list(chunk.candidates[0].content.parts or [])


def _collect(parts: list[Content], part: types.Part, on_text: Callable[[str], None]) -> None:
    """Add a streamed part to the turn; consecutive text pieces become one text part."""
    if part.text and not part.thought:
        on_text(part.text)
        if parts and set(parts[-1]) == {"text"}:
            parts[-1]["text"] += part.text
            return
    dumped = part.model_dump(mode="json", by_alias=True, exclude_none=True)
    if dumped and dumped != {"text": ""}:
        parts.append(dumped)


def as_model_error(exc: Exception, settings: AgentSettings) -> ModelError:
    """One clear sentence for any failure of a request to the model."""
    if isinstance(exc, errors.APIError):
        return _api_error(exc, settings)
    names = {c.__name__ for c in type(exc).__mro__}
    if "TimeoutException" in names or isinstance(exc, TimeoutError):
        return ModelError(
            f"the Gemini API did not answer within {settings.timeout_s:g} s "
            "(setting agent.timeout_s)",
            unavailable=True,
        )
    if names & {"TransportError", "NetworkError", "ConnectError"} or isinstance(exc, OSError):
        where = settings.base_url or "the Gemini API"
        return ModelError(f"cannot reach {where}: check the network", unavailable=True)
    return ModelError(f"the Gemini request failed: {type(exc).__name__}: {exc}")


def _api_error(exc: errors.APIError, settings: AgentSettings) -> ModelError:
    code = exc.code
    detail = (exc.message or exc.status or "").strip().rstrip(".")
    if code == 429:
        return ModelError(
            "the Gemini API is rate-limiting this key (429): wait a minute and try again",
            unavailable=True,
        )
    if code in (401, 403):
        return ModelError(
            f"the Gemini API refused the key ({code}): check GEMINI_API_KEY or "
            "`todo config set-key`"
        )
    if code == 404:
        return ModelError(
            f"the Gemini API does not know model '{settings.model}' (404): check agent.model"
        )
    if code >= 500:
        return ModelError(
            f"the Gemini API is unavailable ({code}) after {settings.retries} retries: "
            "try again later",
            unavailable=True,
        )
    return ModelError(f"the Gemini API rejected the request ({code}): {detail}")
