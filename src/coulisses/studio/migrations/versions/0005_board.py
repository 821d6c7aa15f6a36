"""The plan-driven flow: cuts made for a planned deliverable, client review links, rushes
tagged to a campaign's items, notifications and their e-mail outbox.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coulisses.studio import board_tables  # noqa: F401  (the models join the metadata)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(name: str, table: str, ondelete: str, *, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete=ondelete),
                     nullable=nullable)


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("cuts") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("deliverable", sa.String(200), nullable=False,
                                   server_default=""))
        batch.create_foreign_key("fk_cuts_campaign_id", "campaigns", ["campaign_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_index("ix_cuts_campaign_id", ["campaign_id"])
    for table in ("comments", "approvals"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("guest_name", sa.String(200), nullable=False,
                                       server_default=""))
    op.create_table(
        "share_links", _id(), _fk("workspace_id", "workspaces", "CASCADE"),
        _fk("version_id", "cut_versions", "CASCADE"),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        _at("expires_at"), _at("revoked_at", nullable=True),
        _fk("created_by", "users", "SET NULL", nullable=True), _at("created_at"))
    op.create_index("ix_share_links_workspace_id", "share_links", ["workspace_id"])
    op.create_index("ix_share_links_version_id", "share_links", ["version_id"])
    op.create_table(
        "rush_tags", _id(), _fk("workspace_id", "workspaces", "CASCADE"),
        _fk("campaign_id", "campaigns", "CASCADE"), _fk("rush_id", "rushes", "CASCADE"),
        sa.Column("source", sa.String(200), nullable=False),
        _fk("created_by", "users", "SET NULL", nullable=True), _at("created_at"),
        sa.UniqueConstraint("campaign_id", "rush_id", "source", name="uq_rush_tag"))
    for column in ("workspace_id", "campaign_id", "rush_id"):
        op.create_index(f"ix_rush_tags_{column}", "rush_tags", [column])
    op.create_table(
        "notifications", _id(), _fk("workspace_id", "workspaces", "CASCADE"),
        _fk("user_id", "users", "CASCADE"), sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False), _at("created_at"))
    op.create_index("ix_notifications_workspace_id", "notifications", ["workspace_id"])
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read"])
    op.create_table(
        "mail_outbox", _id(), sa.Column("notification_id", sa.Integer(),
                                        sa.ForeignKey("notifications.id", ondelete="CASCADE"),
                                        nullable=False, unique=True),
        sa.Column("to_addr", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False), _at("due_at"),
        _at("sent_at", nullable=True))
    op.create_index("ix_mail_outbox_status_due", "mail_outbox", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("mail_outbox")
    op.drop_table("notifications")
    op.drop_table("rush_tags")
    op.drop_table("share_links")
    for table in ("approvals", "comments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("guest_name")
    with op.batch_alter_table("cuts") as batch:
        batch.drop_index("ix_cuts_campaign_id")
        batch.drop_constraint("fk_cuts_campaign_id", type_="foreignkey")
        batch.drop_column("deliverable")
        batch.drop_column("campaign_id")
