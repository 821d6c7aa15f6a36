"""The jury's tables (migration 0013): how a challenge is judged (blind or not, its public
poll), each juror's score and note per entry, and which poll option stands for which entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coulisses.studio.tables import Base, UTCDateTime, utcnow


class ChallengeJury(Base):
    """A challenge's jury settings: ``blind`` hides entrants' names, and others' scores of an
    entry until the juror has scored it; ``poll_id`` is the public vote on the shortlist."""

    __tablename__ = "challenge_juries"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    poll_id: Mapped[int | None] = mapped_column(
        ForeignKey("backstage_polls.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChallengeScore(Base):
    """One juror's score (1 to 5) and note on one entry; scoring again replaces it."""

    __tablename__ = "challenge_scores"
    __table_args__ = (UniqueConstraint("entry_id", "juror_id", name="uq_challenge_score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_entries.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChallengeVoteOption(Base):
    """The entry a public poll's option stands for (the option goes when the entry is
    withdrawn)."""

    __tablename__ = "challenge_vote_options"

    option_id: Mapped[int] = mapped_column(
        ForeignKey("backstage_options.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_entries.id", ondelete="CASCADE"), index=True)
