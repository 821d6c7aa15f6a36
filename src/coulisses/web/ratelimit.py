"""Sign-in and sign-up throttling in the database, so every server process sees the same count.

An attempt is recorded and counted *before* the password is checked, in one short transaction
that holds its counters' keys: of any number of parallel attempts, no more than the limit get
through. PostgreSQL takes a transaction-scoped advisory lock per key (an attempt's id comes
from the sequence before it commits, so counting "the rows before mine" let two racing attempts
both take the last place); SQLite's single writer lock, taken by the insert, already
serialises them. The password is checked after the commit, holding no lock. A refused attempt
takes its row back, so hammering a locked counter does not extend the lock.

Two kinds of counter: a *lock* refuses for the rest of the window (one account from one
address: the owner signing in from elsewhere is not locked out); a *delay* slows down instead,
each attempt past the limit waiting twice as long after the previous one, up to
``MAX_DELAY`` (one address, which may be a whole office; one account from everywhere; sign-ups).
"""

from __future__ import annotations

import hashlib
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


def _lock_keys(db: Session, counters: dict[str, str]) -> None:
    """Hold each counter's key until the transaction ends (PostgreSQL; SQLite's writer lock
    does it there). Keys are taken in one order, so two attempts never wait on each other."""
    if db.get_bind().dialect.name != "postgresql":
        return
    ids = {int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True) for key in counters.values()}
    for lock_id in sorted(ids):
        db.execute(select(func.pg_advisory_xact_lock(lock_id)))


def attempt(db: Session, counters: dict[str, str]) -> list[int]:
    """Record one attempt on every counter and refuse it if one is over, in one transaction
    that holds the counters (committed either way); the ids of the attempt's rows (``clear``
    takes them back when the attempt succeeds).

    Raises:
        Limited: a counter is over its limit; the attempt is not kept.
    """
    db.commit()  # end what the request read before: the lock is held only for this
    _lock_keys(db, counters)
    now = utcnow()
    rows = [LoginAttempt(key=key, at=now) for key in counters.values()]
    db.add_all(rows)
    db.flush()
    since = now - WINDOW
    own = [row.id for row in rows]
    worst: Limited | None = None
    for kind, key in counters.items():
        rule = RULES[kind]
        limit = LIMITS.get(kind, rule.limit)
        # every attempt on this key committed before ours, and ours: later ones wait for us
        count = db.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.key == key, LoginAttempt.at > since)) or 0
        if count <= limit:
            continue
        if rule.lock:
            worst = Limited("locked", int(WINDOW.total_seconds()), locked=True)
            break
        previous = db.scalar(select(func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.at > since, LoginAttempt.id.not_in(own)))
        wait = min(2.0 ** (count - limit - 1), MAX_DELAY)
        waited = (now - previous).total_seconds() if previous is not None else wait
        if waited < wait and (worst is None or wait - waited > worst.retry_after):
            worst = Limited("slow down", math.ceil(wait - waited), locked=False)
    if worst is not None:
        db.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(own)))
        db.commit()
        raise worst
    db.commit()
    return own


def clear(db: Session, counters: dict[str, str], attempt_ids: list[int]) -> None:
    """A successful sign-in clears the account's counters and its own attempt; the address
    keeps its earlier failures."""
    for kind in ("account", "account_all"):
        db.execute(delete(LoginAttempt).where(LoginAttempt.key == counters[kind]))
    db.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(attempt_ids)))
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
