"""A challenge's intake over HTTP: the team opens it, an entrant sends a real video through the
resumable upload with each consent item, a minor's parent confirms from the e-mailed link, a
withdrawal takes the entry out and the purge job leaves a receipt; bad files, incomplete
consent, repeats, forged links and floods are refused with one clear line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from challengekit import casting_open_now
from coulisses.challenges import consent
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.settings import Settings
from coulisses.studio.board_tables import MailOutbox
from coulisses.studio.tables import Campaign

FORM = {"age_band": "18-24", "country": "FR", "city": "Lyon", "email": "zoe@example.org",
        "consent_data": "yes", "consent_release": "yes", "consent_scope": "yes", "lang": "en"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A studio that can e-mail links (opening a challenge needs it); the outbox is read
    straight from the database here, nothing is sent."""
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en",
                    smtp_host="127.0.0.1", public_url="http://testserver")


def _team_page(app: FastAPI, client: TestClient, login: Any, owner: Any) -> str:
    """The example campaign (taking entries today) in the owner's workspace, the owner signed
    in: its challenges page."""
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=casting_open_now(), version_id=1)
        db.add(campaign)
        db.commit()
        campaign_id = campaign.id
    login(client, owner.email)
    return f"/w/{owner.workspace_id}/campaigns/{campaign_id}/challenges"


@pytest.fixture
def opened(app: FastAPI, client: TestClient, make_user: Any, login: Any,
           post: Any) -> dict[str, Any]:
    owner = make_user("owner@example.org")
    base = _team_page(app, client, login, owner)
    page = client.get(base)
    assert page.status_code == 200 and "Casting Cités" in page.text
    assert post(client, f"{base}/casting/open").status_code == 303
    with app.state.sessions() as db:
        row = db.scalars(select(ChallengeRow)).one()
        slug = row.slug
    assert f"/b/c/{slug}" in client.get(base).text
    client.cookies.clear()  # entrants are not signed in
    return {"slug": slug, "base": base, "owner": owner.email, "workspace_id": owner.workspace_id}


def _token(client: TestClient, slug: str) -> str:
    page = client.get(f"/b/c/{slug}")
    assert page.status_code == 200, page.text[:300]
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _upload(client: TestClient, slug: str, data: bytes, name: str = "me.mp4",
            chunk: int = 40_000) -> str:
    h = {"x-csrf-token": _token(client, slug), "accept": "application/json"}
    made = client.post(f"/b/c/{slug}/uploads", json={"name": name, "size": len(data)}, headers=h)
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    for start in range(0, len(data), chunk):
        sent = client.patch(url, content=data[start:start + chunk],
                            headers=h | {"upload-offset": str(start),
                                         "content-type": "application/offset+octet-stream"})
        assert sent.status_code == 204, sent.text
    return str(made.json()["id"])


def _submit(client: TestClient, slug: str, upload_id: str, **fields: str) -> Any:
    data = {**FORM, **fields, "upload_id": upload_id, "csrf_token": _token(client, slug)}
    return client.post(f"/b/c/{slug}", data=data)


def _link(app: FastAPI, to: str, kind: str) -> str:
    with app.state.sessions() as db:
        bodies = [m.body for m in db.scalars(select(MailOutbox).where(MailOutbox.to_addr == to))]
    found = [re.search(rf"\{{base\}}(/b/c/\S+/{kind}/\S+)", b) for b in bodies]
    links = [f.group(1) for f in found if f]
    assert links, bodies
    return links[-1]


def test_an_entry_goes_in_with_each_consent_then_is_withdrawn_and_purged(
        app: FastAPI, client: TestClient, opened: dict[str, Any],
        landscape_clip: Path) -> None:
    slug = opened["slug"]
    page = client.get(f"/b/c/{slug}?lang=fr")
    assert "Votre consentement, point par point" in page.text and "tiktok" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    upload_id = _upload(client, slug, landscape_clip.read_bytes())
    sent = _submit(client, slug, upload_id, city="Marseille")
    assert sent.status_code == 303 and "m=sent" in sent.headers["location"]
    with app.state.sessions() as db:
        entry = db.scalars(select(ChallengeEntry)).one()
        assert entry.consent == consent.COMPLETE and entry.source == "upload"
        assert Path(entry.path).is_file() and "me" not in Path(entry.path).name
        public_id, path = entry.public_id, Path(entry.path)

    withdraw = _link(app, "zoe@example.org", "withdraw")
    shown = client.get(withdraw)
    assert shown.status_code == 200 and "Retirer ma participation" in shown.text  # as chosen
    token = withdraw.split("t=")[1]
    form = {"t": token, "csrf_token": _token(client, slug), "lang": "en"}
    done = client.post(withdraw.split("?")[0], data=form)
    assert done.status_code == 200 and "Your entry is withdrawn." in done.text
    again = client.post(withdraw.split("?")[0], data=form)  # a replayed link
    assert "This entry is withdrawn." in again.text
    with app.state.sessions() as db:
        assert db.scalars(select(ChallengeEntry)).one().status == "withdrawn"

    from coulisses.studio.jobs.worker import Worker

    Worker(app.state.sessions, app.state.settings).run_once()
    receipt = client.get(withdraw + "&lang=en")
    assert "Deletion receipt" in receipt.text and "the video file" in receipt.text
    assert not path.exists()
    with app.state.sessions() as db:
        entry = db.scalars(select(ChallengeEntry)).one()
        assert entry.status == "purged" and entry.public_id == public_id
        mailed = db.scalars(select(MailOutbox).where(MailOutbox.subject.contains("receipt")))
        assert [m.to_addr for m in mailed] == ["zoe@example.org"]


