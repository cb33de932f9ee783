"""Leases: one active member per consumer group on the embedded log, one leading relay.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the lease table."""
    utc = sa.DateTime(timezone=True)
    op.create_table(
        "lease",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("holder", sa.String(256), nullable=False),
        sa.Column("fence", sa.BigInteger(), nullable=False),
        sa.Column("acquired", utc, nullable=False),
        sa.Column("expires", utc, nullable=False),
    )


def downgrade() -> None:
    """Drop the lease table."""
    op.drop_table("lease")
