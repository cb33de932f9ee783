"""Random identifiers for tasks, events and leases.

`uuid.uuid4()` would do, but the uuid module loads `platform` and costs a command ~2 ms
to import; `todo add` needs two of these (the task's and its event's).
"""

from __future__ import annotations

import os


def new_uuid() -> str:
    """A random (version 4, RFC 4122 variant) UUID as text, as `str(uuid.uuid4())` gives it."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # variant: RFC 4122
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
