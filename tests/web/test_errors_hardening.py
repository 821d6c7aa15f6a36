"""Error answers: huge ids are 404s, and a 500 carries the security headers (audit L4, L5)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient


@pytest.mark.parametrize("path", ["/w/99999999999999999999999/campaigns",
                                  "/api/jobs/99999999999999999999",
                                  "/api/w/1/rushes/9223372036854775808",
                                  "/w/1/campaigns/" + "9" * 5000])
def test_ids_past_the_database_range_are_not_found(client: TestClient, make_user: Any,
                                                   login: Any, path: str) -> None:
    login(client, make_user("ana@example.org").email)
    response = client.get(path)
    assert response.status_code == 404


def test_a_500_carries_the_security_headers(app: FastAPI) -> None:
    @app.get("/boom-for-test")
    def boom(request: Request) -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom-for-test")
    assert response.status_code == 500
    for header in ("content-security-policy", "x-content-type-options", "referrer-policy",
                   "x-frame-options"):
        assert header in response.headers, header
    assert response.headers["cache-control"] == "no-store"


def test_another_workspaces_job_reads_as_a_missing_one(client: TestClient, app: FastAPI,
                                                       make_user: Any, login: Any) -> None:
    """Audit L3: A's job answered "No such workspace." to B, a missing one "No such job."."""
    from coulisses.studio.jobs import submit

    a = make_user("a@example.org", workspace="A")
    b = make_user("b@example.org", workspace="B")
    with app.state.sessions() as db:
        job_id = submit(db, a.workspace_id, "render", {}).id
        db.commit()
    login(client, b.email)
    theirs, missing = client.get(f"/api/jobs/{job_id}"), client.get("/api/jobs/999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_racing_sign_ups_and_invitations_never_fail(live: tuple[str, int], app: FastAPI,
                                                    make_user: Any) -> None:
    """Audit L1: the same email signed up twice at once, or one member added twice at once,
    answered 500."""
    import re
    import threading

    import httpx

    base = f"http://{live[0]}:{live[1]}"

    def together(calls: list[Any]) -> list[int]:
        ready = threading.Barrier(len(calls))
        statuses: list[int] = []

        def run(call: Any) -> None:
            ready.wait()
            statuses.append(call().status_code)

        threads = [threading.Thread(target=run, args=(c,)) for c in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(statuses)

    opened: list[httpx.Client] = []

    def browser() -> tuple[httpx.Client, str]:
        http = httpx.Client(base_url=base, timeout=60)
        opened.append(http)
        page = http.get("/login")
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert match
        return http, match.group(1)

    forms = []
    for _ in range(2):
        http, token = browser()
        forms.append((http, {"email": "same@example.org", "name": "Same", "csrf_token": token,
                             "password": "plum rain over tiles"}))
    assert together([lambda h=h, f=f: h.post("/signup", data=f) for h, f in forms]) \
        == [303, 422]

    owner = make_user("owner@example.org", workspace="Owned")
    http, _ = browser()
    http.post("/login", data={"email": owner.email, "password": owner.password,
                              "csrf_token": http.cookies["coulisses_csrf"]})
    page = http.get("/account")
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match
    invite = {"email": "same@example.org", "role": "editor", "csrf_token": match.group(1)}
    url = f"/w/{owner.workspace_id}/members"
    assert together([lambda: http.post(url, data=invite)] * 2) == [303, 303]
    for client in opened:
        client.close()
