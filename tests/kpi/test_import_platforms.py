"""Each platform's export, in English and French, imports with the numbers it holds and where
each came from (file, sheet, row, column)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from exports import (
    Video,
    write_facebook_video,
    write_linkedin_posts_xls,
    write_linkedin_posts_xlsx,
    write_meta_content,
    write_meta_metric_file,
    write_tiktok_content,
    write_tiktok_daily,
    write_youtube_table,
)

from conftest import AS_OF


def metric(store: Any, platform: str, post_id: str, name: str) -> tuple[Any, ...]:
    row = store.con.execute(
        "SELECT value, scope, day, source_file, source_sheet, source_row, source_column "
        "FROM metrics WHERE platform = ? AND post_id = ? AND metric = ?",
        [platform, post_id, name]).fetchall()
    assert len(row) == 1, row
    return tuple(row[0])


@pytest.mark.parametrize(("lang", "fmt"), [("en", "csv"), ("fr", "csv"), ("en", "xlsx")])
def test_tiktok_content(store: Any, tmp_path: Path, videos: list[Video], lang: str,
                        fmt: str) -> None:
    path = write_tiktok_content(tmp_path / f"content.{fmt}", videos, lang=lang, fmt=fmt)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter, result.rows_read) == ("tiktok", "tiktok.content", 3)
    assert result.values_new == 3 * 8 and result.posts == 3
    views = "Total views" if lang == "en" else "Vues de la vidéo"
    sheet = "Sheet1" if fmt == "xlsx" else None
    assert metric(store, "tiktok", "7301000000000000002", "views") == (
        1234567.0, "lifetime", AS_OF, str(path), sheet, 3, views)
    assert metric(store, "tiktok", "7301000000000000001", "watch_time_s")[0] == 3723.0
    assert metric(store, "tiktok", "7301000000000000001", "avg_watch_time_s")[0] == 9.0
    assert metric(store, "tiktok", "7301000000000000001", "completion_rate")[0] == \
        pytest.approx(0.125)
    assert metric(store, "tiktok", "7301000000000000003", "comments")[0] == 0.0  # 0, not missing
    post = store.con.execute("SELECT url, caption, published_at FROM posts WHERE post_id = ?",
                             ["7301000000000000001"]).fetchone()
    assert post == ("https://www.tiktok.com/@maison.coulisses/video/7301000000000000001",
                    "Behind the scenes: the spring shoot #bts", datetime(2026, 10, 3, 18, 0))


def test_tiktok_counts_as_people_write_them(store: Any, tmp_path: Path) -> None:
    rows = [Video("1", "a", datetime(2026, 10, 1), views="1.2K", likes="18,400",
                  comments="undefined", shares="--", saves="3,4 M", watch_time_s="1:02:03",
                  avg_watch_s="11.5", completion="12.5%")]
    path = write_tiktok_content(tmp_path / "content.csv", rows)
    store.import_file(path, as_of=AS_OF)
    values = dict(store.con.execute("SELECT metric, value FROM metrics").fetchall())
    assert values == {"views": 1200.0, "likes": 18400.0, "saves": 3_400_000.0,
                      "watch_time_s": 3723.0, "avg_watch_time_s": 11.5,
                      "completion_rate": pytest.approx(0.125)}  # comments, shares: absent


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_tiktok_daily_infers_the_year(store: Any, tmp_path: Path, lang: str) -> None:
    days = [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]
    path = write_tiktok_daily(tmp_path / "Overview.csv", "overview",
                              [(d, [100 + i, 10, 5, -1 if i == 2 else 3, 1])
                               for i, d in enumerate(days)], lang=lang)
    result = store.import_file(path, as_of=date(2027, 1, 5))
    assert result.adapter == "tiktok.overview"
    stored = store.con.execute("SELECT day, value, post_id, scope FROM metrics WHERE metric = "
                               "'views' ORDER BY day").fetchall()
    assert stored == [(d, 100.0 + i, "", "daily") for i, d in enumerate(days)]
    comments = store.con.execute("SELECT value FROM metrics WHERE metric = 'comments' AND "
                                 "day = '2027-01-01'").fetchone()
    assert comments == (-1.0,)  # a platform adjustment: stored, with a warning
    assert any("negative" in w and "row 4" in w for w in result.warnings)


def test_tiktok_followers_and_viewers(store: Any, tmp_path: Path) -> None:
    followers = write_tiktok_daily(tmp_path / "FollowerHistory.csv", "followers",
                                   [(date(2026, 10, 1), [5000, 12]),
                                    (date(2026, 10, 2), ["undefined", ""])])
    viewers = write_tiktok_daily(tmp_path / "Viewers.csv", "viewers",
                                 [(date(2026, 10, 1), [800, 500, 300])])
    store.import_file(followers, as_of=AS_OF)
    store.import_file(viewers, as_of=AS_OF)
    rows = store.con.execute("SELECT metric, day, value FROM metrics ORDER BY metric").fetchall()
    assert rows == [("followers", date(2026, 10, 1), 5000.0),
                    ("new_viewers", date(2026, 10, 1), 500.0),
                    ("returning_viewers", date(2026, 10, 1), 300.0),
                    ("unique_viewers", date(2026, 10, 1), 800.0)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_meta_content(store: Any, tmp_path: Path, videos: list[Video], lang: str) -> None:
    path = write_meta_content(tmp_path / "content.csv", videos, lang=lang)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter) == ("instagram", "meta.content")
    assert metric(store, "instagram", "7301000000000000002", "reach")[:2] == (
        900000.0, "lifetime")
    assert metric(store, "instagram", "7301000000000000001", "saves")[5:] == (
        2, "Saves" if lang == "en" else "Enregistrements")
    post = store.con.execute("SELECT published_at, duration_s, format FROM posts WHERE "
                             "post_id = '7301000000000000002'").fetchone()
    assert post == (datetime(2026, 10, 5, 12, 30), 20.0, "IG reel")


def test_meta_content_daily_rows_and_facebook_posts(store: Any, tmp_path: Path,
                                                     videos: list[Video]) -> None:
    path = write_meta_content(tmp_path / "content.csv", videos[:1], post_type="FB video",
                              day="10/04/2026")
    store.import_file(path, as_of=AS_OF)
    assert metric(store, "facebook", "7301000000000000001", "views")[:3] == (
        18400.0, "daily", date(2026, 10, 4))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_meta_metric_files_utf16(store: Any, tmp_path: Path, lang: str) -> None:
    title = "Facebook visits" if lang == "en" else "Visites sur Facebook"
    path = write_meta_metric_file(tmp_path / "Visits.csv", title,
                                  [(date(2026, 10, 1), 120), (date(2026, 10, 2), 95)], lang=lang)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter) == ("facebook", "meta.metric")
    rows = store.con.execute("SELECT post_id, scope, day, metric, value, source_row, "
                             "source_column FROM metrics ORDER BY day").fetchall()
    column = "Primary" if lang == "en" else "Principal"
    assert rows == [("", "daily", date(2026, 10, 1), "profile_views", 120.0, 4, column),
                    ("", "daily", date(2026, 10, 2), "profile_views", 95.0, 5, column)]


def test_meta_views_file_needs_the_platform(store: Any, tmp_path: Path) -> None:
    path = write_meta_metric_file(tmp_path / "Views.csv", "Views", [(date(2026, 10, 1), 5)])
    result = store.import_file(path, platform="instagram", as_of=AS_OF)
    assert result.platform == "instagram"
    assert metric(store, "instagram", "", "views")[0] == 5.0


def test_facebook_video(store: Any, tmp_path: Path, videos: list[Video]) -> None:
    path = write_facebook_video(tmp_path / "videos.csv", videos)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter) == ("facebook", "facebook.video")
    assert metric(store, "facebook", "7301000000000000002", "three_s_views")[0] == 1234567.0
    assert metric(store, "facebook", "7301000000000000002", "one_minute_views")[0] == 1500000.0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_youtube_skips_the_total_row(store: Any, tmp_path: Path, videos: list[Video],
                                     lang: str) -> None:
    path = write_youtube_table(tmp_path / "Table data.csv", videos, lang=lang)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter, result.rows_stored) == (
        "youtube", "youtube.table", 3)
    total = store.con.execute("SELECT sum(value) FROM metrics WHERE metric = 'views'"
                              ).fetchone()
    assert total == (18400.0 + 1234567.0 + 950.0,)  # the Total row did not double count
    assert metric(store, "youtube", "7301000000000000001", "avg_watch_time_s")[0] == 9.0
    assert metric(store, "youtube", "7301000000000000001", "watch_time_s")[0] == \
        pytest.approx(3723.0, abs=0.5)
    assert metric(store, "youtube", "7301000000000000001", "avg_pct_watched")[0] == \
        pytest.approx(9 / 31, abs=1e-4)
    assert metric(store, "youtube", "7301000000000000002", "views")[5] == 4  # header, Total
    assert store.con.execute("SELECT published_at FROM posts WHERE post_id = "
                             "'7301000000000000001'").fetchone() == (datetime(2026, 10, 3),)


@pytest.mark.parametrize(("lang", "fmt"), [("en", "xlsx"), ("fr", "xlsx"), ("en", "xls")])
def test_linkedin_posts(store: Any, tmp_path: Path, videos: list[Video], lang: str,
                        fmt: str) -> None:
    if fmt == "xls":
        pytest.importorskip("xlwt", reason="xlwt (a dev dependency) writes the .xls fixture")
        path = write_linkedin_posts_xls(tmp_path / "content.xls", videos, lang=lang)
    else:
        path = write_linkedin_posts_xlsx(tmp_path / "content.xlsx", videos, lang=lang)
    result = store.import_file(path, as_of=AS_OF)
    assert (result.platform, result.adapter) == ("linkedin", "linkedin.posts")
    assert any("Metrics" in w for w in result.warnings)  # the summary sheet is not imported
    value, _, _, _, sheet, row, column = metric(
        store, "linkedin", "7301000000000000002", "ctr")
    assert value == pytest.approx(5200 / 1500000, abs=1e-4)  # a fraction, not a percentage
    assert (sheet, row) == ("All posts", 4)
    assert column == ("Click through rate (CTR)" if lang == "en" else "Taux de clics (CTR)")
    assert metric(store, "linkedin", "7301000000000000001", "shares")[0] == 45.0
    assert store.con.execute("SELECT published_at FROM posts WHERE post_id = "
                             "'7301000000000000001'").fetchone() == (datetime(2026, 10, 3),)


def test_generic_csv_with_a_mapping(store: Any, tmp_path: Path) -> None:
    from exports import write_generic_csv, write_mapping

    path = write_generic_csv(tmp_path / "export.csv", ["Jour", "ID", "Vues", "Durée", "Note"],
                             [["03/10/2026", "p1", "1 234,5", "0:09", "x"],
                              ["04/10/2026", "p1", "2 000", "", "y"]], delimiter=";")
    mapping = write_mapping(tmp_path / "map.yaml", {
        "version": 1, "platform": "instagram", "id_column": "ID", "date_column": "Jour",
        "date_format": "%d/%m/%Y", "decimal": ",",
        "metrics": {"Vues": "views", "Durée": {"metric": "avg_watch_time_s",
                                               "kind": "duration"}}})
    result = store.import_file(path, mapping=mapping, as_of=AS_OF)
    assert (result.platform, result.adapter, result.values_new) == ("instagram", "generic", 3)
    assert any("Note" in w for w in result.warnings)
    rows = store.con.execute("SELECT day, metric, value, source_row, source_column FROM metrics "
                             "ORDER BY day, metric").fetchall()
    assert rows == [(date(2026, 10, 3), "avg_watch_time_s", 9.0, 2, "Durée"),
                    (date(2026, 10, 3), "views", 1234.5, 2, "Vues"),
                    (date(2026, 10, 4), "views", 2000.0, 3, "Vues")]