def test_a_minor_waits_for_the_parent_who_confirms_once(
        app: FastAPI, client: TestClient, opened: dict[str, Any],
        landscape_clip: Path) -> None:
    slug = opened["slug"]
    upload_id = _upload(client, slug, landscape_clip.read_bytes())
    refused = _submit(client, slug, upload_id, age_band="13-14", email="kid@example.org")
    assert refused.status_code == 409 and "a parent&#39;s e-mail address" in refused.text
    sent = _submit(client, slug, upload_id, age_band="13-14", email="kid@example.org",
                   parent_email="mum@example.org")  # the same upload, once the form is fixed
    assert sent.status_code == 303 and "w=parent" in sent.headers["location"]
    with app.state.sessions() as db:
        assert db.scalars(select(ChallengeEntry)).one().consent == consent.PENDING_PARENT
    link = _link(app, "mum@example.org", "parent")
    forged = link[:-2] + ("00" if not link.endswith("00") else "11")
    assert client.get(forged).status_code == 404
    page = client.get(link + "&lang=fr")
    assert page.status_code == 200 and "conjointement" in page.text
    form = {"t": link.split("t=")[1], "answer": "yes", "csrf_token": _token(client, slug)}
    agreed = client.post(link.split("?")[0], data=form)
    assert "consentement est enregistré" in agreed.text  # the language the parent chose
    assert "déjà enregistré" in client.post(link.split("?")[0], data=form).text
    with app.state.sessions() as db:
        assert db.scalars(select(ChallengeEntry)).one().consent == consent.COMPLETE


