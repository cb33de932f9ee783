"""deploy/helm/todo/values.yaml documents every knob: each key has a comment of its own or
sits under a key that has one (`helm show values` is the chart's manual)."""

from __future__ import annotations

import re

from tests.deploy.chart import CHART

_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*):(?P<value>.*)$")


def undocumented_keys(text: str) -> list[str]:
    """Dotted paths of the values (keys with a value on their line) with no comment on
    themselves or on any enclosing key."""
    missing: list[str] = []
    stack: list[tuple[int, str, bool]] = []  # (indent, key, documented)
    previous = ""
    for line in text.splitlines():
        match = _KEY.match(line)
        if match:
            indent = len(match["indent"])
            while stack and stack[-1][0] >= indent:
                stack.pop()
            documented = previous.lstrip().startswith("#") or any(d for _, _, d in stack)
            path = ".".join([k for _, k, _ in stack] + [match["key"]])
            leaf = match["value"].split("#")[0].strip() != ""
            if leaf and not documented:
                missing.append(path)
            stack.append((indent, match["key"], documented))
        if line.strip() and not line.lstrip().startswith("- "):
            previous = line
    return missing


def test_every_value_is_documented() -> None:
    assert undocumented_keys((CHART / "values.yaml").read_text(encoding="utf-8")) == []


def test_an_undocumented_value_is_found() -> None:
    text = "# -- documented\na: 1\nb:\n  # -- documented\n  c: 2\n  d: 3\ne: {}\n"
    assert undocumented_keys(text) == ["b.d", "e"]
