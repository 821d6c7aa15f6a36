"""Workspaces share the job worker fairly (audit M4): turns across workspaces, a cap on each
workspace's queued and running jobs, a time limit per kind, no test kinds in production."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from coulisses.settings import Settings
from coulisses.studio.jobs import claim, submit
from coulisses.studio.jobs.registry import HANDLERS, TIME_LIMITS, handler
from coulisses.studio.jobs.worker import Worker
from coulisses.studio.tables import Job, utcnow


def _queue(app: FastAPI, workspace_id: int, kind: str, n: int) -> list[int]:
    with app.state.sessions() as db:
        ids = [submit(db, workspace_id, kind, {"seconds": 0}).id for _ in range(n)]
        db.commit()
    return ids


def test_workspaces_take_turns(app: FastAPI, settings: Settings, make_user: Any,
                               wait_kind: str) -> None:
    """B queued three jobs before A's one: A's runs second, not last."""
    b = make_user("b@example.org", workspace="B").workspace_id
    a = make_user("a@example.org", workspace="A").workspace_id
    b_jobs = _queue(app, b, wait_kind, 3)
    a_jobs = _queue(app, a, wait_kind, 1)
    order = Worker(app.state.sessions, settings).run_until_empty()
    assert order == [b_jobs[0], a_jobs[0], b_jobs[1], b_jobs[2]]


def test_a_workspace_at_its_running_cap_waits(app: FastAPI, make_user: Any,
                                              wait_kind: str) -> None:
    b = make_user("b@example.org", workspace="B").workspace_id
    a = make_user("a@example.org", workspace="A").workspace_id
    b_jobs = _queue(app, b, wait_kind, 2)
    a_jobs = _queue(app, a, wait_kind, 1)
    claimed = []
    with app.state.sessions() as db:
        for worker in ("w1", "w2", "w3"):
            job = claim(db, worker, running_per_workspace=1)
            claimed.append(job.id if job is not None else None)
    # B has one running: its second job waits for it, while A's runs
    assert claimed == [b_jobs[0], a_jobs[0], None]


def test_a_workspace_cannot_queue_without_end(client: TestClient, app: FastAPI,
                                              make_user: Any, login: Any, csrf: Any,
                                              wait_kind: str) -> None:
    app.state.settings = replace(app.state.settings, jobs_per_workspace=3)
    made = make_user("ana@example.org", role="editor")
    login(client, made.email)
    url = f"/api/w/{made.workspace_id}/jobs"
    headers = {"x-csrf-token": csrf(client)}
    answers = [client.post(url, json={"kind": wait_kind, "payload": {}}, headers=headers)
               for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert "already has 3 jobs waiting or running" in answers[3].json()["error"]
    with app.state.sessions() as db:  # finished jobs no longer count
        db.execute(update(Job).values(status="done", finished_at=utcnow()))
        db.commit()
    assert client.post(url, json={"kind": wait_kind, "payload": {}},
                       headers=headers).status_code == 202


def test_a_job_past_its_time_limit_is_stopped(app: FastAPI, settings: Settings,
                                              make_user: Any) -> None:
    steps: list[int] = []

    @handler("test-endless", time_limit=0.2)
    def endless(payload: dict[str, Any], progress: Any) -> None:
        import time

        for i in range(1000):
            steps.append(i)
            time.sleep(0.01)
            progress(0.0, f"step {i}")

    try:
        job_id = _queue(app, make_user("a@example.org").workspace_id, "test-endless", 1)[0]
        Worker(app.state.sessions, settings).run_once()
        with app.state.sessions() as db:
            job = db.get(Job, job_id)
            assert job is not None
            assert job.status == "failed"
            assert "stopped after 0.2 s, the most a test-endless job may run" in job.error
        assert len(steps) < 100
    finally:
        HANDLERS.pop("test-endless", None)
        TIME_LIMITS.pop("test-endless", None)


def test_production_registers_no_test_kinds(client: TestClient, make_user: Any, login: Any,
                                            csrf: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    assert "sleep" not in HANDLERS
    assert {"analyze", "render"} <= set(TIME_LIMITS)
    refused = client.post(f"/api/w/{made.workspace_id}/jobs",
                          json={"kind": "sleep", "payload": {"seconds": 1e9}},
                          headers={"x-csrf-token": csrf(client)})
    assert refused.status_code == 400


@pytest.fixture(autouse=True)
def _no_leftover_kinds() -> Any:
    yield
    assert "test-endless" not in HANDLERS


def test_a_stopping_server_gives_its_running_job_back(app: FastAPI, settings: Settings,
                                                     make_user: Any, wait_kind: str) -> None:
    """Audit I8: the job stayed `running` for a minute after a restart before it re-ran."""
    import time

    ws = make_user("a@example.org").workspace_id
    with app.state.sessions() as db:
        job_id = submit(db, ws, wait_kind, {"seconds": 3, "steps": 30}).id
        db.commit()
    worker = Worker(app.state.sessions, settings, poll_seconds=0.05)
    worker.start()
    deadline = time.monotonic() + 20
    status = ""
    while status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        with app.state.sessions() as db:
            row = db.get(Job, job_id)
            status = row.status if row is not None else ""
    worker.stop(timeout=0.1)
    with app.state.sessions() as db:
        row = db.get(Job, job_id)
        assert row is not None
        assert (row.status, row.claimed_by, row.attempts) == ("queued", "", 1)
    time.sleep(3.5)  # the abandoned handler ends; what it records changes nothing
    with app.state.sessions() as db:
        row = db.get(Job, job_id)
        assert row is not None and row.status == "queued"
