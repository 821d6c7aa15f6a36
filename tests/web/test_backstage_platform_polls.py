"""Platform polls from the studio's decision log: the team sends a poll as a LinkedIn poll
through a connected account, the publish worker posts it to the sandbox once, and "Read the
platforms' results" brings its counts back beside the page's own, labelled with their source."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.backstage import page, polls
from coulisses.publish import accounts
from coulisses.publish.api import builtin_apis
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.tables import Post
from coulisses.publish.worker import Worker, WorkerConfig
from coulisses.studio.tables import Campaign, utcnow


def test_the_team_sends_a_linkedin_poll_and_reads_its_counts_back(
        other_client: TestClient, app: FastAPI, make_user: Any, login: Any, post: Any,
        tmp_path: Path) -> None:
    from coulisses.campaign.template import example_text

    owner = make_user("owner@example.org")
    settings = app.state.settings
    fernet = accounts.sealer(settings.publish_key, settings.data_dir)
    apis = builtin_apis()
    with SandboxServer(tmp_path / "sandbox") as server, app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        now = utcnow()
        poll = polls.create_poll(db, page_id=the_page.id, question="Which cover?",
                                 options=[polls.OptionSpec("Red"), polls.OptionSpec("Blue")],
                                 opens_at=now - timedelta(hours=1),
                                 closes_at=now + timedelta(days=1))
        db.commit()
        account = accounts.add(db, fernet, apis["linkedin"], "team", sandbox_url=server.url,
                               workspace_id=owner.workspace_id)
        base = f"/w/{owner.workspace_id}/campaigns/{campaign.id}/backstage"
        team = login(other_client, owner.email)
        shown = team.get(base + "/decisions").text
        assert "Send as a LinkedIn poll" in shown and "Read the platforms" not in shown
        sent = post(team, base + f"/polls/{poll.id}/linkedin",
                    {"account_id": str(account.id), "duration": "ONE_DAY", "text": "Vote!"})
        assert sent.status_code == 303
        assert post(team, base + f"/polls/{poll.id}/linkedin",
                    {"account_id": str(account.id)}).status_code == 409  # once only
        worker = Worker(app.state.sessions, fernet, apis,
                        WorkerConfig(backoff_s=0.0, poll_s=0.0, packs=tmp_path / "packs"))
        try:
            worker.run(until_idle=True)
        finally:
            worker.close()
        [out] = [p for p in db.query(Post).all() if p.platform == "linkedin"]
        db.refresh(out)
        assert out.state == "published", out.error
        httpx.post(f"{server.url}/_sandbox/polls/linkedin/{out.platform_post_id}",
                   json={"votes": [6, 1]}, timeout=10)
        assert post(team, base + f"/polls/{poll.id}/read", {}).status_code == 303
        shown = team.get(base + "/decisions").text
        french = team.get(base + "/decisions?lang=fr").text
    assert "LinkedIn: Red 6 · Blue 1 · read through the platform&#39;s API" in shown \
        or "LinkedIn: Red 6 · Blue 1 · read through the platform's API" in shown
    assert f"post {out.id}, published" in shown
    assert "lu par l" in french and "Relire les résultats des plateformes" in french


def test_a_decisions_cut_shows_its_synced_kpis_in_the_log_and_on_the_page(
        client: TestClient, other_client: TestClient, app: FastAPI, make_user: Any,
        login: Any, post: Any, tmp_path: Path) -> None:
    import os

    from coulisses.campaign.template import example_text
    from coulisses.publish import queue
    from coulisses.publish.api import validate_options
    from coulisses.publish.links import PostLink
    from coulisses.publish.sync import sync
    from coulisses.publish.tables import now_ms
    from coulisses.publish.worker import sha256_of
    from coulisses.studio.files import analytics_store
    from coulisses.studio.tables import Cut, Rush

    owner = make_user("owner@example.org")
    settings = app.state.settings
    fernet = accounts.sealer(settings.publish_key, settings.data_dir)
    apis = builtin_apis()
    video = tmp_path / "red.mp4"
    video.write_bytes(os.urandom(120_000))
    with SandboxServer(tmp_path / "sandbox") as server, app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        rush = Rush(workspace_id=owner.workspace_id, name="r.mp4", path="rushes/r.mp4")
        db.add(rush)
        db.flush()
        cut = Cut(workspace_id=owner.workspace_id, rush_id=rush.id, title="Red cover cut")
        db.add(cut)
        db.commit()
        account = accounts.add(db, fernet, apis["tiktok"], "team", sandbox_url=server.url,
                               workspace_id=owner.workspace_id)
        queue.schedule(db, account_id=account.id, platform="tiktok", video_path=str(video),
                       video_sha256=sha256_of(video), size_bytes=video.stat().st_size,
                       due_ms=now_ms(), caption="bts",
                       options=validate_options(apis["tiktok"], {}),
                       link=PostLink("cites", "ep1", cut=f"studio cut {cut.id} version 1"))
        worker = Worker(app.state.sessions, fernet, apis,
                        WorkerConfig(backoff_s=0.0, poll_s=0.0, packs=tmp_path / "packs"))
        try:
            worker.run(until_idle=True)
        finally:
            worker.close()
        sync(app.state.sessions, fernet, apis,
             analytics_store(settings.data_dir, owner.workspace_id),
             workspace_id=owner.workspace_id, backoff_s=0.0)
        base = f"/w/{owner.workspace_id}/campaigns/{campaign.id}/backstage"
        team = login(other_client, owner.email)
        assert post(team, base + "/decisions", {"decision": "Red it is", "cut_id": str(cut.id),
                                                "public": "1"}).status_code == 303
        slug = the_page.slug
    log = team.get(base + "/decisions").text
    public = client.get(f"/b/{slug}").text
    french = client.get(f"/b/{slug}?lang=fr").text
    for shown in (log, public):
        assert "How the resulting cut did since it was published:" in shown
        assert "TikTok: " in shown and " views · " in shown and " likes" in shown
    assert "depuis sa publication" in french and " vues · " in french
