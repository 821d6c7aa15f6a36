"""What a post was made from: its campaign, deliverable, cut, variant, BTS item, beats and moment
kinds, recorded with the post when it is scheduled so that its results come back to them by
its platform id, never by guessing.

The link is one ``link`` event in the post's history (``publish_events``): written once, in the
same transaction as the post, and read back by ``coulisses publish sync``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.publish.tables import PostEvent, now_ms

EVENT = "link"


@dataclass(frozen=True)
class PostLink:
    """Where a post comes from in the plan and the studio."""

    campaign: str
    deliverable: str
    kind: str = "campaign"  # campaign (an episode's deliverable) | bts
    cut: str = ""  # the studio cut version, or the results folder of ``coulisses cut``
    variant: str = ""  # the rendered file of that cut for this platform
    bts_item: str = ""
    beats: tuple[str, ...] = ()
    moment_kinds: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PostLink:
        data = json.loads(text)
        return cls(**{**data, "beats": tuple(data.get("beats", ())),
                      "moment_kinds": tuple(data.get("moment_kinds", ()))})


def record(session: Session, post_id: int, link: PostLink) -> None:
    """Add the link to the post's history (the caller commits, with the post)."""
    session.add(PostEvent(post_id=post_id, at_ms=now_ms(), kind=EVENT, state="",
                          detail=link.to_json()))


def links_of(session: Session, post_ids: Iterable[int]) -> dict[int, PostLink]:
    """The links of these posts (posts scheduled without a campaign have none)."""
    ids = list(post_ids)
    out: dict[int, PostLink] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(PostEvent.post_id, PostEvent.detail).where(
            PostEvent.kind == EVENT, PostEvent.post_id.in_(ids[start:start + 500])))
        for post_id, detail in rows:
            out[post_id] = PostLink.from_json(detail)
    return out
