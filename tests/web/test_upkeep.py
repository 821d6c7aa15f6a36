"""The studio keeps itself tidy: a finished job is applied by the worker even if no page is
opened, abandoned uploads are swept on start and between jobs, error pages raised after the
membership check still render, and requests give their connection back between steps."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from studio_media import nonce, render_cut, run_jobs, token, upload

from coulisses.settings import Settings
from coulisses.studio.jobs.worker import Worker
from coulisses.studio.tables import CutVersion, Rush
from coulisses.studio.uploads import MB, UploadStore


def test_worker_applies_a_render_without_anyone_opening_the_page(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    assert render_cut(client, me.workspace_id, rush["rush_id"]).status_code == 303
    assert len(run_jobs(app)) == 1
    with app.state.sessions() as db:  # straight from the database: no page has read it
        version = db.scalars(select(CutVersion)).one()
        assert version.status == "done" and version.passed
        assert [v.platform for v in version.variants] == ["tiktok"]
    # a page reading it afterwards applies nothing twice
    data = client.get(f"/api/w/{me.workspace_id}/cuts/{version.cut_id}").json()
    assert len(data["versions"][0]["variants"]) == 1


def test_worker_applies_an_analysis_and_a_failure(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    good = upload(client, me.workspace_id, landscape_clip)
    bad = upload(client, me.workspace_id, landscape_clip, name="gone.mp4")
    app.state.analyzers = ["shots"]
    for rush in (good, bad):
        page = client.get(rush["url"]).text
        response = client.post(f"/w/{me.workspace_id}/rushes/{rush['rush_id']}/analyze",
                               data={"csrf_token": token(client), "nonce": nonce(page)})
        assert response.status_code == 303
    with app.state.sessions() as db:
        gone = db.get(Rush, bad["rush_id"])
        assert gone is not None
        (app.state.settings.data_dir / gone.path).unlink()  # the file vanished meanwhile
    assert len(run_jobs(app)) == 2
    with app.state.sessions() as db:
        analysed, failed = db.get(Rush, good["rush_id"]), db.get(Rush, bad["rush_id"])
        assert analysed is not None and failed is not None
        assert analysed.status == "analysed"
        assert json.loads(analysed.analysis)["shots"]
        assert failed.status == "failed" and failed.error


def _stale_and_fresh(data_dir: Path) -> tuple[UploadStore, str, str]:
    store = UploadStore(data_dir, 10 * MB)
    stale = store.create(1, 1, "old.mp4", 100)
    fresh = store.create(1, 1, "new.mp4", 100)
    state = store.partial_dir(1) / f"{stale.id}.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["created"] = time.time() - 8 * 24 * 3600
    state.write_text(json.dumps(data), encoding="utf-8")
    return store, stale.id, fresh.id


def test_abandoned_uploads_are_swept_when_the_studio_starts(settings: Settings,
                                                           db_url: str) -> None:
    from coulisses.web.app import create_app

    store, stale, fresh = _stale_and_fresh(settings.data_dir)
    application = create_app(settings, database_url=db_url, start_worker=False)
    with TestClient(application):
        left = {p.stem for p in store.partial_dir(1).glob("*.part")}
    application.state.engine.dispose()
    assert stale not in left
    assert left == {fresh}


def test_worker_chores_run_when_due(app: FastAPI, settings: Settings) -> None:
    store, stale, fresh = _stale_and_fresh(settings.data_dir)
    worker = Worker(app.state.sessions, settings)
    worker.every(3600, store.sweep)
    worker.run_chores()  # not due yet
    assert len(list(store.partial_dir(1).glob("*.part"))) == 2
    worker.run_chores(force=True)
    left = [p.stem for p in store.partial_dir(1).glob("*.part")]
    assert stale not in left
    assert left == [fresh]


def test_error_page_after_the_membership_check_names_the_workspace(
        client: TestClient, make_user: Any, login: Any) -> None:
    """Regression: the page used to read ``member.workspace`` after the session closed."""
    me = make_user("ana@example.org", workspace="Maison Été")
    login(client, me.email)
    for path in (f"/w/{me.workspace_id}/results/999999", f"/w/{me.workspace_id}/rushes/999999",
                 f"/w/{me.workspace_id}/campaigns/999999"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "Maison Été" in page.text, path
        assert f"/w/{me.workspace_id}/jobs" in page.text, path  # the workspace's navigation


def test_pages_give_their_connection_back(client: TestClient, app: FastAPI, make_user: Any,
                                          login: Any) -> None:
    """After each request, every connection the app took is back in the pool."""
    me = make_user("ana@example.org")
    login(client, me.email)
    pool = app.state.engine.pool
    for path in ("/", f"/w/{me.workspace_id}/rushes", f"/w/{me.workspace_id}/results",
                 f"/w/{me.workspace_id}/rushes/999999"):
        client.get(path)
        assert pool.checkedout() == 0, path


def test_the_pool_has_a_connection_for_every_server_thread(app: FastAPI) -> None:
    from coulisses.studio.db import SERVER_THREADS

    pool = app.state.engine.pool
    assert pool.size() > SERVER_THREADS  # the threads, plus the job worker's


def test_work_folders_of_killed_renders_are_swept(settings: Settings, db_url: str) -> None:
    """Audit L10: a render killed mid-way left its work folder for good."""
    import os

    from coulisses.output import make_work_dir
    from coulisses.studio.files import WORK_IDLE, cuts_dir, sweep_work_folders
    from coulisses.web.app import create_app

    version = cuts_dir(settings.data_dir, 1, 5, 1)
    version.mkdir(parents=True)
    (version / "kept.tiktok.mp4").write_bytes(b"published")
    dead, live = make_work_dir(version), make_work_dir(version)
    for folder in (dead, live):
        (folder / "part.mp4").write_bytes(b"\0" * 1000)
    old = time.time() - WORK_IDLE - 60
    for path in (dead / "part.mp4", dead):
        os.utime(path, (old, old))
    application = create_app(settings, database_url=db_url, start_worker=False)
    with TestClient(application):
        assert not dead.exists() and live.exists()
    application.state.engine.dispose()
    assert (version / "kept.tiktok.mp4").read_bytes() == b"published"
    # between jobs, once nothing has been written in it for a while
    assert sweep_work_folders(settings.data_dir, now=time.time() + WORK_IDLE + 1) == 1
    assert not live.exists()


def test_a_during_jobs_chore_runs_while_a_long_job_holds_the_worker(
        app: FastAPI, settings: Settings, make_user: Any) -> None:
    """E-mail (a parent's consent link, a voter's confirmation) must not wait for a render:
    a chore registered ``during_jobs`` runs while a job is still running; the others wait."""
    import threading

    from coulisses.studio.jobs import queue
    from coulisses.studio.jobs.registry import HANDLERS, handler

    me = make_user("chores@example.org", role="editor")
    sent, swept, started = threading.Event(), threading.Event(), threading.Event()

    @handler("test-long")
    def long_job(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        swept.clear()  # from here on, the between-jobs chore cannot run
        sent.clear()
        started.set()
        ran = sent.wait(10)  # the job only ends once the side chore has run
        return {"side_chore_ran": ran, "between_chore_ran": swept.is_set()}

    try:
        with app.state.sessions() as db:
            queue.submit(db, me.workspace_id, "test-long", {})
            db.commit()
        worker = Worker(app.state.sessions, settings, poll_seconds=0.05)
        worker.every(0.05, sent.set, during_jobs=True)
        worker.every(0.05, swept.set)
        worker.start()
        assert started.wait(10)
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                with app.state.sessions() as db:
                    from coulisses.studio.tables import Job

                    job = db.scalars(select(Job).where(Job.kind == "test-long")).one()
                    if job.status == "done":
                        break
                time.sleep(0.05)
        finally:
            worker.stop()
        assert job.status == "done", job.error
        assert json.loads(job.result or "{}") == {"side_chore_ran": True,
                                                  "between_chore_ran": False}
    finally:
        HANDLERS.pop("test-long", None)
