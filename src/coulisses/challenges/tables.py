"""The challenge tables: a challenge as the studio knows it, its entries, and each entry's
consent records. They join the studio's one ``Base`` (migration 0008).

Entries taken in from the command line (``coulisses challenge ingest``) belong to a challenge
with no workspace; entries submitted on the public page belong to the workspace of the
campaign. Triage results are not here: each stage's rows are Parquet checkpoints beside the
entries' files (``challenges.store``), joined by ``public_id``.

Entrants are not accounts: their contact is kept only as a salted SHA-256 digest
(``entrant_key``, to count entrants and find repeat submitters); a consent record keeps the
exact terms text shown and its hash, the time, and the address and user agent as digests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coulisses.studio.tables import Base, UTCDateTime, utcnow


class ChallengeRow(Base):
    """A challenge of a campaign file, as the studio and the command line take entries for it."""

    __tablename__ = "challenges"
    __table_args__ = (UniqueConstraint("workspace_id", "campaign_key", "key",
                                       name="uq_challenge_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True, index=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), nullable=True)
    campaign_key: Mapped[str] = mapped_column(String(64))  # the campaign file's id
    key: Mapped[str] = mapped_column(String(64))  # the challenge's id in the file
    title: Mapped[str] = mapped_column(String(300), default="")
    slug: Mapped[str] = mapped_column(String(40), unique=True)  # public address, 128 bits
    secret: Mapped[str] = mapped_column(String(64))  # signs consent and withdrawal links
    salt: Mapped[str] = mapped_column(String(64))  # salts entrant, address and agent digests
    rules: Mapped[str] = mapped_column(Text, default="{}")  # the Challenge as JSON, last synced
    open: Mapped[bool] = mapped_column(Boolean, default=False)  # public submissions taken
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChallengeEntry(Base):
    """One entry: its media file, its entrant (as a digest), what they declared, where it stands.

    ``consent``: ``missing`` (ingested without a record), ``pending_parent`` (under 15, waiting
    for the parent's confirmation), ``complete``, ``withdrawn``. An entry whose consent is not
    complete is triaged like the others but held out of the gallery, the shortlist and any vote.
    ``status``: ``received``, ``triaged``, ``failed`` (a stage could not run), ``withdrawn``,
    ``purged`` (derived data deleted, receipt issued).
    """

    __tablename__ = "challenge_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"),
                                              index=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)  # "e" + 20 hex
    source: Mapped[str] = mapped_column(String(8), default="ingest")  # ingest or upload
    path: Mapped[str] = mapped_column(Text)  # the media file, absolute
    original_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    link: Mapped[str] = mapped_column(Text, default="")  # a public post the entrant linked
    entrant: Mapped[str] = mapped_column(String(200), default="")  # name or handle shown
    entrant_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    declared: Mapped[str] = mapped_column(Text, default="{}")  # {"city": ..., ...} as JSON
    age_band: Mapped[str] = mapped_column(String(8), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    consent: Mapped[str] = mapped_column(String(16), default="missing")
    minor_cleared: Mapped[bool] = mapped_column(Boolean, default=False)  # hiring authorisations
    face_matching: Mapped[bool] = mapped_column(Boolean, default=False)  # biometric opt-in
    status: Mapped[str] = mapped_column(String(12), default="received")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ChallengeConsent(Base):
    """One consent item given (or refused) for an entry, as it was shown and answered.

    ``item``: ``data``, ``release``, ``scope`` or ``parent`` (a parent's joint consent);
    ``by``: ``entrant``, ``parent``, ``team`` (recorded from paper) or ``import`` (a consents CSV).
    """

    __tablename__ = "challenge_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("challenge_entries.id", ondelete="CASCADE"),
                                          index=True)
    item: Mapped[str] = mapped_column(String(12))
    granted: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str] = mapped_column(Text, default="{}")  # platforms, paid media, months
    terms_text: Mapped[str] = mapped_column(Text, default="")  # exactly as shown
    terms_hash: Mapped[str] = mapped_column(String(64), default="")  # SHA-256 of terms_text
    by: Mapped[str] = mapped_column(String(8), default="entrant")
    address_hash: Mapped[str] = mapped_column(String(64), default="")
    agent_hash: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
