"""Delivery claims: a reminder delivery is claimed (holder, lease) before it is sent.

`delivered` becomes nullable: a row without it is a claim, live while `lease_until` lies
ahead; `attempts` counts the claims, so a repeat after a crash is visible.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add holder, lease_until and attempts; let `delivered` be empty while claimed."""
    utc = sa.DateTime(timezone=True)
    with op.batch_alter_table("delivery") as batch:
        batch.alter_column("delivered", existing_type=utc, nullable=True)
        batch.add_column(sa.Column("holder", sa.String(256), nullable=True))
        batch.add_column(sa.Column("lease_until", utc, nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    """Forget claims that never delivered, then drop the claim columns."""
    utc = sa.DateTime(timezone=True)
    op.execute("DELETE FROM delivery WHERE delivered IS NULL")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("attempts")
        batch.drop_column("lease_until")
        batch.drop_column("holder")
        batch.alter_column("delivered", existing_type=utc, nullable=False)
