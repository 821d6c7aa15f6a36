"""Review worth leaving Frame.io for: comment markers on the timeline that seek, a decision per
variant as well as per version, a confirmation (checked by the server) before approving with
unresolved comments, two versions side by side, QC folded to one line, the comment box kept in
view."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from studio_media import headers, render_cut, run_jobs, token, upload

from coulisses.studio.tables import Approval, CutVariant, CutVersion


@pytest.fixture
def two(client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> dict[str, Any]:
    """A cut rendered for TikTok and LinkedIn, twice (versions 1 and 2); an editor signed in."""
    me = make_user("ed@example.org", role="editor", name="Édith")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    location = render_cut(client, me.workspace_id, rush["rush_id"],
                          platforms=["tiktok", "linkedin"]).headers["location"]
    cut_id = int(location.split("/cuts/")[1].split("?")[0])
    again = client.post(f"/w/{me.workspace_id}/cuts/{cut_id}/render", data={
        "csrf_token": token(client), "platforms": ["tiktok", "linkedin"], "preset": "draft",
        "trim": "1", "extend": "1", "nonce": "n2"})
    assert again.status_code == 303
    run_jobs(app)
    with app.state.sessions() as db:
        versions = db.query(CutVersion).order_by(CutVersion.number).all()
        assert [v.status for v in versions] == ["done", "done"]
        variants = {x.platform: x.id for x in versions[0].variants}
        return {"ws": me.workspace_id, "cut": cut_id, "v1": versions[0].id,
                "v2": versions[1].id, "variants": variants,
                "page": f"/w/{me.workspace_id}/cuts/{cut_id}?v=1"}


def _comment(client: TestClient, two: dict[str, Any], body: str, t: float,
             platform: str = "") -> dict[str, Any]:
    r = client.post(f"/api/w/{two['ws']}/versions/{two['v1']}/comments",
                    headers=headers(client), json={"body": body, "t_start": t,
                                                   "platform": platform})
    assert r.status_code == 201
    data: dict[str, Any] = r.json()
    return data


def test_markers_seek_qc_is_folded_and_the_comment_box_stays_in_view(
        client: TestClient, two: dict[str, Any]) -> None:
    _comment(client, two, "Logo trop tôt", 1.5)
    page = client.get(two["page"]).text
    marker = re.search(r'<rect class="comment" [^>]*data-seek="1.5"[^>]*role="button"', page)
    assert marker, "the comment has no marker on the timeline"
    assert re.search(r'<details class="qc" id="qc"[^>]*>\s*<summary>', page)
    summary = page.split('<details class="qc"')[1].split("</summary>")[0]
    assert "(2 of 2 variants pass)" in summary and "passes" in summary
    assert 'class="stack review-compose"' in page
    assert ".review-compose { position: sticky;" in client.get("/static/media.css").text


def test_approving_with_unresolved_comments_asks_first(
        client: TestClient, app: FastAPI, two: dict[str, Any]) -> None:
    c = _comment(client, two, "Couleur à revoir", 0.5)
    url = f"/w/{two['ws']}/versions/{two['v1']}/decision"
    asked = client.post(url, data={"csrf_token": token(client), "decision": "approved",
                                   "note": "ok pour moi"})
    assert asked.status_code == 200 and "1 comment(s) on this version" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and 'value="ok pour moi"' in asked.text
    api = client.post(f"/api/w/{two['ws']}/versions/{two['v1']}/decision",
                      headers=headers(client), data={"decision": "approved"})
    assert api.status_code == 409 and "not resolved" in api.text
    with app.state.sessions() as db:
        assert db.get(CutVersion, two["v1"]).decision == "pending"
        assert db.query(Approval).count() == 0
    # requesting changes never asks; approving once confirmed goes through
    assert client.post(url, data={"csrf_token": token(client),
                                  "decision": "changes"}).status_code == 303
    done = client.post(url, data={"csrf_token": token(client), "decision": "approved",
                                  "confirm": "yes"})
    assert done.status_code == 303
    with app.state.sessions() as db:
        assert db.get(CutVersion, two["v1"]).decision == "approved"
    # once the thread is resolved, approving does not ask
    client.post(f"/w/{two['ws']}/comments/{c['id']}/resolve",
                data={"csrf_token": token(client), "rev": str(c["rev"]), "resolved": "1"})
    assert client.post(url, data={"csrf_token": token(client),
                                  "decision": "approved"}).status_code == 303


def test_a_decision_per_variant(client: TestClient, app: FastAPI, two: dict[str, Any]) -> None:
    _comment(client, two, "Sous-titres trop bas sur TikTok", 1.0, platform="tiktok")
    url = f"/w/{two['ws']}/versions/{two['v1']}/decision"
    linkedin, tiktok = two["variants"]["linkedin"], two["variants"]["tiktok"]
    # the open thread is about TikTok: approving LinkedIn alone does not ask
    r = client.post(url, data={"csrf_token": token(client), "decision": "approved",
                               "variant_id": str(linkedin)})
    assert r.status_code == 303
    asked = client.post(url, data={"csrf_token": token(client), "decision": "approved",
                                   "variant_id": str(tiktok)})
    assert asked.status_code == 200 and f'name="variant_id" value="{tiktok}"' in asked.text
    r = client.post(url, data={"csrf_token": token(client), "decision": "changes",
                               "variant_id": str(tiktok), "note": "plus haut"})
    assert r.status_code == 303
    with app.state.sessions() as db:
        assert db.get(CutVariant, linkedin).decision == "approved"
        assert db.get(CutVariant, tiktok).decision == "changes"
        assert db.get(CutVersion, two["v1"]).decision == "pending"  # the version is undecided
    page = client.get(two["page"]).text
    assert "Édith: changes requested (TikTok): plus haut" in page
    assert '<select id="decision-scope" name="variant_id">' in page
    # a variant of another version is refused
    with app.state.sessions() as db:
        foreign = db.query(CutVariant).filter(CutVariant.version_id == two["v2"]).first().id
    bad = client.post(url, data={"csrf_token": token(client), "decision": "changes",
                                 "variant_id": str(foreign)})
    assert bad.status_code == 400


def test_two_versions_side_by_side(client: TestClient, two: dict[str, Any]) -> None:
    page = client.get(f"/w/{two['ws']}/cuts/{two['cut']}?v=2&compare=1").text
    assert "Version 2 and version 1 side by side" in page
    pairs = re.findall(r'<div class="side-by-side">(.*?)</div>', page, re.S)
    assert len(pairs) == 2  # TikTok and LinkedIn
    for pair in pairs:
        sources = re.findall(r'<video data-sync [^>]*src="([^"]+)"', pair)
        assert len(sources) == 2 and sources[0] != sources[1]
    for url in re.findall(r'<video data-sync [^>]*src="([^"]+)"', page):
        assert client.get(url).status_code == 200
    assert "side-by-side" not in client.get(f"/w/{two['ws']}/cuts/{two['cut']}?v=2").text
    assert client.get(f"/w/{two['ws']}/cuts/{two['cut']}?v=2&compare=9").status_code == 404
    fr = client.get(f"/w/{two['ws']}/cuts/{two['cut']}?v=2&compare=1&lang=fr").text
    assert "Version 2 et version 1 côte à côte" in fr
