"""Whether the votes from one address or one network lean to one option far more than everyone
else's: the test that lets a crowd behind one address (an office, a carrier's NAT) count while
a script voting from it is caught (``votes.py``). How many votes an address sends is no
evidence on its own; what they choose, against the rest of the audience, is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coulisses.backstage.tables import Poll, Vote

#: votes left out of an address's sample: one person's extra votes (a second vote, an altered
#: cookie, a script's pace, a retired or repeated e-mail vote) say nothing of the crowd, and an
#: attacker must not be able to tilt a shared address with them
PERSONAL = ("forged_cookie", "already_voted", "too_fast", "replaced", "email_used")


def tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how likely ``k`` or more of ``n`` votes go to an
    option that takes a share ``p`` of everyone else's."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    head = math.lgamma(n + 1)
    return min(1.0, sum(math.exp(head - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                                 + j * log_p + (n - j) * log_q) for j in range(k, n + 1)))


def counted_split(db: Session, poll: Poll, *where: Any) -> dict[int, int]:
    """Counted votes per option of ``poll`` (with the extra conditions ``where``)."""
    rows = db.execute(select(Vote.option_id, func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.counted.is_(True), *where).group_by(Vote.option_id))
    return {o: n for o, n in rows}


def leans(db: Session, poll: Poll, option_id: int, column: Any, key: str,
          audience: Callable[[], tuple[dict[int, int], int]], *, minimum: int, prior: int,
          lift: float, alpha: float) -> bool:
    """Whether a vote for ``option_id`` from ``key`` (a value of the ``Vote.address`` or
    ``Vote.network`` ``column``) makes that address's votes lean to the option: at least
    ``minimum`` votes in its sample, this one included; the option's share of them at least
    ``lift`` of the way from its share ``p`` elsewhere to all of them; and so many that a
    crowd voting like everyone else would send them with probability ``alpha`` at most.

    ``audience()``: the poll's counted votes per option and its number of options, asked
    for only when the address has enough votes to test (most have one or two); ``p`` is the
    option's share of them once this address's own are taken out, drawn towards an even split
    by ``prior`` votes (a young poll's few votes say little)."""
    # one pass over the source's votes: its sample, and its counted votes to take out
    rows = db.execute(select(
        Vote.option_id, func.sum(case((Vote.reason.not_in(PERSONAL), 1), else_=0)),
        func.sum(case((Vote.counted.is_(True), 1), else_=0)))
        .where(Vote.poll_id == poll.id, column == key).group_by(Vote.option_id)).all()
    sample = {o: int(n or 0) for o, n, _ in rows}
    own = {o: int(c or 0) for o, _, c in rows}
    sample[option_id] = sample.get(option_id, 0) + 1
    n, k = sum(sample.values()), sample[option_id]
    if n < minimum:
        return False
    split, options = audience()
    others = {o: c - own.get(o, 0) for o, c in split.items()}
    total = sum(others.values())
    p = (others.get(option_id, 0) + prior / max(options, 1)) / (total + prior)
    share = k / n
    return share - p >= lift * (1 - p) and tail(k, n, p) <= alpha
