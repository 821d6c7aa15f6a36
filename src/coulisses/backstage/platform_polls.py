"""A backstage poll sent out as platform polls through the publish connectors, and its results
read back into the one tally: a LinkedIn poll post (text and 2 to 4 options, no media; counts
per option), an Instagram caption poll on a reel that is still to be published (the API takes
one only when the post is created; it gives shares, turned here into estimated counts).

Sending goes through the publish queue, so a poll goes out once: the post's dedupe key is the
poll's, the worker's journal resumes an interrupted post by asking the platform first. Which
post carries which poll is a ``backstage-poll`` event in the post's history.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.backstage import platform_tallies
from coulisses.backstage.polls import options_of
from coulisses.backstage.tables import Poll
from coulisses.errors import ConflictError, CoulissesError, NotFoundError, UsageError
from coulisses.publish.tables import Post, PostEvent, PublishAccount, now_ms

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

    from coulisses.publish.api import PlatformApi
    from coulisses.publish.connectors.polls import PollReading

EVENT = "backstage-poll"
DURATIONS = ("ONE_DAY", "THREE_DAYS", "SEVEN_DAYS", "FOURTEEN_DAYS")
LINKEDIN_QUESTION_MAX, LINKEDIN_OPTION_MAX = 140, 30
PLATFORM_OPTIONS = (2, 4)  # both platforms take 2 to 4 options
SENT_STATES = ("draft", "scheduled", "publishing", "published", "needs_attention")


def _options_fit(db: Session, poll: Poll, label_max: int | None) -> list[int]:
    options = options_of(db, poll)
    low, high = PLATFORM_OPTIONS
    if not low <= len(options) <= high:
        raise UsageError(f"a platform poll has {low} to {high} options; this one has "
                         f"{len(options)}")
    if label_max is not None and any(len(o.label) > label_max for o in options):
        raise UsageError(f"each option of a LinkedIn poll has at most {label_max} characters",
                         hint="shorten the labels, or type the LinkedIn tally in by hand")
    return [o.id for o in options]


def _link(db: Session, post_id: int, poll: Poll, option_ids: list[int]) -> None:
    db.add(PostEvent(post_id=post_id, at_ms=now_ms(), kind=EVENT, state="",
                     detail=json.dumps({"poll": poll.id, "options": option_ids})))


def _api_account(db: Session, account_id: int, platform: str, workspace_id: int
                 ) -> PublishAccount:
    account = db.get(PublishAccount, account_id)
    if account is None or account.platform != platform or (
            account.workspace_id is not None and account.workspace_id != workspace_id):
        raise NotFoundError(f"No such {platform} account.",
                            hint="connect one: coulisses publish accounts add " + platform)
    if account.channel != "api":
        raise UsageError(f"{platform}:{account.name} is published by hand: a platform poll "
                         "needs an account connected through the API")
    return account


def send_linkedin(db: Session, poll: Poll, *, account_id: int, workspace_id: int,
                  duration: str = "SEVEN_DAYS", commentary: str = "") -> Post:
    """Queue the poll as a LinkedIn poll post (flushed; the publish worker posts it).

    Raises:
        UsageError: more than 4 options or labels over 30 characters, a question over 140,
            an unknown duration, an account published by hand.
        NotFoundError: no such LinkedIn account in this workspace.
        ConflictError: the poll already went out to this account.
    """
    account = _api_account(db, account_id, "linkedin", workspace_id)
    if duration not in DURATIONS:
        raise UsageError(f"a LinkedIn poll lasts {', '.join(DURATIONS)}, not {duration[:20]!r}")
    if len(poll.question) > LINKEDIN_QUESTION_MAX:
        raise UsageError(f"a LinkedIn poll's question has at most {LINKEDIN_QUESTION_MAX} "
                         "characters")
    option_ids = _options_fit(db, poll, LINKEDIN_OPTION_MAX)
    labels = [o.label for o in options_of(db, poll)]
    key = hashlib.sha256(f"backstage-poll:{poll.id}".encode()).hexdigest()
    dedupe = f"{account.id}:{key}"
    found = db.scalars(select(Post).where(Post.dedupe_key == dedupe)).first()
    if found is not None:
        raise ConflictError(f"this poll already went out to linkedin:{account.name} "
                            f"(post {found.id}, {found.state})")
    post = Post(account_id=account.id, platform="linkedin", video_path="", video_sha256=key,
                size_bytes=0, caption=(commentary.strip() or poll.question)[:3000],
                options=json.dumps({"poll": {"question": poll.question, "options": labels,
                                             "duration": duration}}, sort_keys=True),
                due_ms=now_ms(), state="scheduled", dedupe_key=dedupe, created_ms=now_ms(),
                updated_ms=now_ms())
    db.add(post)
    db.flush()
    db.add(PostEvent(post_id=post.id, at_ms=now_ms(), kind="transition", state="scheduled",
                     detail="scheduled: a backstage poll"))
    _link(db, post.id, poll, option_ids)
    db.flush()
    return post


def attach_instagram(db: Session, poll: Poll, *, post_id: int, workspace_id: int) -> Post:
    """Attach the poll to an Instagram post that is not out yet, as its caption poll (flushed).

    Raises:
        UsageError: the post has started publishing or is out (Instagram takes a caption poll
            only at creation), has no caption (the caption is the question), already carries
            a poll, or the poll has more than 4 options.
        NotFoundError: no such Instagram post in this workspace.
    """
    post = db.get(Post, post_id)
    account = db.get(PublishAccount, post.account_id) if post is not None else None
    if post is None or account is None or post.platform != "instagram" or (
            account.workspace_id is not None and account.workspace_id != workspace_id):
        raise NotFoundError("No such Instagram post.", hint="coulisses publish list")
    if post.state not in ("draft", "scheduled") or post.progress not in ("", "{}"):
        raise UsageError(f"post {post.id} is {post.state}: Instagram takes a caption poll only "
                         "when the post is created, never after",
                         hint="attach the poll to a reel that is still scheduled")
    if not post.caption.strip():
        raise UsageError("an Instagram caption poll needs a caption: it is the poll's question")
    options = json.loads(post.options or "{}")
    if options.get("poll_attachment"):
        raise UsageError(f"post {post.id} already carries a poll: one add-on per post")
    option_ids = _options_fit(db, poll, None)
    labels = [o.label for o in options_of(db, poll)]
    options["poll_attachment"] = {f"option_{x}": t for x, t in zip("abcd", labels, strict=False)}
    post.options = json.dumps(options, sort_keys=True)
    post.updated_ms = now_ms()
    _link(db, post.id, poll, option_ids)
    db.flush()
    return post


@dataclass(frozen=True)
class Sent:
    """A platform post that carries the poll, and the poll's option ids in its order."""

    post: Post
    account: PublishAccount
    option_ids: tuple[int, ...]


