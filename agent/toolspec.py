"""What a tool is: its declaration (name, description, JSON schema from the type hints), what
it does to the task list (its effect), how its arguments are checked, and its result.

The tools themselves are in agent/tools.py; the confirmation rule that reads `effect` is in
agent/session.py, the one place it lives.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

if TYPE_CHECKING:
    from core.schemas import TaskRead

Effect = Literal["read", "add", "change", "delete", "stop_repeat", "undo"]
"""What a call does to the task list: nothing, adds a task, changes the tasks it names,
deletes them, stops their repeat, or reverts the last change."""

ALWAYS_ASKED: frozenset[Effect] = frozenset({"delete", "stop_repeat", "undo"})
"""Effects the user confirms even for one task."""


@dataclass(frozen=True)
class ToolResult:
    """What a tool call did: `data` goes back to the model, `summary` is for people.

    `exit_code` is the CLI's code for a failed or refused call (0 when it worked).
    """

    data: dict[str, Any]
    summary: str
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        """True unless the call failed or was refused."""
        return bool(self.data.get("ok"))


Targets = Callable[[Any, dict[str, Any]], "list[TaskRead]"]
"""The tasks a call would change, as they are now: (service, arguments) -> tasks."""


@dataclass(frozen=True)
class ToolSpec:
    """One tool: its function, its effect on the task list, and whether repeating a call
    with the same arguments changes nothing more (MCP's idempotentHint).

    `targets` finds the tasks a call would change when its arguments do not name them by id
    (renaming a project moves every task in it); None: the tasks of `ids` (or `id`).
    """

    function: Callable[..., ToolResult]
    effect: Effect = "read"
    idempotent: bool = True
    targets: Targets | None = None

    @property
    def name(self) -> str:
        """The tool's name: the function's."""
        return self.function.__name__

    @property
    def may_need_confirmation(self) -> bool:
        """Whether a call on its own may need the user's yes: it can delete, stop a repeat,
        undo, or name several tasks (adding makes one task per call)."""
        return self.effect not in ("read", "add")

    def description(self) -> str:
        """The docstring up to its Args section, as one paragraph per blank-line block."""
        doc = inspect.getdoc(self.function) or ""
        body = doc.split("\nArgs:", 1)[0].strip()
        return "\n\n".join(" ".join(p.split()) for p in body.split("\n\n"))

    def parameters(self) -> list[inspect.Parameter]:
        """The tool's own parameters (the service is not one), with resolved annotations."""
        # The service is only named for type checkers; tools never see it as a parameter.
        hints = get_type_hints(self.function, localns={"TaskService": object})
        params = list(inspect.signature(self.function).parameters.values())[1:]
        return [p.replace(annotation=hints[p.name]) for p in params]

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments."""
        notes = _arg_docs(inspect.getdoc(self.function) or "")
        props: dict[str, Any] = {}
        for p in self.parameters():
            prop = json_schema(p.annotation)
            if p.name in notes:
                prop["description"] = notes[p.name]
            props[p.name] = prop
        required = [p.name for p in self.parameters() if p.default is inspect.Parameter.empty]
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        return schema


def failure(message: str, exit_code: int = 2, **extra: Any) -> ToolResult:
    """A failed call: the message for the model and for people."""
    return ToolResult({"ok": False, "error": message, **extra}, f"✗ {message}", exit_code)


def refusal(action: str, reason: str, **extra: Any) -> ToolResult:
    """A call the user did not confirm: nothing changed (exit code 1)."""
    message = f"not done: {action} needs the user's confirmation and {reason}"
    data = {"ok": False, "refused": True, "error": message, **extra}
    return ToolResult(data, f"✗ {message}", 1)


def check_args(spec: ToolSpec, args: dict[str, Any]) -> str | None:
    """What is wrong with the arguments of a call, or None."""
    params = {p.name: p for p in spec.parameters()}
    unknown = sorted(set(args) - set(params))
    if unknown:
        return f"{spec.name} has no parameter {', '.join(unknown)}"
    missing = [n for n, p in params.items() if p.default is inspect.Parameter.empty and
               n not in args]
    if missing:
        return f"{spec.name} needs {', '.join(missing)}"
    for name, value in args.items():
        if not _fits(value, params[name].annotation):
            return f"{spec.name}: {name}={value!r} is not a valid value"
    return None


def normalise_args(spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
    """Arguments with JSON numbers turned into ints where the tool wants ints."""
    out = dict(args)
    for p in spec.parameters():
        if p.name not in out:
            continue
        if p.annotation is int and isinstance(out[p.name], float):
            out[p.name] = int(out[p.name])
        if get_args(p.annotation) == (int,) and isinstance(out[p.name], list):
            out[p.name] = [int(v) if isinstance(v, float) else v for v in out[p.name]]
    return out


def ids_of(args: dict[str, Any]) -> list[int]:
    """The task ids a call names (`ids` or `id`), in order, without repeats."""
    ids = args.get("ids")
    if isinstance(ids, list):
        found = [int(i) for i in ids if isinstance(i, int | float) and not isinstance(i, bool)]
    else:
        found = [int(args["id"])] if isinstance(args.get("id"), int) else []
    return list(dict.fromkeys(found))


def json_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of one parameter type (the types the tools use)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(hint) if a is not type(None)]
        return json_schema(inner[0])
    if origin is Literal:
        return {"type": "string", "enum": list(get_args(hint))}
    if origin is list:
        return {"type": "array", "items": json_schema(get_args(hint)[0])}
    names = {str: "string", int: "integer", bool: "boolean", float: "number"}
    return {"type": names[hint]}


def _fits(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, a) for a in get_args(hint))
    if hint is type(None):
        return value is None
    if origin is Literal:
        return value in get_args(hint)
    if origin is list:
        return isinstance(value, list) and all(_fits(v, get_args(hint)[0]) for v in value)
    if hint is int:
        # JSON numbers may arrive as 12.0.
        return isinstance(value, int | float) and not isinstance(value, bool) and \
            float(value).is_integer()
    if hint is bool:
        return isinstance(value, bool)
    return isinstance(value, hint)


_ARG_LINE = re.compile(r"^    (\w+): (.*)$")


def _arg_docs(doc: str) -> dict[str, str]:
    """Parameter descriptions from a docstring's Google-style Args section."""
    if "\nArgs:" not in doc:
        return {}
    notes: dict[str, str] = {}
    current = None
    for line in doc.split("\nArgs:", 1)[1].splitlines():
        m = _ARG_LINE.match(line)
        if m:
            current = m[1]
            notes[current] = m[2].strip()
        elif current and line.strip():
            notes[current] += " " + line.strip()
    return notes
