"""The studio's media tables: rushes, cuts and their versions and variants, review comments
and approvals, on the core's ``Base``.

Every row carries its ``workspace_id`` so that each query can be scoped to the workspace of
the member asking. Files live under ``data_dir``; rows keep paths relative to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coulisses.store.tables import Base, UTCDateTime, utcnow


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


class Cut(Base):
    """A request to cut a span of a rush to some platforms; each render is a ``CutVersion``."""

    __tablename__ = "cuts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    rush_id: Mapped[int] = mapped_column(ForeignKey("rushes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

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
    variants: Mapped[list[Variant]] = relationship(
        back_populates="version", order_by="Variant.id", cascade="all, delete-orphan")


class Variant(Base):
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
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    rev: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __mapper_args__ = {"version_id_col": rev}  # noqa: RUF012


class Approval(Base):
    """A reviewer's decision on a cut version: ``approved`` or ``changes`` (with a note)."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("cut_versions.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
