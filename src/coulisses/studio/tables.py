"""The studio's tables: accounts, workspaces, sessions, campaigns, jobs and the audit trail,
then the media (rushes, cuts and their versions and variants, review comments and approvals).

Every media row carries its ``workspace_id`` so that each query can be scoped to the workspace
of the member asking. Files live under ``data_dir`` (``studio/files.py``); rows keep paths
relative to it. Times are stored in UTC and always read back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC; SQLite's naive values come back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        result: datetime = value
        if result.tzinfo is None:
            return result.replace(tzinfo=UTC)
        return result.astimezone(UTC)


class Base(DeclarativeBase):
    """The one declarative base of every studio table (core and media)."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Workspace(Base):
    """One brand or client: every item belongs to exactly one workspace."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="workspace")


class Membership(Base):
    """A user's role in a workspace: owner, editor, reviewer or client (viewer)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_membership"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # "invited" until the user accepts: only then does the workspace open to them
    status: Mapped[str] = mapped_column(String(20), default="active", server_default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    workspace: Mapped[Workspace] = relationship(back_populates="memberships")


class LoginSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """A failed sign-in, keyed by account and by address; shared by every server process."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Campaign(Base):
    """A campaign file as it was given (exported byte for byte) and its edit version."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    name: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # in the trash since

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class Job(Base):
    """Background work: queued, claimed by one worker with a conditional UPDATE, then done."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("workspace_id", "dedupe_key", name="uq_job_dedupe"),
        Index("ix_jobs_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Who did what, when: sign-ins, member changes, imports, edits, approvals."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)


# --- media: rushes, cuts, versions, variants, review -------------------------------------

class Rush(Base):
    """An uploaded source file and, once analysed, its analysis as JSON."""

    __tablename__ = "rushes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    name: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(500))  # relative to data_dir
    thumb: Mapped[str] = mapped_column(String(500), default="")  # relative to data_dir
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    fps: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(20), default="uploaded")  # analysing, analysed
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    error: Mapped[str] = mapped_column(Text, default="")
    analysis: Mapped[str] = mapped_column(Text, default="")  # Analysis.to_json()
    moments: Mapped[str] = mapped_column(Text, default="")  # list of Moment dicts
    transcript_text: Mapped[str] = mapped_column(Text, default="")  # for search
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # in the trash since


class Cut(Base):
    """A request to cut a span of a rush to some platforms; each render is a ``CutVersion``."""

    __tablename__ = "cuts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    rush_id: Mapped[int] = mapped_column(ForeignKey("rushes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # the planned deliverable it is for (board12): the campaign row and the plan's id
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    deliverable: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # in the trash since

    versions: Mapped[list[CutVersion]] = relationship(
        back_populates="cut", order_by="CutVersion.number", cascade="all, delete-orphan")


class CutVersion(Base):
    """Render number ``number`` of a cut: its options, job, outputs, QC and decision."""

    __tablename__ = "cut_versions"
    __table_args__ = (UniqueConstraint("cut_id", "number", name="uq_cut_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    cut_id: Mapped[int] = mapped_column(ForeignKey("cuts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    platforms: Mapped[str] = mapped_column(String(500))  # comma-separated ids
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    options: Mapped[str] = mapped_column(Text, default="{}")  # captions, reframe, preset...
    status: Mapped[str] = mapped_column(String(20), default="queued")  # rendering, done, failed
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    out_dir: Mapped[str] = mapped_column(String(500), default="")  # relative to data_dir
    report: Mapped[str] = mapped_column(Text, default="")  # report.json of the render
    passed: Mapped[bool | None] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(20), default="pending")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cut: Mapped[Cut] = relationship(back_populates="versions")
    variants: Mapped[list[CutVariant]] = relationship(
        back_populates="version", order_by="CutVariant.id", cascade="all, delete-orphan")


class CutVariant(Base):
    """One platform's rendered file of a cut version."""

    __tablename__ = "variants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("cut_versions.id", ondelete="CASCADE"),
                                            index=True)
    platform: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120), default="")
    video: Mapped[str] = mapped_column(String(500))  # relative to data_dir
    cover: Mapped[str] = mapped_column(String(500), default="")
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    qc: Mapped[str] = mapped_column(Text, default="{}")  # QCResult.to_json()
    # the latest decision on this platform's file alone (the version has its own)
    decision: Mapped[str] = mapped_column(String(20), default="pending",
                                          server_default="pending")

    version: Mapped[CutVersion] = relationship(back_populates="variants")


class Comment(Base):
    """A review note at a time code (``t_end`` set: over a range), threaded by ``parent_id``.

    ``rev`` is the optimistic-concurrency counter: an edit based on an older ``rev`` is refused.
    """

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_version_t", "version_id", "t_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("cut_versions.id", ondelete="CASCADE"),
                                            index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(60), default="")
    t_start: Mapped[float] = mapped_column(Float, default=0.0)
    t_end: Mapped[float | None] = mapped_column(Float)
    body: Mapped[str] = mapped_column(Text)
    # who wrote it through a client review link (no account): the name they gave
    guest_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    rev: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # in the trash since

    __mapper_args__ = {"version_id_col": rev}  # noqa: RUF012


class Approval(Base):
    """A reviewer's decision on a cut version, or on one of its variants (``variant_id``):
    ``approved`` or ``changes`` (with a note)."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("cut_versions.id", ondelete="CASCADE"),
                                            index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # who wrote it through a client review link (no account): the name they gave
    guest_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
