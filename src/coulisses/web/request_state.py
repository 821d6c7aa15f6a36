"""Per-request state: the database session and who is signed in (looked up once per request).

A request's session gives its connection back to the pool between steps (``release``): a
request waiting for a thread, its body or a slow check (argon2, probing a file) holds none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from coulisses.studio.tables import LoginSession, User
from coulisses.web.security import SESSION_COOKIE, find_session


def get_db(request: Request) -> Iterator[Session]:
    """A database session for this request, closed (rolled back if uncommitted) after it."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session:
        yield session


#: the request's database session, as a parameter type: ``db: SessionDep``
SessionDep = Annotated[Session, Depends(get_db)]


def release(db: Session) -> None:
    """End the session's read-only transaction so its connection returns to the pool.

    Loaded rows stay usable (the factory does not expire them on commit); the next query
    takes a connection again. A session with unsaved changes is left alone.
    """
    if db.in_transaction() and not (db.new or db.dirty or db.deleted):
        db.commit()


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
    release(db)
    return state
