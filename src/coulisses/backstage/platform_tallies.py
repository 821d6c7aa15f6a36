"""Platform poll tallies typed in by the team: what an Instagram story poll or a LinkedIn
poll counted for the same question. They are shown beside the page's own result, labelled
with their platform and as typed in (estimated when the platform shows only percentages),
and never added to it: the page cannot check who voted there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coulisses.backstage.polls import options_of
from coulisses.backstage.tables import PlatformTally, Poll, PollOption
from coulisses.errors import UsageError

CHANNELS = ("instagram_story", "instagram", "tiktok", "youtube", "linkedin", "facebook", "x")
MAX_VOTES = 10_000_000


def enter(db: Session, poll: Poll, channel: str, counts: Mapping[int, int], *,
          estimated: bool, user_id: int | None, now: datetime) -> None:
    """Replace the poll's tally on ``channel`` with ``counts`` (option id to votes; options
    left out count 0), flushed.

    Raises:
        UsageError: an unknown channel, an option not the poll's, or a count out of range.
    """
    if channel not in CHANNELS:
        raise UsageError(f"a platform tally is for one of {', '.join(CHANNELS)}, not "
                         f"{channel[:40]!r}")
    options = {o.id for o in options_of(db, poll)}
    if set(counts) - options:
        raise UsageError("an option is not one of the poll's")
    if any(not 0 <= n <= MAX_VOTES for n in counts.values()):
        raise UsageError(f"votes are whole numbers from 0 to {MAX_VOTES}")
    db.execute(delete(PlatformTally).where(PlatformTally.poll_id == poll.id,
                                           PlatformTally.channel == channel))
    for option_id in sorted(options):
        db.add(PlatformTally(poll_id=poll.id, channel=channel, option_id=option_id,
                             votes=int(counts.get(option_id, 0)), estimated=estimated,
                             entered_by=user_id, at=now))
    db.flush()


@dataclass(frozen=True)
class ChannelTally:
    """One platform's count of a poll, in the poll's option order."""

    channel: str
    counts: tuple[tuple[PollOption, int], ...]
    estimated: bool
    at: datetime

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def tallies(db: Session, poll: Poll) -> list[ChannelTally]:
    """The poll's platform tallies, in ``CHANNELS`` order."""
    options = options_of(db, poll)
    rows: dict[str, list[PlatformTally]] = {}
    for row in db.scalars(select(PlatformTally).where(PlatformTally.poll_id == poll.id)):
        rows.setdefault(row.channel, []).append(row)
    out = []
    for channel in CHANNELS:
        found = rows.get(channel)
        if not found:
            continue
        votes = {r.option_id: r.votes for r in found}
        out.append(ChannelTally(channel, tuple((o, votes.get(o.id, 0)) for o in options),
                                any(r.estimated for r in found), max(r.at for r in found)))
    return out
