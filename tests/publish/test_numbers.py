"""The numbers the studio shows for a published post: the latest synced lifetime totals read
back from a real analytics store, in a fixed order, with when they were read."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from coulisses.kpi.published import ApiPost, ApiValue, latest_numbers, record_api
from coulisses.kpi.store import open_store
from coulisses.publish.numbers import numbers_of
from coulisses.publish.tables import Post


def _values(post_id: str, views: float, watch_s: float) -> list[ApiValue]:
    return [ApiValue(post_id, "views", "views", views),
            ApiValue(post_id, "likes", "likes", views / 10),
            ApiValue(post_id, "estimatedMinutesWatched", "watch_time_s", watch_s),
            ApiValue(post_id, "subscribersGained", "subscribers_gained", 3.0)]


def test_the_latest_sync_wins_and_only_the_shown_metrics_come_back(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    posts = [ApiPost(platform="youtube", post_id="yt-1", publish_post=7)]
    first, later = datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 3, 18, 30)
    with open_store(path) as store:
        record_api(store, platform="youtube", endpoint="/v2/reports", at=first, posts=posts,
                   values=_values("yt-1", 100.0, 600.0))
        record_api(store, platform="youtube", endpoint="/v2/reports", at=later, posts=posts,
                   values=_values("yt-1", 250.0, 1500.0))
        found = latest_numbers(store, [("youtube", "yt-1"), ("youtube", "never-synced"),
                                       ("tiktok", "yt-1")])
    assert list(found) == [("youtube", "yt-1")]
    numbers = found[("youtube", "yt-1")]
    assert numbers.values == (("views", 250.0), ("likes", 25.0), ("watch_time_s", 1500.0))
    assert numbers.get("comments") is None  # a metric the platform did not give is absent
    assert numbers.synced_at == later
    assert numbers.synced_ms == int(datetime.fromisoformat("2026-12-03T18:30:00+00:00")
                                    .timestamp() * 1000)


def test_posts_map_to_their_numbers_and_no_store_is_made_before_a_sync(tmp_path: Path) -> None:
    path = tmp_path / "ws" / "analytics.duckdb"
    published = Post(id=3, platform="youtube", platform_post_id="yt-1", state="published")
    draft = Post(id=4, platform="youtube", platform_post_id="", state="draft")
    assert numbers_of(path, [published, draft]) == {}
    assert not path.exists()
    with open_store(path) as store:
        record_api(store, platform="youtube", endpoint="/v2/reports",
                   at=datetime(2026, 12, 2, 12, 0),
                   posts=[ApiPost(platform="youtube", post_id="yt-1", publish_post=3)],
                   values=_values("yt-1", 40.0, 90.0))
    found = numbers_of(path, [published, draft])
    assert list(found) == [3] and found[3].get("views") == 40.0
