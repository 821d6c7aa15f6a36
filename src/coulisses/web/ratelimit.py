"""Sign-in rate limiting stored in the database, so every server process sees the same count.

Failures are counted per account and per address over a sliding window; past the limit the
sign-in is refused with 429 before the password is even checked.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coulisses.errors import RateLimitError
from coulisses.studio.tables import LoginAttempt, utcnow

WINDOW = timedelta(minutes=15)
LIMITS = {"account": 5, "ip": 30}


def keys(email: str, ip: str) -> dict[str, str]:
    """The counters a sign-in attempt touches."""
    return {"account": f"account:{email.strip().lower()[:320]}", "ip": f"ip:{ip[:60]}"}


def check(db: Session, counters: dict[str, str], *, lang_text: str | None = None) -> None:
    """Refuse when any counter is over its limit.

    Raises:
        RateLimitError: too many failures in the window.
    """
    since = utcnow() - WINDOW
    for kind, key in counters.items():
        count = db.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.key == key, LoginAttempt.at > since)) or 0
        if count >= LIMITS[kind]:
            minutes = int(WINDOW.total_seconds() // 60)
            raise RateLimitError(
                lang_text or f"Too many failed sign-ins: wait {minutes} minutes, then try again.",
                hint="failures older than the window no longer count")


def record_failure(db: Session, counters: dict[str, str]) -> None:
    """Count one failed attempt on every counter (the caller commits)."""
    now = utcnow()
    for key in counters.values():
        db.add(LoginAttempt(key=key, at=now))


def clear(db: Session, counters: dict[str, str]) -> None:
    """A successful sign-in clears the account's failures (not the address's)."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.key == counters["account"]))
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - WINDOW))
