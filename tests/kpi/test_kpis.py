"""Every KPI against values computed by hand from a hand-written store (kpi/compute.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from test_report_helpers import build_store

from coulisses.errors import AnalyticsImportError
from coulisses.kpi.compute import Group, KpiValue, Period, compute, open_posts

POSTS = [
    {"platform": "tiktok", "post_id": "t1", "kind": "bts", "format": "video",
     "published_at": datetime(2024, 6, 1, 18, 30), "duration_s": 20.0,
     "caption": "Why did the light fall? Watch."},
    {"platform": "tiktok", "post_id": "t2", "kind": "campaign", "format": "video",
     "published_at": datetime(2024, 6, 2, 9, 0), "duration_s": 45.0,
     "caption": "New collection out now."},
    {"platform": "tiktok", "post_id": "t3", "kind": "bts", "format": "video",
     "published_at": datetime(2024, 6, 3, 19, 15), "duration_s": 25.0,
     "caption": "Behind the scenes!"},
    {"platform": "instagram", "post_id": "i1", "kind": "bts", "format": "reel",
     "published_at": datetime(2024, 6, 4, 18, 0), "duration_s": 30.0,
     "caption": "3 things we broke today"},
    {"platform": "instagram", "post_id": "i2", "kind": "campaign", "format": "reel",
     "published_at": datetime(2024, 6, 5, 12, 0), "duration_s": 60.0,
     "caption": "Meet the collection."},
    {"platform": "linkedin", "post_id": "l1", "kind": "campaign", "format": "video",
     "published_at": datetime(2024, 6, 6, 8, 0), "duration_s": 90.0},
]
LIFETIME = {
    ("tiktok", "t1"): {"views": 1000, "likes": 100, "comments": 20, "shares": 10,
                       "completion_rate": 0.40},
    ("tiktok", "t2"): {"views": 2000, "likes": 120, "comments": 6, "shares": 4,
                       "completion_rate": 0.20},
    ("tiktok", "t3"): {"views": 500, "likes": 60, "comments": 15, "shares": 5},
    ("instagram", "i1"): {"reach": 1500, "views": 3000, "likes": 90, "comments": 12,
                          "shares": 3, "saves": 4, "avg_watch_time_s": 12},
    ("instagram", "i2"): {"reach": 4000, "views": 5000, "likes": 200, "comments": 10,
                          "shares": 20, "saves": 30, "avg_watch_time_s": 15},
    ("linkedin", "l1"): {"impressions": 800, "likes": 16, "comments": 4, "shares": 2},
}
FOLLOWERS = [("tiktok", "", date(2024, 5, 31), "followers", 10000),
             ("tiktok", "", date(2024, 6, 2), "followers", 10100),
             ("tiktok", "", date(2024, 6, 30), "followers", 10500),
             ("instagram", "", date(2024, 6, 1), "followers", 5000),
             ("instagram", "", date(2024, 6, 30), "followers", 5200)]


def _c(cid: str, post: str, author: str, at: datetime, *, brand: bool = False,
       parent: str | None = None, platform: str = "tiktok") -> dict[str, object]:
    return {"platform": platform, "comment_id": cid, "post_id": post, "author": author,
            "by_brand": brand, "created_at": at, "parent_id": parent}


COMMENTS = [
    _c("c1", "t1", "alice", datetime(2024, 6, 1, 19)),
    _c("c2", "t1", "bob", datetime(2024, 6, 1, 20)),
    _c("r1", "t1", "brand", datetime(2024, 6, 1, 21), brand=True, parent="c1"),
    _c("c3", "t3", "alice", datetime(2024, 6, 3, 20)),
    _c("r2", "t3", "brand", datetime(2024, 6, 4, 0), brand=True, parent="c3"),
    _c("c4", "t3", "carol", datetime(2024, 6, 3, 21)),
    _c("c5", "i1", "dave", datetime(2024, 6, 4, 19), platform="instagram"),
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return build_store(tmp_path / "analytics.duckdb", POSTS, LIFETIME, FOLLOWERS, COMMENTS)


def _groups(store: Path, *dims: str, period: Period = Period()) -> dict[tuple[object, ...], Group]:
    with open_posts(store, period) as table:
        return {g.key: g for g in compute(table, dims)}


def _value(v: KpiValue) -> float:
    assert v.value is not None, v.unavailable_reason
    return v.value


def test_engagement_rates_overall(store: Path) -> None:
    g = _groups(store)[()]
    assert g.n_posts == 6
    er = g.get("engagement_rate")
    # reach, else impressions, else views, per post
    assert _value(er) == pytest.approx((130 + 130 + 80 + 109 + 260 + 22)
                                       / (1000 + 2000 + 500 + 1500 + 4000 + 800) * 100)
    assert dict(er.basis) == {"views": 3, "reach": 2, "impressions": 1}
    assert (er.numerator, er.denominator, er.n_posts) == (731, 9800, 6)
    assert _value(g.get("er_reach")) == pytest.approx((109 + 260) / (1500 + 4000) * 100)
    assert g.get("er_reach").n_posts == 2
    assert _value(g.get("er_impressions")) == pytest.approx(22 / 800 * 100)
    assert _value(g.get("er_views")) == pytest.approx(
        (130 + 130 + 80 + 109 + 260) / (1000 + 2000 + 500 + 3000 + 5000) * 100)
    # followers on the day of publication, or the nearest day before
    assert _value(g.get("er_followers")) == pytest.approx(
        (130 + 130 + 80 + 109 + 260) / (10000 + 10100 + 10100 + 5000 + 5000) * 100)


def test_kaushik_rates_per_thousand_views(store: Path) -> None:
    g = _groups(store)[()]
    views = 1000 + 2000 + 500 + 3000 + 5000
    assert _value(g.get("conversation_rate")) == pytest.approx((20 + 6 + 15 + 12 + 10)
                                                               / views * 1000)
    assert _value(g.get("amplification_rate")) == pytest.approx((10 + 4 + 5 + 3 + 20)
                                                                / views * 1000)
    assert _value(g.get("applause_rate")) == pytest.approx((100 + 120 + 60 + 90 + 200)
                                                           / views * 1000)
    assert _value(g.get("save_rate")) == pytest.approx((4 + 30) / (3000 + 5000) * 1000)
    assert _value(g.get("conversation_rate_followers")) == pytest.approx(
        (20 + 6 + 15 + 12 + 10) / (10000 + 10100 + 10100 + 5000 + 5000) * 1000)


def test_completion_measured_and_estimated(store: Path) -> None:
    g = _groups(store)[()]
    c = g.get("completion_rate")
    assert _value(c) == pytest.approx(
        (40 * 1000 + 20 * 2000 + 12 / 30 * 100 * 3000 + 15 / 60 * 100 * 5000)
        / (1000 + 2000 + 3000 + 5000))
    assert c.estimated and c.n_estimated == 2 and c.n_posts == 4
    tiktok = _groups(store, "platform")[("tiktok",)].get("completion_rate")
    assert _value(tiktok) == pytest.approx((40 * 1000 + 20 * 2000) / (1000 + 2000))
    assert not tiktok.estimated
    pct = g.get("avg_pct_watched")
    assert _value(pct) == pytest.approx((12 / 30 * 100 * 3000 + 15 / 60 * 100 * 5000)
                                        / (3000 + 5000))
    assert pct.estimated


def test_follower_growth(store: Path) -> None:
    assert _value(_groups(store)[()].get("follower_growth")) == pytest.approx(
        ((10500 - 10000) + (5200 - 5000)) / (10000 + 5000) * 100)
    by = _groups(store, "platform")
    assert _value(by[("tiktok",)].get("follower_growth")) == pytest.approx(500 / 10000 * 100)
    linkedin = by[("linkedin",)].get("follower_growth")
    assert linkedin.value is None and "linkedin" in str(linkedin.unavailable_reason)
    kind = _groups(store, "kind")[("bts",)].get("follower_growth")
    assert kind.value is None and "account-level" in str(kind.unavailable_reason)


def test_comment_kpis(store: Path) -> None:
    g = _groups(store)[()]
    # instagram's comment data has no brand reply at all: its comments are not counted
    assert _value(g.get("response_rate")) == pytest.approx(2 / 4 * 100)
    assert _value(g.get("response_time_h")) == pytest.approx((2 + 4) / 2)
    # alice commented on t1 and t3; bob, carol and dave once
    assert _value(g.get("returning_commenters")) == pytest.approx(1 / 4 * 100)
    by = _groups(store, "platform")
    insta = by[("instagram",)]
    assert insta.get("response_rate").value is None
    assert "no brand replies" in str(insta.get("response_rate").unavailable_reason)
    assert insta.get("returning_commenters").value == 0.0  # one commenter, who did not return
    assert by[("linkedin",)].get("response_rate").value is None
    assert "no comment data" in str(by[("linkedin",)].get("response_rate").unavailable_reason)


def test_unavailable_is_not_zero(store: Path) -> None:
    by = _groups(store, "platform")
    saves = by[("tiktok",)].get("save_rate")
    assert saves.value is None and saves.numerator is None
    assert saves.unavailable_reason == "tiktok exports no saves"
    er_reach = by[("linkedin",)].get("er_reach")
    assert er_reach.value is None and "linkedin exports no reach" in str(
        er_reach.unavailable_reason)
    assert by[("linkedin",)].get("conversation_rate").unavailable_reason == \
        "linkedin exports no views or reach"


def test_aggregation_is_weighted_not_the_mean_of_posts(store: Path) -> None:
    er = _groups(store)[()].get("engagement_rate")
    per_post = [130 / 1000, 130 / 2000, 80 / 500, 109 / 1500, 260 / 4000, 22 / 800]
    assert er.post_mean == pytest.approx(sum(per_post) / 6 * 100)
    assert er.post_mean != pytest.approx(_value(er))


def test_groups_by_kind_length_hook_hour(store: Path) -> None:
    kind = _groups(store, "kind")
    assert _value(kind[("bts",)].get("engagement_rate")) == pytest.approx(
        (130 + 80 + 109) / (1000 + 500 + 1500) * 100)
    assert _value(kind[("campaign",)].get("engagement_rate")) == pytest.approx(
        (130 + 260 + 22) / (2000 + 4000 + 800) * 100)
    assert {k: g.n_posts for k, g in _groups(store, "hook").items()} == {
        ("question",): 1, ("statement",): 2, ("exclamation",): 1, ("number",): 1,
        ("unknown",): 1}
    assert {k: g.n_posts for k, g in _groups(store, "hour").items()} == {
        ("18-20h",): 3, ("09-11h",): 1, ("12-14h",): 1, ("06-08h",): 1}
    assert {k: g.n_posts for k, g in _groups(store, "length").items()} == {
        ("15-30s",): 2, ("30-60s",): 2, ("1-3min",): 2}
    both = _groups(store, "platform", "kind")
    assert _value(both[("tiktok", "bts")].get("conversation_rate")) == pytest.approx(
        (20 + 15) / (1000 + 500) * 1000)


def test_period_selects_posts_by_publication(store: Path) -> None:
    g = _groups(store, period=Period(date(2024, 6, 2), date(2024, 6, 4)))[()]
    assert g.n_posts == 3  # t2, t3, i1
    assert _value(g.get("engagement_rate")) == pytest.approx((130 + 80 + 109)
                                                             / (2000 + 500 + 1500) * 100)
    # no followers were exported after the period started: growth cannot be told
    assert g.get("follower_growth").value is None
    # from the last count on or before the start (tiktok 06-02, instagram 06-01) to the end
    later = _groups(store, period=Period(date(2024, 6, 2), date(2024, 6, 30)))[()]
    assert later.n_posts == 5
    assert _value(later.get("follower_growth")) == pytest.approx(
        ((10500 - 10100) + (5200 - 5000)) / (10100 + 5000) * 100)


def test_latest_lifetime_snapshot_and_daily_sums(tmp_path: Path) -> None:
    posts = [{"platform": "youtube", "post_id": "y1"}, {"platform": "youtube", "post_id": "y2"}]
    store = build_store(tmp_path / "s.duckdb", posts, {("youtube", "y1"): {
        "views": 900, "likes": 90}}, [
        ("youtube", "y2", date(2024, 6, 1), "views", 100),
        ("youtube", "y2", date(2024, 6, 2), "views", 300),
        ("youtube", "y2", date(2024, 6, 1), "likes", 10),
        ("youtube", "y2", date(2024, 6, 2), "likes", 20)])
    import duckdb

    con = duckdb.connect(str(store))  # an older snapshot of y1 must not count
    con.execute("INSERT INTO metrics (platform, post_id, scope, day, metric, value, source_file, "
                "source_sheet, source_row, source_column, import_id, imported_at) VALUES "
                "('youtube', 'y1', 'lifetime', DATE '2024-06-01', 'views', 100, 't', NULL, 0, "
                "'c', 'imp', TIMESTAMP '2024-07-01')")
    con.close()
    g = _groups(store)[()]
    assert _value(g.get("applause_rate")) == pytest.approx((90 + 10 + 20) / (900 + 100 + 300)
                                                           * 1000)


def test_missing_store_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsImportError, match="no analytics store"), \
            open_posts(tmp_path / "none.duckdb"):
        pass
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(AnalyticsImportError, match="not an analytics store"), open_posts(bad):
        pass
