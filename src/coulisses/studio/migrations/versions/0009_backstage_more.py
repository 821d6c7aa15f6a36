"""Backstage, second part: the decision log, the daily page-view counter, the origins
allowed to frame a page, and platform poll tallies typed in by the team.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# the models join the studio's metadata whenever migrations load (tests/web/test_migrations.py)
import coulisses.backstage.tables  # noqa: F401
from coulisses.studio.tables import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(name: str, target: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete),
                     nullable=nullable)


def _s(name: str, length: int | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "backstage_decisions", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("page_id", "backstage_pages.id", "CASCADE"),
        _fk("poll_id", "backstage_polls.id", "SET NULL", nullable=True),
        _fk("option_id", "backstage_options.id", "SET NULL", nullable=True),
        _s("theme", 200), _s("comments"), _s("tally"), _s("decision"), _s("reason"),
        _fk("cut_id", "cuts.id", "SET NULL", nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        _fk("author_id", "users.id", "SET NULL", nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False))
    op.create_index("ix_backstage_decisions_page_id", "backstage_decisions", ["page_id"])
    op.create_table(
        "backstage_views", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("page_id", "backstage_pages.id", "CASCADE"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.UniqueConstraint("page_id", "day", name="uq_backstage_views_day"))
    op.create_index("ix_backstage_views_page_id", "backstage_views", ["page_id"])
    op.create_table(
        "backstage_platform_tallies", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("poll_id", "backstage_polls.id", "CASCADE"), _s("channel", 20),
        _fk("option_id", "backstage_options.id", "CASCADE"),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        _fk("entered_by", "users.id", "SET NULL", nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("poll_id", "channel", "option_id",
                            name="uq_backstage_platform_tally"))
    op.create_index("ix_backstage_platform_tallies_poll_id", "backstage_platform_tallies",
                    ["poll_id"])
    with op.batch_alter_table("backstage_pages") as batch:
        batch.add_column(sa.Column("embed_origins", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("backstage_pages") as batch:
        batch.drop_column("embed_origins")
    op.drop_table("backstage_platform_tallies")
    op.drop_table("backstage_views")
    op.drop_table("backstage_decisions")
