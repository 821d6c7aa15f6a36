"""The KPI report: objectives against targets by hand, HTML offline with charts, JSON, CSV,
French, and the ``coulisses kpi report`` command."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from test_kpis import COMMENTS, FOLLOWERS, LIFETIME, POSTS
from test_report_helpers import build_store

from coulisses.campaign.load import loads_campaign
from coulisses.cli.main import main
from coulisses.kpi.report import build_report, render, write_report

CAMPAIGN = """\
version: 1
id: spring
name: Spring collection
brand: {name: Maison}
period: {start: 2024-06-01, end: 2024-06-30}
platforms:
  - {platform: tiktok, tone: fast and fun}
objectives:
  - id: talk
    goal: credibility
    summary: People talk with us.
    kpis:
      - {id: bts-conversation, metric: conversation_rate, target: 20, unit: permille,
         scope: bts, platform: tiktok}
      - {id: views, metric: views, target: 20000, unit: count}
      - {id: completion, metric: completion_rate, target: 0.25, unit: fraction, scope: campaign}
      - {id: entries, metric: casting_entries, target: 100}
      - {id: saves, metric: saves, target: 10, platform: tiktok}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    return build_store(folder / "analytics.duckdb", POSTS, LIFETIME, FOLLOWERS, COMMENTS)


def test_objectives_against_targets(store: Path) -> None:
    campaign = loads_campaign(CAMPAIGN)
    report = build_report(store, campaign=campaign)
    checks = {c.kpi: c for c in report.targets}
    talk = checks["bts-conversation"]  # tiktok BTS: t1 and t3
    assert talk.measured_as == "conversation_rate"
    assert talk.value is not None and talk.value.value == pytest.approx(
        (20 + 15) / (1000 + 500) * 1000)
    assert talk.status == "met"
    views = checks["views"]
    assert views.value is not None and views.value.value == 1000 + 2000 + 500 + 3000 + 5000
    assert views.status == "not_met"
    completion = checks["completion"]  # campaign posts: t2 measured, i2 estimated; 25 %
    assert completion.target == pytest.approx(25)
    assert completion.value is not None and completion.value.value == pytest.approx(
        (20 * 2000 + 15 / 60 * 100 * 5000) / (2000 + 5000))
    assert completion.status == "not_met"
    assert checks["entries"].status == "not_measurable"
    assert checks["saves"].status == "unavailable"  # tiktok exports no saves: not 0
    # no post carries the campaign id: the report says so and uses the campaign's dates
    assert any("spring" in n for n in report.notes)
    assert report.n_posts == 6


def test_html_is_offline_with_inline_svg_charts(store: Path, tmp_path: Path) -> None:
    out = write_report(build_report(store), "html", tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") >= 6
    assert "<path" in html  # real drawn charts, text as paths
    for pattern in (r"<script", r"<link", r"<img", r"@import", r"url\((?!#)", r"<iframe"):
        assert not re.search(pattern, html, re.I), pattern
    # the only URLs: SVG namespaces and the KPI sources people can click
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    loaded = {u for u in urls if u.startswith("http://")}
    assert loaded <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    for u in urls - loaded:
        assert f'<a href="{u}"' in html
    assert "Only 6 posts" in html
    assert "What to make next" in html and "weak evidence" in html
    assert list(tmp_path.iterdir()) == [out]  # atomic: no temporary file left


def test_unavailable_shown_as_unavailable_not_zero(store: Path) -> None:
    html = render(build_report(store), "html")
    row = re.search(r"<tr><td>linkedin</td>.*?</tr>", html, re.S)
    assert row is not None
    assert "n/a" in row.group(0)
    assert "linkedin exports no views or reach" in row.group(0)


def test_json_shape(store: Path) -> None:
    data = json.loads(render(build_report(store), "json"))
    assert data["n_posts"] == 6
    er = next(v for v in data["overall"]["values"] if v["kpi"] == "engagement_rate")
    assert er["numerator"] == 731 and er["denominator"] == 9800
    assert er["value"] == pytest.approx(731 / 9800 * 100)
    sections = {s["id"]: s for s in data["sections"]}
    assert set(sections) == {"bts_vs_campaign", "by_platform_kind", "by_platform", "by_format",
                             "by_length", "by_hook", "by_hour"}
    assert [g["key"] for g in sections["by_length"]["groups"]] == [["15-30s"], ["30-60s"],
                                                                   ["1-3min"]]
    assert all({"text", "evidence", "uncertainty", "confidence"} <= set(a)
               for a in data["advice"])


def test_csv_shape(store: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(render(build_report(store), "csv"))))
    overall = {r["kpi"]: r for r in rows if r["section"] == "overall"}
    assert float(overall["response_rate"]["value"]) == pytest.approx(2 / 4 * 100)
    assert overall["save_rate"]["numerator"] == "34.0"
    tiktok_saves = [r for r in rows if r["section"] == "by_platform" and r["group"] == "tiktok"
                    and r["kpi"] == "follower_growth"]
    assert float(tiktok_saves[0]["value"]) == pytest.approx(500 / 10000 * 100)
    assert any(r["section"] == "advice" and r["status"] == "weak" for r in rows)
    assert {r["section"] for r in rows} >= {"overall", "bts_vs_campaign", "by_hour", "advice"}


def test_french(store: Path) -> None:
    html = render(build_report(store, lang="fr"), "html")
    assert '<html lang="fr">' in html
    assert "Que produire ensuite" in html and "Coulisses et contenus de campagne" in html
    assert "preuve faible" in html
    assert "7,46 %" in html  # decimal comma
    assert "coulisses" in html and "campagne" in html


def test_cli_report_writes_each_format(store: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("html", "json", "csv"):
        out = tmp_path / f"r.{fmt}"
        assert main(["kpi", "report", "--store", str(store), "--format", fmt,
                     "--out", str(out), "--since", "2024-06-01", "--until", "2024-06-30"]) == 0
        assert out.stat().st_size > 0
    assert json.loads((tmp_path / "r.json").read_text())["since"] == "2024-06-01"


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["--format", "pdf"], 2, "--format 'pdf' is not one of html, json, csv"),
    (["--since", "June"], 2, "--since 'June' is not a date"),
    (["--store", "{missing}"], 3, "no analytics store here"),
    (["--campaign", "{missing}"], 3, "cannot read the campaign file"),
])
def test_cli_bad_input_is_one_line(store: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str], argv: list[str],
                                   code: int, message: str) -> None:
    argv = [a.replace("{missing}", str(tmp_path / "missing")) for a in argv]
    if "--store" not in argv:
        argv += ["--store", str(store)]
    assert main(["kpi", "report", "--out", str(tmp_path / "r.html"), *argv]) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "r.html").exists()
