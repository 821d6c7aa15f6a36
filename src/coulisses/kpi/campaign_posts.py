"""A campaign file's deliverables as the posts to recognise among imported analytics.

Each deliverable (an episode's or a BTS item's) becomes a ``KnownPost``: its network (the
platform id's first word: ``instagram-reels`` is ``instagram``), its planned publish time in
UTC (the deliverable's time, else the platform plan's usual time, else the whole day), its
working caption and the episode's or BTS item's title, the campaign id, the deliverable id as
the variant, and ``campaign`` or ``bts`` as the kind.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign, Deliverable
    from coulisses.kpi.match import KnownPost


def network(platform_id: str) -> str:
    """The network an export names for a registry platform id (``youtube-shorts`` -> youtube)."""
    return platform_id.split("-")[0]


def campaign_posts(campaign: Campaign) -> list[KnownPost]:
    """Every deliverable of ``campaign`` as a post to match, episodes first."""
    usual = {p.platform: p.publish_time for p in campaign.platforms}
    zone = ZoneInfo(campaign.timezone)
    out = []
    for series in campaign.series:
        for episode in series.episodes:
            out += [_known(campaign.id, d, episode.title, "campaign", usual, zone)
                    for d in episode.deliverables]
    for item in campaign.bts:
        out += [_known(campaign.id, d, item.title, "bts", usual, zone)
                for d in item.deliverables]
    return out


def _known(campaign_id: str, item: Deliverable, title: str, kind: str,
           usual: dict[str, str | None], zone: ZoneInfo) -> KnownPost:
    from coulisses.kpi.match import KnownPost

    when = item.publish_time or usual.get(item.platform)
    published_at = None
    if item.publish is not None and when:
        hour, minute = (int(part) for part in when.split(":"))
        local = datetime(item.publish.year, item.publish.month, item.publish.day, hour, minute,
                         tzinfo=zone)
        published_at = local.astimezone(UTC).replace(tzinfo=None)
    return KnownPost(platform=network(item.platform), caption=item.caption, title=title,
                     published_at=published_at,
                     published_day=item.publish if published_at is None else None,
                     campaign=campaign_id, variant=item.id,
                     kind="bts" if kind == "bts" else "campaign")


def load_posts_to_match(path: Path) -> list[KnownPost]:
    """The posts to recognise, from a campaign file or a known-posts file (``posts:``).

    Raises:
        CampaignError: the file cannot be read, or does not validate (with its line).
    """
    import yaml

    from coulisses.campaign.load import load_campaign
    from coulisses.kpi.match import load_known_posts

    try:
        head = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        head = None  # let the campaign loader say what is wrong, with its line
    if isinstance(head, dict) and "posts" in head and "id" not in head:
        return load_known_posts(path)
    return campaign_posts(load_campaign(path))
