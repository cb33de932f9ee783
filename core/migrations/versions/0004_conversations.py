"""Chat conversations of the agent and their messages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the conversation tables."""
    utc = sa.DateTime(timezone=True)
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created", utc, nullable=False),
        sa.Column("updated", utc, nullable=False),
    )
    op.create_index("ix_conversation_owner_updated", "conversation", ["owner", "updated"])
    op.create_table(
        "conversation_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id", sa.Integer(),
            sa.ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created", utc, nullable=False),
    )
    op.create_index(
        "ix_conversation_message_conversation", "conversation_message", ["conversation_id", "id"]
    )


def downgrade() -> None:
    """Drop the conversation tables."""
    op.drop_table("conversation_message")
    op.drop_table("conversation")
