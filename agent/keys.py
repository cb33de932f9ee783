"""The Gemini API key: from GEMINI_API_KEY or GOOGLE_API_KEY, else the system keyring.

The key is never written to the config file, the logs or the database; `todo config
set-key` puts it in the keyring only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from core.errors import TodoError

KEYRING_SERVICE = "todo"
KEYRING_USER = "gemini-api-key"
ENV_NAMES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")


class KeyringUnavailable(TodoError):
    """The system keyring cannot store or remove the key (exit code 3)."""

    exit_code = 3


def api_key(env: Mapping[str, str] | None = None) -> str | None:
    """The configured key, or None; an unusable keyring counts as no key."""
    env = os.environ if env is None else env
    for name in ENV_NAMES:
        if env.get(name):
            return env[name]
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception:  # no keyring backend on this machine: the key is simply not there
        return None


def store_key(key: str) -> None:
    """Keep `key` in the system keyring; KeyringUnavailable if there is none."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except KeyringError as exc:
        raise KeyringUnavailable(
            f"cannot store the key: no usable system keyring ({exc}); set GEMINI_API_KEY instead"
        ) from None


def delete_key() -> bool:
    """Remove the stored key; False if none was stored."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise KeyringUnavailable(f"cannot reach the system keyring: {exc}") from None
    return True

