"""Publishing tables on the studio's declarative base: accounts, posts and their history.

Times are integer milliseconds since the epoch (UTC), so the claim's lease comparison is the
same plain integer test on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coulisses.studio.tables import Base

STATES = ("draft", "scheduled", "publishing", "published", "failed", "needs_attention",
          "cancelled")


def now_ms() -> int:
    """Now, in integer milliseconds since the epoch."""
    return int(time.time() * 1000)


class PublishAccount(Base):
    """A connected account: its platform, name, channel (api or manual) and sealed tokens."""

    __tablename__ = "publish_accounts"
    __table_args__ = (UniqueConstraint("platform", "name", name="uq_publish_account"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True)
    platform: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))  # api | manual
    sandbox_url: Mapped[str] = mapped_column(String(300), default="")
    external_id: Mapped[str] = mapped_column(String(200), default="")
    tokens: Mapped[str] = mapped_column(Text, default="")  # Fernet ciphertext, never plain
    # why its tokens stopped working (expired, revoked): sign in again; empty while they work
    reconnect: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class Post(Base):
    """One video to one account: a durable state machine with a lease for the worker."""

    __tablename__ = "publish_posts"
    __table_args__ = (Index("ix_publish_posts_due", "state", "due_ms"),
                      UniqueConstraint("dedupe_key", name="uq_publish_posts_dedupe"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("publish_accounts.id",
                                                       ondelete="RESTRICT"))
    platform: Mapped[str] = mapped_column(String(40))
    video_path: Mapped[str] = mapped_column(Text)
    video_sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    caption: Mapped[str] = mapped_column(Text, default="")
    first_comment: Mapped[str] = mapped_column(Text, default="")
    cover: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[str] = mapped_column(Text, default="{}")
    due_ms: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(40), default="")
    progress: Mapped[str] = mapped_column(Text, default="{}")  # the connector's journal state
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str] = mapped_column(String(100), default="")
    lease_until_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    platform_post_id: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class PostEvent(Base):
    """History: every transition, intent and outcome of a post, in order."""

    __tablename__ = "publish_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("publish_posts.id", ondelete="CASCADE"),
                                         index=True)
    at_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    kind: Mapped[str] = mapped_column(String(20))  # transition | intent | outcome
    state: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(40), default="")
    worker: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
