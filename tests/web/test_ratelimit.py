"""Sign-in rate limiting: per account and per address, stored in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from coulisses.studio.tables import LoginAttempt, utcnow
from coulisses.web import ratelimit


def test_five_failures_lock_the_account_then_the_window_passes(
        client: TestClient, app: FastAPI, make_user: Any, post: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"]):
        assert post(client, "/login", {"email": made.email,
                                       "password": "wrong one"}).status_code == 401
    locked = post(client, "/login", {"email": made.email, "password": made.password})
    assert locked.status_code == 429
    assert "Too many failed sign-ins: wait 15 minutes" in locked.text
    assert locked.headers["retry-after"] == "900"
    assert "coulisses_session" not in client.cookies
    fr = post(client, "/login?lang=fr", {"email": made.email, "password": made.password})
    assert "Trop d'échecs de connexion" in fr.text.replace("&#39;", "'")
    with app.state.sessions() as db:  # 16 minutes later
        db.execute(update(LoginAttempt).values(at=utcnow() - timedelta(minutes=16)))
        db.commit()
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 303


def test_the_limit_is_shared_by_every_client_of_the_database(
        client: TestClient, other_client: TestClient, make_user: Any, post: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"]):
        post(client, "/login", {"email": made.email.upper(), "password": "nope nope"})
    assert post(other_client, "/login", {"email": made.email,
                                         "password": made.password}).status_code == 429


def test_one_address_trying_many_accounts_is_limited(client: TestClient, make_user: Any,
                                                     post: Any,
                                                     monkeypatch: Any) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "ip", 6)  # the real limit is 30: same code, faster
    made = make_user("ana@example.org")
    for i in range(ratelimit.LIMITS["ip"]):
        post(client, "/login", {"email": f"guess{i}@example.org", "password": "nope nope"})
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 429


def test_success_clears_the_account_count(client: TestClient, make_user: Any, post: Any,
                                          login: Any) -> None:
    made = make_user("ana@example.org")
    for _ in range(ratelimit.LIMITS["account"] - 1):
        post(client, "/login", {"email": made.email, "password": "wrong one"})
    login(client, made.email)
    client.cookies.clear()
    for _ in range(ratelimit.LIMITS["account"] - 1):
        post(client, "/login", {"email": made.email, "password": "wrong one"})
    login(client, made.email)
