"""Per-post metrics read through each platform's documented API, in the shape the data names
(``metrics.style`` in ``publish/data/*.yaml``): TikTok's video query, Meta's insights edge,
YouTube Analytics' ``reports.query`` (or ``videos.list`` statistics), LinkedIn's member post
analytics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from coulisses.kpi.published import ApiValue
from coulisses.publish.api import Metrics
from coulisses.publish.connectors.base import Context

YOUTUBE_FIRST_DAY = "2005-02-14"  # reports.query needs dates: lifetime totals start here


def _base(ctx: Context, metrics: Metrics) -> str:
    """The metrics call's host: its own (YouTube Analytics), else the API's; the sandbox's."""
    if metrics.base_url and not ctx.endpoints.sandbox_url:
        return metrics.base_url.rstrip("/")
    return ctx.endpoints.base


def _url(ctx: Context, metrics: Metrics, media_id: str = "") -> str:
    api = ctx.endpoints.api
    path = metrics.endpoint.format(version=api.api_version.value,
                                   media_id=quote(media_id, safe=""))
    return _base(ctx, metrics) + path


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _readings(metrics: Metrics, platform_id: str, values: dict[str, Any]) -> list[ApiValue]:
    out = []
    for name, spec in metrics.fields.items():
        number = _number(values.get(name))
        if number is not None:  # a value the platform does not give is absent, never 0
            out.append(ApiValue(platform_id, name, spec.metric, number * spec.scale))
    return out


def _batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _tiktok(ctx: Context, metrics: Metrics, ids: list[str]) -> list[ApiValue]:
    out = []
    for batch in _batches(ids, metrics.batch):
        body = ctx.client.call("POST", _url(ctx, metrics),
                               params={"fields": ",".join(["id", *metrics.fields])},
                               json={"filters": {"video_ids": batch}}).json()
        for video in (body.get("data") or {}).get("videos") or []:
            out += _readings(metrics, str(video.get("id", "")), video)
    return out


def _graph(ctx: Context, metrics: Metrics, ids: list[str]) -> list[ApiValue]:
    out = []
    for media in ids:
        body = ctx.client.call("GET", _url(ctx, metrics, media),
                               params={"metric": ",".join(metrics.fields)}).json()
        values = {}
        for item in body.get("data") or []:
            found = item.get("values") or [{}]
            values[str(item.get("name", ""))] = found[-1].get("value")
        out += _readings(metrics, media, values)
    return out


def _youtube(ctx: Context, metrics: Metrics, ids: list[str]) -> list[ApiValue]:
    out = []
    for batch in _batches(ids, metrics.batch):
        body = ctx.client.call("GET", _url(ctx, metrics),
                               params={"part": "statistics", "id": ",".join(batch)}).json()
        for item in body.get("items") or []:
            out += _readings(metrics, str(item.get("id", "")), item.get("statistics") or {})
    return out


def _youtube_analytics(ctx: Context, metrics: Metrics, ids: list[str]) -> list[ApiValue]:
    """reports.query, one row per video: lifetime totals from YouTube's first day to today."""
    out = []
    today = datetime.now(UTC).date().isoformat()
    for batch in _batches(ids, metrics.batch):
        body = ctx.client.call("GET", _url(ctx, metrics), params={
            "ids": "channel==MINE", "startDate": YOUTUBE_FIRST_DAY, "endDate": today,
            "metrics": ",".join(metrics.fields), "dimensions": "video",
            "filters": "video==" + ",".join(batch), "maxResults": str(len(batch)),
            "sort": f"-{next(iter(metrics.fields))}"}).json()
        names = [str(h.get("name", "")) for h in body.get("columnHeaders") or []]
        for row in body.get("rows") or []:
            values = dict(zip(names, row, strict=False))
            out += _readings(metrics, str(values.get("video", "")), values)
    return out


def _linkedin(ctx: Context, metrics: Metrics, ids: list[str]) -> list[ApiValue]:
    api = ctx.endpoints.api
    headers = {api.api_version.header or "LinkedIn-Version": api.api_version.value,
               "X-Restli-Protocol-Version": "2.0.0"}
    out = []
    for urn in ids:
        kind = "ugcPost" if urn.startswith("urn:li:ugcPost:") else "share"
        values = {}
        for query in metrics.fields:
            body = ctx.client.call("GET", _url(ctx, metrics), headers=headers,
                                   params={"q": "entity", "entity": f"({kind}:{urn})",
                                           "queryType": query, "aggregation": "TOTAL"}).json()
            elements = body.get("elements") or []
            if elements:
                values[query] = sum(float(e.get("count") or 0) for e in elements)
        out += _readings(metrics, urn, values)
    return out


STYLES: dict[str, Callable[[Context, Metrics, list[str]], list[ApiValue]]] = {
    "tiktok-video-query": _tiktok, "graph-insights": _graph,
    "youtube-statistics": _youtube, "youtube-analytics": _youtube_analytics,
    "linkedin-member-analytics": _linkedin,
}


def endpoint_of(ctx: Context) -> str:
    """The metrics call's URL as recorded in the provenance (ids left as placeholders)."""
    metrics = ctx.endpoints.api.metrics
    if metrics is None:
        return ""
    return _base(ctx, metrics) + metrics.endpoint.format(
        version=ctx.endpoints.api.api_version.value, media_id="{media_id}")


def fetch(ctx: Context, platform_ids: list[str]) -> list[ApiValue]:
    """Every number the platform gives for these posts (an account's own posts).

    Raises:
        PlatformError: the platform refused the call (scope missing, post deleted).
        TransientError: 5xx, 429 or the network outlasted the retries.
    """
    metrics = ctx.endpoints.api.metrics
    if metrics is None or not platform_ids:
        return []
    return STYLES[metrics.style](ctx, metrics, platform_ids)
