"""Per-request state: the database session and who is signed in (looked up once per request)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from coulisses.store.tables import LoginSession, User
from coulisses.web.security import SESSION_COOKIE, find_session


def get_db(request: Request) -> Iterator[Session]:
    """A database session for this request, closed (rolled back if uncommitted) after it."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session:
        yield session


@dataclass
class LoginState:
    """The request's session row and user, or why there is none."""

    session: LoginSession | None
    user: User | None
    expired: bool


def login_state(request: Request, db: Session) -> LoginState:
    """Who is signed in on this request (cached on ``request.state``)."""
    cached = getattr(request.state, "login", None)
    if isinstance(cached, LoginState):
        return cached
    row, expired = find_session(db, request.cookies.get(SESSION_COOKIE))
    state = LoginState(row, db.get(User, row.user_id) if row else None, expired)
    request.state.login = state
    return state
