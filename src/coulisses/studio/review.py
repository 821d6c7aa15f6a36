"""The review rules: comments at a time code or over a range (threaded, edited with optimistic
concurrency, resolved) and the approve / request-changes decision on a cut version or on one
of its variants, which asks for a confirmation while comments are unresolved.

Keyword-only functions on a database session, for the routes, the worker, the CLI and tests
alike. An edit carries the ``rev`` it was based on; when someone saved in between, it is
refused with ``ConflictError`` and nothing is overwritten. A repeated nonce posts once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coulisses.errors import AccessError, ConflictError, UsageError
from coulisses.studio import notify
from coulisses.studio.scope import scoped
from coulisses.studio.tables import (
    Approval,
    AuditEvent,
    Comment,
    CutVariant,
    CutVersion,
    utcnow,
)

MAX_BODY = 5000
DECISIONS = ("approved", "changes")


def comment_json(c: Comment) -> dict[str, Any]:
    return {"id": c.id, "version_id": c.version_id, "parent_id": c.parent_id,
            "author_id": c.author_id, "platform": c.platform, "t_start": c.t_start,
            "t_end": c.t_end, "body": c.body, "resolved": c.resolved, "rev": c.rev,
            "guest_name": c.guest_name, "created_at": c.created_at.isoformat(),
            "updated_at": c.updated_at.isoformat()}


def clean_body(text: str) -> str:
    """A comment's text, trimmed, with plain newlines.

    Raises:
        UsageError: empty, or longer than ``MAX_BODY``.
    """
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise UsageError("Write something first.", hint="a comment cannot be empty")
    if len(body) > MAX_BODY:
        raise UsageError(f"A comment holds at most {MAX_BODY} characters ({len(body)} given).")
    return body


def add_comment(*, db: Session, version: CutVersion, author_id: int | None, body: str,
                t_start: float | None, t_end: float | None, parent_id: int | None = None,
                platform: str = "", nonce: str | None = None,
                guest_name: str = "") -> Comment:
    """Add a comment (or a reply to ``parent_id``, which takes its parent's times), notify
    the team (``notify.comment_added``) and commit; a nonce seen before returns the comment
    it made. A client on a review link has no ``author_id`` and gives a ``guest_name``.

    Raises:
        UsageError: an empty or too long body, a range that ends before it starts, a reply to
            a comment of another version.
        NotFoundError: no such parent in the version's workspace.
    """
    body = clean_body(body)
    start = t_start or 0.0
    if t_end is not None and t_end <= start:
        from coulisses.timecode import format_timecode

        raise UsageError(f"the range must end after it starts ({format_timecode(start)})")
    parent = None
    if parent_id is not None:
        parent = scoped(db, Comment, version.workspace_id, parent_id)
        if parent.version_id != version.id:
            raise UsageError("A reply belongs to the same version as its comment.")
        start, t_end = parent.t_start, parent.t_end
    who = author_id if author_id is not None else f"guest:{guest_name}"
    key = f"{who}:{version.id}:{nonce}"[:100] if nonce else None
    if key is not None:
        existing = db.scalars(select(Comment).where(Comment.dedupe_key == key)).first()
        if existing is not None:
            return existing
    comment = Comment(workspace_id=version.workspace_id, version_id=version.id,
                      parent_id=parent.id if parent else None, author_id=author_id,
                      platform=platform[:60], t_start=start, t_end=t_end, body=body,
                      resolved=False, dedupe_key=key, created_at=utcnow(),
                      updated_at=utcnow(), guest_name=guest_name.strip()[:200])
    try:
        with db.begin_nested():
            db.add(comment)
    except IntegrityError:  # the same click arrived twice at once: keep the first
        existing = db.scalars(select(Comment).where(Comment.dedupe_key == key)).first()
        if existing is None:
            raise
        return existing
    notify.comment_added(db, comment, version)
    db.commit()
    return comment


def editable_comment(*, db: Session, workspace_id: int, comment_id: int,
                     user_id: int) -> Comment:
    """The comment ``user_id`` may edit: their own.

    Raises:
        NotFoundError: no such comment in the workspace.
        AccessError: someone else's comment.
    """
    comment = scoped(db, Comment, workspace_id, comment_id)
    if comment.author_id != user_id:
        raise AccessError("Only its author can edit a comment.")
    return comment


def save_comment(*, db: Session, comment: Comment, rev: int, change: dict[str, Any]) -> Comment:
    """Apply ``change`` (body, resolved) if the comment is still at ``rev``, and commit.

    Raises:
        ConflictError: someone saved it in between.
    """
    if comment.rev != rev:
        raise ConflictError("Someone else changed this comment meanwhile: nothing was "
                            "overwritten.", hint=f"reload it (now at revision {comment.rev})")
    for key, value in change.items():
        setattr(comment, key, value)
    comment.updated_at = utcnow()
    try:
        db.commit()  # UPDATE ... WHERE rev = :rev (version_id_col): a racing save loses here
    except StaleDataError:
        db.rollback()
        raise ConflictError("Someone else changed this comment meanwhile: nothing was "
                            "overwritten.", hint="reload it and edit again") from None
    return comment


def unresolved(db: Session, version: CutVersion, platform: str | None = None) -> int:
    """How many threads of ``version`` are still open (those about ``platform``'s variant, or
    about no variant in particular, when ``platform`` is given); comments in the trash do not
    count."""
    query = select(func.count(Comment.id)).where(
        Comment.version_id == version.id, Comment.parent_id.is_(None),
        Comment.resolved.is_(False), Comment.deleted_at.is_(None))
    if platform is not None:
        query = query.where(Comment.platform.in_((platform, "")))
    return int(db.scalar(query) or 0)


def decide(*, db: Session, version: CutVersion, user_id: int | None, decision: str,
           note: str = "", guest_name: str = "", variant: CutVariant | None = None,
           confirmed: bool = False) -> None:
    """Approve or request changes on a rendered version, or on one of its variants (the latest
    decision is shown), with an audit event and the team notified; commits. Approving while
    comments are unresolved needs ``confirmed``. A client on a review link has no ``user_id``
    and gives a ``guest_name``.

    Raises:
        UsageError: a decision other than ``DECISIONS``, a variant of another version.
        ConflictError: the version is not rendered yet; unresolved comments, not confirmed.
    """
    if decision not in DECISIONS:
        raise UsageError(f"decision {decision[:20]!r} is not approved or changes")
    if version.status != "done":
        raise ConflictError("This version is not rendered yet: review it once it is.")
    if variant is not None and variant.version_id != version.id:
        raise UsageError("This variant belongs to another version.")
    if decision == "approved" and not confirmed:
        open_threads = unresolved(db, version, variant.platform if variant else None)
        if open_threads:
            raise ConflictError(f"{open_threads} comment(s) are not resolved yet.",
                                hint="resolve them, or confirm (confirm=yes) to approve anyway")
    db.add(Approval(workspace_id=version.workspace_id, version_id=version.id, user_id=user_id,
                    variant_id=variant.id if variant else None, decision=decision,
                    note=note.strip()[:MAX_BODY], created_at=utcnow(),
                    guest_name=guest_name.strip()[:200]))
    what = f"{version.cut_id}:{version.number}"
    if variant is not None:
        variant.decision = decision
        what += f":{variant.platform}"
    else:
        version.decision = decision
    by = f":{guest_name.strip()[:200]}" if guest_name else ""
    db.add(AuditEvent(workspace_id=version.workspace_id, user_id=user_id,
                      action=f"cut.{decision}", detail=what + by))
    notify.decided(db, version, decision, user_id=user_id, guest_name=guest_name, note=note)
    db.commit()
