"""JSON Schemas (draft 2020-12) of the `data` of each event type, shipped as package data.

Each event carries its schema's URI as the CloudEvents `dataschema` attribute; the URI is
the schema's `$id`, never fetched: consumers read the files from this package. `task.json`
is the task snapshot every event embeds; the others refer to it by its `$id`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from core.events import dataschema as uri_of


@cache
def load_all() -> dict[str, dict[str, Any]]:
    """Every schema of the package by its `$id`."""
    found: dict[str, dict[str, Any]] = {}
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".json"):
            schema = json.loads(entry.read_text(encoding="utf-8"))
            found[schema["$id"]] = schema
    return found


def validate(event_type: str, data: Any) -> None:
    """Raise ValueError naming the first place where `data` breaks `event_type`'s schema.

    Imports jsonschema (a development dependency): the tests call this for every event
    they emit, no command does.
    """
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator(event_type).iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(data)"
        raise ValueError(f"{event_type} data at {where}: {error.message}")


@cache
def _validator(event_type: str) -> Any:
    import jsonschema
    from referencing import Registry, Resource

    schemas = load_all()
    uri = uri_of(event_type)
    if uri not in schemas:
        raise ValueError(f"no schema for event type {event_type!r}")
    registry: Registry[Any] = Registry().with_resources(
        (key, Resource.from_contents(value)) for key, value in schemas.items()
    )
    return jsonschema.Draft202012Validator(
        schemas[uri], registry=registry, format_checker=jsonschema.FormatChecker()
    )
