"""Memberships are invitations until accepted: a ``status`` of ``invited`` or ``active``.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False,
                                   server_default="active"))


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("status")
