"""TikTok Studio exports: the per-video content export (CSV or XLSX, lifetime totals) and the
daily account files (Overview, FollowerHistory, Viewers) whose dates have no year.
"""

from __future__ import annotations

import re

from coulisses.kpi.imports.model import Fields, Hooks

_VIDEO_ID = re.compile(r"/video/(\d+)")


def video_id(fields: Fields) -> str | None:
    """The numeric id in ``https://www.tiktok.com/@brand/video/7301...``, else the link."""
    url = fields.get("url")
    if not isinstance(url, str) or not url:
        return None
    match = _VIDEO_ID.search(url)
    return match.group(1) if match else url


def account(fields: Fields) -> str:
    """Daily files describe the whole account: post_id ''."""
    return ""


HOOKS = {
    "tiktok.content": Hooks(post_id=video_id),
    "tiktok.overview": Hooks(post_id=account),
    "tiktok.followers": Hooks(post_id=account),
    "tiktok.viewers": Hooks(post_id=account),
}
