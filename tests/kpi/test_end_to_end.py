"""End to end through the CLI: realistic exports of every platform (English and French) and a
comments export are imported, the report's numbers equal values computed by hand from what
the files contain, and the HTML report opens offline with its charts."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from exports import (
    Video,
    write_facebook_video,
    write_generic_csv,
    write_linkedin_posts_xlsx,
    write_mapping,
    write_meta_content,
    write_tiktok_content,
    write_youtube_table,
)

from conftest import AS_OF
from coulisses.cli.main import main

WRITERS = {"tiktok": write_tiktok_content, "instagram": write_meta_content,
           "facebook": write_facebook_video, "youtube": write_youtube_table,
           "linkedin": write_linkedin_posts_xlsx}
SUFFIX = {"linkedin": ".xlsx"}
BRAND = "maison.coulisses"


def platform_videos(videos: list[Video], n: int) -> list[Video]:
    """The sample posts under ids of their own, one set per platform."""
    return [dataclasses.replace(v, id=f"{n}{i:018d}") for i, v in enumerate(videos, start=1)]


def comments(posts: list[Video]) -> list[list[Any]]:
    """Instagram comments; by hand: 4 audience comments, 2 answered (after 2 h and 0.5 h, the
    later second reply ignored), 3 commenters of whom alice commented on two posts."""
    a, b = posts[0].id, posts[1].id
    return [["c1", a, "", "alice", "2026-10-06 10:00", "Trop beau !"],
            ["c2", a, "c1", "@Maison.Coulisses", "2026-10-06 12:00", "Merci Alice"],
            ["c3", a, "", "bob", "2026-10-06 11:00", "Et la suite ?"],
            ["c4", b, "", "alice", "2026-10-07 09:00", "J'adore"],
            ["c5", b, "c4", "maison.coulisses", "2026-10-07 09:30", "Merci !"],
            ["c6", b, "", "carol", "2026-10-07 10:00", "Où l'acheter ?"],
            ["c7", b, "c4", "maison.coulisses", "2026-10-07 15:00", "Le lien en bio"]]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def by_hand(sets: dict[str, list[Video]]) -> dict[str, dict[str, float]]:
    """Conversation and amplification (per 1,000 views; reach for Facebook, which exports
    3-second views only) per platform and overall, from the numbers written to the files."""
    def denominator(platform: str, v: Video) -> float:
        return float(v.reach if platform == "facebook" else v.views)

    out = {}
    everyone: list[tuple[str, Video]] = []
    for platform, posts in sets.items():
        den = sum(denominator(platform, v) for v in posts)
        out[platform] = {"conversation_rate": sum(v.comments for v in posts) / den * 1000,
                         "amplification_rate": sum(v.shares for v in posts) / den * 1000}
        everyone += [(platform, v) for v in posts]
    den = sum(denominator(p, v) for p, v in everyone)
    out["all"] = {"conversation_rate": sum(v.comments for _, v in everyone) / den * 1000,
                  "amplification_rate": sum(v.shares for _, v in everyone) / den * 1000}
    return out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_platform_imported_and_reported_by_hand(lang: str, tmp_path: Path,
                                                      videos: list[Video],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "analytics.duckdb")]
    sets = {p: platform_videos(videos, n) for n, p in enumerate(WRITERS, start=1)}
    files = [str(WRITERS[p](tmp_path / f"{p}-{lang}{SUFFIX.get(p, '.csv')}", posts, lang=lang))
             for p, posts in sets.items()]
    out = run(["kpi", "import", *files, "--as-of", AS_OF.isoformat(), *store], capsys)
    for adapter in ("tiktok.content", "meta.content", "facebook.video", "youtube.table",
                    "linkedin.posts"):
        assert adapter in out
    talk = write_generic_csv(tmp_path / "comments.csv",
                             ["Comment ID", "Post ID", "Parent ID", "Username", "Created",
                              "Text"], comments(sets["instagram"]))
    mapping = write_mapping(tmp_path / "comments.yaml", {
        "version": 1, "platform": "instagram", "comments": {
            "id_column": "Comment ID", "post_column": "Post ID", "parent_column": "Parent ID",
            "author_column": "Username", "created_column": "Created", "text_column": "Text"}})
    run(["kpi", "import", str(talk), "--mapping", str(mapping), "--brand-account", BRAND,
         "--as-of", AS_OF.isoformat(), *store], capsys)
    report = tmp_path / "report.json"
    run(["kpi", "report", "--format", "json", "--out", str(report), *store], capsys)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["n_posts"] == 15
    expected = by_hand(sets)
    overall = {v["kpi"]: v for v in data["overall"]["values"]}
    platforms = {g["key"][0]: {v["kpi"]: v for v in g["values"]}
                 for s in data["sections"] if s["id"] == "by_platform" for g in s["groups"]}
    assert set(platforms) == set(WRITERS)
    for kpi in ("conversation_rate", "amplification_rate"):
        assert overall[kpi]["value"] == pytest.approx(expected["all"][kpi])
        for platform in WRITERS:
            assert platforms[platform][kpi]["value"] == pytest.approx(expected[platform][kpi])
    insta = platforms["instagram"]
    assert insta["response_rate"]["value"] == pytest.approx(2 / 4 * 100)
    assert insta["response_time_h"]["value"] == pytest.approx((2 + 0.5) / 2)
    assert insta["returning_commenters"]["value"] == pytest.approx(1 / 3 * 100)
    assert platforms["tiktok"]["response_rate"]["value"] is None  # no comment data there

    html = tmp_path / "report.html"
    run(["kpi", "report", "--format", "html", "--out", str(html), *store], capsys)
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3
    loads = re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*(?:src|href)=\"?https?:", page)
    assert not loads and "url(http" not in page and "@import" not in page


def test_comments_without_the_brand_account_leave_response_rate_unavailable(
        tmp_path: Path, videos: list[Video], capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "analytics.duckdb")]
    posts = platform_videos(videos, 2)
    run(["kpi", "import", str(write_meta_content(tmp_path / "ig.csv", posts)), "--as-of",
         AS_OF.isoformat(), *store], capsys)
    talk = write_generic_csv(tmp_path / "c.csv", ["id", "post", "parent", "who", "when"],
                             [r[:5] for r in comments(posts)])
    mapping = write_mapping(tmp_path / "c.yaml", {"platform": "instagram", "comments": {
        "id_column": "id", "post_column": "post", "parent_column": "parent",
        "author_column": "who", "created_column": "when"}})
    main(["kpi", "import", str(talk), "--mapping", str(mapping), *store])
    err = capsys.readouterr().err
    assert "no comment by the brand's account" in err
    report = tmp_path / "r.json"
    run(["kpi", "report", "--format", "json", "--out", str(report), *store], capsys)
    overall = {v["kpi"]: v for v in json.loads(report.read_text())["overall"]["values"]}
    assert overall["response_rate"]["value"] is None
    assert "no brand replies" in overall["response_rate"]["unavailable_reason"]
    assert overall["returning_commenters"]["value"] is not None


def test_a_bad_comment_row_is_located(tmp_path: Path, videos: list[Video],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    rows = comments(platform_videos(videos, 2))
    rows[3][4] = "yesterday"
    talk = write_generic_csv(tmp_path / "c.csv", ["id", "post", "parent", "who", "when"],
                             [r[:5] for r in rows])
    mapping = write_mapping(tmp_path / "c.yaml", {"platform": "instagram", "comments": {
        "id_column": "id", "post_column": "post", "author_column": "who",
        "created_column": "when"}})
    code = main(["kpi", "import", str(talk), "--mapping", str(mapping), "--store",
                 str(tmp_path / "s.duckdb")])
    err = capsys.readouterr().err
    assert code == 3
    assert "c.csv, row 5, column 'when'" in err and "yesterday" in err
    from coulisses.kpi.store import open_store

    with open_store(tmp_path / "s.duckdb") as db:
        assert db.con.execute("SELECT count(*) FROM comments").fetchone() == (0,)
