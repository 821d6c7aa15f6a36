"""``coulisses publish sync``: the numbers of every post coulisses published, read through each
platform's API into the analytics store, matched by platform id to what each post was made from.

Accounts are read one by one with their own tokens (refreshed when they expire); one that fails
(a refused scope, the platform down) is reported and the others are still read. Posts completed
by hand (manual channel) have no API access: their numbers come from the platform's export
(``coulisses kpi import``), where their platform id matches them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import CoulissesError
from coulisses.publish import links
from coulisses.publish.accounts import AccountTokens
from coulisses.publish.api import PlatformApi
from coulisses.publish.connectors.base import Context, Endpoints
from coulisses.publish.connectors.http import ApiClient, Backoff
from coulisses.publish.tables import Post, PublishAccount

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

    from coulisses.kpi.published import ApiImport, ApiPost


@dataclass(frozen=True)
class SyncResult:
    """What one sync read and stored."""

    store: Path
    posts: int  # posts whose numbers were read
    values: int
    matched: int  # of those, posts linked to a campaign deliverable
    imports: tuple[ApiImport, ...] = ()
    skipped: int = 0  # published by hand: no API to ask
    problems: tuple[str, ...] = field(default=())  # one line per account that failed


def _published(session: Session, since_ms: int | None,
               workspace_id: int | None = None) -> list[tuple[Post, PublishAccount]]:
    query = (select(Post, PublishAccount).join(PublishAccount, Post.account_id == PublishAccount.id)
             .where(Post.state == "published", Post.platform_post_id != "")
             .order_by(Post.id))
    if since_ms is not None:
        query = query.where(Post.updated_ms >= since_ms)
    if workspace_id is not None:  # the studio: one workspace's posts into its own store
        query = query.where(PublishAccount.workspace_id == workspace_id)
    return [(p, a) for p, a in session.execute(query)]


def _api_post(post: Post, link: links.PostLink | None) -> ApiPost:
    from coulisses.kpi.published import ApiPost

    at = datetime.fromtimestamp(post.updated_ms / 1000, UTC).replace(tzinfo=None)
    base = ApiPost(platform=post.platform, post_id=post.platform_post_id, publish_post=post.id,
                   url=post.url, caption=post.caption, published_at=at,
                   duration_s=post.duration_ms / 1000 if post.duration_ms else None)
    if link is None:
        return base
    return ApiPost(**{**base.__dict__, "campaign": link.campaign,
                      "deliverable": link.deliverable, "kind": link.kind, "cut": link.cut,
                      "variant": link.variant, "bts_item": link.bts_item, "beats": link.beats,
                      "moment_kinds": link.moment_kinds})


def sync(sessions: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
         store_path: Path, *, since: datetime | None = None, client: httpx.Client | None = None,
         apps: str = "", backoff_s: float = 1.0, workspace_id: int | None = None
         ) -> SyncResult:
    """Read the numbers of every published post (since ``since``; of the accounts of
    ``workspace_id`` only, when given) into ``store_path``.

    Raises:
        OutputError: the analytics store cannot be opened.
        PlatformError, TransientError, AuthenticationError: no account could be read (the
            first account's failure).
    """
    from coulisses.kpi.published import record_api
    from coulisses.kpi.store import open_store
    from coulisses.publish.metrics import endpoint_of, fetch

    since_ms = int(since.timestamp() * 1000) if since is not None else None
    with sessions() as session:
        rows = _published(session, since_ms, workspace_id)
        linked = links.links_of(session, [p.id for p, _ in rows])
    by_account: dict[int, list[Post]] = defaultdict(list)
    accounts: dict[int, PublishAccount] = {}
    skipped = 0
    for post, account in rows:
        if account.channel != "api" or not account.tokens or apis.get(post.platform) is None \
                or apis[post.platform].metrics is None:
            skipped += 1
            continue
        by_account[account.id].append(post)
        accounts[account.id] = account
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
    imports: list[ApiImport] = []
    problems: list[str] = []
    failures: list[CoulissesError] = []
    values = matched = synced = 0
    try:
        with open_store(store_path) as store:
            for account_id, posts in by_account.items():
                account = accounts[account_id]
                api = apis[account.platform]
                try:
                    tokens = AccountTokens(sessions, fernet, api, account, http, apps=apps)
                    ctx = Context(Endpoints(api, account.sandbox_url),
                                  ApiClient(api.id, tokens, client=http,
                                            backoff=Backoff(base_s=backoff_s)))
                    readings = fetch(ctx, [p.platform_post_id for p in posts])
                except (CoulissesError, httpx.HTTPError) as exc:
                    words = exc.one_line() if isinstance(exc, CoulissesError) else str(exc)
                    problems.append(f"{account.platform}:{account.name}: {words}")
                    if isinstance(exc, CoulissesError):
                        failures.append(exc)
                    continue
                at = datetime.now(UTC).replace(tzinfo=None)
                api_posts = [_api_post(p, linked.get(p.id)) for p in posts]
                result = record_api(store, platform=api.id, endpoint=endpoint_of(ctx), at=at,
                                    posts=api_posts, values=readings)
                imports.append(result)
                values += len(readings)
                synced += len(posts)
                matched += sum(1 for p in api_posts if p.campaign)
    finally:
        if own:
            http.close()
    if failures and not imports:  # nothing could be read: say why, loudly
        raise failures[0]
    return SyncResult(store_path, synced, values, matched, tuple(imports), skipped,
                      tuple(problems))
