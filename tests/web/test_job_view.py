"""A job's page and the jobs API show what it made and how it went, never where its files lie
in the data folder (a client viewer reads them too)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.web.job_view import shown_result

RESULT = {"file": "media/ws-1/analyses/rush-7.json", "shots": 3, "words": 41, "moments": 2}
RENDER = {"out_dir": "media/ws-1/cuts/cut-1/v1", "passed": False,
          "variants": [{"platform": "tiktok", "label": "TikTok", "passed": True,
                        "video": "media/ws-1/cuts/cut-1/v1/x.mp4",
                        "qc": {"path": "Xy-interview.tiktok.mp4", "passed": True}},
                       {"platform": "youtube", "label": "YouTube", "passed": False,
                        "video": "media/ws-1/cuts/cut-1/v1/y.mp4"}]}


def test_shown_result_drops_every_path_at_any_depth() -> None:
    shown = shown_result(RENDER)
    assert "media/" not in json.dumps(shown) and "Xy-" not in json.dumps(shown)
    assert shown["variants"][1] == {"platform": "youtube", "label": "YouTube", "passed": False}
    assert shown_result(RESULT) == {"shots": 3, "words": 41, "moments": 2}


def _job(app: FastAPI, workspace_id: int, kind: str, payload: dict[str, Any],
         result: dict[str, Any]) -> int:
    from coulisses.studio.tables import Job

    with app.state.sessions() as db:
        job = Job(workspace_id=workspace_id, kind=kind, payload=json.dumps(payload),
                  status="done", progress=1.0, result=json.dumps(result))
        db.add(job)
        db.commit()
        return job.id


def test_a_client_sees_what_a_job_made_without_paths(client: TestClient, app: FastAPI,
                                                    make_user: Any, login: Any) -> None:
    owner = make_user("ana@example.org")
    viewer = make_user("cli@example.org", role="client")
    analysed = _job(app, owner.workspace_id, "analyze", {"rush_id": 7, "path": "/srv/x.mp4"},
                    RESULT)
    rendered = _job(app, owner.workspace_id, "render", {"version_id": 999}, RENDER)
    login(client, viewer.email)
    page = client.get(f"/w/{owner.workspace_id}/jobs/{analysed}")
    assert page.status_code == 200
    assert "3 shot(s), 41 word(s), 2 moment(s)" in page.text
    assert f'href="/w/{owner.workspace_id}/rushes/7"' in page.text
    fr = client.get(f"/w/{owner.workspace_id}/jobs/{rendered}?lang=fr")
    assert "TikTok" in fr.text and "conforme" in fr.text and "rendu" in fr.text
    for url in (f"/w/{owner.workspace_id}/jobs/{analysed}",
                f"/w/{owner.workspace_id}/jobs/{rendered}",
                f"/api/jobs/{analysed}", f"/api/jobs/{rendered}"):
        text = client.get(url).text
        assert "media/ws-" not in text and "/srv/" not in text, url


def test_error_lines_keep_file_names_but_no_server_path() -> None:
    from coulisses.web.job_view import shown_error

    assert shown_error("ffmpeg failed: /srv/data/media/ws-1/rushes/ab.mp4: Invalid data "
                       "(see https://ffmpeg.org/a/b)") == (
        "ffmpeg failed: ab.mp4: Invalid data (see https://ffmpeg.org/a/b)")
    assert shown_error("OSError: '/tmp/x/y.json' is gone") == "OSError: 'y.json' is gone"
    assert shown_error("cut 1/2 at 3/4") == "cut 1/2 at 3/4"
    assert shown_error(None) == ""


def test_a_failed_job_shows_its_error_without_the_path(client: TestClient, app: FastAPI,
                                                      make_user: Any, login: Any) -> None:
    from coulisses.studio.tables import Job

    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        job = Job(workspace_id=made.workspace_id, kind="render", status="failed",
                  error="FileNotFoundError: /srv/coulisses/data/media/ws-1/x.mp4")
        db.add(job)
        db.commit()
        job_id = job.id
    login(client, made.email)
    for url in (f"/w/{made.workspace_id}/jobs/{job_id}", f"/api/jobs/{job_id}"):
        text = client.get(url).text
        assert "x.mp4" in text and "/srv/" not in text, url
