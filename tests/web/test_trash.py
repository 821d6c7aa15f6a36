"""Safe deletes: every delete asks first (checked by the server), deleted things vanish from
lists and routes (404), an owner or editor restores them from the trash, and a viewer cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from studio_media import render_cut, run_jobs, upload

from coulisses.studio.tables import Campaign, Comment, CutVersion

SMALL = """version: 1
id: ete
name: Été
brand: {name: Maison}
period: {start: 2026-06-01, end: 2026-06-30}
objectives:
  - {id: vu, goal: awareness, summary: Être vus.}
platforms:
  - {platform: tiktok, tone: vif}
"""


def _campaign(app: FastAPI, workspace_id: int) -> int:
    with app.state.sessions() as db:
        row = Campaign(workspace_id=workspace_id, name="Été", filename="ete.yaml",
                       source=SMALL)
        db.add(row)
        db.commit()
        return row.id


def test_a_campaign_delete_asks_then_trashes_then_restores(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, post: Any) -> None:
    me = make_user("own@example.org")
    login(client, me.email)
    cid = _campaign(app, me.workspace_id)
    base = f"/w/{me.workspace_id}/campaigns"
    ask = client.get(f"{base}/{cid}/delete")
    assert ask.status_code == 200 and "Delete this campaign?" in ask.text and "Été" in ask.text
    unconfirmed = post(client, f"{base}/{cid}/delete")
    assert unconfirmed.status_code == 200 and client.get(f"{base}/{cid}").status_code == 200
    assert post(client, f"{base}/{cid}/delete", {"confirm": "yes"}).status_code == 303
    assert client.get(f"{base}/{cid}").status_code == 404
    assert client.get(f"{base}/{cid}/export").status_code == 404
    assert "Été" not in client.get(base).text
    assert all(c["id"] != cid for c in client.get(f"/api/w/{me.workspace_id}/campaigns").json())
    page = client.get(f"/w/{me.workspace_id}/trash")
    assert page.status_code == 200 and "Été" in page.text
    assert post(client, f"/w/{me.workspace_id}/trash/campaign/{cid}/restore").status_code == 303
    assert client.get(f"{base}/{cid}").status_code == 200
    assert "Été" not in client.get(f"/w/{me.workspace_id}/trash").text
    # restoring what is not in the trash, or an unknown kind, finds nothing
    assert post(client, f"/w/{me.workspace_id}/trash/campaign/{cid}/restore").status_code == 404
    assert post(client, f"/w/{me.workspace_id}/trash/user/{cid}/restore").status_code == 404


def test_the_trash_is_for_owners_and_editors(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, post: Any) -> None:
    me = make_user("own@example.org")
    viewer = make_user("client@example.org", role="client")
    cid = _campaign(app, me.workspace_id)
    login(client, viewer.email)
    assert client.get(f"/w/{me.workspace_id}/trash").status_code == 403
    assert post(client, f"/w/{me.workspace_id}/campaigns/{cid}/delete",
                {"confirm": "yes"}).status_code == 403
    with app.state.sessions() as db:
        assert db.get(Campaign, cid).deleted_at is None


def test_a_rush_takes_its_cuts_to_the_trash_and_back(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, post: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    assert render_cut(client, me.workspace_id, rush["rush_id"]).status_code == 303
    run_jobs(app)
    with app.state.sessions() as db:
        version = db.query(CutVersion).one()
        cut_id, version_id = version.cut_id, version.id
        variant_id = version.variants[0].id
    w = f"/w/{me.workspace_id}"
    assert post(client, f"{w}/rushes/{rush['rush_id']}/delete",
                {"confirm": "yes"}).status_code == 303
    for url in (f"{w}/cuts/{cut_id}", f"{w}/variants/{variant_id}/video",
                f"/api/w/{me.workspace_id}/versions/{version_id}/comments"):
        assert client.get(url).status_code == 404, url
    assert "Teaser" not in client.get(f"{w}/cuts").text
    trash_page = client.get(f"{w}/trash").text
    assert landscape_clip.name in trash_page and "Teaser" not in trash_page  # comes with it
    assert post(client, f"{w}/trash/rush/{rush['rush_id']}/restore").status_code == 303
    assert client.get(f"{w}/cuts/{cut_id}").status_code == 200
    assert client.get(f"{w}/variants/{variant_id}/video").status_code == 200
    # a cut alone
    assert post(client, f"{w}/cuts/{cut_id}/delete", {"confirm": "yes"}).status_code == 303
    assert client.get(f"{w}/cuts/{cut_id}").status_code == 404
    assert "Teaser" in client.get(f"{w}/trash").text
    assert post(client, f"{w}/trash/cut/{cut_id}/restore").status_code == 303
    assert client.get(f"{w}/cuts/{cut_id}").status_code == 200


def test_a_comment_is_deleted_by_its_author_or_an_editor_only(
        client: TestClient, other_client: TestClient, app: FastAPI, make_user: Any,
        login: Any, post: Any, landscape_clip: Path) -> None:
    ed = make_user("ed@example.org", role="editor")
    rev = make_user("rev@example.org", role="reviewer")
    login(client, ed.email)
    rush = upload(client, ed.workspace_id, landscape_clip)
    render_cut(client, ed.workspace_id, rush["rush_id"])
    run_jobs(app)
    with app.state.sessions() as db:
        version = db.query(CutVersion).one()
        cut_id, version_id = version.cut_id, version.id
    login(other_client, rev.email)
    w = f"/w/{ed.workspace_id}"
    r = post(other_client, f"{w}/versions/{version_id}/comments",
             {"body": "Trop long au début", "t_start": "1.5", "nonce": "a"})
    assert r.status_code == 303
    with app.state.sessions() as db:
        mine = db.query(Comment).one().id
    r = post(client, f"{w}/versions/{version_id}/comments",
             {"body": "Noted", "t_start": "2", "nonce": "b"})
    with app.state.sessions() as db:
        theirs = db.query(Comment).filter(Comment.body == "Noted").one().id
    assert post(other_client, f"{w}/comments/{theirs}/delete",
                {"confirm": "yes"}).status_code == 403  # a reviewer deletes only their own
    ask = post(other_client, f"{w}/comments/{mine}/delete")
    assert ask.status_code == 200 and "Trop long au début" in ask.text
    assert post(other_client, f"{w}/comments/{mine}/delete",
                {"confirm": "yes"}).status_code == 303
    page = client.get(f"{w}/cuts/{cut_id}")
    assert "Trop long au début" not in page.text and "Noted" in page.text
    assert [c["body"] for c in client.get(
        f"/api/w/{ed.workspace_id}/versions/{version_id}/comments").json()] == ["Noted"]
    assert post(client, f"{w}/comments/{theirs}/delete", {"confirm": "yes"}).status_code == 303
    assert post(client, f"{w}/trash/comment/{mine}/restore").status_code == 303
    assert "Trop long au début" in client.get(f"{w}/cuts/{cut_id}").text


def test_the_upkeep_purges_what_has_been_in_the_trash_past_its_retention(
        settings: Any, db_url: str) -> None:
    from datetime import timedelta

    from coulisses.studio.tables import Workspace, utcnow
    from coulisses.web.app import create_app

    app = create_app(settings, database_url=db_url, start_worker=True)
    try:
        with app.state.sessions() as db:
            ws = Workspace(name="W")
            db.add(ws)
            db.flush()
            old = Campaign(workspace_id=ws.id, name="old", filename="o.yaml", source=SMALL,
                           deleted_at=utcnow() - timedelta(days=31))
            recent = Campaign(workspace_id=ws.id, name="recent", filename="r.yaml",
                              source=SMALL, deleted_at=utcnow() - timedelta(days=2))
            db.add_all([old, recent])
            db.commit()
        with TestClient(app):  # the lifespan starts the worker and its chores
            worker = app.state.worker
            assert "purge_trash" in {c.function.__name__ for c in worker._chores}
            worker.run_chores(force=True)
        with app.state.sessions() as db:
            assert sorted(c.name for c in db.query(Campaign)) == ["recent"]
    finally:
        app.state.engine.dispose()
