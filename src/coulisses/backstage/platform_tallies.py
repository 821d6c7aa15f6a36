"""Platform poll tallies: what an Instagram poll or a LinkedIn poll counted for the same
question, typed in by the team or read back through the platform's API (``platform_polls``).
They are shown beside the page's own result, labelled with their platform and source
(estimated when the platform shows only percentages), and never added to it: the page cannot
check who voted there. ``merged`` is the one tally that keeps each vote's channel.
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
          estimated: bool, user_id: int | None, now: datetime, source: str = "typed",
          post_ref: str = "") -> None:
    """Replace the poll's tally on ``channel`` with ``counts`` (option id to votes; options
    left out count 0), flushed; ``source`` is ``typed`` (by ``user_id``) or ``api`` (read back
    from the platform's post ``post_ref``).

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
                             entered_by=user_id, at=now, source=source,
                             post_ref=post_ref[:200]))
    db.flush()


@dataclass(frozen=True)
class ChannelTally:
    """One platform's count of a poll, in the poll's option order."""

    channel: str
    counts: tuple[tuple[PollOption, int], ...]
    estimated: bool
    at: datetime
    source: str = "typed"  # typed | api
    post_ref: str = ""

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
                                any(r.estimated for r in found), max(r.at for r in found),
                                found[0].source, found[0].post_ref))
    return out


@dataclass(frozen=True)
class Merged:
    """One poll's result over every channel, each kept apart: the page's own counted votes
    (verified by its checks), the platforms' exact counts, and their estimates. Nothing is
    added to the page's own count; ``exact_total`` and ``estimated_total`` say the rest."""

    page: tuple[tuple[PollOption, int], ...]
    channels: tuple[ChannelTally, ...]

    @property
    def verified_total(self) -> int:
        return sum(n for _, n in self.page)

    @property
    def exact_total(self) -> int:
        """Page votes and the platforms' exact counts (still a sum of unlike checks)."""
        return self.verified_total + sum(c.total for c in self.channels if not c.estimated)

    @property
    def estimated_total(self) -> int:
        return sum(c.total for c in self.channels if c.estimated)

    def by_option(self, option_id: int) -> dict[str, int]:
        """An option's votes per channel (``page`` for the page's own)."""
        out = {"page": next((n for o, n in self.page if o.id == option_id), 0)}
        for c in self.channels:
            out[c.channel] = next((n for o, n in c.counts if o.id == option_id), 0)
        return out


def merged(db: Session, poll: Poll) -> Merged:
    """The poll's one tally: the page's counted votes and each platform's, channel by channel."""
    from coulisses.backstage.polls import tally

    return Merged(tally(db, poll).counts, tuple(tallies(db, poll)))
