"""``coulisses demo``: sample rushes cut to four platforms, the plan of the packaged French
casting-series example written beside them, and its measure: sample TikTok exports imported
into an analytics store, and the KPI report (numbers checked by hand against the files)."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from icalendar import Calendar

import media
from clirun import run_cli
from coulisses.campaign.outputs import FILES
from coulisses.campaign.template import example_text, load_example, write_example
from coulisses.cli.demo import print_measure, print_plan, print_rehearsal
from coulisses.demo import (
    DEMO_CAMPAIGN,
    DemoMeasure,
    measure_example,
    publish_example,
    write_example_plan,
)
from coulisses.errors import CampaignError, OutputError
from coulisses.i18n import MESSAGES, text
from coulisses.kpi.sample import NNBSP, TIKTOK_CONTENT, write_sample_exports
from coulisses.kpi.store import open_store
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.platforms.registry import Registry
from coulisses.publish.sandbox.store import SandboxStore
from coulisses.render.cut import cut
from coulisses.render.plan import CutOptions


def _check_plan(folder: Path) -> None:
    """The plan folder is whole: every file, a PDF, a calendar a standard parser reads back."""
    plan = folder / "plan"
    assert sorted(p.name for p in plan.iterdir()) == sorted(FILES)
    assert (plan / "capture.pdf").read_bytes().startswith(b"%PDF-")
    events = Calendar.from_ical((plan / "calendar.ics").read_bytes()).walk("VEVENT")
    data = json.loads((plan / "plan.json").read_text("utf-8"))
    assert len(events) == len(data["calendar"]) > 30
    publish = [e for e in events if str(e["CATEGORIES"].cats[0]) == "publish"]
    assert publish and all(e["DTSTART"].params.get("TZID") == "Europe/Paris" for e in publish)
    assert json.loads((plan / "health.json").read_text("utf-8"))["findings"] == []


def test_the_example_plan_is_written_beside_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "coulisses-demo"
    planned = write_example_plan(out, Registry.load(), lang="fr")
    assert planned.campaign == out / f"{DEMO_CAMPAIGN}.yaml"
    assert planned.campaign.read_text("utf-8") == example_text(DEMO_CAMPAIGN)
    assert planned.files.folder == out / "plan"
    _check_plan(out)
    assert "Liste de captation BTS" in (out / "plan" / "capture.html").read_text("utf-8")
    # running the demo again replaces the plan whole, with no work folder left behind
    again = write_example_plan(out, Registry.load())
    assert sorted(p.name for p in out.iterdir()) == [f"{DEMO_CAMPAIGN}.yaml", "plan"]
    assert again.files.files == planned.files.files


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_it_says_where_each_plan_file_is(tmp_path: Path, lang: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    planned = write_example_plan(tmp_path, Registry.load(), lang=lang)
    capsys.readouterr()
    print_plan(planned, lang)
    out = capsys.readouterr().out
    for name in ("capture.pdf", "deliverables.html", "calendar.ics", "health.html"):
        assert str(tmp_path / "plan" / name) in out
    for label in text(lang, "demo_plan_files").split("|"):
        assert f"  {label}: " in out
    assert f"coulisses plan {planned.campaign} --out {tmp_path / 'plan'}" in out


def test_progress_stages_are_worded_in_both_languages() -> None:
    for stage in ("writing plan", "analysing", "importing analytics", "measuring"):
        assert stage in MESSAGES["en"] and stage in MESSAGES["fr"]
        assert text("fr", stage) != text("en", stage)


@pytest.mark.slow
def test_demo_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "demo"
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))  # never the user's
    run = run_cli(capsys, "demo", "--out", out, "--preset", "draft")
    assert run.rc == 0, run.err
    assert "Traceback" not in run.err
    assert len(list((out / "cuts").glob("bts-day1.*.mp4"))) == 4
    _check_plan(out)
    assert str(out / "plan" / "calendar.ics") in run.out
    assert str(out / "analytics" / "report.html") in run.out
    # 23 imported from the sample exports, and the plan's TikTok cut published and synced
    assert "24 post(s) matched to the campaign, 3 not matched" in run.out
    assert "<svg" in (out / "analytics" / "report.html").read_text("utf-8")
    # the rehearsal: the four cuts published to the sandbox, synced, the plan's one by id
    assert len(re.findall(r"published +id \S+ +views .* -> ", run.out)) == 4
    assert re.search(r"tiktok +bts-day1\.tiktok\.mp4 +published .* -> challenge-tt", run.out)
    assert "4 post(s) synced through the platforms' APIs, 1 matched to its deliverable by id" \
        in run.out
    report = json.loads((out / "analytics" / "report.json").read_text("utf-8"))
    assert report["n_posts"] == 24
    # the backstage page, published in the data folder's studio database
    assert f"sqlite:///{tmp_path / 'data' / 'studio.sqlite3'}" in run.out
    assert re.search(r"http://127\.0\.0\.1:8000/b/[\w-]{22} \(1 comment", run.out)
    # the casting challenge: sample entries taken in, triaged, their shortlist printed
    # (24 files, 23 entries: one is an exact re-upload, already taken)
    assert re.search(r"Casting challenge: 23 sample entries in .*challenge, triaged in", run.out)
    printed = re.findall(r"^ +\d+\. (e[0-9a-f]{20})  entry-\d{3}\.mp4  (?:\d\.\d\d|-)$",
                         run.out, re.M)
    # the printed shortlist is the stored one, in rank order, within the challenge's 10 places
    stored = json.loads(run_cli(capsys, "challenge", "entries", out / "casting-series-fr.yaml",
                                "casting", "--json").out)
    chosen = sorted((r for r in stored if r["shortlisted"]), key=lambda r: r["rank"])
    assert printed == [r["id"] for r in chosen] and 0 < len(printed) <= 10
    assert [r["rank"] for r in chosen] == list(range(1, len(chosen) + 1))
    assert all(r["qc"]["passed"] and r["consent"] == "complete" for r in chosen)
    assert "opens the demo workspace to demo@coulisses.example, password " in run.out


# --- the measure step ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> DemoMeasure:
    """The measure step of the demo, run once for the tests below (French report)."""
    out = tmp_path_factory.mktemp("demo")
    campaign = write_example(out / f"{DEMO_CAMPAIGN}.yaml", DEMO_CAMPAIGN)
    return measure_example(out, campaign, Registry.load(), lang="fr")


def _number(cell: str) -> float:
    """A French TikTok count or share as written (``72 643``, ``20,74%``)."""
    return float(cell.replace(NNBSP, "").replace(",", ".").rstrip("%"))


def _bts_deliverables() -> set[str]:
    return {d.id for b in load_example(DEMO_CAMPAIGN).bts for d in b.deliverables}


def _group(report: dict[str, object], section: str, key: str, kpi: str) -> dict[str, float]:
    sections = report["sections"]
    assert isinstance(sections, list)
    found = next(s for s in sections if s["id"] == section)
    group = next(g for g in found["groups"] if g["key"] == [key])
    value: dict[str, float] = next(v for v in group["values"] if v["kpi"] == kpi)
    return value


def test_the_sample_exports_are_written_as_tiktok_studio_writes_them(
        measured: DemoMeasure) -> None:
    exports = measured.exports
    assert exports.folder == measured.store.parent / "exports"
    raw = exports.content.read_bytes()
    assert raw.startswith("\ufeff".encode())  # TikTok's French CSV carries a BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == TIKTOK_CONTENT["fr"]
    # every dated TikTok deliverable of the campaign, and three posts outside the plan
    assert len(rows) - 1 == len(exports.planned) + 3 == 26
    campaign = load_example(DEMO_CAMPAIGN)
    episodes = {d.id for e in campaign.series[0].episodes for d in e.deliverables}
    assert sorted(exports.planned.values()) == sorted(episodes | _bts_deliverables())
    assert all(re.fullmatch(r"\d{2}/\d{2}/2026 \d{2}:\d{2}", r[2]) for r in rows[1:])
    assert all(_number(r[6]) >= 1000 for r in rows[1:])  # plausible views, none missing
    mapping = exports.mapping.read_text("utf-8")
    assert "brand_account: cinequartiers" in mapping
    # the same campaign and seed give the same bytes: a re-import is recognised
    again = write_sample_exports(load_example(DEMO_CAMPAIGN), exports.folder.parent / "again")
    assert again.content.read_bytes() == raw
    assert again.comments.read_bytes() == exports.comments.read_bytes()


def test_the_store_holds_the_posts_matched_to_their_deliverables(measured: DemoMeasure) -> None:
    assert (measured.matched, measured.unmatched) == (23, 3)
    assert not any(r.already for r in measured.imports)
    with open_store(measured.store) as db:
        rows = db.con.execute("SELECT post_id, campaign, variant, kind FROM posts").fetchall()
        comments = db.con.execute("SELECT count(*), count(*) FILTER (WHERE by_brand) "
                                  "FROM comments").fetchone()
    assert {r[0]: r[2] for r in rows if r[2]} == measured.exports.planned
    assert {r[1] for r in rows if r[2]} == {"cites-casting"}
    bts = _bts_deliverables()
    assert all(r[3] == ("bts" if r[2] in bts else "campaign") for r in rows if r[2])
    lines = measured.exports.comments.read_text("utf-8").splitlines()
    assert comments is not None and comments[0] == len(lines) - 1 and comments[1] > 0


def test_the_report_is_offline_html_with_charts(measured: DemoMeasure) -> None:
    page = measured.html.read_text("utf-8")
    assert page.count("<svg") >= 2
    loads = re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*(?:src|href)=\"?https?:", page)
    assert not loads and "url(http" not in page and "@import" not in page
    assert "Faites plus de publications coulisses" in page  # French, as asked


def test_the_report_numbers_are_those_of_the_files(measured: DemoMeasure) -> None:
    """Conversation rate (comments per 1,000 views) and response rate, by kind, by hand."""
    exports = measured.exports
    bts = _bts_deliverables()
    kind_of = {post: "bts" if variant in bts else "campaign"
               for post, variant in exports.planned.items()}
    comments: dict[str, float] = defaultdict(float)
    views: dict[str, float] = defaultdict(float)
    rows = list(csv.reader(exports.content.read_text("utf-8-sig").splitlines()))[1:]
    for row in rows:
        post = row[1].rsplit("/", 1)[1]
        if post in kind_of:
            comments[kind_of[post]] += _number(row[4])
            views[kind_of[post]] += _number(row[6])
    audience: dict[str, set[str]] = defaultdict(set)
    answered: dict[str, set[str]] = defaultdict(set)
    for c in list(csv.DictReader(exports.comments.read_text("utf-8").splitlines())):
        kind = kind_of[c["ID de la vidéo"]]
        if c["Auteur"] == exports.brand_account:
            answered[kind].add(c["Répond à"])
        else:
            audience[kind].add(c["ID du commentaire"])
    report = json.loads(measured.json.read_text("utf-8"))
    assert report["campaign"] == "cites-casting" and report["n_posts"] == 23
    for kind in ("bts", "campaign"):
        value = _group(report, "bts_vs_campaign", kind, "conversation_rate")
        assert value["value"] == pytest.approx(comments[kind] / views[kind] * 1000)
        rate = len(audience[kind] & answered[kind]) / len(audience[kind]) * 100
        assert _group(report, "bts_vs_campaign", kind, "response_rate")["value"] == \
            pytest.approx(rate)
    top = report["advice"][0]
    assert measured.advice is not None and measured.advice.startswith(top["text"])
    assert top["ratio"] == pytest.approx(
        (comments["bts"] / views["bts"]) / (comments["campaign"] / views["campaign"]))


def test_measuring_again_changes_nothing_and_rewrites_the_report(tmp_path: Path) -> None:
    campaign = write_example(tmp_path / f"{DEMO_CAMPAIGN}.yaml", DEMO_CAMPAIGN)
    first = measure_example(tmp_path, campaign, Registry.load())
    first.html.write_text("stale", encoding="utf-8")
    again = measure_example(tmp_path, campaign, Registry.load())
    assert all(r.already for r in again.imports)
    assert (again.matched, again.unmatched, again.advice) == (first.matched, first.unmatched,
                                                              first.advice)
    assert again.html.read_text("utf-8").startswith("<!")
    with open_store(again.store) as db:
        values = db.con.execute("SELECT count(*) FROM metrics").fetchone()
        imports = db.con.execute("SELECT count(*) FROM imports").fetchone()
    assert values == (26 * 8,) and imports == (2,)
    analytics = sorted(p.name for p in (tmp_path / "analytics").iterdir())
    assert analytics == ["analytics.duckdb", "exports", "report.html", "report.json"]


def test_a_broken_campaign_stops_before_anything_is_measured(tmp_path: Path) -> None:
    campaign = tmp_path / "broken.yaml"
    campaign.write_text(example_text(DEMO_CAMPAIGN).replace("version: 1", "version: 9"),
                        encoding="utf-8")
    with pytest.raises(CampaignError):
        measure_example(tmp_path, campaign, Registry.load())
    assert not (tmp_path / "analytics").exists()


def test_an_analytics_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    campaign = write_example(tmp_path / f"{DEMO_CAMPAIGN}.yaml", DEMO_CAMPAIGN)
    (tmp_path / "analytics").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="analytics"):
        measure_example(tmp_path, campaign, Registry.load())
    assert (tmp_path / "analytics").read_text("utf-8") == "not a folder"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_it_says_where_the_measure_is_and_what_to_make_next(
        measured: DemoMeasure, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    campaign = measured.store.parent.parent / f"{DEMO_CAMPAIGN}.yaml"
    print_measure(measured, campaign, lang)
    out = capsys.readouterr().out
    for path in (measured.exports.content, measured.store, measured.html, measured.json):
        assert str(path) in out
    for label in text(lang, "demo_measure_files").split("|"):
        assert f"  {label}: " in out
    summary = text(lang, "demo_measure_summary", matched=23, unmatched=3,
                   advice=measured.advice)
    assert summary in out.splitlines()
    assert "coulisses kpi import" in out and f"--store {measured.store}" in out


# --- the publishing rehearsal -----------------------------------------------------------------


def test_the_rehearsal_publishes_each_cut_once_and_reports_it_matched_by_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real cut to TikTok and YouTube, published to a fresh sandbox, synced into the demo's
    store: the planned TikTok cut comes back matched to its deliverable by id, and the measure
    that follows keeps that match and reports it."""
    registry = Registry.load()
    clip = media.make_clip(tmp_path / "rush.mp4", width=640, height=360, duration=4.0,
                           audio="speech")
    cuts = tmp_path / "cuts"
    assert cut(clip, ["tiktok", "youtube"], cuts, options=CutOptions(preset="draft"),
               registry=registry, runner=SubprocessRunner()).passed
    campaign = write_example(tmp_path / f"{DEMO_CAMPAIGN}.yaml", DEMO_CAMPAIGN)
    rehearsal = publish_example(tmp_path, campaign, cuts, registry)
    assert rehearsal.sandbox_url.startswith("http://127.0.0.1:")
    assert {(p.platform, p.deliverable, p.state) for p in rehearsal.posts} == {
        ("tiktok", "challenge-tt", "published"), ("youtube", "", "published")}
    # exactly once: the sandbox's record and the rehearsal's posts agree
    record = SandboxStore(tmp_path / "publish" / "sandbox")
    try:
        accepted = sorted(p["platform_id"] for p in record.posts())
    finally:
        record.close()
    assert accepted == sorted(p.platform_id for p in rehearsal.posts)
    assert (rehearsal.synced.posts, rehearsal.synced.matched) == (2, 1)
    assert all(p.views and p.views > 0 for p in rehearsal.posts)
    print_rehearsal(rehearsal, "fr")
    out = capsys.readouterr().out
    assert "2 publication(s) synchronisée(s)" in out and "-> challenge-tt" in out
    assert str(rehearsal.synced.store) in out

    measured = measure_example(tmp_path, campaign, registry)
    assert measured.store == rehearsal.synced.store
    assert (measured.matched, measured.unmatched) == (24, 3)
    tiktok = next(p for p in rehearsal.posts if p.platform == "tiktok")
    with open_store(measured.store) as db:
        row = db.con.execute("SELECT campaign, variant, kind, match_rule FROM posts WHERE "
                             "post_id = ?", [tiktok.platform_id]).fetchone()
        kinds = db.con.execute("SELECT bts_item, moment_kinds FROM published WHERE post_id = ?",
                               [tiktok.platform_id]).fetchone()
    assert row == ("cites-casting", "challenge-tt", "bts", "id")  # not re-guessed by caption
    assert kinds == ("lancement-challenge", "preparation")
    assert json.loads(measured.json.read_text("utf-8"))["n_posts"] == 24
