"""CSRF: forged forms and cross-site requests are refused with a clear message; nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coulisses.studio.tables import Membership, Workspace


@pytest.fixture
def signed_in(client: TestClient, make_user: Any, login: Any) -> Any:
    made = make_user("ana@example.org")
    login(client, made.email)
    return made


def _workspaces(app: FastAPI) -> int:
    with app.state.sessions() as db:
        return int(db.scalar(select(func.count(Workspace.id))) or 0)


@pytest.mark.parametrize("token", [None, "", "forged-token", "x" * 500])
def test_forged_form_is_refused(client: TestClient, app: FastAPI, signed_in: Any,
                                token: str | None) -> None:
    data = {"name": "Forged"} if token is None else {"name": "Forged", "csrf_token": token}
    response = client.post("/workspaces", data=data)
    assert response.status_code == 403
    assert "did not come from this studio page" in response.text
    assert _workspaces(app) == 1


def test_cross_site_origin_is_refused_even_with_a_token(client: TestClient, app: FastAPI,
                                                        signed_in: Any, csrf: Any) -> None:
    response = client.post("/workspaces", data={"name": "X", "csrf_token": csrf(client)},
                           headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    assert _workspaces(app) == 1


def test_valid_token_in_form_or_header_works(client: TestClient, app: FastAPI,
                                             signed_in: Any, csrf: Any) -> None:
    token = csrf(client)
    assert client.post("/workspaces", data={"name": "Un", "csrf_token": token},
                       headers={"origin": "http://testserver"}).status_code == 303
    assert client.post("/workspaces", data={"name": "Deux"},
                       headers={"x-csrf-token": token}).status_code == 303
    assert _workspaces(app) == 3


def test_json_api_needs_the_header(client: TestClient, signed_in: Any, csrf: Any) -> None:
    url = f"/api/w/{signed_in.workspace_id}/jobs"
    body = {"kind": "sleep", "payload": {"seconds": 0}}
    refused = client.post(url, json=body)
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("This form did not come")
    assert client.post(url, json=body, headers={"x-csrf-token": csrf(client)}).status_code == 202


def test_another_browsers_token_does_not_work(client: TestClient, other_client: TestClient,
                                              app: FastAPI, signed_in: Any, make_user: Any,
                                              login: Any, csrf: Any) -> None:
    mallory = make_user("mallory@example.org", workspace="Mallory")
    login(other_client, mallory.email)
    stolen = csrf(other_client)
    response = client.post(f"/w/{signed_in.workspace_id}/members",
                           data={"email": mallory.email, "role": "owner", "csrf_token": stolen})
    assert response.status_code == 403
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Membership.id)).where(
            Membership.workspace_id == signed_in.workspace_id)) == 1


def test_login_form_is_protected_too(client: TestClient, make_user: Any) -> None:
    made = make_user("ana@example.org")
    response = client.post("/login", data={"email": made.email, "password": made.password})
    assert response.status_code == 403
    assert "coulisses_session" not in client.cookies