def sent(db: Session, poll: Poll) -> list[Sent]:
    """The posts that carry this poll, oldest first (cancelled and failed ones left out)."""
    out = []
    rows = db.execute(select(PostEvent.post_id, PostEvent.detail).where(PostEvent.kind == EVENT)
                      .order_by(PostEvent.id))
    for post_id, detail in rows:
        data = json.loads(detail)
        if data.get("poll") != poll.id:
            continue
        post = db.get(Post, post_id)
        if post is None or post.state not in SENT_STATES:
            continue
        account = db.get(PublishAccount, post.account_id)
        if account is not None:
            out.append(Sent(post, account, tuple(int(x) for x in data.get("options", []))))
    return out


@dataclass(frozen=True)
class ReadBack:
    """What one read-back stored, and what it could not read (one line per post)."""

    stored: tuple[str, ...]  # channels whose tally was replaced
    waiting: tuple[str, ...]  # posts not published yet
    problems: tuple[str, ...]


def _estimate(reading: PollReading, reach: float | None) -> tuple[int, ...] | None:
    """Instagram gives shares only: counts are estimated as share x the post's reach (an upper
    bound: not everyone reached votes); None while no reach is known."""
    if reading.counts is not None:
        return reading.counts
    if reach is None or reading.shares is None:
        return None
    return tuple(round(s * reach) for s in reading.shares)


def read_back(sessions: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
              poll_id: int, *, now: datetime, client: httpx.Client | None = None,
              backoff_s: float = 1.0) -> ReadBack:
    """Read the results of every platform post carrying the poll, through each platform's API,
    into the poll's platform tallies (``source='api'``), committed.

    Raises:
        NotFoundError: no such poll.
        PlatformError, TransientError, AuthenticationError: no post could be read (the first
            failure), when at least one was published.
    """
    from coulisses.publish.accounts import AccountTokens
    from coulisses.publish.connectors.base import Context, Endpoints
    from coulisses.publish.connectors.http import ApiClient, Backoff
    from coulisses.publish.connectors.polls import read_instagram, read_linkedin
    from coulisses.publish.metrics import fetch

    with sessions() as db:
        poll = db.get(Poll, poll_id)
        if poll is None:
            raise NotFoundError("No such poll.", hint="reload the page")
        carriers = sent(db, poll)
        db.expunge_all()
    stored: list[str] = []
    waiting: list[str] = []
    problems: list[str] = []
    failures: list[CoulissesError] = []
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
    try:
        for item in carriers:
            post, account = item.post, item.account
            if post.state != "published" or not post.platform_post_id:
                waiting.append(f"{post.platform} post {post.id} is {post.state}")
                continue
            api = apis[post.platform]
            try:
                tokens = AccountTokens(sessions, fernet, api, account, http)
                ctx = Context(Endpoints(api, account.sandbox_url),
                              ApiClient(api.id, tokens, client=http,
                                        backoff=Backoff(base_s=backoff_s)))
                if post.platform == "linkedin":
                    reading, reach = read_linkedin(ctx, post.platform_post_id), None
                else:
                    reading = read_instagram(ctx, post.platform_post_id)
                    reach = next((v.value for v in fetch(ctx, [post.platform_post_id])
                                  if v.metric == "reach"), None)
            except (CoulissesError, httpx.HTTPError) as exc:
                words = exc.one_line() if isinstance(exc, CoulissesError) else str(exc)
                problems.append(f"{post.platform}:{account.name}: {words}")
                if isinstance(exc, CoulissesError):
                    failures.append(exc)
                continue
            if len(reading.options) != len(item.option_ids):
                problems.append(f"{post.platform} post {post.id}: its poll has "
                                f"{len(reading.options)} options, not {len(item.option_ids)}")
                continue
            counts = _estimate(reading, reach)
            if counts is None:
                problems.append(f"{post.platform} post {post.id}: shares read, but no reach "
                                "yet to estimate votes from (insights can lag up to 48 h)")
                continue
            with sessions() as db:
                the_poll = db.get(Poll, poll_id)
                assert the_poll is not None
                platform_tallies.enter(
                    db, the_poll, post.platform, dict(zip(item.option_ids, counts, strict=True)),
                    estimated=reading.counts is None, user_id=None, now=now, source="api",
                    post_ref=post.platform_post_id)
                db.commit()
            stored.append(post.platform)
    finally:
        if own:
            http.close()
    if failures and not stored:
        raise failures[0]
    return ReadBack(tuple(stored), tuple(waiting), tuple(problems))
