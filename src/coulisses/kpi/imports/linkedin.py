"""LinkedIn page analytics (XLS or XLSX from the admin view): the "All posts" content sheet,
the daily followers and visitors sheets. CTR and engagement rate are fractions (0.2396).
"""

from __future__ import annotations

import re

from coulisses.kpi.imports.model import Fields, Hooks

_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):(\d+)|activity-(\d+)")


def post_id(fields: Fields) -> str | None:
    """The activity number of ``https://www.linkedin.com/feed/update/urn:li:activity:7...``."""
    url = fields.get("url")
    if not isinstance(url, str) or not url:
        return None
    match = _URN.search(url)
    return (match.group(1) or match.group(2)) if match else url


def account(fields: Fields) -> str:
    return ""


HOOKS = {
    "linkedin.posts": Hooks(post_id=post_id),
    "linkedin.followers": Hooks(post_id=account),
    "linkedin.visitors": Hooks(post_id=account),
}
