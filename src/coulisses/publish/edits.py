"""What a person changes on a post before it goes out: its slot, its caption and options, and
the approval that lets the worker take it.

A post scheduled from the studio starts as a draft; approving it (a client may) makes it
``scheduled``, and editing its caption or options afterwards puts it back to draft, so what goes
out is always what was approved. Nothing here touches a post once publishing has started.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError, UsageError
from coulisses.publish.api import PlatformApi, check_caption
from coulisses.publish.queue import _event, get
from coulisses.publish.tables import Post, now_ms

MOVABLE = ("draft", "scheduled")


def fingerprint(post: Post) -> str:
    """A short hash of what an approval covers: the caption, first comment and options."""
    text = json.dumps([post.caption, post.first_comment, json.loads(post.options or "{}")],
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _change(session: Session, post: Post, allowed: tuple[str, ...], detail: str,
            **values: Any) -> Post:
    """Apply ``values`` if the post is still in the state it was read in. Commits."""
    if post.state not in allowed:
        raise UsageError(f"post {post.id} is {post.state}; this needs one of "
                         f"{', '.join(allowed)}",
                         hint="a post that started publishing can no longer change")
    result = session.execute(
        update(Post).where(Post.id == post.id, Post.state == post.state,
                           Post.updated_ms == post.updated_ms)
        .values(updated_ms=max(now_ms(), post.updated_ms + 1), **values)
        .execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        raise ConflictError(f"post {post.id} changed meanwhile", hint="look again")
    _event(session, post.id, "transition", values.get("state", post.state), detail=detail)
    session.commit()
    return get(session, post.id)


def reschedule(session: Session, post_id: int, due_ms: int, *, who: str = "") -> Post:
    """Move a draft or scheduled post to another time. Commits.

    Raises:
        UsageError: the post started publishing or ended.
        ConflictError: it changed meanwhile (a worker claimed it).
    """
    post = get(session, post_id)
    return _change(session, post, MOVABLE, f"moved to {due_ms} by {who or 'a person'}",
                   due_ms=due_ms)


def approve(session: Session, post_id: int, *, who: str) -> Post:
    """Approve a draft's caption and options: it becomes ``scheduled``. Commits.

    Raises:
        UsageError: the post is not a draft.
        ConflictError: it changed meanwhile.
    """
    post = get(session, post_id)
    return _change(session, post, ("draft",),
                   f"approved by {who}: {fingerprint(post)}", state="scheduled")


def edit(session: Session, api: PlatformApi, post_id: int, *, caption: str, first_comment: str,
         options: dict[str, Any], who: str = "") -> Post:
    """Change what a draft or scheduled post says; a scheduled one goes back to draft, to be
    approved again. Commits.

    Raises:
        UsageError: the caption breaks the platform's limits, or publishing started.
        ConflictError: it changed meanwhile.
    """
    check_caption(api, caption)
    post = get(session, post_id)
    text = json.dumps(options, sort_keys=True)
    if (caption, first_comment, text) == (post.caption, post.first_comment,
                                          json.dumps(json.loads(post.options), sort_keys=True)):
        return post
    return _change(session, post, MOVABLE, f"edited by {who or 'a person'}: approval needed",
                   state="draft", caption=caption, first_comment=first_comment, options=text)


def approved_by(events: list[Any], post: Post) -> str:
    """Who approved the post as it reads now ("" when nobody has, or it changed since)."""
    mark = f": {fingerprint(post)}"
    for event in reversed(events):
        if event.detail.startswith("approved by ") and event.detail.endswith(mark):
            return str(event.detail[len("approved by "):-len(mark)])
        if event.detail.startswith("edited by "):
            return ""
    return ""
