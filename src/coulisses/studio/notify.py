"""Notifications: who hears of a comment, a mention (@name), a decision or a job's end.

Each event adds one ``Notification`` per recipient (never its author) and, for a recipient with
an e-mail address, one ``MailOutbox`` row that ``studio/mail.py`` sends at most once. The
caller commits. Mail text is in the recipient's language (English or French).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.studio.board_tables import MailOutbox, Notification
from coulisses.studio.tables import (
    Comment,
    Cut,
    CutVersion,
    Job,
    Membership,
    Rush,
    User,
    utcnow,
)

KINDS = ("comment", "mention", "approved", "changes", "job_done", "job_failed")
TEAM = ("owner", "editor", "reviewer")  # who hears of comments and decisions
MENTION = re.compile(r"(?<![\w.])@([\w.\-]{2,60})")

SUBJECTS: dict[str, dict[str, str]] = {
    "en": {"comment": "{actor} commented on {subject}",
           "mention": "{actor} mentioned you on {subject}",
           "approved": "{actor} approved {subject}",
           "changes": "{actor} requested changes on {subject}",
           "job_done": "Finished: {subject}", "job_failed": "Failed: {subject}",
           "open": "Open it in the studio: {url}"},
    "fr": {"comment": "{actor} a commenté {subject}",
           "mention": "{actor} vous a mentionné sur {subject}",
           "approved": "{actor} a validé {subject}",
           "changes": "{actor} demande des modifications sur {subject}",
           "job_done": "Terminé : {subject}", "job_failed": "Échec : {subject}",
           "open": "Ouvrir dans le studio : {url}"},
}


def cut_url(version: CutVersion, anchor: str = "") -> str:
    """The studio page of a cut version."""
    return f"/w/{version.workspace_id}/cuts/{version.cut_id}?v={version.number}{anchor}"


def mentioned(db: Session, workspace_id: int, body: str) -> set[int]:
    """Ids of the workspace's members named in ``body`` as ``@name``: their name without
    spaces, their first name or their e-mail's local part, in any case."""
    asked = {m.casefold() for m in MENTION.findall(body)}
    if not asked:
        return set()
    found = set()
    for user in _members(db, workspace_id, roles=None):
        handles = {user.name.replace(" ", "").casefold(), user.email.split("@")[0].casefold()}
        if user.name.split():
            handles.add(user.name.split()[0].casefold())
        if handles & asked:
            found.add(user.id)
    return found


def _members(db: Session, workspace_id: int, roles: Iterable[str] | None) -> list[User]:
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.workspace_id == workspace_id, Membership.status == "active"))
    if roles is not None:
        query = query.where(Membership.role.in_(list(roles)))
    return list(db.scalars(query))


def notify(db: Session, *, workspace_id: int, users: Iterable[User], kind: str, actor: str,
           subject: str, body: str = "", url: str = "") -> list[Notification]:
    """One notification (and its e-mail in the outbox) per user; the caller commits."""
    made = []
    for user in users:
        note = Notification(workspace_id=workspace_id, user_id=user.id, kind=kind,
                            actor=actor[:200], subject=subject[:300], body=body[:4000],
                            url=url[:500], read=False, created_at=utcnow())
        db.add(note)
        made.append((note, user))
    db.flush()
    for note, user in made:
        if user.email:
            words = SUBJECTS.get(user.lang, SUBJECTS["en"])
            title = words[kind].format(actor=actor, subject=subject)
            text = "\n\n".join(p for p in (body, words["open"].format(url="{base}" + url)) if p)
            db.add(MailOutbox(notification_id=note.id, to_addr=user.email, subject=title[:300],
                              body=text, status="pending", attempts=0, error="",
                              due_at=utcnow()))
    return [note for note, _ in made]


def actor_name(db: Session, user_id: int | None, guest_name: str = "") -> str:
    """Who did it: the user's name, or the name a client gave on a review link."""
    if guest_name:
        return guest_name
    user = db.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else "?"


def _subject(db: Session, version: CutVersion) -> str:
    cut = db.get(Cut, version.cut_id)
    return f"{cut.title if cut else '?'} v{version.number}"


def comment_added(db: Session, comment: Comment, version: CutVersion) -> None:
    """Tell the team of a new comment; those it names with @ get a mention instead."""
    actor = actor_name(db, comment.author_id, comment.guest_name)
    named = mentioned(db, version.workspace_id, comment.body)
    users = {u.id: u for u in _members(db, version.workspace_id, TEAM)}
    users |= {u.id: u for u in _members(db, version.workspace_id, None) if u.id in named}
    users.pop(comment.author_id or 0, None)
    url = cut_url(version, f"#comment-{comment.id}")
    subject = _subject(db, version)
    for kind in ("mention", "comment"):
        chosen = [u for u in users.values() if (u.id in named) == (kind == "mention")]
        notify(db, workspace_id=version.workspace_id, users=chosen, kind=kind, actor=actor,
               subject=subject, body=comment.body, url=url)


def decided(db: Session, version: CutVersion, decision: str, *, user_id: int | None,
            guest_name: str = "", note: str = "") -> None:
    """Tell the team of an approval or a request for changes."""
    users = [u for u in _members(db, version.workspace_id, TEAM) if u.id != user_id]
    notify(db, workspace_id=version.workspace_id, users=users,
           kind="approved" if decision == "approved" else "changes",
           actor=actor_name(db, user_id, guest_name), subject=_subject(db, version),
           body=note, url=cut_url(version))


def job_ended(db: Session, job_id: int) -> None:
    """Tell the job's author that it finished or failed; the caller commits."""
    job = db.get(Job, job_id)
    if job is None or job.created_by is None or job.status not in ("done", "failed"):
        return
    user = db.get(User, job.created_by)
    if user is None:
        return
    subject, url = _job_subject(db, job)
    notify(db, workspace_id=job.workspace_id, users=[user],
           kind="job_done" if job.status == "done" else "job_failed", actor="",
           subject=subject, body=job.error[:500], url=url)


def _job_subject(db: Session, job: Job) -> tuple[str, str]:
    """What a job worked on, in words, and its page: the cut version it rendered, the rush it
    analysed, else the job itself."""
    version = db.scalars(select(CutVersion).where(CutVersion.job_id == job.id)).first()
    if version is not None:
        return _subject(db, version), cut_url(version)
    rush = db.scalars(select(Rush).where(Rush.job_id == job.id)).first()
    if rush is not None:
        return rush.name, f"/w/{rush.workspace_id}/rushes/{rush.id}"
    return f"{job.kind} #{job.id}", f"/w/{job.workspace_id}/jobs/{job.id}"


def unread_count(db: Session, user_id: int) -> int:
    """How many of the user's notifications are unread."""
    from sqlalchemy import func

    return db.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read.is_(False))) or 0
