"""The quota ledger: daily posting budgets from the data, counted before a post goes out.

Budgets over a window of an hour or more (Instagram's posts per 24 h, YouTube's uploads per day
and project, Facebook's reels per Page) are planned here, so a post waits for room instead of
being refused by the platform. Per-minute limits stay with the platform's 429 and Retry-After.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from coulisses.publish.api import PlatformApi
from coulisses.publish.tables import Post, PublishAccount

PLANNED_WINDOW_HOURS = 1.0


def quota_wait_ms(session: Session, post: Post, account: PublishAccount, api: PlatformApi,
                  now: int) -> tuple[int, str]:
    """How long ``post`` must wait for room in its platform's budgets (0: go), and which."""
    for quota in api.quotas:
        if quota.window_hours < PLANNED_WINDOW_HOURS:
            continue
        window = int(quota.window_hours * 3_600_000)
        used = or_(and_(Post.state == "published", Post.platform_post_id != "",
                        Post.updated_ms >= now - window),
                   and_(Post.state == "publishing", Post.lease_until_ms >= now))
        query = (select(Post.updated_ms).join(PublishAccount, Post.account_id == PublishAccount.id)
                 .where(Post.platform == post.platform, Post.id != post.id,
                        PublishAccount.channel == "api", used))
        if quota.per == "project":  # accounts that talk to the same service share one app
            query = query.where(PublishAccount.sandbox_url == account.sandbox_url)
        else:
            query = query.where(Post.account_id == account.id)
        count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if count < quota.limit:
            continue
        oldest = session.scalar(select(func.min(query.subquery().c.updated_ms))) or now
        wait = max(60_000, oldest + window - now)
        return wait, f"{api.name}: {quota.name} at {quota.limit} per {quota.window_hours:g} h"
    return 0, ""
