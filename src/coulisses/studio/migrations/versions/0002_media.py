"""Media tables: rushes, cuts, cut versions, variants, comments, approvals.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _time(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _fk(name: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete),
                     nullable=nullable)


def _text(name: str, length: int | None = None) -> sa.Column[str]:
    return sa.Column(name, sa.String(length) if length else sa.Text(), nullable=False)


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{columns[0]}", table, list(columns))


def upgrade() -> None:
    op.create_table(
        "rushes", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _text("name", 300), _text("path", 500), _text("thumb", 500),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        _text("status", 20), _fk("job_id", "jobs.id", "SET NULL", True), _text("error"),
        _text("analysis"), _text("moments"), _text("transcript_text"),
        _fk("uploaded_by", "users.id", "SET NULL", True), _time("created_at"))
    _index("rushes", "workspace_id")
    op.create_table(
        "cuts", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("rush_id", "rushes.id", "CASCADE"), _text("title", 300),
        _fk("created_by", "users.id", "SET NULL", True), _time("created_at"))
    _index("cuts", "workspace_id")
    _index("cuts", "rush_id")
    op.create_table(
        "cut_versions", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("cut_id", "cuts.id", "CASCADE"),
        sa.Column("number", sa.Integer(), nullable=False),
        _text("platforms", 500),
        sa.Column("start", sa.Float(), nullable=True),
        sa.Column("end", sa.Float(), nullable=True),
        _text("options"), _text("status", 20),
        _fk("job_id", "jobs.id", "SET NULL", True),
        _text("out_dir", 500), _text("report"),
        sa.Column("passed", sa.Boolean(), nullable=True),
        _text("error"), _text("decision", 20),
        _fk("created_by", "users.id", "SET NULL", True), _time("created_at"),
        sa.UniqueConstraint("cut_id", "number", name="uq_cut_version"))
    _index("cut_versions", "workspace_id")
    _index("cut_versions", "cut_id")
    op.create_table(
        "variants", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("version_id", "cut_versions.id", "CASCADE"),
        _text("platform", 60), _text("label", 120), _text("video", 500), _text("cover", 500),
        sa.Column("passed", sa.Boolean(), nullable=False), _text("qc"))
    _index("variants", "workspace_id")
    _index("variants", "version_id")
    op.create_table(
        "comments", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("version_id", "cut_versions.id", "CASCADE"),
        _fk("parent_id", "comments.id", "CASCADE", True),
        _fk("author_id", "users.id", "SET NULL", True),
        _text("platform", 60),
        sa.Column("t_start", sa.Float(), nullable=False),
        sa.Column("t_end", sa.Float(), nullable=True),
        _text("body"),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(100), nullable=True, unique=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        _time("created_at"), _time("updated_at"))
    _index("comments", "workspace_id")
    _index("comments", "version_id")
    op.create_index("ix_comments_version_t", "comments", ["version_id", "t_start"])
    op.create_table(
        "approvals", _id(), _fk("workspace_id", "workspaces.id", "CASCADE"),
        _fk("version_id", "cut_versions.id", "CASCADE"),
        _fk("user_id", "users.id", "SET NULL", True),
        _text("decision", 20), _text("note"), _time("created_at"))
    _index("approvals", "workspace_id")
    _index("approvals", "version_id")


def downgrade() -> None:
    for table in ("approvals", "comments", "variants", "cut_versions", "cuts", "rushes"):
        op.drop_table(table)
