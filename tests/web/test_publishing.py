"""The studio's publishing page against a real sandbox on loopback: connect an account through
the studio's OAuth callback, schedule an approved cut from the calendar, approve (a client may),
move, edit, see the platform's answer and retry, cancel; the worker the studio runs publishes
it, exactly once."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from coulisses.publish import queue
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import Dice, Faults, parse_faults
from coulisses.publish.service import make_worker
from coulisses.publish.tables import Post, PublishAccount
from coulisses.settings import Settings
from coulisses.studio.jobs.worker import Worker as JobWorker
from coulisses.studio.tables import Job
from publishseed import approved_variant


@pytest.fixture
def sandbox(tmp_path: Any) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox") as server:
        yield server


def _connect(client: TestClient, post: Any, workspace_id: int, sandbox_url: str,
             platform: str = "tiktok", name: str = "brand") -> Any:
    """The web OAuth flow: the studio sends the browser to the sandbox, which sends it back."""
    start = post(client, f"/w/{workspace_id}/publishing/accounts",
                 {"platform": platform, "name": name, "sandbox": sandbox_url})
    assert start.status_code == 200, start.text[:300]
    found = re.search(r'href="([^"]+)" rel="noreferrer" data-continue', start.text)
    assert found
    authorize = html.unescape(found.group(1))
    assert authorize.startswith(f"{sandbox_url}/oauth/{platform}/authorize")
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    back = httpx.get(authorize, timeout=10)
    assert back.status_code == 302
    location = urlsplit(back.headers["location"])
    assert location.path == "/publishing/oauth/callback"
    return client.get(f"{location.path}?{location.query}")


def _tomorrow(tz: str = "Europe/Paris") -> str:
    return (datetime.now(ZoneInfo(tz)) + timedelta(days=1)).strftime("%Y-%m-%d")


def _schedule(client: TestClient, post: Any, workspace_id: int, variant_id: int,
              account_id: int, day: str, clock: str = "18:00",
              caption: str = "Behind the scenes #bts") -> int:
    response = post(client, f"/w/{workspace_id}/publishing/posts", {
        "variant_id": variant_id, "account_id": account_id, "day": day, "clock": clock,
        "tz": "Europe/Paris", "caption": caption})
    assert response.status_code == 303, response.text[:500]
    match = re.search(r"/posts/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def _account_id(app: FastAPI) -> int:
    with app.state.sessions() as db:
        return int(db.scalars(select(PublishAccount.id)).one())


def _state(app: FastAPI, post_id: int) -> Post:
    with app.state.sessions() as db:
        return queue.get(db, post_id)


def _drain(app: FastAPI, settings: Settings) -> None:
    worker = make_worker(settings, app.state.sessions)
    try:
        worker.run(until_idle=True)
    finally:
        worker.close()


def test_schedule_approve_and_publish_through_the_studio(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    connected = _connect(client, post, owner.workspace_id, sandbox.url)
    assert connected.status_code == 303
    assert connected.headers["location"].endswith("done=connected")
    with app.state.sessions() as db:
        account = db.scalars(select(PublishAccount)).one()
        assert (account.workspace_id, account.platform, account.name, account.channel) == \
            (owner.workspace_id, "tiktok", "brand", "api")
        assert account.tokens and "access" not in account.tokens  # sealed
    variant = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
    day = _tomorrow()
    post_id = _schedule(client, post, owner.workspace_id, variant, _account_id(app), day)
    created = _state(app, post_id)
    assert created.state == "draft"
    local = datetime.fromtimestamp(created.due_ms / 1000, UTC).astimezone(
        ZoneInfo("Europe/Paris"))
    assert local.strftime("%Y-%m-%d %H:%M") == f"{day} 18:00"

    page = client.get(f"/w/{owner.workspace_id}/publishing?tz=Europe/Paris&date={day}")
    assert page.status_code == 200
    queued = re.search(rf'<tr data-post="{post_id}">(.*?)</tr>', page.text, re.S)
    assert queued and 'data-state="draft"' in queued.group(1)
    assert "History (1)" in queued.group(1)  # its one event so far: drafted
    cell = re.search(rf'<td data-day="{day}"[^>]*>(.*?)</td>', page.text, re.S)
    assert cell and f'data-post="{post_id}"' in cell.group(1) and "18:00" in cell.group(1)
    week = client.get(f"/w/{owner.workspace_id}/publishing?view=week&tz=Europe/Paris&date={day}")
    assert f'data-post="{post_id}"' in week.text and week.text.count("<td data-day=") == 7

    _drain(app, settings)  # a draft never goes out
    assert _state(app, post_id).state == "draft" and sandbox.sandbox.store.posts() == []
    approved = post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/approve")
    assert approved.status_code == 303
    assert _state(app, post_id).state == "scheduled"
    shown = client.get(f"/w/{owner.workspace_id}/publishing/posts/{post_id}")
    assert "approved by owner" in shown.text

    with app.state.sessions() as db:  # due now: the worker takes it
        row = db.get(Post, post_id)
        assert row is not None
        row.due_ms -= 2 * 86_400_000
        db.commit()
    _drain(app, settings)
    done = _state(app, post_id)
    assert done.state == "published" and done.platform_post_id
    record = sandbox.sandbox.store.posts()
    assert [(p["platform"], p["platform_id"], p["caption"]) for p in record] == \
        [("tiktok", done.platform_post_id, "Behind the scenes #bts")]
    page = client.get(f"/w/{owner.workspace_id}/publishing/posts/{post_id}")
    assert 'data-state="published"' in page.text
    assert page.text.count("<tr><td>") >= 5  # the history: scheduled, approved, claimed, ...
    _drain(app, settings)
    assert len(sandbox.sandbox.store.posts()) == 1  # exactly once


def test_a_refusal_shows_the_platforms_answer_and_retry_publishes_it(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        tmp_path: Any, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    with SandboxServer(tmp_path / "faulty", faults=parse_faults("quota=1")) as server:
        assert _connect(client, post, owner.workspace_id, server.url).status_code == 303
        variant = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
        post_id = _schedule(client, post, owner.workspace_id, variant, _account_id(app),
                            _tomorrow())
        post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/approve")
        with app.state.sessions() as db:
            row = db.get(Post, post_id)
            assert row is not None
            row.due_ms = 0
            db.commit()
        _drain(app, settings)
        page = client.get(f"/w/{owner.workspace_id}/publishing/posts/{post_id}")
        assert 'data-state="failed"' in page.text
        assert "tiktok HTTP 403 spam_risk_too_many_posts" in page.text  # its own words
        moved = post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/move",
                     {"day": _tomorrow(), "clock": "10:00", "tz": "Europe/Paris"})
        assert moved.status_code == 400  # failed: retry, not move
        server.sandbox.dice = Dice(Faults())  # the platform lets it through now
        assert post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/retry"
                    ).status_code == 303
        _drain(app, settings)
        assert _state(app, post_id).state == "published"
        assert len(server.sandbox.store.posts()) == 1


def test_moving_a_post_keeps_its_local_time_and_refuses_once_publishing(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    _connect(client, post, owner.workspace_id, sandbox.url)
    variant = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
    post_id = _schedule(client, post, owner.workspace_id, variant, _account_id(app),
                        _tomorrow(), clock="09:30")
    url = f"/w/{owner.workspace_id}/publishing/posts/{post_id}/move"
    later = (datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=5)).strftime("%Y-%m-%d")
    dropped = post(client, url, {"day": later, "tz": "Europe/Paris"},
                   headers={"accept": "application/json"})  # the drag and drop's call
    assert dropped.status_code == 200 and dropped.json()["id"] == post_id
    local = datetime.fromtimestamp(_state(app, post_id).due_ms / 1000, UTC).astimezone(
        ZoneInfo("Europe/Paris"))
    assert local.strftime("%Y-%m-%d %H:%M") == f"{later} 09:30"
    past = post(client, url, {"day": "2020-01-01", "clock": "10:00", "tz": "Europe/Paris"})
    assert past.status_code == 400 and "in the past" in past.text
    gap = post(client, url, {"day": "2030-03-31", "clock": "02:30", "tz": "Europe/Paris"})
    assert gap.status_code == 400 and "does not exist" in gap.text
    with app.state.sessions() as db:  # a worker took it: nothing moves it any more
        row = db.get(Post, post_id)
        assert row is not None
        row.state = "publishing"
        db.commit()
    before = _state(app, post_id).due_ms
    refused = post(client, url, {"day": _tomorrow(), "clock": "11:00", "tz": "Europe/Paris"})
    assert refused.status_code == 400 and "publishing" in refused.text
    assert _state(app, post_id).due_ms == before
    cancel = post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/cancel")
    assert cancel.status_code == 400 and _state(app, post_id).state == "publishing"


def test_editing_needs_a_new_approval_and_a_client_approves_but_does_not_edit(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, post: Any, sandbox: SandboxServer, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    make_user("client@example.org", role="client")
    make_user("rev@example.org", role="reviewer")
    login(client, owner.email)
    _connect(client, post, owner.workspace_id, sandbox.url)
    variant = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
    post_id = _schedule(client, post, owner.workspace_id, variant, _account_id(app),
                        _tomorrow())
    base = f"/w/{owner.workspace_id}/publishing/posts/{post_id}"
    login(other_client, "client@example.org")
    page = other_client.get(base)
    assert page.status_code == 200 and f"{base}/approve" in page.text
    assert f"{base}/edit" not in page.text and f"{base}/move" not in page.text
    for action, data in (("edit", {"caption": "mine"}), ("move", {"day": _tomorrow()}),
                         ("cancel", {}), ("retry", {})):
        assert post(other_client, f"{base}/{action}", data).status_code == 403, action
    assert post(other_client, f"/w/{owner.workspace_id}/publishing/accounts",
                {"platform": "tiktok", "manual": "true"}).status_code == 403
    assert post(other_client, f"{base}/approve").status_code == 303
    assert _state(app, post_id).state == "scheduled"
    assert "approved by client" in other_client.get(base).text

    edited = post(client, f"{base}/edit", {"caption": "New words #bts",
                                           "options": "privacy=MUTUAL_FOLLOW_FRIENDS"})
    assert edited.status_code == 303
    after = _state(app, post_id)
    assert (after.state, after.caption) == ("draft", "New words #bts")
    assert '"privacy": "MUTUAL_FOLLOW_FRIENDS"' in after.options
    assert "not approved yet" in client.get(base).text
    too_long = post(client, f"{base}/edit", {"caption": "x" * 5000})
    assert too_long.status_code == 400 and _state(app, post_id).caption == "New words #bts"
    unknown = post(client, f"{base}/edit", {"caption": "ok", "options": "colour=red"})
    assert unknown.status_code == 400 and "no option" in unknown.text

    other_client.cookies.clear()
    login(other_client, "rev@example.org")
    assert post(other_client, f"/w/{owner.workspace_id}/publishing/accounts",
                {"platform": "tiktok", "manual": "true"}).status_code == 403


def test_only_approved_qc_passed_variants_for_the_platform_can_be_scheduled(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    _connect(client, post, owner.workspace_id, sandbox.url)
    account = _account_id(app)
    pending = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id,
                               decision="pending")
    failing = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id,
                               passed=False)
    youtube = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id,
                               platform="youtube-shorts")
    url = f"/w/{owner.workspace_id}/publishing/posts"
    form = {"account_id": account, "day": _tomorrow(), "clock": "18:00", "tz": "Europe/Paris"}
    # the gates of `publish schedule --from-plan` (one function): their errors' own statuses
    for variant, words, status in ((pending, "not approved", 409),
                                   (failing, "did not pass QC", 422),
                                   (youtube, "cut for youtube-shorts", 400)):
        refused = post(client, url, {**form, "variant_id": variant})
        assert refused.status_code == status and words in refused.text, words
    good = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
    _schedule(client, post, owner.workspace_id, good, account, _tomorrow())
    twice = post(client, url, {**form, "variant_id": good})
    assert twice.status_code == 409  # the same video to the same account
    forced = post(client, url, {**form, "variant_id": good, "force": "true"})
    assert forced.status_code == 303
    with app.state.sessions() as db:
        assert len(db.scalars(select(Post)).all()) == 2


def test_the_oauth_callback_refuses_answers_it_did_not_ask_for(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, post: Any, sandbox: SandboxServer) -> None:
    owner = make_user("owner@example.org")
    make_user("other@example.org", workspace="Other")
    login(client, owner.email)
    assert client.get("/publishing/oauth/callback?code=x&state=y").status_code == 403
    start = post(client, f"/w/{owner.workspace_id}/publishing/accounts",
                 {"platform": "tiktok", "name": "brand", "sandbox": sandbox.url})
    found = re.search(r'href="([^"]+)" rel="noreferrer" data-continue', start.text)
    assert found
    back = urlsplit(httpx.get(html.unescape(found.group(1)), timeout=10).headers["location"])
    forged = re.sub(r"state=[^&]+", "state=forged", back.query)
    assert client.get(f"{back.path}?{forged}").status_code == 403
    login(other_client, "other@example.org")  # another user holding the same answer
    for name, value in client.cookies.items():
        if name == "coulisses_oauth":
            other_client.cookies.set(name, value, path="/publishing/oauth")
    assert other_client.get(f"{back.path}?{back.query}").status_code == 403
    with app.state.sessions() as db:
        assert db.scalars(select(PublishAccount)).all() == []
    assert client.get(f"{back.path}?{back.query}").status_code == 303
    for elsewhere in ("http://169.254.169.254/latest", "file:///etc/passwd",
                      "http://example.org:8765"):  # the studio only talks to a local sandbox
        refused = post(client, f"/w/{owner.workspace_id}/publishing/accounts",
                       {"platform": "youtube", "name": "x", "sandbox": elsewhere})
        assert refused.status_code == 400 and "on this machine" in refused.text


def test_manual_accounts_get_alarms_in_the_calendar_file(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    _connect(client, post, owner.workspace_id, sandbox.url)
    assert post(client, f"/w/{owner.workspace_id}/publishing/accounts",
                {"platform": "instagram", "name": "byhand", "manual": "true"}
                ).status_code == 303
    with app.state.sessions() as db:
        ids = {a.channel: a.id for a in db.scalars(select(PublishAccount))}
    auto = _schedule(client, post, owner.workspace_id,
                     approved_variant(app.state.sessions, settings.data_dir,
                                      owner.workspace_id), ids["api"], _tomorrow())
    by_hand = _schedule(client, post, owner.workspace_id,
                        approved_variant(app.state.sessions, settings.data_dir,
                                         owner.workspace_id, platform="instagram-reels"),
                        ids["manual"], _tomorrow(), clock="19:00")
    response = client.get(f"/w/{owner.workspace_id}/publishing/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    from icalendar import Calendar

    events = {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert set(events) == {f"post-{auto}@coulisses", f"post-{by_hand}@coulisses"}
    assert events[f"post-{auto}@coulisses"].walk("VALARM") == []
    alarms = events[f"post-{by_hand}@coulisses"].walk("VALARM")
    assert [a["trigger"].dt for a in alarms] == [timedelta(minutes=-30), timedelta(0)]
    assert all(a["action"] == "DISPLAY" and str(by_hand) in a["description"] for a in alarms)


def test_the_page_speaks_french(app: FastAPI, client: TestClient, make_user: Any,
                                login: Any) -> None:
    owner = make_user("owner@example.org")
    login(client, owner.email)
    page = client.get(f"/w/{owner.workspace_id}/publishing?lang=fr")
    assert page.status_code == 200
    assert "Calendrier" in page.text and "lun." in page.text and "File d’attente" in page.text
    assert client.get(f"/w/{owner.workspace_id}/publishing?tz=Mars/Olympus").status_code == 400


def test_every_key_of_the_publishing_pages_is_in_both_languages() -> None:
    from pathlib import Path

    from coulisses.publish.tables import STATES
    from coulisses.web.i18n_web import EN, FR

    folder = Path(__file__).resolve().parents[2] / "src" / "coulisses" / "web" / "templates"
    used: set[str] = set()
    for path in folder.glob("publishing_*.html"):
        used |= set(re.findall(r"""t\(\s*["']([\w.]*\w)["']""", path.read_text("utf-8")))
    used |= {f"pub.state.{s}" for s in STATES}  # built as "pub.state." ~ state
    used |= {f"pub.done.{d}" for d in ("scheduled", "moved", "approved", "edited", "retried",
                                       "cancelled", "connected", "sync_queued")}
    assert len(used) > 60
    assert used - set(EN) == set() and used - set(FR) == set()


def test_the_studio_process_runs_the_publishing_worker(
        settings: Settings, db_url: str, sandbox: SandboxServer, make_user: Any,
        tmp_path: Any) -> None:
    """The app's lifespan starts the same worker as `coulisses publish run`, and stops it."""
    import time

    from coulisses.publish import accounts
    from coulisses.publish.api import builtin_apis
    from coulisses.publish.worker import sha256_of
    from coulisses.web.app import create_app

    live = create_app(settings, database_url=db_url, start_worker=True)
    try:
        video = tmp_path / "cut.mp4"
        video.write_bytes(b"\0" * 120_000)
        with TestClient(live):  # runs the lifespan: the job worker and the publisher start
            with live.state.sessions() as db:
                fernet = accounts.sealer(settings.publish_key, settings.data_dir)
                account = accounts.add(db, fernet, builtin_apis()["youtube"], "studio",
                                       sandbox_url=sandbox.url)
                post_id = queue.schedule(db, account_id=account.id, platform="youtube",
                                         video_path=str(video), video_sha256=sha256_of(video),
                                         size_bytes=video.stat().st_size, due_ms=0,
                                         caption="from the studio").id
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and _state(live, post_id).state != "published":
                time.sleep(0.2)
            assert _state(live, post_id).state == "published"
        assert [p["caption"] for p in sandbox.sandbox.store.posts()] == ["from the studio"]
    finally:
        live.state.engine.dispose()


def test_scheduling_a_cut_for_a_deliverable_checks_the_campaigns_rights_gate(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer) -> None:
    """The studio refuses, in the page's language, what `publish schedule --from-plan` would:
    here Léa's consent is pending in the campaign the cut was made for."""
    from board_world import rendered_cut

    from coulisses.campaign.template import starter_text
    from coulisses.studio.tables import Campaign

    owner = make_user("owner@example.org")
    login(client, owner.email)
    _connect(client, post, owner.workspace_id, sandbox.url)
    account = _account_id(app)
    source = starter_text("en")
    with app.state.sessions() as db:
        row = Campaign(workspace_id=owner.workspace_id, name="Spring", filename="spring.yaml",
                       source=source.replace("role: talent\n    consent: granted",
                                             "role: talent\n    consent: pending"),
                       version_id=1)
        db.add(row)
        db.commit()
        campaign_id = row.id
    made = rendered_cut(app, owner.workspace_id, owner.user_id, campaign_id=campaign_id,
                        deliverable="ep-1-tiktok", decision="approved")
    form = {"account_id": account, "day": _tomorrow(), "clock": "18:00", "tz": "Europe/Paris",
            "variant_id": made["variants"][0]}
    url = f"/w/{owner.workspace_id}/publishing/posts"
    refused = post(client, url, form)
    assert refused.status_code == 409
    assert ("Teaser: not scheduled: rights gate closed: Léa (lea) has not given consent "
            "(consent: pending)") in html.unescape(refused.text)
    in_french = post(client, f"{url}?lang=fr", form)
    assert ("Teaser : non programmé : les droits ne sont pas réglés : Léa (lea) n'a pas donné "
            "son consentement (consentement : pending)") in html.unescape(in_french.text)
    with app.state.sessions() as db:
        assert db.scalars(select(Post)).all() == []
        row = db.get(Campaign, campaign_id)
        assert row is not None
        row.source = source  # consent granted: the same cut is scheduled
        db.commit()
    assert post(client, url, form).status_code == 303


def test_an_account_whose_tokens_stopped_working_says_so_and_is_reconnected_in_place(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        sandbox: SandboxServer) -> None:
    from coulisses.publish.accounts import mark_reconnect
    from coulisses.web.i18n_web import EN, FR

    owner = make_user("owner@example.org")
    login(client, owner.email)
    assert _connect(client, post, owner.workspace_id, sandbox.url,
                    platform="instagram", name="maison").status_code == 303
    account = _account_id(app)
    mark_reconnect(app.state.sessions, account, "Instagram refused the sign-in (invalid_grant)")
    page = f"/w/{owner.workspace_id}/publishing"
    for lang, table in (("en", EN), ("fr", FR)):
        shown = html.unescape(client.get(f"{page}?lang={lang}").text)
        assert table["pub.reconnect"] in shown and "(invalid_grant)" in shown
    assert _connect(client, post, owner.workspace_id, sandbox.url,
                    platform="instagram", name="maison").status_code == 303
    with app.state.sessions() as db:
        row = db.get(PublishAccount, account)
        assert row is not None and (row.reconnect, row.external_id) == ("", "maison")
    assert EN["pub.reconnect"] not in client.get(f"{page}?lang=en").text


def test_sync_metrics_shows_each_published_posts_numbers_from_the_sandbox(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, post: Any, settings: Settings, tmp_path: Any) -> None:
    from coulisses.kpi.store import open_store
    from coulisses.publish.numbers import sync_workspace
    from coulisses.publish.sandbox.metrics import audience
    from coulisses.studio.files import analytics_store

    now = datetime.now(UTC).timestamp()
    with SandboxServer(tmp_path / "sb-numbers", clock=lambda: now + 3 * 3600) as sandbox:
        owner = make_user("owner@example.org")
        make_user("rev@example.org", role="reviewer")
        login(client, owner.email)
        _connect(client, post, owner.workspace_id, sandbox.url)
        variant = approved_variant(app.state.sessions, settings.data_dir, owner.workspace_id)
        post_id = _schedule(client, post, owner.workspace_id, variant, _account_id(app),
                            _tomorrow())
        assert post(client, f"/w/{owner.workspace_id}/publishing/posts/{post_id}/approve"
                    ).status_code == 303
        with app.state.sessions() as db:  # due now
            row = db.get(Post, post_id)
            assert row is not None
            row.due_ms -= 2 * 86_400_000
            db.commit()
        _drain(app, settings)
        done = _state(app, post_id)
        assert done.state == "published"
        base = f"/w/{owner.workspace_id}/publishing"
        before = client.get(f"{base}/posts/{post_id}")
        assert "not synced yet" in before.text and 'data-metric="views"' not in before.text
        assert not analytics_store(settings.data_dir, owner.workspace_id).exists()

        login(other_client, "rev@example.org")  # a reviewer sees, but does not sync
        assert f"{base}/sync" not in other_client.get(base).text
        assert post(other_client, f"{base}/sync").status_code == 403

        synced = post(client, f"{base}/sync")  # a studio job, run by the studio's worker
        assert synced.status_code == 303
        assert synced.headers["location"] == f"{base}?done=sync_queued"
        assert post(client, f"{base}/sync").status_code == 303  # one waiting: reused
        waiting = client.get(f"{base}?done=sync_queued")
        assert "Sync started" in waiting.text and 'data-sync="queued"' in waiting.text
        assert "not synced yet" in waiting.text
        with app.state.sessions() as db:
            assert db.scalars(select(Job.id).where(Job.kind == "sync_metrics")).all() != []
            assert len(db.scalars(select(Job.id).where(Job.kind == "sync_metrics")).all()) == 1
        JobWorker(app.state.sessions, settings).run_until_empty()
        record = sandbox.sandbox.store.posts()
        assert [r["platform_id"] for r in record] == [done.platform_post_id]
        served = audience(done.platform_post_id, now + 3 * 3600 - float(record[0]["time"]))
        page = client.get(base)
        assert "Last metrics sync: 1 post(s) read." in page.text
        ended = re.search(rf'<tr data-post="{post_id}">(.*?)</tr>', page.text, re.S)
        assert ended
        for metric in ("views", "likes", "comments", "shares"):
            shown = re.search(rf'data-metric="{metric}" data-value="([\d.]+)"', ended.group(1))
            assert shown and float(shown.group(1)) == served[metric], metric
        assert "synced " in ended.group(1)
        shown_post = client.get(f"{base}/posts/{post_id}?lang=fr")
        assert f'data-metric="views" data-value="{float(served["views"])}"' in shown_post.text
        assert "Chiffres" in shown_post.text and "synchronisé le" in shown_post.text
        assert "vues" in shown_post.text

        with open_store(analytics_store(settings.data_dir, owner.workspace_id)) as store:
            provenance = store.con.execute(
                "SELECT DISTINCT source_sheet FROM metrics WHERE post_id = ?",
                [done.platform_post_id]).fetchall()
        assert provenance == [("api",)]
        # another workspace's sync reads none of this workspace's posts
        other = sync_workspace(settings, app.state.sessions, owner.workspace_id + 1000)
        assert other.posts == 0 and other.skipped == 0

        # the platform down: the page says so in one line, and the stored numbers stay
        import dataclasses

        sandbox.sandbox.dice = Dice(parse_faults("5xx=1"))
        assert post(client, f"{base}/sync").status_code == 303
        JobWorker(app.state.sessions, dataclasses.replace(settings, publish_backoff_ms=0)
                  ).run_until_empty()
        down = client.get(base)  # French: the page's language since ?lang=fr
        assert 'data-sync="failed"' in down.text
        assert "La dernière synchronisation a échoué : Statistiques non synchronisées : " \
            "tiktok: gave up after" in down.text, down.text[-3000:]
        again = client.get(f"{base}/posts/{post_id}")
        assert f'data-metric="views" data-value="{float(served["views"])}"' in again.text
