"""Review and safe deletes: a trash (``deleted_at`` on campaigns, rushes, cuts and comments)
and decisions per variant (``variants.decision``, ``approvals.variant_id``).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TRASHED = ("campaigns", "rushes", "cuts", "comments")


def upgrade() -> None:
    for table in TRASHED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("variants") as batch:
        batch.add_column(sa.Column("decision", sa.String(20), nullable=False,
                                   server_default="pending"))
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("variant_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_approvals_variant", "variants", ["variant_id"], ["id"],
                                 ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("approvals") as batch:
        batch.drop_constraint("fk_approvals_variant", type_="foreignkey")
        batch.drop_column("variant_id")
    with op.batch_alter_table("variants") as batch:
        batch.drop_column("decision")
    for table in TRASHED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("deleted_at")
