"""Importing analytics exports from a campaign's results page: matched to the campaign's
deliverables, checked by type and size, located errors that lose nothing, owners and editors
only. The exports are written by the analytics tests' own writers (tests/kpi/exports.py)."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.studio.tables import Campaign


def _exports() -> Any:
    """tests/kpi/exports.py, loaded by path (its folder is not a package)."""
    path = Path(__file__).resolve().parents[1] / "kpi" / "exports.py"
    spec = importlib.util.spec_from_file_location("kpi_exports", path)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("kpi_exports") or importlib.util.module_from_spec(spec)
    if "kpi_exports" not in sys.modules:
        sys.modules["kpi_exports"] = module
        spec.loader.exec_module(module)
    return module


exports = _exports()
Video = exports.Video
write_linkedin_posts_xlsx = exports.write_linkedin_posts_xlsx
write_tiktok_content = exports.write_tiktok_content

CAPTION = "Episode one: the first fitting"
BTS_CAPTION = "Behind the scenes of the fitting room"
VIDEOS = [Video(id="7301234567890123456", title=CAPTION, published=datetime(2026, 4, 6, 18, 2),
                views=18400, likes=1200, comments=45, shares=30, saves=12, watch_time_s=52000,
                avg_watch_s=14.2, completion=0.31),
          Video(id="7301234567890123999", title=BTS_CAPTION,
                published=datetime(2026, 4, 9, 18, 1), views=900, likes=20, comments=1,
                shares=0, saves=0, watch_time_s=2000, avg_watch_s=3.5, completion=0.1)]


def _campaign(app: FastAPI, workspace_id: int) -> int:
    """The packaged starter campaign, its first TikTok episode and first behind-the-scenes
    video given captions (so both of its KPI targets have posts to measure)."""
    source = resources.files("coulisses.campaign").joinpath("data/starter.yaml").read_text(
        encoding="utf-8")
    marked = source.replace("duration_s: 45,\n             publish: 2026-04-06}",
                            f'duration_s: 45,\n             publish: 2026-04-06, caption: '
                            f'"{CAPTION}"}}')
    marked = marked.replace("status: in-edit}", f'status: in-edit, caption: "{BTS_CAPTION}"}}')
    assert marked.count("caption: ") == source.count("caption: ") + 2
    with app.state.sessions() as db:
        row = Campaign(workspace_id=workspace_id, name="Spring", filename="spring.yaml",
                       source=marked)
        db.add(row)
        db.commit()
        return row.id


def _send(client: TestClient, csrf: Any, url: str, *files: Path, as_of: str = "2026-04-25",
          names: list[str] | None = None) -> Any:
    upload = [("files", ((names or [])[i] if names else f.name, f.read_bytes(),
                         "application/octet-stream")) for i, f in enumerate(files)]
    return client.post(url, data={"csrf_token": csrf(client), "as_of": as_of}, files=upload)


def _values(settings: Any, workspace_id: int) -> int:
    from coulisses.kpi.store import open_store

    path = settings.data_dir / "workspaces" / str(workspace_id) / "analytics.duckdb"
    if not path.exists():
        return 0
    with open_store(path) as db:
        row = db.con.execute("SELECT count(*) FROM metrics").fetchone()
        return int(row[0]) if row else 0


def test_import_matches_the_campaign_and_shows_the_report(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, csrf: Any,
        settings: Any, tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    page = client.get(f"/w/{me.workspace_id}/results/{cid}")
    assert 'name="files"' in page.text and "No analytics imported yet" in page.text
    export = write_tiktok_content(tmp_path / "Content.csv", VIDEOS)
    url = f"/w/{me.workspace_id}/results/{cid}/import"
    done = _send(client, csrf, url, export)
    assert done.status_code == 200, done.text[:500]
    assert "Content.csv" in done.text and "2 matched" in done.text
    assert '<iframe class="report"' in done.text
    stored = _values(settings, me.workspace_id)
    assert stored > 0
    again = _send(client, csrf, url, export)
    assert "already imported" in again.text
    assert _values(settings, me.workspace_id) == stored
    fr = client.get(f"/w/{me.workspace_id}/results/{cid}?lang=fr")
    assert "Importer des statistiques" in fr.text


def test_the_campaign_report_renders_after_an_import(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, csrf: Any,
        tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    export = write_tiktok_content(tmp_path / "Content.csv", VIDEOS)
    assert _send(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import",
                 export).status_code == 200
    report = client.get(f"/w/{me.workspace_id}/results/{cid}/report")
    assert report.status_code == 200 and "Spring" in report.text


def test_xlsx_exports_import_too(client: TestClient, app: FastAPI, make_user: Any,
                                 login: Any, csrf: Any, settings: Any,
                                 tmp_path: Path) -> None:
    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    export = write_linkedin_posts_xlsx(tmp_path / "posts.xlsx", VIDEOS)
    done = _send(client, csrf, f"/w/{me.workspace_id}/results/{cid}/import", export)
    assert done.status_code == 200, done.text[:500]
    assert "posts.xlsx" in done.text and _values(settings, me.workspace_id) > 0


def test_located_errors_and_wrong_files_lose_nothing(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, csrf: Any,
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coulisses.web import kpi_import

    me = make_user("ana@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    url = f"/w/{me.workspace_id}/results/{cid}/import"
    assert _send(client, csrf, url, write_tiktok_content(tmp_path / "good.csv", VIDEOS)
                 ).status_code == 200
    stored = _values(settings, me.workspace_id)
    bad = write_tiktok_content(tmp_path / "neg.csv",
                               [VIDEOS[0], dataclasses.replace(VIDEOS[1], views=-5)])
    refused = _send(client, csrf, url, bad)
    assert refused.status_code == 400 or refused.status_code == 422, refused.status_code
    assert 'role="alert"' in refused.text
    for part in ("neg.csv", "row 3", "Total views"):
        assert part in refused.text
    assert str(tmp_path) not in refused.text and ".upload-" not in refused.text
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    wrong = _send(client, csrf, url, image)
    assert wrong.status_code == 415 and "CSV, XLSX or XLS" in wrong.text
    renamed = _send(client, csrf, url, image, names=["sheet.xlsx"])
    assert renamed.status_code == 415 and "not a XLSX file" in renamed.text
    monkeypatch.setattr(kpi_import, "MAX_EXPORT_MB", 0)
    big = _send(client, csrf, url, write_tiktok_content(tmp_path / "big.csv", VIDEOS[:1]))
    assert big.status_code == 413 and "big.csv: over the 0 MB limit" in big.text
    monkeypatch.setattr(kpi_import, "MAX_REQUEST_BYTES", 100)
    bigger = _send(client, csrf, url, write_tiktok_content(tmp_path / "all.csv", VIDEOS))
    assert bigger.status_code == 413 and "import fewer or smaller files" in bigger.text
    assert _values(settings, me.workspace_id) == stored  # nothing lost, nothing added
    assert not list((settings.data_dir / "workspaces" / str(me.workspace_id)).glob(".upload-*"))


def test_only_owners_and_editors_import(client: TestClient, app: FastAPI, make_user: Any,
                                        login: Any, csrf: Any, settings: Any,
                                        tmp_path: Path) -> None:
    owner = make_user("ana@example.org")
    reviewer = make_user("rev@example.org", role="reviewer")
    cid = _campaign(app, owner.workspace_id)
    login(client, reviewer.email)
    page = client.get(f"/w/{owner.workspace_id}/results/{cid}")
    assert page.status_code == 200 and 'name="files"' not in page.text
    export = write_tiktok_content(tmp_path / "Content.csv", VIDEOS)
    refused = _send(client, csrf, f"/w/{owner.workspace_id}/results/{cid}/import", export)
    assert refused.status_code == 403
    assert _values(settings, owner.workspace_id) == 0


def test_known_posts_come_from_the_deliverables(app: FastAPI, make_user: Any,
                                                settings: Any) -> None:
    from coulisses.kpi.campaign_posts import campaign_posts
    from coulisses.web import campaign_view

    me = make_user("ana@example.org")
    cid = _campaign(app, me.workspace_id)
    with app.state.sessions() as db:
        row = db.get(Campaign, cid)
        assert row is not None
        model = campaign_view.validate(row.source, row.filename, settings).campaign
    posts = {p.variant: p for p in campaign_posts(model)}  # what the import form matches by
    episode = posts["ep-1-tiktok"]
    assert (episode.platform, episode.caption, episode.campaign) == ("tiktok", CAPTION,
                                                                     "spring-launch")
    # the platform's usual time (18:00), in UTC as the store keeps times
    local = datetime(2026, 4, 6, 18, 0, tzinfo=ZoneInfo(model.timezone))
    assert episode.published_at == local.astimezone(UTC).replace(tzinfo=None)
    assert posts["first-fitting-tiktok"].kind == "bts"
    assert posts["first-fitting-tiktok"].caption == BTS_CAPTION
    teaser = posts["launch-teaser-reel"]  # no caption, no time: only its day and title
    assert teaser.caption in (None, "") and teaser.published_at is None
