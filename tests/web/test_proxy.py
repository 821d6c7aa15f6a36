"""Behind a reverse proxy: the real client address and scheme, the public origin, `Secure`
cookies, and a sign-in limit that slows one address down without locking others out
(audit M2, M6, L8, L9, I7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from coulisses.settings import Settings
from coulisses.studio.tables import LoginAttempt, utcnow
from coulisses.web import ratelimit

PUBLIC = "https://studio.example.org"


def _app(tmp_path: Path, db_url: str, **values: Any) -> FastAPI:
    from coulisses.web.app import create_app

    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en",
                        **values)
    return create_app(settings, database_url=db_url, start_worker=False)


@pytest.fixture
def proxied(tmp_path: Path, db_url: str) -> Iterator[FastAPI]:
    """The studio behind a trusted proxy (the test client's address) at a public HTTPS URL."""
    app = _app(tmp_path, db_url, trusted_proxies="testclient", public_url=PUBLIC)
    yield app
    app.state.engine.dispose()


def _browser(app: FastAPI, address: str | None = None) -> TestClient:
    headers = {"x-forwarded-proto": "https"}
    if address:
        headers["x-forwarded-for"] = address
    return TestClient(app, base_url=PUBLIC, follow_redirects=False, headers=headers)


def _sign_in(client: TestClient, csrf: Any, email: str, password: str) -> Any:
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf(client)},
                       headers={"origin": PUBLIC})


def _user(app: FastAPI, email: str, password: str = "correct horse battery") -> None:
    from coulisses.studio.tables import User
    from coulisses.web.security import hash_password

    with app.state.sessions() as db:
        db.add(User(email=email, name=email.split("@")[0], lang="",
                    password_hash=hash_password(password)))
        db.commit()


def test_the_session_cookie_is_secure_behind_https(proxied: FastAPI, csrf: Any) -> None:
    _user(proxied, "ana@example.org")
    with _browser(proxied, "198.51.100.7") as browser:
        response = _sign_in(browser, csrf, "ana@example.org", "correct horse battery")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("coulisses_session=") and "Secure" in cookie
    assert "HttpOnly" in cookie


def test_without_settings_no_forwarded_header_is_believed(client: TestClient, app: FastAPI,
                                                          csrf: Any, make_user: Any) -> None:
    made = make_user("ana@example.org")
    response = client.post("/login", data={"email": made.email, "password": made.password,
                                           "csrf_token": csrf(client)},
                           headers={"x-forwarded-proto": "https",
                                    "x-forwarded-for": "203.0.113.9"})
    assert response.status_code == 303
    assert "Secure" not in response.headers["set-cookie"]


def test_one_address_cannot_lock_out_everyone_behind_the_proxy(proxied: FastAPI, csrf: Any,
                                                               monkeypatch: Any) -> None:
    """Audit M2: 30 failures from anyone blocked every user of the proxy's address."""
    monkeypatch.setitem(ratelimit.LIMITS, "ip", 6)
    _user(proxied, "ana@example.org")
    with _browser(proxied, "203.0.113.66") as attacker, \
            _browser(proxied, "198.51.100.7") as ana:
        for i in range(ratelimit.LIMITS["ip"]):
            assert _sign_in(attacker, csrf, f"guess{i}@example.org",
                            "nope nope nope").status_code == 401
        slowed = _sign_in(attacker, csrf, "guess@example.org", "nope nope nope")
        assert slowed.status_code == 429
        assert 0 < int(slowed.headers["retry-after"]) <= 2  # slowed down, not locked
        assert _sign_in(ana, csrf, "ana@example.org", "correct horse battery"
                        ).status_code == 303


def test_one_address_is_slowed_down_then_let_through(client: TestClient, app: FastAPI,
                                                     make_user: Any, post: Any,
                                                     monkeypatch: Any) -> None:
    monkeypatch.setitem(ratelimit.LIMITS, "ip", 6)
    made = make_user("ana@example.org")
    for i in range(ratelimit.LIMITS["ip"]):
        post(client, "/login", {"email": f"guess{i}@example.org", "password": "nope nope"})
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 429
    with app.state.sessions() as db:  # a few seconds later
        db.execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=5)))
        db.commit()
    assert post(client, "/login", {"email": made.email,
                                   "password": made.password}).status_code == 303


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(proxied: FastAPI,
                                                                  csrf: Any) -> None:
    """Audit L9: five wrong passwords from anyone locked the owner out for 15 minutes."""
    _user(proxied, "owner@example.org")
    with _browser(proxied, "203.0.113.66") as attacker, \
            _browser(proxied, "198.51.100.7") as owner:
        for _ in range(ratelimit.LIMITS["account"]):
            assert _sign_in(attacker, csrf, "owner@example.org",
                            "wrong wrong wrong").status_code == 401
        assert _sign_in(attacker, csrf, "owner@example.org",
                        "correct horse battery").status_code == 429
        assert _sign_in(owner, csrf, "owner@example.org",
                        "correct horse battery").status_code == 303


def test_forms_must_come_from_the_public_origin(proxied: FastAPI, csrf: Any) -> None:
    """Audit I7: with a proxy rewriting Host, the Origin is compared with the public URL."""
    _user(proxied, "ana@example.org")
    with _browser(proxied) as browser:
        token = csrf(browser)
        form = {"email": "ana@example.org", "password": "correct horse battery",
                "csrf_token": token}
        assert browser.post("/login", data=form, headers={
            "origin": "https://studio.example.org.evil.example"}).status_code == 403
        assert browser.post("/login", data=form, headers={
            "origin": "http://studio.example.org"}).status_code == 403
        assert browser.post("/login", data=form, headers={
            "origin": PUBLIC, "host": "127.0.0.1:8000"}).status_code == 303


def test_a_signed_in_form_refuses_the_anonymous_token(client: TestClient, app: FastAPI,
                                                      make_user: Any, login: Any) -> None:
    """Audit L8: a planted anonymous token was accepted alongside the session's."""
    made = make_user("ana@example.org")
    login(client, made.email)
    for cookie in list(client.cookies.jar):  # a planted cookie replaces the browser's own
        if cookie.name == "coulisses_csrf":
            client.cookies.delete(cookie.name, domain=cookie.domain)
    client.cookies.set("coulisses_csrf", "attacker-known-value-0123456789")
    response = client.post("/workspaces", data={
        "name": "Planted", "csrf_token": "attacker-known-value-0123456789"})
    assert response.status_code == 403


def test_a_bad_public_url_stops_the_start(tmp_path: Path) -> None:
    from coulisses.errors import UsageError

    with pytest.raises(UsageError, match="public_url"):
        _app(tmp_path, f"sqlite:///{tmp_path / 's.sqlite3'}", public_url="studio.example.org")
