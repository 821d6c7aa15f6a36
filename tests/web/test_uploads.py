"""Upload routes over HTTP, on SQLite and PostgreSQL: resumable chunks, limits (413), type
checks by content (415), path tricks in names, the plain form, and nothing kept on refusal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from studio_media import headers, token, upload

from coulisses.settings import Settings
from coulisses.studio.tables import Rush


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en",
                    upload_max_mb=1)


def _rushes(app: FastAPI) -> int:
    with app.state.sessions() as db:
        return int(db.scalar(select(func.count(Rush.id))) or 0)


def _kept_files(settings: Settings) -> list[Path]:
    return [p for p in settings.data_dir.rglob("*") if p.is_file() and p.suffix != ".sqlite3"
            and "sqlite3" not in p.name]


def test_chunked_upload_makes_a_rush_with_a_thumbnail(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    done = upload(client, me.workspace_id, landscape_clip, name="../../Interview café.mp4",
                  chunk=50_000)
    assert done["name"] == "Interview café.mp4"
    page = client.get(done["url"])
    assert page.status_code == 200
    assert "Interview café.mp4" in page.text
    thumb = client.get(f"/w/{me.workspace_id}/rushes/{done['rush_id']}/thumb")
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8"
    listing = client.get(f"/api/w/{me.workspace_id}/rushes").json()
    assert [r["name"] for r in listing] == ["Interview café.mp4"]
    assert listing[0]["duration"] == pytest.approx(3.0, abs=0.05)


def test_resume_after_a_drop_by_asking_the_offset(
        client: TestClient, make_user: Any, login: Any, landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    data = landscape_clip.read_bytes()
    h = headers(client)
    url = client.post(f"/api/w/{me.workspace_id}/uploads", headers=h,
                      json={"name": "a.mp4", "size": len(data)}).json()["url"]
    client.patch(url, content=data[:30_000], headers=h | {"Upload-Offset": "0"})
    # the client lost the reply of its second chunk and resends from a stale offset
    stale = client.patch(url, content=data[:30_000], headers=h | {"Upload-Offset": "0"})
    assert stale.status_code == 409
    assert "30000" in stale.json()["error"]
    head = client.head(url, headers=h)
    assert head.headers["Upload-Offset"] == "30000"
    assert head.headers["Upload-Length"] == str(len(data))
    rest = client.patch(url, content=data[30_000:], headers=h | {"Upload-Offset": "30000"})
    assert rest.status_code == 204 and rest.headers["Upload-Offset"] == str(len(data))
    assert client.post(url + "/finish", headers=h).status_code == 201


def test_oversized_upload_is_413_with_a_clear_message_and_nothing_kept(
        client: TestClient, app: FastAPI, settings: Settings, make_user: Any, login: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    r = client.post(f"/api/w/{me.workspace_id}/uploads", headers=headers(client),
                    json={"name": "huge.mp4", "size": 5 * 1024 * 1024})
    assert r.status_code == 413
    assert "over the 1 MB limit" in r.json()["error"]
    # the plain form: the same limit, the same message
    big = b"\x00\x00\x00\x18ftypisom" + bytes(1024 * 1024 + 10)
    r = client.post(f"/w/{me.workspace_id}/rushes/upload",
                    data={"csrf_token": token(client)},
                    files={"files": ("huge.mp4", big, "video/mp4")})
    assert r.status_code == 413, r.text[-2000:]
    assert "1 MB limit" in r.text
    assert _rushes(app) == 0 and _kept_files(settings) == []


def test_text_renamed_mp4_is_415_and_nothing_kept(
        client: TestClient, app: FastAPI, settings: Settings, make_user: Any, login: Any,
        text_file: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    data = text_file.read_bytes()
    h = headers(client)
    url = client.post(f"/api/w/{me.workspace_id}/uploads", headers=h,
                      json={"name": "holiday.mp4", "size": len(data)}).json()["url"]
    r = client.patch(url, content=data, headers=h | {"Upload-Offset": "0"})
    assert r.status_code == 415
    assert "not a video" in r.json()["error"]
    r = client.post(f"/w/{me.workspace_id}/rushes/upload", data={"csrf_token": token(client)},
                    files={"files": ("holiday.mp4", data, "video/mp4")})
    assert r.status_code == 415
    assert _rushes(app) == 0 and _kept_files(settings) == []


def test_plain_form_upload_with_a_hostile_name(
        client: TestClient, app: FastAPI, settings: Settings, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    r = client.post(f"/w/{me.workspace_id}/rushes/upload", data={"csrf_token": token(client)},
                    files={"files": ("../../../etc/.`echo y` & more.mp4",
                                     landscape_clip.read_bytes(), "video/mp4")})
    assert r.status_code == 303
    with app.state.sessions() as db:
        rush = db.scalars(select(Rush)).one()
    assert rush.name == "`echo y` & more.mp4"
    stored = (settings.data_dir / rush.path).resolve()
    assert stored.is_file()
    assert (settings.data_dir / "media" / f"ws-{me.workspace_id}").resolve() in stored.parents
    assert all(c.isalnum() or c in "._-" for c in stored.name)


def test_forged_upload_without_a_token_is_refused(
        client: TestClient, app: FastAPI, make_user: Any, login: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    r = client.post(f"/api/w/{me.workspace_id}/uploads", json={"name": "a.mp4", "size": 10})
    assert r.status_code == 403


def test_reviewers_and_clients_cannot_upload(
        client: TestClient, make_user: Any, login: Any) -> None:
    owner = make_user("own@example.org")
    for role in ("reviewer", "client"):
        who = make_user(f"{role}@example.org", workspace="Acme", role=role)
        login(client, who.email)
        r = client.post(f"/api/w/{owner.workspace_id}/uploads", headers=headers(client),
                        json={"name": "a.mp4", "size": 10})
        assert r.status_code == 403, role


def test_another_workspace_cannot_touch_my_upload(
        client: TestClient, other_client: TestClient, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("me@example.org", workspace="Mine")
    them = make_user("them@example.org", workspace="Theirs")
    login(client, me.email)
    login(other_client, them.email)
    url = client.post(f"/api/w/{me.workspace_id}/uploads", headers=headers(client),
                      json={"name": "a.mp4", "size": 100}).json()["url"]
    h = headers(other_client)
    assert other_client.head(url, headers=h).status_code == 404
    upload_id = url.rsplit("/", 1)[-1]
    theirs = f"/api/w/{them.workspace_id}/uploads/{upload_id}"
    assert other_client.head(theirs, headers=h).status_code == 404
    r = other_client.patch(theirs, content=b"x" * 10, headers=h | {"Upload-Offset": "0"})
    assert r.status_code == 404


def test_unicode_names_survive(client: TestClient, make_user: Any, login: Any,
                               landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    for name in ("日本語の動画.mp4", "party 🎬🎉 clip.mp4"):
        assert upload(client, me.workspace_id, landscape_clip, name=name)["name"] == name
    page = client.get(f"/w/{me.workspace_id}/rushes")
    assert "日本語の動画.mp4" in page.text and "party 🎬🎉 clip.mp4" in page.text


def test_settings_limit_is_read_from_the_environment(tmp_path: Path) -> None:
    from coulisses.settings import load_settings

    s = load_settings(env={"COULISSES_UPLOAD_MAX_MB": "42"}, file=tmp_path / "none.toml")
    assert s.upload_max_mb == 42
    assert replace(s, upload_max_mb=1).upload_max_mb == 1


def _sent(client: TestClient, workspace_id: int, data: bytes, name: str) -> str:
    """An upload with all its bytes sent, not finished; its URL."""
    h = headers(client)
    created = client.post(f"/api/w/{workspace_id}/uploads", headers=h,
                          json={"name": name, "size": len(data)})
    url = str(created.json()["url"])
    assert client.patch(url, content=data, headers=h | {
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
                        ).status_code == 204
    return url


@pytest.mark.parametrize("second", ["finish", "cancel"])
def test_finish_racing_finish_or_cancel_never_fails(
        client: TestClient, app: FastAPI, settings: Settings, make_user: Any, login: Any,
        landscape_clip: Path, second: str) -> None:
    """Audit L1: the second of two racing finishes (or a cancel) answered 500."""
    import threading

    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    for _ in range(3):
        url = _sent(client, me.workspace_id, landscape_clip.read_bytes(), "race.mp4")
        h = headers(client)
        ready = threading.Barrier(2)
        answers: dict[str, int] = {}

        def call(what: str, url: str, h: dict[str, str], ready: threading.Barrier,
                 answers: dict[str, int]) -> None:
            ready.wait()
            response = client.post(url + "/finish", headers=h) if what != "cancel" else \
                client.delete(url, headers=h)
            answers[what + str(threading.get_ident())] = response.status_code

        threads = [threading.Thread(target=call, args=(w, url, h, ready, answers))
                   for w in ("finish", second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(answers.values())
        assert 500 not in statuses, statuses
        if second == "finish":
            assert statuses == [201, 404]
        else:
            # whichever lands first wins (201 or 204); the other may find it gone (404)
            assert len(statuses) == 2 and set(statuses) <= {201, 204, 404}, statuses
            assert statuses != [404, 404], statuses
    rushes = _rushes(app)
    files = list((settings.data_dir / "media").rglob("rushes/*race.mp4"))
    assert len(files) == rushes  # every moved file has its rush, and no rush lost its file


def test_a_video_named_like_a_playlist_leaves_nothing(
        client: TestClient, app: FastAPI, settings: Settings, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    """Audit L2: it was moved into the rushes, refused after, left there, and the message
    showed the data folder's absolute path."""
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    for name in ("clip.m3u8", "clip.sdp", "clip.ffconcat"):
        url = _sent(client, me.workspace_id, landscape_clip.read_bytes(), name)
        refused = client.post(url + "/finish", headers=headers(client))
        assert refused.status_code == 415
        message = refused.json()["error"]
        assert message.startswith(f"{name}: playlists") and str(settings.data_dir) not in message
    assert _rushes(app) == 0
    assert _kept_files(settings) == []


def test_an_upload_belongs_to_whoever_started_it(client: TestClient, other_client: TestClient,
                                                 make_user: Any, login: Any,
                                                 landscape_clip: Path) -> None:
    """Audit I3: another editor who knew the id could resume, finish or cancel it."""
    me = make_user("ed@example.org", role="editor")
    other = make_user("other@example.org", role="owner")
    login(client, me.email)
    login(other_client, other.email)
    url = _sent(client, me.workspace_id, landscape_clip.read_bytes(), "mine.mp4")
    h = headers(other_client)
    assert other_client.head(url, headers=h).status_code == 404
    assert other_client.patch(url, content=b"x", headers=h | {
        "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
                              ).status_code == 404
    assert other_client.delete(url, headers=h).status_code == 404
    assert other_client.post(url + "/finish", headers=h).status_code == 404
    assert client.post(url + "/finish", headers=headers(client)).status_code == 201
