"""Sandbox routes for per-post metrics: TikTok's video query, Meta's insights, YouTube's
statistics and LinkedIn's member post analytics, in each platform's own answer shape.

Numbers are plausible and deterministic: each post's audience follows from its platform id, and
grows with the time since it was posted (the sandbox's clock), so two syncs a while apart show
the growth and the same moment always gives the same numbers. Faults (5xx, 429, an access token
that expires mid-use) hit these calls like any other.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from coulisses.publish.api import PlatformApi
from coulisses.publish.sandbox.context import Sandbox

GROWTH_HOURS = 24.0  # most of a post's audience comes within a day or two
_LINKEDIN_ENTITY = re.compile(r"^\((?:share|ugcPost):(urn:li:(?:share|ugcPost):\d+)\)$")


def audience(platform_id: str, age_s: float) -> dict[str, float]:
    """A post's canonical metrics ``age_s`` seconds after it was posted."""
    seed = int.from_bytes(hashlib.sha256(platform_id.encode()).digest()[:8], "big")
    base = 1_500 + seed % 48_000
    share = 0.35 + 0.65 * (1 - math.exp(-max(age_s, 0.0) / 3600 / GROWTH_HOURS))
    views = round(base * share)
    like_rate = 0.03 + (seed >> 16) % 60 / 1000
    comment_rate = 0.002 + (seed >> 24) % 12 / 1000
    avg_watch = 4.0 + (seed >> 32) % 90 / 10
    return {"views": views, "impressions": round(views * 1.6), "reach": round(views * 0.82),
            "likes": round(views * like_rate), "comments": round(views * comment_rate),
            "shares": round(views * like_rate / 6), "saves": round(views * like_rate / 9),
            "avg_watch_time_s": avg_watch, "watch_time_s": round(views * avg_watch, 1),
            "subscribers_gained": round(views * (0.002 + (seed >> 40) % 8 / 1000))}


def answer(api: PlatformApi, platform_id: str, age_s: float) -> dict[str, float | int]:
    """The post's numbers keyed by the platform's own field names, in its units."""
    assert api.metrics is not None
    canonical = audience(platform_id, age_s)
    out: dict[str, float | int] = {}
    for name, field in api.metrics.fields.items():
        value = canonical.get(field.metric, 0.0) / field.scale
        out[name] = round(value) if field.scale != 1.0 or float(value).is_integer() else value
    return out


def routes(sb: Sandbox) -> APIRouter:
    r = APIRouter()

    def posted(platform: str, account: str, platform_id: str) -> dict[str, Any] | None:
        post = sb.store.find_post(platform, platform_id)
        return post if post is not None and post["account"] == account else None

    def age(post: dict[str, Any]) -> float:
        return sb.clock() - float(post["time"])

    tiktok = sb.apis["tiktok"]
    if tiktok.metrics is not None:
        @r.post("/tiktok" + tiktok.metrics.endpoint)
        async def video_query(request: Request) -> JSONResponse:
            sb.gate("tiktok")
            account = sb.account_of("tiktok", request)
            fields = [f for f in request.query_params.get("fields", "").split(",") if f]
            body = await request.json()
            ids = (body.get("filters") or {}).get("video_ids") or []
            if not fields or not isinstance(ids, list) or len(ids) > 20:
                raise sb.fail("tiktok", 400, "invalid_params",
                              "fields and 1 to 20 filters.video_ids are required")
            videos = []
            for vid in ids:
                post = posted("tiktok", account, str(vid))
                if post is not None:
                    numbers = answer(tiktok, str(vid), age(post))
                    videos.append({"id": str(vid), **{f: numbers[f] for f in fields
                                                      if f in numbers}})
            return JSONResponse({"data": {"videos": videos, "cursor": 0, "has_more": False},
                                 "error": {"code": "ok", "message": "", "log_id": "sb"}})

    for platform in ("instagram", "facebook"):
        _graph(r, sb, platform, posted, age)

    youtube = sb.apis["youtube"]
    if youtube.metrics is not None and youtube.metrics.style == "youtube-analytics":
        _youtube_analytics(r, sb, posted, age)
    elif youtube.metrics is not None:
        @r.get("/youtube" + youtube.metrics.endpoint)
        def videos(request: Request) -> JSONResponse:
            sb.gate("youtube")
            account = sb.account_of("youtube", request)
            if request.query_params.get("part") != "statistics":
                raise sb.fail("youtube", 400, "invalidPart", "the sandbox serves part=statistics")
            items = []
            for vid in request.query_params.get("id", "").split(",")[:50]:
                post = posted("youtube", account, vid)
                if post is not None:
                    numbers = answer(youtube, vid, age(post))
                    items.append({"kind": "youtube#video", "id": vid,
                                  "statistics": {k: str(v) for k, v in numbers.items()}})
            return JSONResponse({"kind": "youtube#videoListResponse", "items": items,
                                 "pageInfo": {"totalResults": len(items),
                                              "resultsPerPage": len(items)}})

    linkedin = sb.apis["linkedin"]
    li_metrics = linkedin.metrics
    if li_metrics is not None:
        @r.get("/linkedin" + li_metrics.endpoint)
        def member_analytics(request: Request) -> JSONResponse:
            sb.gate("linkedin")
            header = linkedin.api_version.header or "LinkedIn-Version"
            if request.headers.get(header, "") != linkedin.api_version.value:
                raise sb.fail("linkedin", 426, "NONEXISTENT_VERSION",
                              "Requested version is not active")
            account = sb.account_of("linkedin", request)
            q = request.query_params
            match = _LINKEDIN_ENTITY.match(q.get("entity", ""))
            kind = q.get("queryType", "")
            if q.get("q") != "entity" or match is None or kind not in li_metrics.fields:
                raise sb.fail("linkedin", 400, "ILLEGAL_ARGUMENT",
                              "q=entity, entity=(share:URN) and a known queryType are required")
            post = posted("linkedin", account, match.group(1))
            if post is None:
                raise sb.fail("linkedin", 404, "NOT_FOUND", f"no post {match.group(1)}")
            count = answer(linkedin, match.group(1), age(post))[kind]
            return JSONResponse({"paging": {"start": 0, "count": 10, "links": []},
                                 "elements": [{"count": count, "metricType": {
                                     "com.linkedin.adsexternalapi.memberanalytics.v1."
                                     "CreatorPostAnalyticsMetricTypeV1": kind}}]})

    return r


