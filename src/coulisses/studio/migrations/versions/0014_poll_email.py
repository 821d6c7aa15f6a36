"""Poll e-mail verification: a poll's ``verify_email`` flag and a vote's e-mail digest.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("backstage_polls") as batch:
        batch.add_column(sa.Column("verify_email", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("backstage_votes") as batch:
        batch.add_column(sa.Column("email", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("backstage_votes") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("backstage_polls") as batch:
        batch.drop_column("verify_email")
