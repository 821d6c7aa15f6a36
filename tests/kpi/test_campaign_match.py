"""Posts matched to the deliverables of a real campaign file (the packaged casting series):
by planned publish time, working caption and episode title; the rest listed as unmatched."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from exports import Video, write_tiktok_content

from coulisses.campaign.template import load_example, write_example
from coulisses.cli.main import main
from coulisses.kpi.campaign_posts import campaign_posts
from coulisses.kpi.match import KnownPost, find_match
from coulisses.kpi.store import open_store

AS_OF = date(2026, 4, 2)


def casting_export(tmp_path: Path) -> tuple[Path, dict[str, str | None]]:
    """A French TikTok export of six posts: four of the campaign, two not; the variant each
    should match (times are UTC; the campaign plans 18:00 Paris, 17:00 UTC in winter)."""
    posts = [
        ("7460000000000000001", "Épisode 1 : L'appel #CitesCasting", datetime(2026, 2, 2, 17, 4),
         "ep-01-tt"),
        ("7460000000000000002", "Réinterprète un classique, montre-nous ton quartier "
         "#CitesCasting", datetime(2026, 1, 6, 14, 0), "challenge-tt"),
        ("7460000000000000003", "Ép. 2 : on y croit !", datetime(2026, 2, 5, 16, 58), "ep-02-tt"),
        ("7460000000000000004", "Le fou rire du jour 3", datetime(2026, 2, 21, 17, 10),
         "fou-rire-tt"),
        ("7460000000000000005", "Bonne Saint-Valentin à tous", datetime(2026, 2, 14, 9, 0),
         None),
        ("7460000000000000006", "Merci pour tout, à bientôt", datetime(2026, 4, 1, 18, 0), None),
    ]
    videos = [Video(pid, title, when, views=1000 * (i + 1), likes=100, comments=10, shares=5,
                    saves=2, watch_time_s=3000, avg_watch_s=20, completion=0.3, duration_s=50)
              for i, (pid, title, when, _) in enumerate(posts)]
    path = write_tiktok_content(tmp_path / "Contenu.csv", videos, lang="fr")
    return path, {pid: variant for pid, _, _, variant in posts}


def test_deliverables_become_posts_to_match() -> None:
    known = {k.variant: k for k in campaign_posts(load_example("casting-series-fr"))}
    assert len(known) == 23
    ep1 = known["ep-01-tt"]
    assert (ep1.platform, ep1.kind, ep1.campaign) == ("tiktok", "campaign", "cites-casting")
    assert ep1.published_at == datetime(2026, 2, 2, 17, 0)  # 18:00 in Paris, in UTC
    challenge = known["challenge-tt"]
    assert challenge.kind == "bts" and challenge.published_at == datetime(2026, 1, 6, 11, 30)
    assert challenge.caption and challenge.caption.startswith("Réinterprète")


def test_import_with_the_campaign_file_matches_and_lists_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    campaign = write_example(tmp_path / "casting.yaml", "casting-series-fr")
    export, expected = casting_export(tmp_path)
    store = tmp_path / "analytics.duckdb"
    code = main(["kpi", "import", str(export), "--campaign", str(campaign), "--as-of",
                 AS_OF.isoformat(), "--store", str(store)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 post(s) not matched" in out
    with open_store(store) as db:
        rows = db.con.execute("SELECT post_id, campaign, variant, kind, match_rule FROM posts "
                              "ORDER BY post_id").fetchall()
    got = {r[0]: r[2] for r in rows}
    assert got == expected
    rules = {r[2]: (r[3], r[4]) for r in rows if r[2]}
    assert rules == {"ep-01-tt": ("campaign", "time"), "challenge-tt": ("bts", "caption"),
                     "ep-02-tt": ("campaign", "time"), "fou-rire-tt": ("bts", "time")}
    assert {r[1] for r in rows if r[2]} == {"cites-casting"}
    code = main(["kpi", "posts", "--unmatched", "--store", str(store)])
    out = capsys.readouterr().out
    assert code == 0
    assert "7460000000000000005" in out and "7460000000000000006" in out
    assert "7460000000000000001" not in out


def test_the_caption_or_title_decides_between_posts_of_one_window() -> None:
    when = datetime(2026, 5, 1, 17, 0)
    known = [KnownPost(platform="tiktok", published_at=when, title="La répétition générale",
                       campaign="c", variant="rehearsal", kind="bts"),
             KnownPost(platform="tiktok", published_at=when, title="Le grand soir",
                       campaign="c", variant="show")]
    hit = find_match("tiktok", "1", None, "Le grand soir est arrivé #live", when, known)
    assert hit is not None and (hit[0].variant, hit[1]) == ("show", "time+caption")
    assert find_match("tiktok", "2", None, "Bonjour", when, known) is None
    day_only = [KnownPost(platform="tiktok", published_day=date(2026, 5, 2), title="Jour J",
                          campaign="c", variant="d")]
    assert find_match("tiktok", "3", None, None, datetime(2026, 5, 2, 20, 0), day_only)
    assert find_match("tiktok", "4", None, None, datetime(2026, 5, 4, 20, 0), day_only) is None
