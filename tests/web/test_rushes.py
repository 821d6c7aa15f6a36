"""Rush pages on SQLite and PostgreSQL: analysis as a job (queued once, applied once), the
player's video with HTTP ranges, the timeline, and another workspace seeing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from studio_media import nonce, run_jobs, token, upload

from coulisses.studio.tables import Job


def _analyse(client: TestClient, app: FastAPI, ws: int, rush_id: int) -> None:
    app.state.analyzers = ["shots", "audio"]  # the fast ones; speech is covered end to end
    page = client.get(f"/w/{ws}/rushes/{rush_id}").text
    form = {"csrf_token": token(client), "nonce": nonce(page)}
    first = client.post(f"/w/{ws}/rushes/{rush_id}/analyze", data=form)
    assert first.status_code == 303
    again = client.post(f"/w/{ws}/rushes/{rush_id}/analyze", data=form)  # double click
    assert again.status_code == 409
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Job.id)).where(Job.kind == "analyze")) == 1
    assert len(run_jobs(app)) == 1


def test_analysis_runs_as_a_job_and_shows_on_the_page(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    page = client.get(rush["url"])
    assert "Not analysed yet." in page.text
    _analyse(client, app, me.workspace_id, rush["rush_id"])
    data = client.get(f"/api/w/{me.workspace_id}/rushes/{rush['rush_id']}").json()
    assert data["status"] == "analysed"
    assert data["shots"] and data["shots"][0]["start"] == 0
    page = client.get(rush["url"])
    assert 'class="shot"' in page.text and "Shots: 1" in page.text
    fr = client.get(rush["url"] + "?lang=fr")
    assert "Plans : 1" in fr.text or "Plans: 1" in fr.text


def test_video_is_served_with_ranges_to_members_only(
        client: TestClient, other_client: TestClient, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor", workspace="Mine")
    them = make_user("them@example.org", workspace="Theirs")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    video = f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/video"
    part = client.get(video, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == landscape_clip.read_bytes()[100:200]
    assert part.headers["content-range"].startswith("bytes 100-199/")
    login(other_client, them.email)
    for url in (video, rush["url"], f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/thumb",
                f"/api/w/{me.workspace_id}/rushes/{rush['rush_id']}"):
        assert other_client.get(url).status_code == 404, url
    # their own workspace id with my rush id: still nothing
    assert other_client.get(f"/w/{them.workspace_id}/rushes/{rush['rush_id']}/video"
                            ).status_code == 404
    anonymous = TestClient(client.app, follow_redirects=False)
    assert anonymous.get(video).status_code in (303, 401)


def test_client_viewer_sees_but_cannot_analyse_or_delete(
        client: TestClient, other_client: TestClient, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    viewer = make_user("client@example.org", role="client")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    login(other_client, viewer.email)
    page = other_client.get(rush["url"])
    assert page.status_code == 200 and "Analyse this rush" not in page.text
    for action in ("analyze", "delete"):
        r = other_client.post(f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/{action}",
                              data={"csrf_token": token(other_client)})
        assert r.status_code == 403, action


def test_delete_asks_first_then_trashes_and_the_purge_removes_row_and_files(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    from datetime import timedelta

    from coulisses.studio import trash
    from coulisses.studio.tables import Rush

    me = make_user("own@example.org")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    files = [p for p in app.state.settings.data_dir.rglob("*") if p.suffix in (".mp4", ".jpg")]
    assert len(files) == 2
    url = f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/delete"
    asked = client.post(url, data={"csrf_token": token(client)})  # no confirmation: a question
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.text
    assert client.get(rush["url"]).status_code == 200
    r = client.post(url, data={"csrf_token": token(client), "confirm": "yes"})
    assert r.status_code == 303
    assert client.get(rush["url"]).status_code == 404
    assert all(p.exists() for p in files)  # in the trash: restorable with its files
    with app.state.sessions() as db:
        assert trash.purge(db, app.state.settings.data_dir) == 0  # not old enough yet
        assert trash.purge(db, app.state.settings.data_dir, retention=timedelta(0)) == 1
        assert db.get(Rush, rush["rush_id"]) is None
    assert not any(p.exists() for p in files)


def test_interface_text_exists_in_english_and_french() -> None:
    from coulisses.web.i18n_web import EN, FR, timecode

    assert EN.keys() == FR.keys()
    assert [k for k in EN if EN[k].count("{") != FR[k].count("{")] == []
    assert (timecode(0), timecode(61.25), timecode(3725.0)) == (
        "00:00.00", "01:01.25", "01:02:05.00")


def test_an_hevc_phone_rush_plays_as_an_h264_copy_with_ranges(
        client: TestClient, make_user: Any, login: Any, tmp_path: Path) -> None:
    """Firefox and Chromium on Linux show an iPhone's HEVC as sound over black: the player
    gets an H.264 copy, made once, still served with ranges."""
    from coulisses.media.probe import probe
    from media import ffmpeg

    phone = tmp_path / "IMG_0007.MOV"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=1", "-f", "lavfi",
           "-i", "sine=duration=1", "-c:v", "libx265", "-tag:v", "hvc1", "-pix_fmt", "yuv420p",
           "-c:a", "aac", "-shortest", phone)
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, phone)
    video = f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/video"
    whole = client.get(video)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(whole.content)
    assert probe(copy).video.codec == "h264"  # type: ignore[union-attr]
    part = client.get(video, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == whole.content[:100]
