"""Publishing tables: connected accounts, posts (a state machine with a lease), their history.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The models these tables mirror join the studio's metadata whenever migrations are loaded, so
# schema comparisons (autogenerate, tests/web/test_migrations.py) see both sides.
import coulisses.publish.tables  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _big(name: str, default: int | None = None) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False,
                     server_default=None if default is None else str(default))


def _text(name: str, length: int | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False,
                     server_default="")


def upgrade() -> None:
    op.create_table(
        "publish_accounts", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(),
                  sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True),
        _text("platform", 40), _text("name", 100), _text("channel", 10),
        _text("sandbox_url", 300), _text("external_id", 200), _text("tokens"),
        _big("created_ms"),
        sa.UniqueConstraint("platform", "name", name="uq_publish_account"))
    op.create_table(
        "publish_posts", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(),
                  sa.ForeignKey("publish_accounts.id", ondelete="RESTRICT"), nullable=False),
        _text("platform", 40), _text("video_path"), _text("video_sha256", 64),
        _big("size_bytes"), _big("duration_ms", 0), _text("caption"), _text("first_comment"),
        _text("cover"), _text("options"), _big("due_ms"), _text("state", 20), _text("step", 40),
        _text("progress"), sa.Column("attempts", sa.Integer(), nullable=False,
                                     server_default="0"),
        _text("lease_owner", 100), _big("lease_until_ms", 0), _text("platform_post_id", 200),
        _text("url"), _text("error"), sa.Column("dedupe_key", sa.String(200), nullable=True),
        _big("created_ms"), _big("updated_ms"),
        sa.UniqueConstraint("dedupe_key", name="uq_publish_posts_dedupe"))
    op.create_index("ix_publish_posts_due", "publish_posts", ["state", "due_ms"])
    op.create_table(
        "publish_events", sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(),
                  sa.ForeignKey("publish_posts.id", ondelete="CASCADE"), nullable=False),
        _big("at_ms"), _text("kind", 20), _text("state", 20), _text("step", 40),
        _text("worker", 100), _text("detail"))
    op.create_index("ix_publish_events_post_id", "publish_events", ["post_id"])


def downgrade() -> None:
    op.drop_table("publish_events")
    op.drop_table("publish_posts")
    op.drop_table("publish_accounts")
