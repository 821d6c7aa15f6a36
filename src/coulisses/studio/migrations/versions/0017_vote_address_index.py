"""Votes are looked up by address and by network (the leaning test of ``backstage/leaning.py``
counts each address's and network's votes per option before a vote counts): an index on each,
within the poll, keeps that lookup from scanning every vote of a busy poll.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_backstage_votes_poll_address", "backstage_votes", ["poll_id", "address"])
    op.create_index("ix_backstage_votes_poll_network", "backstage_votes", ["poll_id", "network"])


def downgrade() -> None:
    op.drop_index("ix_backstage_votes_poll_network", table_name="backstage_votes")
    op.drop_index("ix_backstage_votes_poll_address", table_name="backstage_votes")
