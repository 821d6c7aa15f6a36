"""The backstage tables: a page per campaign, what it reveals, polls and votes, public
comments and their moderation. They join the studio's one ``Base`` (migration 0007).

Visitors are never stored as such: their cookie id, address and network are kept only as
SHA-256 digests salted per poll (or per page for comments) and blanked once the poll has
closed and its retention period has passed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from coulisses.studio.tables import Base, UTCDateTime, utcnow


class BackstagePage(Base):
    """A campaign's public page: unpublished until an owner or editor publishes it."""

    __tablename__ = "backstage_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"),
                                             unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)  # unguessable, 128 bits
    secret: Mapped[str] = mapped_column(String(64))  # signs challenges and visitor cookies
    title: Mapped[str] = mapped_column(String(200), default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    show_places: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation: Mapped[str] = mapped_column(String(10), default="pre")  # pre or post
    blocked_words: Mapped[str] = mapped_column(Text, default="{}")  # {"en": [...], "fr": [...]}
    # origins that may frame the page and its polls, one per line; none by default (0009)
    embed_origins: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PageItem(Base):
    """Something the page reveals: a beat, a shoot day or an approved cut (with its BTS item,
    whose people and music the rights gate checks)."""

    __tablename__ = "backstage_items"
    __table_args__ = (UniqueConstraint("page_id", "kind", "ref", name="uq_backstage_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(10))  # beat, day, cut
    ref: Mapped[str] = mapped_column(String(100))  # beat id, shoot day id, cut id
    bts: Mapped[str] = mapped_column(String(100), default="")  # BTS item id of a cut
    position: Mapped[int] = mapped_column(Integer, default=0)


class PageUpdate(Base):
    """A short text update, or a "what we changed because of you" note."""

    __tablename__ = "backstage_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(10), default="update")  # update, changed
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Poll(Base):
    """A question on a creative choice, open between two times, with 2 to 6 options."""

    __tablename__ = "backstage_polls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    question: Mapped[str] = mapped_column(String(300))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    results: Mapped[str] = mapped_column(String(12), default="after_vote")  # live, after_vote,
    salt: Mapped[str] = mapped_column(String(64))                          # after_close
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    purged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # high stakes: a vote counts once its voter clicks the link e-mailed to them (0014)
    verify_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PollOption(Base):
    """One choice: text, a clip (a time range of a cut's file or a rush), a cover or a still."""

    __tablename__ = "backstage_options"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("backstage_polls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default="text")  # text, clip, cover, still
    label: Mapped[str] = mapped_column(String(200))
    media: Mapped[str] = mapped_column(String(500), default="")  # relative to data_dir
    poster: Mapped[str] = mapped_column(String(500), default="")  # relative to data_dir
    t_start: Mapped[float | None] = mapped_column(Float)
    t_end: Mapped[float | None] = mapped_column(Float)


class Vote(Base):
    """One vote as it arrived: counted, or kept with the reason it was excluded."""

    __tablename__ = "backstage_votes"
    __table_args__ = (Index("ix_backstage_votes_poll_at", "poll_id", "at"),
                      # the leaning test counts an address's and a network's votes (0017)
                      Index("ix_backstage_votes_poll_address", "poll_id", "address"),
                      Index("ix_backstage_votes_poll_network", "poll_id", "network"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("backstage_polls.id", ondelete="CASCADE"),
                                         index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("backstage_options.id",
                                                      ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    voter: Mapped[str] = mapped_column(String(64), default="", index=True)  # salted digests,
    address: Mapped[str] = mapped_column(String(64), default="")  # blanked by the purge
    network: Mapped[str] = mapped_column(String(64), default="")
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(String(20), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the salted digest of the address a vote was confirmed from (``verify_email`` polls, 0014)
    email: Mapped[str] = mapped_column(String(64), default="", server_default="")


class SpentChallenge(Base):
    """A proof-of-work challenge already used: a replayed solution is refused."""

    __tablename__ = "backstage_spent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("backstage_polls.id", ondelete="CASCADE"),
                                         index=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublicComment(Base):
    """A visitor's comment (or a team reply) on the page or on one poll."""

    __tablename__ = "backstage_comments"
    __table_args__ = (Index("ix_backstage_comments_page_status", "page_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("backstage_polls.id",
                                                           ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("backstage_comments.id",
                                                             ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60), default="")
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8), default="")
    commenter: Mapped[str] = mapped_column(String(64), default="", index=True)  # digest
    address: Mapped[str] = mapped_column(String(64), default="")  # digest
    team: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="held")  # visible, held, declined
    hold: Mapped[str] = mapped_column(String(20), default="")  # why it was held
    reports: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Commenter(Base):
    """A commenter the team trusts (skips the queue) or blocked (always declined)."""

    __tablename__ = "backstage_commenters"
    __table_args__ = (UniqueConstraint("page_id", "commenter", name="uq_backstage_commenter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    commenter: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))  # trusted, blocked


class ModerationEvent(Base):
    """The moderation log: holds, reports, approvals, declines, blocks, trust, replies."""

    __tablename__ = "backstage_moderation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("backstage_comments.id",
                                                              ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(64), default="")  # a reporter's digest
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Decision(Base):
    """The decision log: what the team decided because of a poll or a conversation group, why,
    the tally when it was decided, and the cut that resulted; ``public`` ones are shown on
    the page as "what we changed because of you" (migration 0009)."""

    __tablename__ = "backstage_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("backstage_polls.id",
                                                           ondelete="SET NULL"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("backstage_options.id",
                                                             ondelete="SET NULL"))
    theme: Mapped[str] = mapped_column(String(200), default="")  # a conversation group
    comments: Mapped[str] = mapped_column(Text, default="[]")  # ids of the comments answered
    tally: Mapped[str] = mapped_column(Text, default="[]")  # [[label, count], ...] then
    decision: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    cut_id: Mapped[int | None] = mapped_column(ForeignKey("cuts.id", ondelete="SET NULL"))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PageViews(Base):
    """Page views per day: a bare counter, no cookie, address or visitor kept (migration
    0009)."""

    __tablename__ = "backstage_views"
    __table_args__ = (UniqueConstraint("page_id", "day", name="uq_backstage_views_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("backstage_pages.id", ondelete="CASCADE"),
                                         index=True)
    day: Mapped[date] = mapped_column(Date)
    views: Mapped[int] = mapped_column(Integer, default=0)


class PlatformTally(Base):
    """Votes a poll got on a platform (an Instagram story poll, a LinkedIn poll), typed in by
    the team or read back through the platform's API: shown beside the page's own count, never
    added to it (migrations 0009, 0016)."""

    __tablename__ = "backstage_platform_tallies"
    __table_args__ = (UniqueConstraint("poll_id", "channel", "option_id",
                                       name="uq_backstage_platform_tally"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("backstage_polls.id", ondelete="CASCADE"),
                                         index=True)
    channel: Mapped[str] = mapped_column(String(20))
    option_id: Mapped[int] = mapped_column(ForeignKey("backstage_options.id",
                                                      ondelete="CASCADE"))
    votes: Mapped[int] = mapped_column(Integer, default=0)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # typed (by the team) | api (read back from a poll coulisses sent; migration 0016)
    source: Mapped[str] = mapped_column(String(10), default="typed", server_default="typed")
    post_ref: Mapped[str] = mapped_column(String(200), default="", server_default="")
