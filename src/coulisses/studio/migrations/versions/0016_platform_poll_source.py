"""Platform tallies say where they came from: typed in by the team, or read through the
platform's API (a poll sent by coulisses), with the platform's post id.

Revision ID: 0016
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("backstage_platform_tallies") as batch:
        batch.add_column(sa.Column("source", sa.String(10), nullable=False,
                                   server_default="typed"))
        batch.add_column(sa.Column("post_ref", sa.String(200), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("backstage_platform_tallies") as batch:
        batch.drop_column("post_ref")
        batch.drop_column("source")
