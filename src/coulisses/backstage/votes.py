"""A vote's layered checks: proof of work (refused when missing, wrong or replayed), a flood
from one address (refused), then the checks that keep a vote but exclude it, each with the
reason the voter is told: a forged cookie, a second vote, a vote cast faster than a person
reads, votes from one address or network that lean to one option far more than everyone
else's (``leaning``: a crowd behind one address counts, however large; a script voting from
it does not, nor do its earlier votes for that option), and bursts (one option suddenly taking
far more than its share; the burst's earlier votes for that option are excluded too). An
address is an IPv4 address or an IPv6 /64 (one subscriber's), a network a /24 or a /48. The
thresholds are data (``Limits``); the attack simulator (``bench/attack_polls.py``) measures
what they catch. On a poll that asks for it, a vote that passes them all is held until its
voter confirms it by e-mail (``pollmail``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coulisses.backstage import challenge, leaning, pollmail
from coulisses.backstage.polls import options_of, state
from coulisses.backstage.tables import BackstagePage, Poll, SpentChallenge, Vote
from coulisses.errors import ConflictError, NotFoundError, RateLimitError, UsageError

#: why a vote was kept but not counted, as voters and the results page are told
#: ("velocity", a flat pace cap per network, is no longer given: older votes still carry it)
REASONS = ("forged_cookie", "already_voted", "too_fast", "address", "network", "velocity",
           "burst", pollmail.PENDING, pollmail.USED, pollmail.REPLACED)


@dataclass(frozen=True)
class Limits:
    flood_per_minute: int = 20  # vote requests from one address: past this, refused (429)
    min_seconds: float = 1.5  # from challenge to vote: faster is a script
    # one address or network: its votes are excluded when they lean to one option, never for
    # their number (an office, a carrier's NAT: thousands of phones on one IPv4 address)
    lean_min: int = 8  # votes from one address or network before its split is tested
    lean_lift: float = 0.5  # the option's share there: this far from its share elsewhere to 1
    lean_alpha: float = 1e-5  # and this unlikely for a crowd voting like everyone else
    lean_prior: int = 10  # votes of an even split added to everyone else's (a young poll)
    burst_window: timedelta = timedelta(minutes=10)
    burst_min: int = 15  # votes for one option in the window before a burst is considered
    burst_share: float = 0.85  # that option's share of the window's votes
    burst_lift: float = 0.25  # over its share before the window
    burst_z: float = 3.5  # and that many standard deviations over what its share predicts
    baseline_min: int = 30  # counted votes before the window needed to trust its shares
    burst_source: float = 0.5  # a burst one address or network sends this much of is its own


LIMITS = Limits()


@dataclass(frozen=True)
class Outcome:
    """What the voter is told: whether the vote counted and, if not, why."""

    vote_id: int
    counted: bool
    reason: str = ""


def cast(db: Session, *, page: BackstagePage, poll: Poll, option_id: int, challenge_text: str,
         solution: str | int, visitor: challenge.Visitor, address: str, now: datetime,
         channel: str = "web", limits: Limits | None = None, email: str = "",
         lang: str = "en") -> Outcome:
    """Check and record one vote (committed); ``limits`` default to ``LIMITS``. On a
    ``verify_email`` poll, ``email`` is where its confirmation link goes (in ``lang``).

    Raises:
        NotFoundError: the page is not published, or the option is not the poll's.
        UsageError: a ``verify_email`` poll without a valid e-mail address.
        RateLimitError: too many confirmation e-mails already sent to that address.
        ConflictError: the poll is not open, or the proof of work was already used.
        UsageError: the proof of work is missing, wrong or expired.
        RateLimitError: a flood of votes from this address.
    """
    limits = limits or LIMITS
    if not page.published or poll.page_id != page.id:
        raise NotFoundError("No such page.", hint="check the link")
    if state(poll, now) != "open":
        raise ConflictError("This poll is not open for votes.",
                            hint="it opens and closes at the times shown on the page")
    if option_id not in {o.id for o in options_of(db, poll)}:
        raise NotFoundError("No such option in this poll.", hint="reload the page")
    mail = pollmail.address_digest(poll, email) if poll.verify_email else ""
    if mail:
        pollmail.check_budget(db, poll, mail)
    solved = challenge.verify(page.secret, challenge_text, solution, poll.id, now)
    # one vote of a poll is checked at a time: two sent at once with one cookie cannot both
    # pass "already voted". PostgreSQL locks the poll's row first, before any row that points
    # at it (an insert's key-share lock taken first would deadlock two voters); SQLite's
    # writer lock, taken by the flush below, already does it
    db.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    db.add(SpentChallenge(poll_id=poll.id, nonce=solved.nonce, expires_at=solved.expires))
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise ConflictError("This proof of work was already used.",
                            hint="reload the page to vote") from None
    salt = poll.salt
    voter = challenge.digest(salt, "v:" + visitor.id)
    ip = challenge.digest(salt, "a:" + challenge.subscriber(address))
    net = challenge.digest(salt, "n:" + challenge.network(address))
    recent = db.scalar(select(func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.address == ip, Vote.at > now - timedelta(minutes=1))) or 0
    if recent >= limits.flood_per_minute:
        db.commit()  # the challenge stays spent
        raise RateLimitError("Too many votes from your connection.",
                             hint="wait a minute, then try again")
    reason = _reason(db, poll, option_id, visitor, voter, ip, net,
                     (now - solved.issued).total_seconds(), limits)
    if mail and not reason:  # the burst check waits for the confirmation
        reason = pollmail.USED if pollmail.already_counted(db, poll, mail) else pollmail.PENDING
    vote = Vote(poll_id=poll.id, option_id=option_id, channel=channel, voter=voter,
                address=ip, network=net, counted=not reason, reason=reason, at=now,
                email=mail)
    db.add(vote)
    db.flush()
    if reason in ("address", "network"):
        # what the test saw, it saw in the earlier votes too: those for this option from the
        # same address or network stop counting (or waiting for their e-mail) with this one
        column, key = (Vote.address, ip) if reason == "address" else (Vote.network, net)
        _exclude_source(db, poll, column, key, option_id, reason)
    if reason == pollmail.PENDING:
        # a voter who mistyped the address, or never got the message, votes again: the
        # earlier pending vote is retired and its link stops working (it is no longer pending)
        db.execute(update(Vote).where(
            Vote.poll_id == poll.id, Vote.voter == voter, Vote.reason == pollmail.PENDING,
            Vote.id != vote.id).values(reason=pollmail.REPLACED))
        pollmail.hold(db, page, poll, vote, email, lang, now)
    if not reason:
        exclude_burst(db, poll, vote, now, limits)
    db.commit()
    return Outcome(vote.id, vote.counted, vote.reason)


def exclude_burst(db: Session, poll: Poll, vote: Vote, now: datetime,
                  limits: Limits | None = None) -> bool:
    """When a counted ``vote`` lands in a burst for its option, exclude the burst's votes for
    that option so far, this one included (flushed); whether it did. A burst that one address
    or network sends most of is that source's: its votes for the option are excluded as when
    it leans (``address``, ``network``), and the rest only if a burst remains without them."""
    limits = limits or LIMITS
    if not _burst(db, poll, vote.option_id, now, limits):
        return False
    window = (Vote.poll_id == poll.id, Vote.option_id == vote.option_id,
              Vote.at > now - limits.burst_window,
              Vote.counted.is_(True) | (Vote.reason == "burst"))
    total = _count(db, *window)
    for reason, column in (("address", Vote.address), ("network", Vote.network)):
        top = db.execute(select(column, func.count(Vote.id)).where(*window)
                         .group_by(column).order_by(func.count(Vote.id).desc()).limit(1)).first()
        if top is not None and top[0] and top[1] >= limits.burst_source * total:
            _exclude_source(db, poll, column, top[0], vote.option_id, reason)
            db.refresh(vote)
            if not vote.counted or not _burst(db, poll, vote.option_id, now, limits):
                return not vote.counted
            break
    db.execute(update(Vote).where(*window[:3], Vote.counted.is_(True))
               .values(counted=False, reason="burst"))
    vote.counted, vote.reason = False, "burst"
    return True


def _exclude_source(db: Session, poll: Poll, column: Any, key: str, option_id: int,
                    reason: str) -> None:
    """Stop counting the votes for ``option_id`` from one address or network (``column`` ==
    ``key``), and those still waiting for their e-mail, with ``reason``."""
    db.execute(update(Vote).where(
        Vote.poll_id == poll.id, column == key, Vote.option_id == option_id,
        Vote.counted.is_(True) | (Vote.reason == pollmail.PENDING))
        .values(counted=False, reason=reason))


def _count(db: Session, *where: object) -> int:
    return db.scalar(select(func.count(Vote.id)).where(*where)) or 0  # type: ignore[arg-type]


def _reason(db: Session, poll: Poll, option_id: int, visitor: challenge.Visitor, voter: str,
            ip: str, net: str, seconds: float, limits: Limits) -> str:
    """The first check the vote fails, or "" when it counts (the burst check comes after)."""
    if visitor.forged:
        return "forged_cookie"
    mine = [Vote.poll_id == poll.id, Vote.voter == voter]
    if poll.verify_email:  # a vote still waiting for its e-mail may be cast again
        mine.append(Vote.reason.not_in((pollmail.PENDING, pollmail.REPLACED)))
    if _count(db, *mine):
        return "already_voted"
    if seconds < limits.min_seconds:
        return "too_fast"
    known: list[tuple[dict[int, int], int]] = []

    def audience() -> tuple[dict[int, int], int]:
        if not known:
            known.append((leaning.counted_split(db, poll), len(options_of(db, poll))))
        return known[0]

    for reason, column, key in (("address", Vote.address, ip), ("network", Vote.network, net)):
        if leaning.leans(db, poll, option_id, column, key, audience,
                         minimum=limits.lean_min, prior=limits.lean_prior,
                         lift=limits.lean_lift, alpha=limits.lean_alpha):
            return reason
    return ""


def _burst(db: Session, poll: Poll, option_id: int, now: datetime, limits: Limits) -> bool:
    """Whether ``option_id`` is taking far more of the last window's votes than its share
    before it (or, with too few votes before, than an even split) predicts."""
    start = now - limits.burst_window
    # votes already excluded for another reason (a script's pace, an address's lean) do not
    # make a wave: counting them would exclude the honest votes around them as well. Those of
    # a leaning address or network still count in the window's total: once a crowd's votes
    # for its favourite are excluded, its votes for the other options are no wave either
    wave = Vote.counted.is_(True) | (Vote.reason == "burst")
    rows = db.execute(select(Vote.option_id, func.count(Vote.id),
                             func.sum(case((wave, 1), else_=0))).where(
        Vote.poll_id == poll.id, Vote.at > start,
        wave | Vote.reason.in_(("address", "network")))
        .group_by(Vote.option_id)).all()
    n: int = sum(int(c) for _, c, _ in rows)
    k = next((int(w or 0) for o, _, w in rows if o == option_id), 0)
    if k < limits.burst_min:
        return False
    before = db.execute(select(Vote.option_id, func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.at <= start, Vote.counted.is_(True))
        .group_by(Vote.option_id)).all()
    base_n = sum(c for _, c in before)
    if base_n >= limits.baseline_min:
        p = max(dict(before).get(option_id, 0) / base_n, 0.01)
    else:
        p = 1 / max(len(options_of(db, poll)), 1)
    p = min(p, 0.99)
    share = k / n
    z = (k - n * p) / math.sqrt(n * p * (1 - p))
    return share >= limits.burst_share and share >= p + limits.burst_lift and z >= limits.burst_z


def voted(db: Session, poll: Poll, visitor: challenge.Visitor) -> Vote | None:
    """The visitor's first vote in this poll, if any."""
    if visitor.new:
        return None
    return db.scalars(select(Vote).where(
        Vote.poll_id == poll.id, Vote.voter == challenge.digest(poll.salt, "v:" + visitor.id),
        Vote.reason != pollmail.REPLACED).order_by(Vote.id)).first()


def parse_option(raw: object) -> int:
    """The option id a form sent.

    Raises:
        UsageError: not a number.
    """
    try:
        return int(str(raw)[:19])
    except ValueError:
        raise UsageError("Choose one of the options.") from None
