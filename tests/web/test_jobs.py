"""The job queue: submit once, claim once (even racing), progress, survive a restart."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from coulisses.studio.jobs import claim, handler, submit
from coulisses.studio.jobs.registry import HANDLERS, current
from coulisses.studio.jobs.worker import Worker
from coulisses.studio.tables import Job, utcnow

RUNS: list[tuple[int, Any]] = []


@pytest.fixture(autouse=True)
def _record_handler() -> Any:
    RUNS.clear()

    @handler("test-record")
    def record(payload: dict[str, Any], progress: Any) -> dict[str, Any]:
        job = current()
        for i in range(3):
            progress((i + 1) / 3, f"step {i + 1}")
        RUNS.append((job.job_id, payload["n"]))
        return {"doubled": payload["n"] * 2, "workspace": job.workspace_id}

    @handler("test-boom")
    def boom(payload: dict[str, Any], progress: Any) -> None:
        raise RuntimeError("the handler broke")

    yield
    HANDLERS.pop("test-record", None)
    HANDLERS.pop("test-boom", None)


def test_submit_runs_once_with_progress_and_result(app: FastAPI, make_user: Any,
                                                   settings: Any) -> None:
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        job = submit(db, made.workspace_id, "test-record", {"n": 21, "title": "Été 🎬"})
        db.commit()
        job_id = job.id
    worker = Worker(app.state.sessions, settings)
    assert worker.run_until_empty() == [job_id]
    assert worker.run_once() is None
    with app.state.sessions() as db:
        done = db.get(Job, job_id)
        assert done is not None
        assert (done.status, done.progress, done.attempts) == ("done", 1.0, 1)
        assert json.loads(done.result) == {"doubled": 42, "workspace": made.workspace_id}
    assert [(job_id, 21)] == RUNS


def test_dedupe_key_makes_a_double_click_submit_once(app: FastAPI, make_user: Any) -> None:
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        first = submit(db, made.workspace_id, "test-record", {"n": 1}, dedupe_key="render:7")
        db.commit()
        second = submit(db, made.workspace_id, "test-record", {"n": 1}, dedupe_key="render:7")
        db.commit()
        assert first.id == second.id
        assert db.scalar(select(func.count(Job.id))) == 1


def test_failing_handler_marks_the_job_failed_and_the_worker_goes_on(
        app: FastAPI, make_user: Any, settings: Any) -> None:
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        bad = submit(db, made.workspace_id, "test-boom", {})
        good = submit(db, made.workspace_id, "test-record", {"n": 3})
        unknown = submit(db, made.workspace_id, "no-such-kind", {})
        db.commit()
        ids = bad.id, good.id, unknown.id
    Worker(app.state.sessions, settings).run_until_empty()
    with app.state.sessions() as db:
        rows = {j.id: j for j in db.scalars(select(Job))}
    assert rows[ids[0]].status == "failed"
    assert rows[ids[0]].error == "RuntimeError: the handler broke"
    assert rows[ids[1]].status == "done"
    assert rows[ids[2]].status == "failed" and "no job handler" in rows[ids[2]].error


def test_two_workers_racing_never_claim_the_same_job(app: FastAPI, make_user: Any) -> None:
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        for n in range(20):
            submit(db, made.workspace_id, "test-record", {"n": n})
        db.commit()
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def take(name: str) -> None:
        start.wait()
        with app.state.sessions() as db:
            while (job := claim(db, name)) is not None:
                claimed[name].append(job.id)

    threads = [threading.Thread(target=take, args=(n,)) for n in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    everything = claimed["a"] + claimed["b"]
    assert len(everything) == 20
    assert len(set(everything)) == 20  # no job went to both workers
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Job.id)).where(Job.attempts == 1)) == 20


def test_conditional_update_lets_exactly_one_claim_win(app: FastAPI, make_user: Any) -> None:
    """Two workers that both saw the job queued: only the first UPDATE matches the row."""
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        job_id = submit(db, made.workspace_id, "test-record", {"n": 1}).id
        db.commit()
    with app.state.sessions() as one, app.state.sessions() as two:
        assert claim(one, "one") is not None
        assert claim(two, "two") is None
        row = two.get(Job, job_id, populate_existing=True)
        assert row is not None and row.claimed_by == "one"


def test_a_job_left_running_by_a_dead_worker_is_requeued_and_completes_once(
        app: FastAPI, make_user: Any, settings: Any) -> None:
    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        job_id = submit(db, made.workspace_id, "test-record", {"n": 5}).id
        db.commit()
        dead = claim(db, "dead-server")  # claimed, then the server "dies" mid-job
        assert dead is not None and dead.id == job_id
        db.execute(update(Job).values(heartbeat_at=utcnow() - timedelta(minutes=5)))
        db.commit()
    fresh = Worker(app.state.sessions, settings)
    live = Worker(app.state.sessions, settings, stale_after=timedelta(minutes=10))
    assert live.recover() == 0  # a heartbeat 5 minutes old is not stale for this worker
    assert fresh.recover() == 1  # the next start puts it back
    assert fresh.run_until_empty() == [job_id]
    assert [(job_id, 5)] == RUNS
    with app.state.sessions() as db:
        row = db.get(Job, job_id)
        assert row is not None
        assert (row.status, row.attempts, row.claimed_by) == ("done", 2, fresh.name)
    # the dead worker coming back cannot overwrite the finished job
    from coulisses.studio.jobs.queue import finish, heartbeat

    with app.state.sessions() as db:
        assert heartbeat(db, job_id, "dead-server", 0.5) is False
        finish(db, job_id, "dead-server", error="late")
        row = db.get(Job, job_id, populate_existing=True)
        assert row is not None and row.status == "done"


def test_a_job_that_keeps_dying_gives_up(app: FastAPI, make_user: Any) -> None:
    from coulisses.studio.jobs.queue import MAX_ATTEMPTS, requeue_stale

    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        job_id = submit(db, made.workspace_id, "test-record", {"n": 1}).id
        db.commit()
        for attempt in range(MAX_ATTEMPTS):
            assert claim(db, f"server-{attempt}") is not None
            later = utcnow() + timedelta(hours=attempt + 1)
            requeue_stale(db, now=later)
        row = db.get(Job, job_id, populate_existing=True)
        assert row is not None
        assert row.status == "failed" and "stopped 3 times" in row.error


def test_worker_thread_started_by_the_lifespan_runs_jobs(settings: Any, db_url: str,
                                                         make_user: Any) -> None:
    from coulisses.web.app import create_app

    live = create_app(settings, database_url=db_url, start_worker=True)
    try:
        with TestClient(live):
            assert live.state.worker is not None
            with live.state.sessions() as db:
                ws = make_user("ana@example.org").workspace_id
                job_id = submit(db, ws, "test-record", {"n": 9}).id
                db.commit()
            deadline = time.monotonic() + 20
            status = ""
            while time.monotonic() < deadline and status != "done":
                time.sleep(0.1)
                with live.state.sessions() as db:
                    row = db.get(Job, job_id)
                    status = row.status if row else ""
            assert status == "done"
    finally:
        live.state.engine.dispose()


def test_jobs_api_and_page_show_progress(client: TestClient, app: FastAPI, make_user: Any,
                                         login: Any, csrf: Any, settings: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    body = {"kind": "test-record", "payload": {"n": 4}, "dedupe_key": "click-1"}
    headers = {"x-csrf-token": csrf(client)}
    first = client.post(f"/api/w/{made.workspace_id}/jobs", json=body, headers=headers)
    again = client.post(f"/api/w/{made.workspace_id}/jobs", json=body, headers=headers)
    assert first.status_code == 202 and again.json()["id"] == first.json()["id"]
    job_id = first.json()["id"]
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "queued"
    page = client.get(f"/w/{made.workspace_id}/jobs/{job_id}")
    assert page.status_code == 200 and 'data-live="yes"' in page.text
    Worker(app.state.sessions, settings).run_until_empty()
    done = client.get(f"/api/jobs/{job_id}").json()
    assert (done["status"], done["progress"], done["result"]["doubled"]) == ("done", 1.0, 8)
    listing = client.get(f"/w/{made.workspace_id}/jobs")
    assert f"/w/{made.workspace_id}/jobs/{job_id}" in listing.text
    bad = client.post(f"/api/w/{made.workspace_id}/jobs", json={"kind": "rm -rf"},
                      headers=headers)
    assert bad.status_code == 400 and "Unknown job kind" in bad.json()["error"]
