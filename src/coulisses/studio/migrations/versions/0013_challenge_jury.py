"""Challenge jury: jury settings and public poll, juror scores and notes, poll options per entry.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# the models join the studio's metadata whenever migrations load (tests/web/test_migrations.py)
import coulisses.challenges.jury_tables  # noqa: F401
from coulisses.studio.tables import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenge_juries",
        sa.Column("challenge_id", sa.Integer(),
                  sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("poll_id", sa.Integer(),
                  sa.ForeignKey("backstage_polls.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False))
    op.create_table(
        "challenge_scores", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(),
                  sa.ForeignKey("challenge_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("juror_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("entry_id", "juror_id", name="uq_challenge_score"))
    op.create_index("ix_challenge_scores_entry_id", "challenge_scores", ["entry_id"])
    op.create_index("ix_challenge_scores_juror_id", "challenge_scores", ["juror_id"])
    op.create_table(
        "challenge_vote_options",
        sa.Column("option_id", sa.Integer(),
                  sa.ForeignKey("backstage_options.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("entry_id", sa.Integer(),
                  sa.ForeignKey("challenge_entries.id", ondelete="CASCADE"), nullable=False))
    op.create_index("ix_challenge_vote_options_entry_id", "challenge_vote_options",
                    ["entry_id"])


def downgrade() -> None:
    op.drop_table("challenge_vote_options")
    op.drop_table("challenge_scores")
    op.drop_table("challenge_juries")
