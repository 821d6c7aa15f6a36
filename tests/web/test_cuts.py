"""Cuts on SQLite and PostgreSQL: the render job (a double click renders once), versions (a new
render is version n+1, the old one kept), the QC report and variant players, and roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from studio_media import render_cut, run_jobs, token, upload

from coulisses.studio.tables import CutVersion, Job


def test_render_twice_clicked_runs_once_and_shows_variants_and_qc(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    first = render_cut(client, me.workspace_id, rush["rush_id"],
                       platforms=["tiktok", "youtube"])
    second = render_cut(client, me.workspace_id, rush["rush_id"],
                        platforms=["tiktok", "youtube"])
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Job.id)).where(Job.kind == "render")) == 1
        assert db.scalar(select(func.count(CutVersion.id))) == 1
    page = client.get(first.headers["location"])
    assert "Rendering" in page.text
    assert len(run_jobs(app)) == 1
    page = client.get(first.headers["location"])
    assert page.status_code == 200
    assert page.text.count("data-variant-src=") == 2
    assert "QC report" in page.text and "passes" in page.text
    cut_id = int(first.headers["location"].split("/cuts/")[1].split("?")[0])
    data = client.get(f"/api/w/{me.workspace_id}/cuts/{cut_id}").json()
    version = data["versions"][0]
    assert version["status"] == "done" and version["passed"] is True
    assert {v["platform"] for v in version["variants"]} == {"tiktok", "youtube"}
    video = client.get(version["variants"][0]["video"], headers={"Range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100
    sheet = client.get(f"/w/{me.workspace_id}/versions/{version['id']}/sheet")
    assert sheet.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_rerender_adds_a_version_and_keeps_the_old_one(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    location = render_cut(client, me.workspace_id, rush["rush_id"]).headers["location"]
    run_jobs(app)
    cut_url = location.split("?")[0]
    r = client.post(cut_url + "/render", data={
        "csrf_token": token(client), "platforms": ["tiktok"], "preset": "draft",
        "start": "0.5", "end": "2.5", "extend": "1", "nonce": "second"})
    assert r.status_code == 303 and r.headers["location"].endswith("?v=2")
    run_jobs(app)
    cut_id = int(cut_url.rsplit("/", 1)[1])
    versions = client.get(f"/api/w/{me.workspace_id}/cuts/{cut_id}").json()["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [(1, "done"), (2, "done")]
    assert versions[1]["start"] == 0.5
    first_video = client.get(versions[0]["variants"][0]["video"])
    assert first_video.status_code == 200  # the older version is kept
    assert "Version 1" in client.get(cut_url + "?v=1").text


def test_bad_render_requests_are_refused_clearly(
        client: TestClient, make_user: Any, login: Any, landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    h = {"Accept": "application/json"}
    cases = [({"platforms": []}, "platform"), ({"platforms": ["myspace"]}, "unknown platform"),
             ({"start": "abc"}, "not a number"), ({"start": "2", "end": "1"}, "after start"),
             ({"preset": "ultra"}, "final, master or draft")]
    for fields, words in cases:
        r = client.post(f"/w/{me.workspace_id}/cuts", headers=h, data={
            "csrf_token": token(client), "rush_id": str(rush["rush_id"]),
            "platforms": ["tiktok"], **fields})
        assert r.status_code in (400, 422), fields
        assert words in r.json()["error"], (fields, r.json())


def test_a_failed_render_says_why(client: TestClient, app: FastAPI, make_user: Any,
                                  login: Any, landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    # a span past the end of a 3 s clip: accepted by the form, refused by the cut engine
    location = render_cut(client, me.workspace_id, rush["rush_id"], start="10",
                          end="20").headers["location"]
    run_jobs(app)
    page = client.get(location)
    assert "The render failed" in page.text and "outside the source" in page.text


def test_reviewers_cannot_render_and_other_workspaces_see_nothing(
        client: TestClient, other_client: TestClient, app: FastAPI, make_user: Any,
        login: Any, landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor", workspace="Mine")
    reviewer = make_user("rev@example.org", role="reviewer", workspace="Mine")
    stranger = make_user("x@example.org", workspace="Theirs")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    location = render_cut(client, me.workspace_id, rush["rush_id"]).headers["location"]
    run_jobs(app)
    cut_url = location.split("?")[0]
    login(other_client, reviewer.email)
    assert other_client.get(location).status_code == 200
    assert render_cut(other_client, me.workspace_id, rush["rush_id"]).status_code == 403
    r = other_client.post(cut_url + "/render", data={"csrf_token": token(other_client),
                                                     "platforms": ["tiktok"]})
    assert r.status_code == 403
    outsider = TestClient(app, follow_redirects=False)
    login(outsider, stranger.email)
    assert outsider.get(location).status_code == 404
    assert outsider.get(f"/w/{me.workspace_id}/cuts").status_code == 404
