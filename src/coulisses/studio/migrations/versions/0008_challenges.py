"""Challenge tables: challenges, their entries and the entries' consent records.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# the models join the studio's metadata whenever migrations load (tests/web/test_migrations.py)
import coulisses.challenges.tables  # noqa: F401
from coulisses.studio.tables import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fk(name: str, target: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete),
                     nullable=nullable)


def _s(name: str, length: int | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False)


def _b(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _t(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "challenges", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("workspace_id", "workspaces.id", "CASCADE", nullable=True),
        _fk("campaign_id", "campaigns.id", "SET NULL", nullable=True),
        _s("campaign_key", 64), _s("key", 64), _s("title", 300), _s("slug", 40),
        _s("secret", 64), _s("salt", 64), _s("rules"), _b("open"), _t("created_at"),
        sa.UniqueConstraint("workspace_id", "campaign_key", "key", name="uq_challenge_key"),
        sa.UniqueConstraint("slug"))
    op.create_index("ix_challenges_workspace_id", "challenges", ["workspace_id"])
    op.create_table(
        "challenge_entries", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("challenge_id", "challenges.id", "CASCADE"), _s("public_id", 24), _s("source", 8),
        _s("path"), _s("original_name", 255), _s("sha256", 64),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False), _s("link"),
        _s("entrant", 200), _s("entrant_key", 64), _s("declared"), _s("age_band", 8),
        _s("country", 2), _s("consent", 16), _b("minor_cleared"), _b("face_matching"),
        _s("status", 12), _t("created_at"), _t("updated_at"),
        _t("withdrawn_at", nullable=True), _t("purged_at", nullable=True),
        sa.UniqueConstraint("public_id"))
    op.create_index("ix_challenge_entries_challenge_id", "challenge_entries", ["challenge_id"])
    op.create_index("ix_challenge_entries_sha256", "challenge_entries", ["sha256"])
    op.create_index("ix_challenge_entries_entrant_key", "challenge_entries", ["entrant_key"])
    op.create_table(
        "challenge_consents", sa.Column("id", sa.Integer(), primary_key=True),
        _fk("entry_id", "challenge_entries.id", "CASCADE"), _s("item", 12), _b("granted"),
        _s("scope"), _s("terms_text"), _s("terms_hash", 64), _s("by", 8),
        _s("address_hash", 64), _s("agent_hash", 64), _t("at"))
    op.create_index("ix_challenge_consents_entry_id", "challenge_consents", ["entry_id"])


def downgrade() -> None:
    op.drop_table("challenge_consents")
    op.drop_table("challenge_entries")
    op.drop_table("challenges")
