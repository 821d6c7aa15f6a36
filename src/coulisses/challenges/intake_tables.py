"""The public intake's own tables (migration 0012): how to reach an entrant and a parent until
the entry is purged, and the deletion receipts a purge issues.

A contact row holds the only clear-text e-mail addresses of an entry; a purge deletes it once
the receipt is queued. A receipt outlives the entry's data: it says what was deleted and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coulisses.studio.tables import Base, UTCDateTime, utcnow


class ChallengeContact(Base):
    """Where the confirmation, the parent's link and the receipt go, for one entry."""

    __tablename__ = "challenge_contacts"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_entries.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    parent_email: Mapped[str] = mapped_column(String(320), default="")
    lang: Mapped[str] = mapped_column(String(8), default="en")


class ChallengeReceipt(Base):
    """A deletion receipt: which entry, what was deleted (JSON list), when."""

    __tablename__ = "challenge_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(24), unique=True)  # "r" + 20 hex, public
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_entries.id", ondelete="CASCADE"), unique=True)
    public_id: Mapped[str] = mapped_column(String(24))
    deleted: Mapped[str] = mapped_column(Text, default="[]")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
