"""The CloudEvents Kafka protocol binding, binary content mode: what the relay writes and the
consumers read.

A record's value is the event's data alone (JSON), each attribute is a `ce_<name>` header and
`datacontenttype` is the `content-type` header; the key (owner/task id) keeps one task's
events in one partition, in order. Binary mode lets the relay send the data as the outbox
stores it, already encoded. The embedded log hands consumers the structured envelope instead
(a message without `ce_` headers), so the consumer loop reads both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from core.events import check_envelope

PREFIX = "ce_"
CONTENT_TYPE = "content-type"
INTEGER_ATTRIBUTES = frozenset({"todoop"})
"""Our extensions of CloudEvents type Integer: a header carries them as text."""


def headers_of(attributes: Mapping[str, Any]) -> dict[str, bytes]:
    """The Kafka headers of an event with these CloudEvents attributes (no `data`)."""
    headers = {
        f"{PREFIX}{name}": str(value).encode()
        for name, value in attributes.items()
        if value is not None and name != "datacontenttype"
    }
    headers[CONTENT_TYPE] = str(attributes.get("datacontenttype", "application/json")).encode()
    return headers


def is_binary(headers: Mapping[str, bytes]) -> bool:
    """Whether a record is in binary mode: the binding says any `ce_` header makes it so."""
    return any(name.lower().startswith(PREFIX) for name in headers)


def envelope_of(headers: Mapping[str, bytes], value: bytes | None) -> dict[str, Any]:
    """The CloudEvents envelope of a binary-mode record; ValueError names what is wrong."""
    attributes: dict[str, Any] = {}
    for name, raw in headers.items():
        lower = name.lower()
        if lower.startswith(PREFIX) or lower == CONTENT_TYPE:
            try:
                text = raw.decode()
            except UnicodeDecodeError:
                raise ValueError(f"header {name} is not UTF-8") from None
            key = "datacontenttype" if lower == CONTENT_TYPE else lower[len(PREFIX):]
            attributes[key] = _typed(key, text)
    content_type = attributes.get("datacontenttype", "application/json")
    if content_type.split(";")[0].strip() != "application/json":
        raise ValueError(f"data of content-type {content_type!r}, not application/json")
    if value is None:
        raise ValueError("empty message")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"data is not JSON ({exc})") from None
    return check_envelope({**attributes, "data": data})


def _typed(name: str, text: str) -> Any:
    if name not in INTEGER_ATTRIBUTES:
        return text
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"header {PREFIX}{name} is not an integer: {text!r}") from None
