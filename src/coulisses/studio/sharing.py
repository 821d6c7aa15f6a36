"""Client review links: one per cut version, with an expiry, an optional password, revocable.

The token is made here and shown once; the table keeps its SHA-256 only, so a copy of the
database opens no link. A link that is unknown, revoked or expired is refused the same way
(``NotFoundError``, no hint), and a link only ever reaches its own version.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError, NotFoundError, UsageError
from coulisses.studio.board_tables import ShareLink
from coulisses.studio.scope import scoped
from coulisses.studio.tables import AuditEvent, CutVersion, utcnow

MAX_DAYS = 90
MAX_TOKEN = 100  # longer tokens are refused before hashing


def token_hash(token: str) -> str:
    """The SHA-256 of a link token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(*, db: Session, version: CutVersion, user_id: int, days: int,
                password_hash: str = "", label: str = "") -> tuple[ShareLink, str]:
    """A new link to ``version`` valid ``days`` days, and its token (shown once); commits.

    Raises:
        UsageError: ``days`` outside 1 to ``MAX_DAYS``.
        ConflictError: the version is not rendered yet.
    """
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"A link lasts 1 to {MAX_DAYS} days ({days} given).")
    if version.status != "done":
        raise ConflictError("This version is not rendered yet: share it once it is.")
    token = secrets.token_urlsafe(32)
    link = ShareLink(workspace_id=version.workspace_id, version_id=version.id,
                     token_hash=token_hash(token), password_hash=password_hash,
                     label=label.strip()[:200], expires_at=utcnow() + timedelta(days=days),
                     revoked_at=None, created_by=user_id, created_at=utcnow())
    db.add(link)
    db.flush()
    db.add(AuditEvent(workspace_id=version.workspace_id, user_id=user_id, action="share.create",
                      detail=f"{link.id}:{version.id}"))
    db.commit()
    return link, token


def open_link(db: Session, token: str) -> ShareLink:
    """The live link of ``token``.

    Raises:
        NotFoundError: unknown, revoked or expired (the same answer for each).
    """
    refused = NotFoundError("This link does not open.")
    if not token or len(token) > MAX_TOKEN:
        raise refused
    link = db.scalars(select(ShareLink).where(ShareLink.token_hash == token_hash(token))).first()
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        raise refused
    return link


def links_of(db: Session, version: CutVersion) -> list[ShareLink]:
    """The links made for ``version``, newest first."""
    return list(db.scalars(select(ShareLink).where(ShareLink.version_id == version.id)
                           .order_by(ShareLink.id.desc())))


def revoke(*, db: Session, workspace_id: int, link_id: int, user_id: int) -> ShareLink:
    """Revoke a link of the workspace (again: nothing changes); commits.

    Raises:
        NotFoundError: no such link in this workspace.
    """
    link = db.scalars(select(ShareLink).where(ShareLink.id == link_id,
                                              ShareLink.workspace_id == workspace_id)).first()
    if link is None:
        raise NotFoundError("No such link in this workspace.", hint="check the link")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        db.add(AuditEvent(workspace_id=workspace_id, user_id=user_id, action="share.revoke",
                          detail=str(link.id)))
        db.commit()
    return link


def version_of(db: Session, link: ShareLink) -> CutVersion:
    """The one version a link reaches."""
    return scoped(db, CutVersion, link.workspace_id, link.version_id)
