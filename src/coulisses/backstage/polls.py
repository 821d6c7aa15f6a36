"""Polls on creative choices: 2 to 6 options (text, a clip's time range, a cover or a still),
open between two times, results shown live, after voting or after closing; the tally, which
counts only counted votes and says how many were excluded and why; the purge of personal
digests once a poll has closed and its retention period has passed.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from coulisses.backstage.tables import Poll, PollOption, SpentChallenge, Vote
from coulisses.errors import UsageError

KINDS = ("text", "clip", "cover", "still")
VISIBILITY = ("live", "after_vote", "after_close")
MIN_OPTIONS, MAX_OPTIONS = 2, 6
QUESTION_MAX, LABEL_MAX = 300, 200


@dataclass(frozen=True)
class OptionSpec:
    """What the team asks for one option; ``media`` and ``poster`` are relative to data_dir."""

    label: str
    kind: str = "text"
    media: str = ""
    poster: str = ""
    t_start: float | None = None
    t_end: float | None = None


def create_poll(db: Session, *, page_id: int, question: str, options: list[OptionSpec],
                opens_at: datetime, closes_at: datetime, results: str = "after_vote",
                retention_days: int = 30, max_options: int = MAX_OPTIONS,
                verify_email: bool = False) -> Poll:
    """Add a poll and its options (flushed, not committed); ``max_options`` is raised only for
    a challenge's shortlist (``challenges.vote``), whose size the campaign file sets;
    ``verify_email`` counts a vote only once its voter confirms it by e-mail (``pollmail``).

    Raises:
        UsageError: an empty or too long question or label, fewer than 2 or more than
            ``max_options`` options, an unknown kind or visibility, a clip without a valid
            range, or a poll that closes before it opens.
    """
    question = question.strip()
    if not question or len(question) > QUESTION_MAX:
        raise UsageError(f"a poll needs a question of 1 to {QUESTION_MAX} characters")
    if not MIN_OPTIONS <= len(options) <= max_options:
        raise UsageError(f"a poll has {MIN_OPTIONS} to {max_options} options, not "
                         f"{len(options)}")
    if results not in VISIBILITY:
        raise UsageError(f"results are shown {', '.join(VISIBILITY)}, not {results!r}")
    if closes_at <= opens_at:
        raise UsageError("a poll must close after it opens")
    if not 0 <= retention_days <= 3650:
        raise UsageError("retention is 0 to 3650 days")
    for option in options:
        label = option.label.strip()
        if not label or len(label) > LABEL_MAX:
            raise UsageError(f"each option needs a label of 1 to {LABEL_MAX} characters")
        if option.kind not in KINDS:
            raise UsageError(f"an option is one of {', '.join(KINDS)}, not {option.kind!r}")
        if option.kind != "text" and not option.media:
            raise UsageError(f"option {label!r}: a {option.kind} needs its media")
        if option.kind == "clip" and (option.t_start is None or option.t_end is None
                                      or not 0 <= option.t_start < option.t_end):
            raise UsageError(f"option {label!r}: a clip needs a start before its end")
    poll = Poll(page_id=page_id, question=question, opens_at=opens_at, closes_at=closes_at,
                results=results, salt=secrets.token_hex(16), retention_days=retention_days,
                verify_email=verify_email)
    db.add(poll)
    db.flush()
    for position, option in enumerate(options):
        db.add(PollOption(poll_id=poll.id, position=position, kind=option.kind,
                          label=option.label.strip(), media=option.media, poster=option.poster,
                          t_start=option.t_start, t_end=option.t_end))
    db.flush()
    return poll


def options_of(db: Session, poll: Poll) -> list[PollOption]:
    """The poll's options in their order."""
    return list(db.scalars(select(PollOption).where(PollOption.poll_id == poll.id)
                           .order_by(PollOption.position, PollOption.id)))


def state(poll: Poll, now: datetime) -> str:
    """``upcoming``, ``open`` or ``closed``."""
    if now < poll.opens_at:
        return "upcoming"
    return "open" if now < poll.closes_at else "closed"


@dataclass(frozen=True)
class Tally:
    """Counted votes per option (in option order), and the excluded ones by reason."""

    counts: tuple[tuple[PollOption, int], ...]
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def share(self, count: int) -> int:
        """A count as a whole percentage of the counted total."""
        return round(100 * count / self.total) if self.total else 0


def tally(db: Session, poll: Poll) -> Tally:
    """The poll's result: counted votes per option, excluded votes counted by reason."""
    counted: Counter[int] = Counter()
    excluded: Counter[str] = Counter()
    rows = db.execute(select(Vote.option_id, Vote.counted, Vote.reason)
                      .where(Vote.poll_id == poll.id))
    for option_id, ok, reason in rows:
        if ok:
            counted[option_id] += 1
        else:
            excluded[reason] += 1
    return Tally(tuple((o, counted[o.id]) for o in options_of(db, poll)), dict(excluded))


def results_visible(poll: Poll, now: datetime, *, voted: bool) -> bool:
    """Whether a visitor may see the results now."""
    if state(poll, now) == "closed" or poll.results == "live":
        return True
    return poll.results == "after_vote" and voted


def purge(db: Session, now: datetime) -> int:
    """Blank the voter, address, network and e-mail digests of polls closed longer than their
    retention, and drop their spent challenges and confirmation e-mails; returns how many
    polls were purged."""
    from coulisses.backstage import pollmail
    from coulisses.backstage.tables import BackstagePage

    done = 0
    for poll in db.scalars(select(Poll).where(Poll.purged.is_(False), Poll.closes_at < now)):
        if poll.closes_at + timedelta(days=poll.retention_days) > now:
            continue
        db.execute(update(Vote).where(Vote.poll_id == poll.id)
                   .values(voter="", address="", network="", email=""))
        the_page = db.get(BackstagePage, poll.page_id)
        if the_page is not None:
            pollmail.forget(db, the_page, poll)
        db.execute(delete(SpentChallenge).where(SpentChallenge.poll_id == poll.id))
        poll.purged = True
        done += 1
    db.flush()
    return done


def media_for(db: Session, workspace_id: int, kind: str, source: str) -> tuple[str, str]:
    """(media, poster) of an option from ``cut:<variant id>`` or ``rush:<rush id>``: the
    variant's file and cover, or the rush's file and thumbnail, in this workspace only.

    Raises:
        UsageError: no such source, or it has nothing of that kind (a cover of a rush).
    """
    from coulisses.studio.tables import CutVariant, Rush

    if kind == "text":
        return "", ""
    what, _, raw = source.partition(":")
    row_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    if what == "cut":
        variant = db.get(CutVariant, row_id)
        if variant is not None and variant.workspace_id == workspace_id:
            media = variant.cover if kind in ("cover", "still") else variant.video
            if media:
                return media, variant.cover
    elif what == "rush":
        rush = db.get(Rush, row_id)
        if rush is not None and rush.workspace_id == workspace_id:
            media = rush.thumb if kind in ("cover", "still") else rush.path
            if media:
                return media, rush.thumb
    raise UsageError(f"no {kind} in {source[:40]!r}: choose a cut's file or a rush")


def purge_chore(sessions: Callable[[], Session]) -> Callable[[], int]:
    """The worker's chore: purge what is due, in a session of its own, committed."""

    def chore() -> int:
        from coulisses.studio.tables import utcnow

        with sessions() as db:
            done = purge(db, utcnow())
            db.commit()
            return done

    return chore
