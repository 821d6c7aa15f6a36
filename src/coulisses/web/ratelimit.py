"""Sign-in and sign-up throttling in the database, so every server process sees the same count.

An attempt is recorded *before* the password is checked, in its own committed row, and only
then counted: of any number of parallel attempts, no more than the limit get through (each one
counts every row committed before its count, its own included). A refused attempt takes its
row back, so hammering a locked counter does not extend the lock.

Two kinds of counter: a *lock* refuses for the rest of the window (one account from one
address: the owner signing in from elsewhere is not locked out); a *delay* slows down instead,
each attempt past the limit waiting twice as long after the previous one, up to
``MAX_DELAY`` (one address, which may be a whole office; one account from everywhere; sign-ups).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coulisses.errors import RateLimitError
from coulisses.studio.tables import LoginAttempt, utcnow

WINDOW = timedelta(minutes=15)
MAX_DELAY = 300.0  # seconds


@dataclass(frozen=True)
class Rule:
    limit: int
    lock: bool  # refuse until the window passes; otherwise a growing delay


RULES: dict[str, Rule] = {
    "account": Rule(5, lock=True),  # one account from one address
    "ip": Rule(30, lock=False),  # one address, every account
    "account_all": Rule(20, lock=False),  # one account, every address
    "signup_ip": Rule(5, lock=False),
    "signup_all": Rule(60, lock=False),  # every address: argon2 and new workspaces cost memory
    "share": Rule(10, lock=True),  # a review link's password from one address (board12)
    "share_all": Rule(50, lock=False),  # a review link's password from every address
}
LIMITS = {kind: rule.limit for kind, rule in RULES.items()}  # what tests shrink


class Limited(RateLimitError):
    """Refused by a counter; ``retry_after`` says in how many seconds to try again."""

    def __init__(self, message: str, retry_after: int, *, locked: bool) -> None:
        super().__init__(message, hint="failures older than the window no longer count")
        self.retry_after = retry_after
        self.locked = locked


def keys(email: str, ip: str) -> dict[str, str]:
    """The counters a sign-in attempt touches."""
    account = email.strip().lower()[:320]
    return {"account": f"account:{account}|{ip[:60]}", "ip": f"ip:{ip[:60]}",
            "account_all": f"account:{account}"}


def share_keys(link_id: int, ip: str) -> dict[str, str]:
    """The counters a review link's password check touches."""
    return {"share": f"share:{link_id}|{ip[:60]}", "share_all": f"share:{link_id}"}


def signup_keys(ip: str) -> dict[str, str]:
    """The counters a sign-up touches."""
    return {"signup_ip": f"signup-ip:{ip[:60]}", "signup_all": "signup:all"}


def attempt(db: Session, counters: dict[str, str]) -> list[int]:
    """Record one attempt on every counter (committed), then refuse it if one is over; the
    ids of the attempt's rows (``clear`` takes them back when the attempt succeeds).

    Raises:
        Limited: a counter is over its limit; the attempt is not kept.
    """
    now = utcnow()
    rows = [LoginAttempt(key=key, at=now) for key in counters.values()]
    db.add_all(rows)
    db.commit()
    since = now - WINDOW
    worst: Limited | None = None
    mine = {row.key: row.id for row in rows}
    for kind, key in counters.items():
        rule = RULES[kind]
        limit = LIMITS.get(kind, rule.limit)
        # its rank among the attempts: of a burst that all commit before any counts, the
        # first ``limit`` still pass (counting every row would refuse them all)
        count = db.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.key == key, LoginAttempt.at > since,
            LoginAttempt.id <= mine[key])) or 0
        if count <= limit:
            continue
        if rule.lock:
            worst = Limited("locked", int(WINDOW.total_seconds()), locked=True)
            break
        own = {row.id for row in rows}
        previous = db.scalar(select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.at > since, LoginAttempt.id.not_in(own),
            LoginAttempt.id < mine[key]))
        wait = min(2.0 ** (count - limit - 1), MAX_DELAY)
        waited = (now - previous).total_seconds() if previous is not None else wait
        if waited < wait and (worst is None or wait - waited > worst.retry_after):
            worst = Limited("slow down", math.ceil(wait - waited), locked=False)
    if worst is not None:
        db.execute(delete(LoginAttempt).where(LoginAttempt.id.in_([r.id for r in rows])))
        db.commit()
        raise worst
    return [row.id for row in rows]


def clear(db: Session, counters: dict[str, str], attempt_ids: list[int]) -> None:
    """A successful sign-in clears the account's counters and its own attempt; the address
    keeps its earlier failures."""
    for kind in ("account", "account_all"):
        db.execute(delete(LoginAttempt).where(LoginAttempt.key == counters[kind]))
    db.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(attempt_ids)))
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
