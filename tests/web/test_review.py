"""Review on SQLite and PostgreSQL: comments at a time code and over a range, replies, edits
with optimistic concurrency (a stale edit is 409, nothing overwritten), double-clicked posts,
resolve, approve / request changes, and who may do what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from studio_media import headers, render_cut, run_jobs, token, upload


@pytest.fixture
def version(client: TestClient, app: FastAPI, make_user: Any, login: Any,
            landscape_clip: Path) -> dict[str, Any]:
    """A rendered version (by an editor of Acme); the editor is signed in on ``client``."""
    me = make_user("ed@example.org", role="editor", name="Édith")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    location = render_cut(client, me.workspace_id, rush["rush_id"]).headers["location"]
    run_jobs(app)
    cut_id = int(location.split("/cuts/")[1].split("?")[0])
    data = client.get(f"/api/w/{me.workspace_id}/cuts/{cut_id}").json()["versions"][0]
    return {"ws": me.workspace_id, "id": data["id"], "page": location}


def _comment(client: TestClient, v: dict[str, Any], **fields: Any) -> Any:
    return client.post(f"/api/w/{v['ws']}/versions/{v['id']}/comments",
                       headers=headers(client), json=fields)


def test_comment_at_a_timecode_and_over_a_range_with_a_reply(
        client: TestClient, version: dict[str, Any]) -> None:
    at = _comment(client, version, body="Logo trop petit 🎬", t_start="1.25")
    assert at.status_code == 201 and at.json()["t_start"] == 1.25
    over = _comment(client, version, body="Cut this", t_start=0.5, t_end=2.0)
    assert over.json()["t_end"] == 2.0
    reply = _comment(client, version, body="Agreed", parent_id=at.json()["id"])
    assert reply.json()["t_start"] == 1.25 and reply.json()["parent_id"] == at.json()["id"]
    page = client.get(version["page"]).text
    assert "Logo trop petit 🎬" in page and "00:01.25" in page and "Agreed" in page
    assert _comment(client, version, body="   ").status_code == 400
    assert _comment(client, version, body="x", t_start=2, t_end=1).status_code == 400


def test_comment_times_are_typed_and_shown_as_time_codes(
        client: TestClient, version: dict[str, Any]) -> None:
    url = f"/w/{version['ws']}/versions/{version['id']}/comments"
    form = client.get(version["page"]).text
    assert 'name="t_start" size="11" value="00:00.00"' in form  # typed as it is shown
    for body, start, end in (("mm:ss", "00:01.50", "00:00:01.75"), ("seconds", "1,25", ""),
                             ("h:mm:ss", "0:00:00.5", "")):
        sent = client.post(url, data={"csrf_token": token(client), "body": body,
                                      "t_start": start, "t_end": end})
        assert sent.status_code == 303, (body, sent.text)
    listed = client.get(f"/api/w/{version['ws']}/versions/{version['id']}/comments").json()
    assert sorted((c["body"], c["t_start"], c["t_end"]) for c in listed) == [
        ("h:mm:ss", 0.5, None), ("mm:ss", 1.5, 1.75), ("seconds", 1.25, None)]
    page = client.get(version["page"]).text
    assert "00:01.50–00:01.75" in page and "00:01.25" in page and "00:00.50" in page
    bad = client.post(url, data={"csrf_token": token(client), "body": "x", "t_start": "1:75"})
    assert bad.status_code == 400 and "mm:ss or hh:mm:ss.ff" in bad.text
    french = client.post(url + "?lang=fr", data={"csrf_token": token(client), "body": "x",
                                                 "t_start": "une minute"})
    assert french.status_code == 400 and "code temporel (mm:ss ou hh:mm:ss.ff)" in french.text


def test_double_clicked_comment_posts_once(client: TestClient,
                                           version: dict[str, Any]) -> None:
    form = {"csrf_token": token(client), "body": "once", "t_start": "1", "nonce": "abc"}
    url = f"/w/{version['ws']}/versions/{version['id']}/comments"
    assert client.post(url, data=form).status_code == 303
    assert client.post(url, data=form).status_code == 303
    listed = client.get(f"/api/w/{version['ws']}/versions/{version['id']}/comments").json()
    assert [c["body"] for c in listed] == ["once"]


def test_stale_edit_is_409_and_nothing_is_overwritten(
        client: TestClient, version: dict[str, Any]) -> None:
    c = _comment(client, version, body="first", t_start=1).json()
    url = f"/api/w/{version['ws']}/comments/{c['id']}"
    # two tabs loaded rev 1; the first saves, the second's save must not overwrite it
    ok = client.patch(url, headers=headers(client), json={"body": "tab one", "rev": c["rev"]})
    assert ok.status_code == 200 and ok.json()["rev"] == c["rev"] + 1
    stale = client.patch(url, headers=headers(client), json={"body": "tab two", "rev": c["rev"]})
    assert stale.status_code == 409
    assert "nothing was overwritten" in stale.json()["error"]
    listed = client.get(f"/api/w/{version['ws']}/versions/{version['id']}/comments").json()
    assert listed[0]["body"] == "tab one"
    # the HTML form says the same
    r = client.post(f"/w/{version['ws']}/comments/{c['id']}/edit",
                    data={"csrf_token": token(client), "body": "tab three",
                          "rev": str(c["rev"])})
    assert r.status_code == 409 and "nothing was overwritten" in r.text


def test_resolve_and_decisions(client: TestClient, version: dict[str, Any]) -> None:
    c = _comment(client, version, body="fix the colour", t_start=0).json()
    r = client.post(f"/w/{version['ws']}/comments/{c['id']}/resolve",
                    data={"csrf_token": token(client), "rev": str(c["rev"]), "resolved": "1"})
    assert r.status_code == 303
    listed = client.get(f"/api/w/{version['ws']}/versions/{version['id']}/comments").json()
    assert listed[0]["resolved"] is True
    url = f"/w/{version['ws']}/versions/{version['id']}/decision"
    r = client.post(url, data={"csrf_token": token(client), "decision": "changes",
                               "note": "colour"})
    assert r.status_code == 303
    r = client.post(url, data={"csrf_token": token(client), "decision": "approved"})
    page = client.get(version["page"]).text
    assert "approved" in page and "Édith: changes requested: colour" in page
    bad = client.post(url, data={"csrf_token": token(client), "decision": "maybe"})
    assert bad.status_code == 400


def test_roles_reviewer_and_client_comment_and_approve_only_the_team_shares(
        client: TestClient, other_client: TestClient, app: FastAPI, version: dict[str, Any],
        make_user: Any, login: Any) -> None:
    c = _comment(client, version, body="editor's note", t_start=0).json()
    reviewer = make_user("rev@example.org", role="reviewer")
    login(other_client, reviewer.email)
    assert _comment(other_client, version, body="from review", t_start=1).status_code == 201
    r = other_client.patch(f"/api/w/{version['ws']}/comments/{c['id']}",
                           headers=headers(other_client), json={"body": "hijack", "rev": 1})
    assert r.status_code == 403  # only the author edits
    r = other_client.post(f"/w/{version['ws']}/versions/{version['id']}/decision",
                          data={"csrf_token": token(other_client), "decision": "approved",
                                "confirm": "yes"})  # two threads are open: confirmed
    assert r.status_code == 303
    viewer_client = TestClient(app, follow_redirects=False)
    viewer = make_user("client@example.org", role="client")
    login(viewer_client, viewer.email)
    assert viewer_client.get(version["page"]).status_code == 200
    # issue 12: the client viewer comments and approves in the workspace too, but never
    # renders, shares or edits someone else's comment
    assert _comment(viewer_client, version, body="x", t_start=0).status_code == 201
    r = viewer_client.post(f"/w/{version['ws']}/versions/{version['id']}/decision",
                           data={"csrf_token": token(viewer_client), "decision": "approved"})
    assert r.status_code == 200 and "confirm" in r.text  # open threads: asked first
    r = viewer_client.post(f"/w/{version['ws']}/versions/{version['id']}/decision",
                           data={"csrf_token": token(viewer_client), "decision": "approved",
                                 "confirm": "yes"})
    assert r.status_code == 303
    r = viewer_client.patch(f"/api/w/{version['ws']}/comments/{c['id']}",
                            headers=headers(viewer_client), json={"body": "hijack", "rev": 1})
    assert r.status_code == 403
    r = viewer_client.post(f"/w/{version['ws']}/versions/{version['id']}/share",
                           data={"csrf_token": token(viewer_client), "days": "3"})
    assert r.status_code == 403


def test_another_workspace_cannot_read_or_comment(
        other_client: TestClient, version: dict[str, Any], make_user: Any,
        login: Any) -> None:
    stranger = make_user("x@example.org", workspace="Theirs")
    login(other_client, stranger.email)
    assert other_client.get(version["page"]).status_code == 404
    assert _comment(other_client, version, body="x").status_code == 404
    theirs = f"/api/w/{stranger.workspace_id}/versions/{version['id']}/comments"
    assert other_client.get(theirs).status_code == 404
    r = other_client.post(theirs, headers=headers(other_client), json={"body": "x"})
    assert r.status_code == 404
