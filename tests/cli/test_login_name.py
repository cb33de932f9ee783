"""Without TODO_USER, the owner is the login name as getpass (an implementation we did not
write) gives it: config.settings works it out itself, without importing getpass."""

from __future__ import annotations

import getpass

import pytest

from config.settings import login_name

VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


@pytest.mark.parametrize("present", [*VARIABLES, "none", "empty"])
def test_the_login_name_is_getpass_one(monkeypatch: pytest.MonkeyPatch, present: str) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    if present == "empty":
        monkeypatch.setenv("LOGNAME", "")
        monkeypatch.setenv("USER", "from-user")
    elif present != "none":
        monkeypatch.setenv(present, f"from-{present.lower()}")
    assert login_name() == getpass.getuser()
    if present not in ("none", "empty"):
        assert login_name() == f"from-{present.lower()}"


def test_the_first_variable_set_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "second")
    monkeypatch.setenv("LOGNAME", "first")
    assert login_name() == getpass.getuser() == "first"
