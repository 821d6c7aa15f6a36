"""Passwords (argon2), server-side sessions and the security headers every response carries.

The session cookie holds a random token; the database keeps only its SHA-256, so a copy of the
database cannot sign anyone in. Nothing here logs a password, token or cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coulisses.studio.tables import LoginSession, User, utcnow

SESSION_COOKIE = "coulisses_session"
SESSION_LIFETIME = timedelta(days=14)
MIN_PASSWORD = 10

_hasher: Any = None


def _ph() -> Any:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with the library's current parameters."""
    return str(_ph().hash(password))


def verify_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's; rehashes in place when the parameters changed."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        _ph().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _ph().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def dummy_verify(password: str) -> None:
    """Spend the time a real check takes, so unknown emails answer as slowly as known ones."""
    verify_password(User(password_hash=_dummy_hash()), password)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def create_session(db: Session, user: User) -> str:
    """Start a session for ``user``; returns the token for the cookie (never stored as is)."""
    token = new_token()
    now = utcnow()
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now - timedelta(days=7)))
    db.add(LoginSession(id=_digest(token), user_id=user.id, csrf_token=new_token(),
                        created_at=now, expires_at=now + SESSION_LIFETIME))
    return token


def find_session(db: Session, token: str | None) -> tuple[LoginSession | None, bool]:
    """The live session for a cookie token, and whether the token named an expired one."""
    if not token or len(token) > 200:
        return None, False
    row = db.get(LoginSession, _digest(token))
    if row is None:
        return None, False
    if row.expires_at <= utcnow():  # kept a while, so its forms can say "expired"
        return None, True
    return row, False


def end_session(db: Session, token: str | None) -> None:
    """Forget the session behind ``token`` (logout)."""
    if token:
        db.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def user_by_email(db: Session, email: str) -> User | None:
    """The account with this email (case-insensitive), if any."""
    return db.scalars(select(User).where(User.email == normalise_email(email))).first()


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


CSP = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
       "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
