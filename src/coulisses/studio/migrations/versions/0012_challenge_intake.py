"""Challenge intake: entrants' and parents' contacts, deletion receipts; the outbox also
sends to people who are not users (entrants, parents), so its notification is optional.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# the models join the studio's metadata whenever migrations load (tests/web/test_migrations.py)
import coulisses.challenges.intake_tables  # noqa: F401
from coulisses.studio.tables import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenge_contacts",
        sa.Column("entry_id", sa.Integer(),
                  sa.ForeignKey("challenge_entries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("parent_email", sa.String(320), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False))
    op.create_table(
        "challenge_receipts", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("receipt_id", sa.String(24), nullable=False),
        sa.Column("entry_id", sa.Integer(),
                  sa.ForeignKey("challenge_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("public_id", sa.String(24), nullable=False),
        sa.Column("deleted", sa.Text(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("receipt_id"), sa.UniqueConstraint("entry_id"))
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("notification_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM mail_outbox WHERE notification_id IS NULL")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("notification_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("challenge_receipts")
    op.drop_table("challenge_contacts")
