"""``publish sync``: posts published to the sandbox on every platform, their numbers read back
through each platform's metrics API into the analytics store, with provenance, matched by
platform id to the deliverable they were scheduled for; faults are ridden out."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from publishkit import PLATFORMS
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import TransientError
from coulisses.kpi.published import moment_kinds
from coulisses.kpi.store import open_store
from coulisses.publish import accounts, queue
from coulisses.publish.api import PlatformApi, validate_options
from coulisses.publish.links import PostLink
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import parse_faults
from coulisses.publish.sandbox.metrics import answer
from coulisses.publish.sync import sync
from coulisses.publish.tables import now_ms
from coulisses.publish.worker import Worker, WorkerConfig, sha256_of


class Clock:
    """The sandbox's "now", moved forward by the test."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def _publish_all(db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
                 url: str, video: Path, tmp_path: Path) -> dict[str, int]:
    """One post per platform, the TikTok one linked to a BTS deliverable; worker until idle."""
    ids = {}
    with db() as session:
        for platform in PLATFORMS:
            api = apis[platform]
            account = accounts.add(session, fernet, api, "brand", sandbox_url=url)
            link = PostLink(campaign="spring", deliverable="bts-rig-tiktok", kind="bts",
                            cut="results/rig", variant="rig.tiktok.mp4", bts_item="rig",
                            beats=("setup",), moment_kinds=("laughter", "preparation")) \
                if platform == "tiktok" else None
            ids[platform] = queue.schedule(
                session, account_id=account.id, platform=platform, video_path=str(video),
                video_sha256=sha256_of(video), size_bytes=video.stat().st_size,
                due_ms=now_ms(), caption=f"on set #{platform}",
                options=validate_options(api, {}), link=link).id
    worker = Worker(db, fernet, apis, WorkerConfig(backoff_s=0.0, poll_s=0.0,
                                                   packs=tmp_path / "packs"))
    try:
        worker.run(until_idle=True)
    finally:
        worker.close()
    return ids


