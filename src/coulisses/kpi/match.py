"""Match stored posts to coulisses campaigns and variants: by platform id, then URL, then
caption similarity, then publish time (with the caption or title deciding between posts of the
same window), from the deliverables of a campaign file (``coulisses.kpi.campaign_posts``) or a
file of known posts:

    version: 1
    posts:
      - platform: tiktok
        post_id: "7301234567890123456"     # any of post_id, url, caption, published_at
        url: https://www.tiktok.com/@brand/video/7301234567890123456
        caption: Behind the scenes of the spring shoot
        published_at: 2026-10-03 18:00
        campaign: spring-launch
        variant: tiktok-teaser
        kind: bts                          # campaign | bts | other
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from coulisses.errors import CampaignError

if TYPE_CHECKING:
    import duckdb

CAPTION_SIMILARITY = 0.85  # difflib ratio of normalised captions
TIME_WINDOW = timedelta(minutes=15)  # scheduled vs actual publish time
DAY_SLACK = timedelta(hours=14)  # a day planned without a time, in any time zone
TITLE_SIMILARITY = 0.5  # enough to pick one of several posts of the same window


class KnownPost(BaseModel):
    """A post the team published, and the campaign and variant it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    platform: str
    post_id: str | None = None
    url: str | None = None
    caption: str | None = None
    published_at: datetime | None = None
    published_day: date | None = None  # planned for that day, time unknown
    title: str | None = None  # the episode's or BTS item's title, compared like the caption
    campaign: str
    variant: str | None = None
    kind: Literal["campaign", "bts", "other"] = "campaign"

    @model_validator(mode="before")
    @classmethod
    def _ids_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("post_id"), int):
            return {**data, "post_id": str(data["post_id"])}
        return data

    @model_validator(mode="after")
    def _something_to_match(self) -> KnownPost:
        if not (self.post_id or self.url or self.caption or self.published_at or
                self.published_day or self.title):
            raise ValueError("give at least one of post_id, url, caption, published_at")
        return self


class KnownPosts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    posts: list[KnownPost]


def load_known_posts(path: Path) -> list[KnownPost]:
    """Read a known-posts file.

    Raises:
        CampaignError: unreadable YAML or an entry that does not validate, with its line.
    """
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise CampaignError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CampaignError(f"not valid YAML ({getattr(exc, 'problem', exc)})", path=path,
                            line=mark.line + 1 if mark else None) from None
    try:
        return KnownPosts.model_validate(data).posts
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        raise CampaignError(f"{'.'.join(loc) or 'file'}: {first['msg']}", path=path,
                            line=_line(node, loc),
                            hint="a known-posts file has version: 1 and posts: [...]") from None


def _line(node: Any, loc: list[str]) -> int | None:
    line = 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(
                node.value):
            hit = (node.value[int(key)], node.value[int(key)])
        else:
            break
        if hit is None:
            break
        line, node = hit[0].start_mark.line + 1, hit[1]
    return line


def normalise_url(url: str) -> str:
    """Compare links without scheme, ``www.``, query string or trailing slash."""
    url = re.sub(r"^https?://(www\.|m\.)?", "", url.strip().casefold())
    return url.split("?")[0].split("#")[0].rstrip("/")


def _caption(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def find_match(platform: str, post_id: str, url: str | None, caption: str | None,
               published_at: datetime | None, known: list[KnownPost]) -> tuple[KnownPost,
                                                                                str] | None:
    """The known post this stored post is, and the rule that said so; None when none fits."""
    same = [k for k in known if k.platform == platform]
    for k in same:
        if k.post_id and k.post_id == post_id:
            return k, "id"
    if url:
        target = normalise_url(url)
        for k in same:
            if k.url and normalise_url(k.url) == target:
                return k, "url"
    if caption:
        text = _caption(caption)
        scored = []
        for k in same:
            if k.caption:
                matcher = SequenceMatcher(None, text, _caption(k.caption))
                if matcher.real_quick_ratio() >= CAPTION_SIMILARITY and \
                        matcher.ratio() >= CAPTION_SIMILARITY:
                    scored.append((matcher.ratio(), k))
        scored.sort(key=lambda pair: -pair[0])
        if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            return scored[0][1], "caption"
    if published_at:
        near = [k for k in same if _in_window(k, published_at)]
        if len(near) == 1:
            return near[0], "time"
        if near and caption:
            scored = sorted(((similarity(caption, k), k) for k in near), key=lambda p: -p[0])
            if scored[0][0] >= TITLE_SIMILARITY and scored[0][0] > scored[1][0]:
                return scored[0][1], "time+caption"
    return None


def _in_window(k: KnownPost, published_at: datetime) -> bool:
    if k.published_at is not None:
        return abs(k.published_at.replace(tzinfo=None) - published_at) <= TIME_WINDOW
    if k.published_day is not None:
        start = datetime(k.published_day.year, k.published_day.month, k.published_day.day)
        return start - DAY_SLACK <= published_at < start + timedelta(days=1) + DAY_SLACK
    return False


def similarity(caption: str, k: KnownPost) -> float:
    """How much ``caption`` looks like the planned caption or title: the better of difflib's
    ratio and the share of the planned words found in the caption (hashtags added to a title
    do not hide it)."""
    text = _caption(caption)
    words = set(re.findall(r"\w+", text))
    best = 0.0
    for planned in (k.caption, k.title):
        if not planned:
            continue
        target = _caption(planned)
        wanted = set(re.findall(r"\w+", target))
        share = len(wanted & words) / len(wanted) if wanted else 0.0
        best = max(best, SequenceMatcher(None, text, target).ratio(), share)
    return best


def match_posts(con: duckdb.DuckDBPyConnection, known: list[KnownPost]) -> int:
    """Match every stored post against ``known`` and record campaign, variant, kind and rule;
    posts coulisses published for a campaign keep the match their platform id gave them.

    Returns the number of posts matched.
    """
    # a post coulisses published is known by its platform id (``published``): never guessed
    rows = con.execute("SELECT platform, post_id, url, caption, published_at FROM posts p "
                       "WHERE NOT EXISTS (SELECT 1 FROM published k WHERE k.platform = "
                       "p.platform AND k.post_id = p.post_id AND k.campaign IS NOT NULL)"
                       ).fetchall()
    updates = []
    for platform, post_id, url, caption, published_at in rows:
        hit = find_match(platform, post_id, url, caption, published_at, known)
        if hit is not None:
            k, rule = hit
            updates.append((k.campaign, k.variant, k.kind, rule, platform, post_id))
    if updates:
        con.executemany("UPDATE posts SET campaign = ?, variant = ?, kind = ?, match_rule = ? "
                        "WHERE platform = ? AND post_id = ?", updates)
    return len(updates)
