"""The durable post queue: schedule, claim with a lease, record steps, and end in one state.

A claim is one conditional ``UPDATE``: a due ``scheduled`` post, or a ``publishing`` post whose
lease ran out (its worker died), becomes this worker's, on SQLite and PostgreSQL alike. Every
journal write renews the lease only while this worker still holds it, so a worker that lost a
post stops before its next call to the platform, and a resumed post continues from its journal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import ConflictError, LeaseLost, NotFoundError, UsageError
from coulisses.publish import links
from coulisses.publish.links import PostLink
from coulisses.publish.tables import Post, PostEvent, now_ms

LEASE_MS = 120_000
MAX_ATTEMPTS = 8
OPEN_STATES = ("draft", "scheduled", "publishing", "needs_attention")


def _event(session: Session, post_id: int, kind: str, state: str, *, step: str = "",
           worker: str = "", detail: Any = "") -> None:
    text = detail if isinstance(detail, str) else json.dumps(detail, default=str)
    session.add(PostEvent(post_id=post_id, at_ms=now_ms(), kind=kind, state=state, step=step,
                          worker=worker, detail=text[:4000]))


def schedule(session: Session, *, account_id: int, platform: str, video_path: str,
             video_sha256: str, size_bytes: int, due_ms: int, caption: str = "",
             options: dict[str, Any] | None = None, duration_ms: int = 0, cover: str = "",
             first_comment: str = "", draft: bool = False, force: bool = False,
             link: PostLink | None = None, commit: bool = True) -> Post:
    """Add a post (and what it was made from); the same video to the same account twice is
    refused unless ``force``. Commits, unless ``commit`` is False (the caller adds several
    posts in one transaction).

    Raises:
        ConflictError: this video is already scheduled or published to this account.
    """
    state = "draft" if draft else "scheduled"
    post = Post(account_id=account_id, platform=platform, video_path=video_path,
                video_sha256=video_sha256, size_bytes=size_bytes, duration_ms=duration_ms,
                caption=caption, first_comment=first_comment, cover=cover,
                options=json.dumps(options or {}, sort_keys=True), due_ms=due_ms, state=state,
                dedupe_key=None if force else f"{account_id}:{video_sha256}",
                created_ms=now_ms(), updated_ms=now_ms())
    try:
        session.add(post)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError(f"{Path(video_path).name} is already scheduled to this account",
                            hint="use --force to post it again") from None
    _event(session, post.id, "transition", state, detail="scheduled" if not draft else "draft")
    if link is not None:
        links.record(session, post.id, link)
    if commit:
        session.commit()
    return post


def confirm(session: Session, post_id: int) -> Post:
    """A person confirms a draft: it is scheduled at its time (at once if that has passed).

    Raises:
        UsageError: the post is not a draft.
    """
    return _move(session, post_id, ("draft",), "scheduled", "confirmed by a person")


def get(session: Session, post_id: int) -> Post:
    """The post with this id.

    Raises:
        NotFoundError: no such post.
    """
    post = session.get(Post, post_id, populate_existing=True)
    if post is None:
        raise NotFoundError(f"no post {post_id}", hint="see coulisses publish list")
    return post


def history(session: Session, post_id: int) -> list[PostEvent]:
    return list(session.scalars(select(PostEvent).where(PostEvent.post_id == post_id)
                                .order_by(PostEvent.id)))


def claim(session: Session, worker: str, *, lease_ms: int = LEASE_MS,
          now: int | None = None) -> Post | None:
    """Take one due post (or one whose worker's lease ran out) for ``worker``. Commits."""
    for _ in range(20):  # lost races: try the next candidate
        t = now if now is not None else now_ms()
        claimable = or_(and_(Post.state == "scheduled", Post.due_ms <= t),
                        and_(Post.state == "publishing", Post.lease_until_ms < t))
        post_id = session.scalars(select(Post.id).where(claimable)
                                  .order_by(Post.due_ms, Post.id).limit(1)).first()
        if post_id is None:
            session.rollback()
            return None
        won = session.execute(
            update(Post).where(Post.id == post_id, claimable).values(
                state="publishing", lease_owner=worker, lease_until_ms=t + lease_ms,
                attempts=Post.attempts + 1, updated_ms=t)
            .execution_options(synchronize_session=False))
        if getattr(won, "rowcount", 0) == 1:
            _event(session, post_id, "transition", "publishing", worker=worker,
                   detail="claimed")
            session.commit()
            return session.get(Post, post_id, populate_existing=True)
        session.rollback()
    return None


class DbJournal:
    """The connector's journal, written to the post row while this worker holds its lease."""

    def __init__(self, sessions: sessionmaker[Session], post: Post, worker: str, *,
                 lease_ms: int = LEASE_MS) -> None:
        self.sessions = sessions
        self.post_id = post.id
        self.worker = worker
        self.lease_ms = lease_ms
        self._state: dict[str, Any] = json.loads(post.progress or "{}")

    @property
    def state(self) -> dict[str, Any]:
        return self._state

    def _write(self, kind: str, step: str, data: dict[str, Any]) -> None:
        self._state.update(data)
        if kind == "intent":
            self._state["pending"] = step
        else:
            self._state.pop("pending", None)
        t = now_ms()
        with self.sessions() as session:
            result = session.execute(
                update(Post).where(Post.id == self.post_id, Post.lease_owner == self.worker,
                                   Post.state == "publishing").values(
                    progress=json.dumps(self._state, default=str), step=step,
                    lease_until_ms=t + self.lease_ms, updated_ms=t)
                .execution_options(synchronize_session=False))
            if getattr(result, "rowcount", 0) != 1:
                session.rollback()
                raise LeaseLost(f"post {self.post_id}: another worker holds it now")
            _event(session, self.post_id, kind, "publishing", step=step, worker=self.worker,
                   detail={k: v for k, v in data.items() if k != "parts"})
            session.commit()

    def intent(self, step: str, **data: Any) -> None:
        self._write("intent", step, data)

    def outcome(self, step: str, **data: Any) -> None:
        self._write("outcome", step, data)


def end(sessions: sessionmaker[Session], post_id: int, worker: str, state: str, *,
        values: dict[str, Any] | None = None, detail: str = "") -> bool:
    """Move a post this worker holds to ``state`` (releasing the lease); False if it lost it."""
    with sessions() as session:
        result = session.execute(
            update(Post).where(Post.id == post_id, Post.lease_owner == worker,
                               Post.state == "publishing").values(
                state=state, lease_owner="", lease_until_ms=0, updated_ms=now_ms(),
                **(values or {}))
            .execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            session.rollback()
            return False
        _event(session, post_id, "transition", state, worker=worker, detail=detail)
        session.commit()
        return True


def _move(session: Session, post_id: int, allowed: tuple[str, ...], state: str, detail: str,
          **values: Any) -> Post:
    post = get(session, post_id)
    if post.state not in allowed:
        raise UsageError(f"post {post_id} is {post.state}; this needs one of "
                         f"{', '.join(allowed)}")
    result = session.execute(update(Post).where(Post.id == post_id, Post.state == post.state)
                             .values(state=state, updated_ms=now_ms(), **values)
                             .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        raise ConflictError(f"post {post_id} changed meanwhile; look again")
    _event(session, post_id, "transition", state, detail=detail)
    session.commit()
    return get(session, post_id)


def cancel(session: Session, post_id: int) -> Post:
    """Cancel a post that has not started publishing.

    Raises:
        UsageError: it is publishing or already ended.
    """
    return _move(session, post_id, ("draft", "scheduled", "needs_attention", "failed"),
                 "cancelled", "cancelled by a person", dedupe_key=None)


def retry(session: Session, post_id: int) -> Post:
    """Put a failed or stuck post back in the queue, due now. Its journal is kept, so the
    connector asks the platform where it stood before doing anything again.

    Raises:
        UsageError: the post is not failed or needing attention.
    """
    return _move(session, post_id, ("failed", "needs_attention", "draft"), "scheduled",
                 "retry asked by a person", due_ms=now_ms(), error="", attempts=0)


def complete(session: Session, post_id: int, url: str, platform_id: str) -> Post:
    """A post published by hand: record its URL and id.

    Raises:
        UsageError: the post is not waiting for a person.
    """
    return _move(session, post_id, ("needs_attention", "scheduled", "failed"), "published",
                 f"published by hand: {url}", url=url, platform_post_id=platform_id, error="")


def listing(session: Session, *, states: tuple[str, ...] = ()) -> list[Post]:
    query = select(Post).order_by(Post.due_ms, Post.id)
    if states:
        query = query.where(Post.state.in_(states))
    return list(session.scalars(query))


