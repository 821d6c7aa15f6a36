"""A decision's cut, measured: once the cut that resulted is published and its numbers synced,
the decision log shows its key KPIs, post by post. The publish ledger links each post to the
studio cut it was made from (``publish.links``: "studio cut N version M"); the numbers are the
latest lifetime totals in the workspace's analytics store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.publish import links
from coulisses.publish.tables import Post, PublishAccount

KEY_METRICS = ("views", "likes", "comments", "shares")


@dataclass(frozen=True)
class CutKpis:
    """One published post of a decision's cut, and its latest numbers."""

    post_id: int
    platform: str
    url: str
    values: tuple[tuple[str, float], ...]  # key metrics, in ``KEY_METRICS`` order
    synced_at: datetime | None


def _cut_of(label: str) -> int | None:
    """The studio cut id of a link's ``cut`` ("studio cut 12 version 3")."""
    words = label.split()
    if len(words) == 5 and words[:2] == ["studio", "cut"] and words[3] == "version" \
            and words[2].isdigit() and len(words[2]) < 19:
        return int(words[2])
    return None


def posts_of_cuts(db: Session, workspace_id: int, cut_ids: Iterable[int]) -> dict[int, list[Post]]:
    """The workspace's published posts made from each of ``cut_ids`` (any version), by cut."""
    wanted = set(cut_ids)
    if not wanted:
        return {}
    posts = list(db.scalars(
        select(Post).join(PublishAccount, Post.account_id == PublishAccount.id)
        .where(Post.state == "published", Post.platform_post_id != "",
               (PublishAccount.workspace_id == workspace_id)
               | PublishAccount.workspace_id.is_(None))
        .order_by(Post.id)))
    linked = links.links_of(db, [p.id for p in posts])
    out: dict[int, list[Post]] = {}
    for post in posts:
        link = linked.get(post.id)
        cut = _cut_of(link.cut) if link is not None else None
        if cut in wanted:
            out.setdefault(cut, []).append(post)
    return out


def cut_kpis(db: Session, data_dir: Path, workspace_id: int, cut_ids: Iterable[int]
             ) -> dict[int, list[CutKpis]]:
    """Each cut's published posts with their latest synced key KPIs, by cut id; a cut not
    published, or published but never synced, is absent.

    Raises:
        OutputError: the analytics store exists but cannot be opened.
    """
    from coulisses.publish.numbers import numbers_of
    from coulisses.studio.files import analytics_store

    by_cut = posts_of_cuts(db, workspace_id, cut_ids)
    every = [p for posts in by_cut.values() for p in posts]
    numbers = numbers_of(analytics_store(data_dir, workspace_id), every) if every else {}
    out: dict[int, list[CutKpis]] = {}
    for cut_id, posts in by_cut.items():
        for post in posts:
            found = numbers.get(post.id)
            if found is None:
                continue
            values = tuple((m, v) for m in KEY_METRICS if (v := found.get(m)) is not None)
            out.setdefault(cut_id, []).append(CutKpis(post.id, post.platform, post.url, values,
                                                      found.synced_at))
    return out
