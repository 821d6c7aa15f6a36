"""Public comments on the page and on each poll, and their moderation.

A comment is plain text (markup is shown as typed, never interpreted), at most ``BODY_MAX``
characters. It is held for the team when the page is pre-moderated, or automatically when it
has a link, a blocked word of its language, text repeated from an earlier comment, or comes in
a burst; trusted commenters skip the queue and blocked ones are declined. The team approves,
declines, declines and blocks, or trusts, one at a time or in bulk, and replies (marked as the
team's). Every step goes into the moderation log, which downloads as CSV.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.backstage.challenge import Visitor, digest
from coulisses.backstage.page import blocked_words
from coulisses.backstage.tables import (
    BackstagePage,
    Commenter,
    ModerationEvent,
    Poll,
    PublicComment,
)
from coulisses.errors import NotFoundError, RateLimitError, UsageError

BODY_MAX = 1000
NAME_MAX = 60
BURST = 3  # comments from one visitor or address within BURST_WINDOW: the next is held
BURST_WINDOW = timedelta(minutes=5)
FLOOD = 20  # comments from one address within FLOOD_WINDOW: refused
FLOOD_WINDOW = timedelta(minutes=10)
REPORTS_TO_HOLD = 3
ACTIONS = ("approve", "decline", "block", "trust")

_LINK = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|fr|net|org|io|ly|gg|me|co|xyz|info|biz)"
                   r"\b)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str, limit: int, what: str) -> str:
    """Text as it will be stored: control characters removed, stripped, within ``limit``.

    Raises:
        UsageError: empty (for a comment) or longer than ``limit``.
    """
    value = _CONTROL.sub("", text).strip()
    if len(value) > limit:
        raise UsageError(f"{what} is {len(value)} characters long; the most is {limit}.",
                         hint="shorten it")
    return value


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def hold_reason(db: Session, page: BackstagePage, body: str, lang: str, commenter: str,
                address: str, now: datetime) -> str:
    """Why a new comment is held automatically ("" when it is not)."""
    if _LINK.search(body):
        return "link"
    words = set(_normal(body).split())
    for code, blocked in blocked_words(page).items():
        if code in (lang, "all") and words & {w.lower() for w in blocked}:
            return "blocked_word"
    since = now - BURST_WINDOW
    recent = db.scalar(select(func.count(PublicComment.id)).where(
        PublicComment.page_id == page.id, PublicComment.created_at > since,
        (PublicComment.commenter == commenter) | (PublicComment.address == address))) or 0
    if recent >= BURST:
        return "burst"
    normal = _normal(body)
    if len(normal) >= 3:
        earlier = db.scalars(select(PublicComment.body).where(
            PublicComment.page_id == page.id, PublicComment.team.is_(False),
            PublicComment.created_at > now - timedelta(days=1))
            .order_by(PublicComment.id.desc()).limit(500))
        if any(_normal(b) == normal for b in earlier):
            return "repeated"
    return ""


def post(db: Session, *, page: BackstagePage, visitor: Visitor, address: str, body: str,
         name: str = "", lang: str = "", poll_id: int | None = None,
         now: datetime) -> PublicComment:
    """A visitor's comment: visible, held (with why), or declined for a blocked commenter
    (committed).

    Raises:
        UsageError: empty or too long.
        NotFoundError: the poll is not on this page.
        RateLimitError: a flood from this address.
    """
    body = clean(body, BODY_MAX, "The comment")
    if not body:
        raise UsageError("The comment is empty.", hint="write something first")
    name = clean(name, NAME_MAX, "The name")
    if poll_id is not None:
        poll = db.get(Poll, poll_id)
        if poll is None or poll.page_id != page.id:
            raise NotFoundError("No such poll.", hint="reload the page")
    who = digest(page.secret, "c:" + visitor.id)
    ip = digest(page.secret, "a:" + address)
    flood = db.scalar(select(func.count(PublicComment.id)).where(
        PublicComment.page_id == page.id, PublicComment.address == ip,
        PublicComment.created_at > now - FLOOD_WINDOW)) or 0
    if flood >= FLOOD:
        raise RateLimitError("Too many comments from your connection.",
                             hint="wait a few minutes, then try again")
    standing = db.scalars(select(Commenter.state).where(
        Commenter.page_id == page.id, Commenter.commenter == who)).first()
    if standing == "blocked":
        status, hold = "declined", "blocked"
    elif standing == "trusted":
        status, hold = "visible", ""
    else:
        hold = "forged_cookie" if visitor.forged else hold_reason(db, page, body, lang, who,
                                                                   ip, now)
        if hold:
            status = "held"
        elif page.moderation == "pre":
            status, hold = "held", "queue"
        else:
            status = "visible"
    comment = PublicComment(page_id=page.id, poll_id=poll_id, parent_id=None, name=name,
                            body=body, lang=lang[:8], commenter=who, address=ip, team=False,
                            status=status, hold=hold, reports=0, created_at=now)
    db.add(comment)
    db.flush()
    if hold and hold != "queue":
        _log(db, page, comment, None, "hold", hold, now)
    db.commit()
    return comment


def reply(db: Session, *, page: BackstagePage, parent_id: int, body: str, user_id: int | None,
          name: str, now: datetime) -> PublicComment:
    """A team reply under a visitor's comment, shown at once and marked as the team's; the
    comment it answers is approved with it (committed).

    Raises:
        UsageError: empty or too long.
        NotFoundError: no such comment on this page.
    """
    parent = _comment(db, page, parent_id)
    body = clean(body, BODY_MAX, "The reply")
    if not body:
        raise UsageError("The reply is empty.", hint="write something first")
    if parent.status == "held":
        parent.status = "visible"
        _log(db, page, parent, user_id, "approve", "replied", now)
    comment = PublicComment(page_id=page.id, poll_id=parent.poll_id, parent_id=parent.id,
                            name=name[:NAME_MAX], body=body, lang=parent.lang, commenter="",
                            address="", team=True, user_id=user_id, status="visible", hold="",
                            reports=0, created_at=now)
    db.add(comment)
    db.flush()
    _log(db, page, comment, user_id, "reply", "", now)
    db.commit()
    return comment


def _comment(db: Session, page: BackstagePage, comment_id: int) -> PublicComment:
    comment = db.get(PublicComment, comment_id)
    if comment is None or comment.page_id != page.id:
        raise NotFoundError("No such comment.", hint="reload the page")
    return comment


def moderate(db: Session, *, page: BackstagePage, comment_ids: Sequence[int], action: str,
             user_id: int | None, now: datetime) -> int:
    """Approve, decline, decline and block (``block``) or trust (approve, and their next
    comments skip the queue) each comment; returns how many changed (committed).

    Raises:
        UsageError: an unknown action.
    """
    if action not in ACTIONS:
        raise UsageError(f"moderation is one of {', '.join(ACTIONS)}, not {action!r}")
    done = 0
    for comment_id in dict.fromkeys(comment_ids):
        comment = db.get(PublicComment, comment_id)
        if comment is None or comment.page_id != page.id or comment.team:
            continue
        comment.status = "visible" if action in ("approve", "trust") else "declined"
        if action in ("block", "trust") and comment.commenter:
            state = "blocked" if action == "block" else "trusted"
            row = db.scalars(select(Commenter).where(
                Commenter.page_id == page.id,
                Commenter.commenter == comment.commenter)).first()
            if row is None:
                db.add(Commenter(page_id=page.id, commenter=comment.commenter, state=state))
            else:
                row.state = state
            db.flush()
        _log(db, page, comment, user_id, action, comment.hold, now)
        done += 1
    db.commit()
    return done


def report(db: Session, *, page: BackstagePage, comment_id: int, visitor: Visitor,
           now: datetime) -> bool:
    """A visitor reports a visible comment; the third distinct report holds it. Returns
    whether this report was new (committed).

    Raises:
        NotFoundError: no such visible comment on this page.
    """
    comment = _comment(db, page, comment_id)
    if comment.status != "visible" or comment.team:
        raise NotFoundError("No such comment.", hint="reload the page")
    who = digest(page.secret, "c:" + visitor.id)
    seen = db.scalar(select(func.count(ModerationEvent.id)).where(
        ModerationEvent.comment_id == comment.id, ModerationEvent.action == "report",
        ModerationEvent.actor == who)) or 0
    if seen or visitor.forged:
        return False
    comment.reports += 1
    _log(db, page, comment, None, "report", "", now, actor=who)
    if comment.reports >= REPORTS_TO_HOLD:
        comment.status, comment.hold = "held", "reported"
        _log(db, page, comment, None, "hold", "reported", now)
    db.commit()
    return True


def _log(db: Session, page: BackstagePage, comment: PublicComment, user_id: int | None,
         action: str, detail: str, now: datetime, *, actor: str = "") -> None:
    db.add(ModerationEvent(page_id=page.id, comment_id=comment.id, user_id=user_id,
                           actor=actor, action=action, detail=detail, at=now))


def visible(db: Session, page: BackstagePage, poll_id: int | None = None
            ) -> list[tuple[PublicComment, list[PublicComment]]]:
    """Visible comments (newest first) on the page or one poll, each with its replies."""
    rows = list(db.scalars(select(PublicComment).where(
        PublicComment.page_id == page.id, PublicComment.status == "visible",
        PublicComment.poll_id.is_(None) if poll_id is None
        else PublicComment.poll_id == poll_id).order_by(PublicComment.id)))
    replies: dict[int, list[PublicComment]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(row)
    return [(r, replies.get(r.id, [])) for r in reversed(rows) if r.parent_id is None]


def queue(db: Session, page: BackstagePage) -> list[PublicComment]:
    """Held comments, oldest first."""
    return list(db.scalars(select(PublicComment).where(
        PublicComment.page_id == page.id, PublicComment.status == "held")
        .order_by(PublicComment.id)))


def log_csv(db: Session, page: BackstagePage, lang: str = "en") -> str:
    """The moderation log as CSV in ``lang``'s separator: when, action, detail, comment, team
    member id, and the comment's start."""
    from coulisses.spreadsheet import table

    rows = db.execute(select(ModerationEvent, PublicComment.body).outerjoin(
        PublicComment, PublicComment.id == ModerationEvent.comment_id)
        .where(ModerationEvent.page_id == page.id).order_by(ModerationEvent.id))
    out = []
    for event, body in rows:
        text = (body or "")[:200]
        if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
            text = "'" + text  # a spreadsheet must not run it as a formula
        out.append([event.at.isoformat(), event.action, event.detail, event.comment_id or "",
                    event.user_id or "", text])
    return table(["at", "action", "detail", "comment_id", "user_id", "comment"], out, lang)