def _graph(r: APIRouter, sb: Sandbox, platform: str,
           posted: Callable[[str, str, str], dict[str, Any] | None],
           age: Callable[[dict[str, Any]], float]) -> None:
    """Meta's insights edge: ``GET /{version}/{media}/insights?metric=a,b``."""
    api = sb.apis[platform]
    metrics = api.metrics
    if metrics is None:
        return
    path = "/" + platform + metrics.endpoint.format(version=api.api_version.value,
                                                        media_id="{media}")

    @r.get(path, name=f"{platform}_insights")
    def insights(media: str, request: Request) -> JSONResponse:
        sb.gate(platform)
        account = sb.account_of(platform, request)
        asked = [m for m in request.query_params.get("metric", "").split(",") if m]
        if not asked or any(m not in metrics.fields for m in asked):
            raise sb.fail(platform, 400, "100", "(#100) metric must be one of "
                          f"{', '.join(metrics.fields)}")
        post = posted(platform, account, media)
        if post is None:
            raise sb.fail(platform, 400, "100/33", f"object {media} does not exist")
        numbers = answer(api, media, age(post))
        return JSONResponse({"data": [
            {"name": m, "period": "lifetime", "values": [{"value": numbers[m]}],
             "title": m, "id": f"{media}/insights/{m}/lifetime"} for m in asked]})


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _youtube_analytics(r: APIRouter, sb: Sandbox,
                       posted: Callable[[str, str, str], dict[str, Any] | None],
                       age: Callable[[dict[str, Any]], float]) -> None:
    """YouTube Analytics ``reports.query``: a result table, one row per video of the channel."""
    youtube = sb.apis["youtube"]
    metrics = youtube.metrics
    assert metrics is not None

    @r.get("/youtube" + metrics.endpoint)
    def reports(request: Request) -> JSONResponse:
        sb.gate("youtube")
        account = sb.account_of("youtube", request)
        q = request.query_params
        asked = [m for m in q.get("metrics", "").split(",") if m]
        unknown = [m for m in asked if m not in metrics.fields]
        filters = q.get("filters", "")
        if q.get("ids") != "channel==MINE" or not _DAY.match(q.get("startDate", "")) \
                or not _DAY.match(q.get("endDate", "")) or q["startDate"] > q["endDate"]:
            raise sb.fail("youtube", 400, "badRequest",
                          "ids=channel==MINE, startDate and endDate (YYYY-MM-DD) are required")
        if not asked or unknown:
            raise sb.fail("youtube", 400, "badRequest",
                          f"unknown or missing metrics: {','.join(unknown) or '(none)'}")
        if q.get("dimensions") != "video" or not filters.startswith("video=="):
            raise sb.fail("youtube", 400, "badRequest",
                          "the sandbox serves dimensions=video with filters=video==ID,...")
        ids = filters.removeprefix("video==").split(",")
        if len(ids) > 500:
            raise sb.fail("youtube", 400, "badRequest", "at most 500 videos per filter")
        headers = [{"name": "video", "columnType": "DIMENSION", "dataType": "STRING"}] + [
            {"name": m, "columnType": "METRIC",
             "dataType": "FLOAT" if m == "averageViewDuration" else "INTEGER"} for m in asked]
        rows = []
        for vid in ids:
            post = posted("youtube", account, vid)
            if post is not None:
                numbers = answer(youtube, vid, age(post))
                rows.append([vid, *(numbers[m] for m in asked)])
        return JSONResponse({"kind": "youtubeAnalytics#resultTable",
                             "columnHeaders": headers, "rows": rows})
