"""Alembic environment: online migrations only, against the URL the store hands over."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from core.models import metadata

config = context.config


def run() -> None:
    """Run the pending migrations in one transaction."""
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