def test_every_platforms_numbers_come_back_matched_by_id_with_provenance(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    clock = Clock()
    store = tmp_path / "analytics.duckdb"
    with SandboxServer(tmp_path / "sb", clock=clock) as server:
        ids = _publish_all(db, fernet, apis, server.url, video, tmp_path)
        with db() as session:
            posted = {p: queue.get(session, i).platform_post_id for p, i in ids.items()}
        assert all(posted.values())
        first = sync(db, fernet, apis, store, backoff_s=0.0)
        clock.offset = 36 * 3600.0  # a day and a half later
        then = time.time() + clock.offset
        second = sync(db, fernet, apis, store, backoff_s=0.0)
        sandbox_times = {p["platform_id"]: p["time"]
                         for p in httpx.get(f"{server.url}/_sandbox/posts").json()["posts"]}

    assert (first.posts, first.matched, first.problems) == (5, 1, ())
    assert {i.platform for i in first.imports} == set(PLATFORMS)
    assert second.values == first.values > 0
    assert sum(i.values_changed for i in second.imports) > 0  # the numbers grew
    with open_store(store) as db_:
        for platform in PLATFORMS:
            api = apis[platform]
            assert api.metrics is not None
            pid = posted[platform]
            rows = db_.con.execute(
                "SELECT metric, value, source_file, source_sheet, source_column, i.adapter, "
                "i.platform, i.imported_at FROM metrics m JOIN imports i USING (import_id) "
                "WHERE m.platform = ? AND m.post_id = ?", [platform, pid]).fetchall()
            expected = answer(api, pid, then - sandbox_times[pid])
            assert {r[4] for r in rows} == set(api.metrics.fields)
            for metric, value, source, sheet, column, adapter, where, at in rows:
                spec = api.metrics.fields[column]
                assert metric == spec.metric
                # the values of the second sync, a day and a half on (seconds of drift aside)
                assert value == pytest.approx(expected[column] * spec.scale, rel=0.01)
                assert (sheet, adapter, where) == ("api", "api", platform)
                assert source.startswith(f"{server.url}/{platform}/")
                assert at is not None
        posts = {(p.platform, p.post_id): p for p in db_.posts()}
        linked = posts[("tiktok", posted["tiktok"])]
        assert (linked.campaign, linked.variant, linked.kind, linked.match_rule) == \
            ("spring", "bts-rig-tiktok", "bts", "id")
        assert all(posts[(p, posted[p])].campaign is None for p in PLATFORMS if p != "tiktok")
        assert moment_kinds(db_) == {("tiktok", posted["tiktok"]): ("laughter", "preparation")}
        row = db_.con.execute("SELECT cut, variant, bts_item, beats, publish_post FROM "
                              "published WHERE platform = 'tiktok'").fetchone()
        assert row == ("results/rig", "rig.tiktok.mp4", "rig", "setup", ids["tiktok"])


def test_faults_are_ridden_out_and_a_platform_that_is_down_says_so(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    with SandboxServer(tmp_path / "sb") as server:
        _publish_all(db, fernet, apis, server.url, video, tmp_path)
    port = server.port  # the same sandbox, started again with faults
    store = tmp_path / "analytics.duckdb"
    faults = parse_faults("5xx=0.3,429=0.2,expire=0.3,retry_after=0,seed=3")
    with SandboxServer(tmp_path / "sb", port=port, faults=faults) as flaky:
        result = sync(db, fernet, apis, store, backoff_s=0.0)
        injected = httpx.get(f"{flaky.url}/_sandbox/faults").json()["injected"]
    assert result.problems == () and result.posts == 5
    assert injected["5xx"] + injected["429"] + injected["expire"] > 0
    with SandboxServer(tmp_path / "sb", port=port, faults=parse_faults("5xx=1")), \
            pytest.raises(TransientError, match="HTTP 503"):
        sync(db, fernet, apis, tmp_path / "other.duckdb", backoff_s=0.0)
    with open_store(tmp_path / "other.duckdb") as empty:
        assert empty.con.execute("SELECT count(*) FROM metrics").fetchone() == (0,)


def test_youtube_numbers_come_from_the_analytics_reports_query(
        apis: dict[str, PlatformApi], sandbox: SandboxServer) -> None:
    """Views, watch time, average view duration, likes, comments, shares and subscribers gained
    per video, from reports.query's result table; a query without its required parts is
    refused as the API does."""
    from publishkit import sign_in

    api = apis["youtube"]
    assert api.metrics is not None and api.metrics.style == "youtube-analytics"
    assert api.metrics.base_url == "https://youtubeanalytics.googleapis.com"
    assert {f.metric for f in api.metrics.fields.values()} == {
        "views", "watch_time_s", "avg_watch_time_s", "likes", "comments", "shares",
        "subscribers_gained"}
    assert any(s.endswith("/yt-analytics.readonly") for s in api.auth.scopes)
    headers = {"Authorization": f"Bearer {sign_in(api, sandbox.url).access_token}"}
    url = f"{sandbox.url}/youtube/v2/reports"
    query = {"ids": "channel==MINE", "startDate": "2005-02-14", "endDate": "2026-12-04",
             "metrics": "views,estimatedMinutesWatched", "dimensions": "video",
             "filters": "video==nothing-posted"}
    empty = httpx.get(url, params=query, headers=headers, timeout=10).json()
    assert empty["kind"] == "youtubeAnalytics#resultTable" and empty["rows"] == []
    assert [h["name"] for h in empty["columnHeaders"]] == ["video", "views",
                                                           "estimatedMinutesWatched"]
    for broken in ({"startDate": "yesterday"}, {"ids": "channel==UC1"}, {"metrics": "plays"},
                   {"dimensions": "day"}):
        refused = httpx.get(url, params={**query, **broken}, headers=headers, timeout=10)
        assert refused.status_code == 400
        assert refused.json()["error"]["errors"][0]["reason"] == "badRequest", broken
