"""Hypothesis runs a fixed search under CI and a random one locally (tests/conftest.py)."""

from __future__ import annotations

import os

from hypothesis import settings


def test_the_profile_follows_the_ci_variable() -> None:
    current = settings.default
    if os.environ.get("CI"):
        assert current.derandomize and current.database is None
        assert current.deadline is None and current.print_blob
    else:
        assert not current.derandomize
