"""The backstage page in the KPI report: its own numbers in HTML, JSON and CSV, English and
French, and the conversation KPIs of platforms and page weighted together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_kpis import COMMENTS, FOLLOWERS, LIFETIME, POSTS
from test_report_helpers import build_store

from coulisses.kpi.page_kpis import PageKpis, combined
from coulisses.kpi.report import build_report, render

PAGE = PageKpis(views=400, view_days=3, votes_counted=30, votes_flagged=6,
                flagged=(("already_voted", 4), ("too_fast", 2)), voters=30,
                comments_approved=8, comments_held=2, comments_declined=1, to_answer=10,
                answered=4, reply_hours=10.0, median_reply_h=2.0, commenters=9,
                returning_commenters=3)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report_bs")
    return build_store(folder / "analytics.duckdb", POSTS, LIFETIME, FOLLOWERS, COMMENTS)


def test_the_conversation_kpis_weigh_platforms_and_page_by_their_comments(store: Path) -> None:
    report = build_report(store, backstage=PAGE)
    assert report.overall is not None
    platform = report.overall.get("response_rate")
    assert platform.numerator is not None and platform.denominator
    rate = {v.kpi: v for v in report.conversation}["response_rate"]
    assert rate.numerator == platform.numerator + 4
    assert rate.denominator == platform.denominator + 10
    assert rate.value == pytest.approx(100 * rate.numerator / rate.denominator)
    assert rate.basis == (("platforms", int(platform.denominator)), ("backstage page", 10))
    assert PAGE.reply_share == 40 and PAGE.participation == pytest.approx(100 * 46 / 400)


def test_the_page_alone_still_gives_its_conversation_kpis() -> None:
    [rate, time, back] = combined(None, PAGE)
    assert (rate.value, time.value, back.value) == (40.0, 2.5, pytest.approx(100 / 3))
    empty = combined(None, PageKpis(0, 0, 0, 0, (), 0, 0, 0, 0, 0, 0, 0.0, None, 0, 0))
    assert all(v.value is None and v.unavailable_reason for v in empty)


def test_the_report_shows_the_page_in_html_json_and_csv_in_both_languages(store: Path) -> None:
    html = render(build_report(store, backstage=PAGE), "html")
    assert "Backstage page" in html and "Page views" in html and "already_voted 4" in html
    assert "10 from the backstage page" in html
    french = render(build_report(store, backstage=PAGE, lang="fr"), "html")
    assert "Vues de la page" in french and "Délai médian" in french
    data = json.loads(render(build_report(store, backstage=PAGE), "json"))
    assert data["backstage"]["views"] == 400 and len(data["conversation"]) == 3
    table = render(build_report(store, backstage=PAGE), "csv")
    assert "backstage_page,,,bs_views,400" in table and "conversation,platforms+backstage" in table
    plain = build_report(store)
    assert plain.backstage is None and "Backstage page" not in render(plain, "html")
