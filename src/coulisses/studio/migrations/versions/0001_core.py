"""Core tables: users, workspaces, memberships, sessions, login attempts, campaigns, jobs, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _time(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _workspace_fk(nullable: bool = False) -> sa.Column[int]:
    return sa.Column("workspace_id", sa.Integer(),
                     sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=nullable)


def _user_fk(name: str, ondelete: str, nullable: bool) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete=ondelete),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users", _id(),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        _time("created_at"))
    op.create_table(
        "workspaces", _id(),
        sa.Column("name", sa.String(200), nullable=False),
        _time("created_at"))
    op.create_table(
        "login_attempts", _id(),
        sa.Column("key", sa.String(400), nullable=False),
        _time("at"))
    op.create_index("ix_login_attempts_key_at", "login_attempts", ["key", "at"])
    op.create_table(
        "memberships", _id(), _workspace_fk(),
        _user_fk("user_id", "CASCADE", False),
        sa.Column("role", sa.String(20), nullable=False),
        _time("created_at"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_membership"))
    op.create_index("ix_memberships_workspace_id", "memberships", ["workspace_id"])
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        _user_fk("user_id", "CASCADE", False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _time("created_at"), _time("expires_at"))
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "campaigns", _id(), _workspace_fk(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        _time("created_at"), _time("updated_at"),
        _user_fk("updated_by", "SET NULL", True))
    op.create_index("ix_campaigns_workspace_id", "campaigns", ["workspace_id"])
    op.create_table(
        "jobs", _id(), _workspace_fk(),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        _user_fk("created_by", "SET NULL", True),
        _time("created_at"), _time("started_at", True), _time("heartbeat_at", True),
        _time("finished_at", True),
        sa.UniqueConstraint("workspace_id", "dedupe_key", name="uq_job_dedupe"))
    op.create_index("ix_jobs_status_id", "jobs", ["status", "id"])
    op.create_index("ix_jobs_workspace_id", "jobs", ["workspace_id"])
    op.create_table(
        "audit_events", _id(), _workspace_fk(nullable=True),
        _user_fk("user_id", "SET NULL", True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _time("at"),
        sa.Column("ok", sa.Boolean(), nullable=False))
    op.create_index("ix_audit_events_workspace_id", "audit_events", ["workspace_id"])


def downgrade() -> None:
    for table in ("audit_events", "jobs", "campaigns", "sessions", "memberships",
                  "login_attempts", "workspaces", "users"):
        op.drop_table(table)
