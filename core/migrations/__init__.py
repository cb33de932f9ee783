"""Alembic migrations, applied on start.

`HEAD` names the newest revision so the store can tell, with one cheap query, whether
anything needs doing before paying for importing Alembic. tests/core/test_migrations.py
proves it equals Alembic's own head.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0009"
SCRIPT_LOCATION = os.path.dirname(os.path.abspath(__file__))


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` that needs no alembic.ini."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (the caller holds the migration lock)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
