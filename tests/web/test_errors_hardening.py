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
