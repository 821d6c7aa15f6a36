"""Backstage tables: public pages, what they reveal, polls, votes, spent challenges, public
comments, commenters and the moderation log.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# the models join the studio's metadata whenever migrations load (tests/web/test_migrations.py)
import coulisses.backstage.tables  # noqa: F401
from coulisses.studio.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(name: str, target: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete),
                     nullable=nullable)


def _s(name: str, length: int | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False)


def _b(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _i(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _t(name: str) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=False)


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{columns[0]}", table, list(columns))


def upgrade() -> None:
    op.create_table(
        "backstage_pages", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("campaign_id", "campaigns.id", "CASCADE"), _s("slug", 40), _s("secret", 64),
        _s("title", 200), _s("intro"), _s("lang", 8), _b("published"), _b("show_places"),
        _s("moderation", 10), _s("blocked_words"), _t("created_at"), _t("updated_at"),
        sa.UniqueConstraint("campaign_id"), sa.UniqueConstraint("slug"))
    _index("backstage_pages", "workspace_id")
    op.create_table(
        "backstage_items", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _s("kind", 10), _s("ref", 100), _s("bts", 100), _i("position"),
        sa.UniqueConstraint("page_id", "kind", "ref", name="uq_backstage_item"))
    _index("backstage_items", "page_id")
    op.create_table(
        "backstage_updates", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _s("kind", 10), _s("body"), _fk("author_id", "users.id", "SET NULL", nullable=True),
        _t("created_at"))
    _index("backstage_updates", "page_id")
    op.create_table(
        "backstage_polls", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _s("question", 300), _t("opens_at"), _t("closes_at"), _s("results", 12),
        _s("salt", 64), _i("retention_days"), _b("purged"), _t("created_at"))
    _index("backstage_polls", "page_id")
    op.create_table(
        "backstage_options", _id(), _fk("poll_id", "backstage_polls.id", "CASCADE"),
        _i("position"), _s("kind", 10), _s("label", 200), _s("media", 500), _s("poster", 500),
        sa.Column("t_start", sa.Float(), nullable=True),
        sa.Column("t_end", sa.Float(), nullable=True))
    _index("backstage_options", "poll_id")
    op.create_table(
        "backstage_votes", _id(), _fk("poll_id", "backstage_polls.id", "CASCADE"),
        _fk("option_id", "backstage_options.id", "CASCADE"), _s("channel", 20),
        _s("voter", 64), _s("address", 64), _s("network", 64), _b("counted"),
        _s("reason", 20), _t("at"))
    _index("backstage_votes", "poll_id")
    _index("backstage_votes", "voter")
    op.create_index("ix_backstage_votes_poll_at", "backstage_votes", ["poll_id", "at"])
    op.create_table(
        "backstage_spent", _id(), _fk("poll_id", "backstage_polls.id", "CASCADE"),
        _s("nonce", 64), _t("expires_at"), sa.UniqueConstraint("nonce"))
    _index("backstage_spent", "poll_id")
    op.create_table(
        "backstage_comments", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _fk("poll_id", "backstage_polls.id", "CASCADE", nullable=True),
        _fk("parent_id", "backstage_comments.id", "CASCADE", nullable=True),
        _s("name", 60), _s("body"), _s("lang", 8), _s("commenter", 64), _s("address", 64),
        _b("team"), _fk("user_id", "users.id", "SET NULL", nullable=True), _s("status", 10),
        _s("hold", 20), _i("reports"), _t("created_at"))
    _index("backstage_comments", "page_id")
    _index("backstage_comments", "commenter")
    op.create_index("ix_backstage_comments_page_status", "backstage_comments",
                    ["page_id", "status"])
    op.create_table(
        "backstage_commenters", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _s("commenter", 64), _s("state", 10),
        sa.UniqueConstraint("page_id", "commenter", name="uq_backstage_commenter"))
    _index("backstage_commenters", "page_id")
    op.create_table(
        "backstage_moderation", _id(), _fk("page_id", "backstage_pages.id", "CASCADE"),
        _fk("comment_id", "backstage_comments.id", "SET NULL", nullable=True),
        _fk("user_id", "users.id", "SET NULL", nullable=True), _s("actor", 64),
        _s("action", 20), _s("detail"), _t("at"))
    _index("backstage_moderation", "page_id")


def downgrade() -> None:
    for table in ("backstage_moderation", "backstage_commenters", "backstage_comments",
                  "backstage_spent", "backstage_votes", "backstage_options", "backstage_polls",
                  "backstage_updates", "backstage_items", "backstage_pages"):
        op.drop_table(table)