def test_bad_files_incomplete_consent_and_repeats_are_refused(
        app: FastAPI, client: TestClient, opened: dict[str, Any],
        landscape_clip: Path) -> None:
    slug = opened["slug"]
    h = {"x-csrf-token": _token(client, slug), "accept": "application/json"}
    huge = client.post(f"/b/c/{slug}/uploads", json={"name": "big.mp4", "size": 4 * 1024**3},
                       headers=h)
    assert huge.status_code == 413 and "4 GB" in huge.json()["error"]
    wrong = client.post(f"/b/c/{slug}/uploads", json={"name": "notes.txt", "size": 10},
                        headers=h)
    assert wrong.status_code == 415
    empty = client.post(f"/b/c/{slug}/uploads", json={"name": "e.mp4", "size": 0}, headers=h)
    assert empty.status_code == 400
    words = b"this is not a video at all, only words" * 10
    made = client.post(f"/b/c/{slug}/uploads", json={"name": "x.mp4", "size": len(words)},
                       headers=h).json()
    sniffed = client.patch(made["url"], content=words, headers=h | {
        "upload-offset": "0", "content-type": "application/offset+octet-stream"})
    assert sniffed.status_code == 415 and "not a video" in sniffed.json()["error"]
    assert _submit(client, slug, made["id"]).status_code == 404  # the upload is gone
    video = landscape_clip.read_bytes()
    corrupt = _upload(client, slug, video[: len(video) // 3], "cut.mp4")
    assert _submit(client, slug, corrupt).status_code == 415

    upload_id = _upload(client, slug, video)
    missing = _submit(client, slug, upload_id, consent_release="", lang="fr")
    assert missing.status_code == 409
    assert "l&#39;autorisation d&#39;image et de voix n&#39;est pas cochée" in missing.text
    assert _submit(client, slug, upload_id).status_code == 303
    twice = _submit(client, slug, _upload(client, slug, video))
    assert twice.status_code == 409 and "already sent this video" in twice.text
    with app.state.sessions() as db:
        assert len(db.scalars(select(ChallengeEntry)).all()) == 1


def test_closed_unknown_and_forged_addresses_answer_404(
        app: FastAPI, client: TestClient, opened: dict[str, Any], login: Any,
        post: Any) -> None:
    slug = opened["slug"]
    other = slug[:-1] + ("y" if slug.endswith("x") else "x")
    assert client.get(f"/b/c/{other}").status_code == 404
    assert client.get(f"/b/c/{slug}/withdraw/e0123?t=0.abc").status_code == 404
    login(client, opened["owner"])
    assert post(client, f"{opened['base']}/casting/close").status_code == 303
    client.cookies.clear()
    assert client.get(f"/b/c/{slug}").status_code == 404


def test_the_team_clears_a_minor_and_downloads_the_consent_log(
        app: FastAPI, client: TestClient, opened: dict[str, Any], login: Any, post: Any,
        landscape_clip: Path) -> None:
    slug = opened["slug"]
    upload_id = _upload(client, slug, landscape_clip.read_bytes())
    _submit(client, slug, upload_id, age_band="15", email="=cmd@example.org")
    login(client, opened["owner"])
    page = client.get(opened["base"])
    assert "authorisations missing" in page.text
    assert "1 with consent complete, 0 waiting for a parent" in page.text
    with app.state.sessions() as db:
        public_id = db.scalars(select(ChallengeEntry)).one().public_id
    cleared = post(client, f"{opened['base']}/casting/entries/{public_id}/cleared",
                   {"cleared": "yes"})
    assert cleared.status_code == 303
    with app.state.sessions() as db:
        assert db.scalars(select(ChallengeEntry)).one().minor_cleared
    log = client.get(f"{opened['base']}/casting/consents.csv")
    assert log.status_code == 200 and log.headers["content-type"].startswith("text/csv")
    lines = log.text.splitlines()
    assert lines[0].startswith("entry,item,granted,by,at,terms_hash")
    assert len(lines) == 4 and all(public_id in line for line in lines[1:])
    assert "cmd@example.org" not in log.text  # addresses are digests only


def test_a_flood_from_one_address_is_stopped(app: FastAPI, client: TestClient,
                                             opened: dict[str, Any]) -> None:
    slug = opened["slug"]
    codes = [client.get(f"/b/c/{slug}").status_code for _ in range(130)]
    assert codes[0] == 200 and codes[-1] == 429


def test_entrants_send_big_chunks_without_an_account_but_not_over_the_chunk_cap(
        app: FastAPI, client: TestClient, opened: dict[str, Any],
        landscape_clip: Path) -> None:
    slug = opened["slug"]
    h = {"x-csrf-token": _token(client, slug), "accept": "application/json"}
    size = 18 * 1024 * 1024
    made = client.post(f"/b/c/{slug}/uploads", json={"name": "big.mp4", "size": size},
                       headers=h).json()
    patch = h | {"content-type": "application/offset+octet-stream"}
    head = landscape_clip.read_bytes()[:1024]
    first = head + bytes(1024 * 1024 - len(head))  # 1 MiB: far over the anonymous cap
    assert client.patch(made["url"], content=first,
                        headers=patch | {"upload-offset": "0"}).status_code == 204
    over = client.patch(made["url"], content=bytes(17 * 1024 * 1024),
                        headers=patch | {"upload-offset": str(len(first))})
    assert over.status_code == 413
    assert client.head(made["url"]).headers["upload-offset"] == str(len(first))


def test_a_studio_that_cannot_email_links_does_not_open_a_challenge(
        app: FastAPI, client: TestClient, make_user: Any, login: Any, post: Any,
        settings: Settings) -> None:
    """Without SMTP, entrants would never get their withdrawal link nor parents theirs."""
    from dataclasses import replace

    app.state.settings = replace(settings, smtp_host="")
    base = _team_page(app, client, login, make_user("mailless@example.org"))
    refused = post(client, f"{base}/casting/open")
    assert refused.status_code == 400 and "set smtp_host first" in refused.text
    with app.state.sessions() as db:
        assert not any(r.open for r in db.scalars(select(ChallengeRow)))
    french = post(client, f"{base}/casting/open?lang=fr")
    assert "prendre des participations demande" in french.text and "abord smtp_host" in french.text


def test_after_its_last_day_the_page_says_entries_closed_in_the_entrants_language(
        app: FastAPI, client: TestClient, opened: dict[str, Any]) -> None:
    from datetime import date, timedelta

    from coulisses.challenges import intake

    with app.state.sessions() as db:
        campaign = db.scalars(select(Campaign)).one()
        campaign.source = casting_open_now(date.today() - timedelta(days=40))  # ended 10 days ago
        intake.sync(db, campaign, "casting")  # as the team's next sync of the file does
        db.commit()
    closed = client.get(f"/b/c/{opened['slug']}")
    ended = (date.today() - timedelta(days=10)).isoformat()
    assert closed.status_code == 409 and f"Entries closed on {ended}." in closed.text
    assert f"Les participations ont fermé le {ended}." in client.get(
        f"/b/c/{opened['slug']}?lang=fr").text
    created = client.post(f"/b/c/{opened['slug']}/uploads", json={"name": "a.mp4", "size": 10},
                          headers={"x-csrf-token": _token_or_none(client, opened["slug"])})
    assert created.status_code in (403, 409)  # no new upload once closed


def _token_or_none(client: TestClient, slug: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"',
                      client.get(f"/b/c/{slug}").text)
    return found.group(1) if found else ""
