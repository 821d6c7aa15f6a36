"""Publishing accounts remember why their tokens stopped working, so they can be reconnected.

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publish_accounts") as batch:
        batch.add_column(sa.Column("reconnect", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("publish_accounts") as batch:
        batch.drop_column("reconnect")
