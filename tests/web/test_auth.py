"""Sign-up, sign-in, sign-out, sessions (expiry, logout) and password hashing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from coulisses.studio.tables import LoginSession, Membership, User, utcnow


def test_signup_creates_user_workspace_owner_and_session(client: TestClient, app: FastAPI,
                                                         post: Any) -> None:
    response = post(client, "/signup", {"name": "Zoé Ñúñez", "email": "Zoe@Example.org",
                                         "password": "a long enough pass",
                                         "workspace": "Maison Æther 🎬"})
    assert response.status_code == 303
    workspace_path = response.headers["location"]
    page = client.get(workspace_path)
    assert page.status_code == 200
    assert "Maison Æther 🎬" in page.text
    with app.state.sessions() as db:
        user = db.scalars(select(User)).one()
        assert user.email == "zoe@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert "a long enough pass" not in user.password_hash
        member = db.scalars(select(Membership)).one()
        assert (member.user_id, member.role) == (user.id, "owner")
        session = db.scalars(select(LoginSession)).one()
    # the cookie holds a token; the table holds only its digest
    assert client.cookies["coulisses_session"] != session.id
    assert len(session.id) == 64


def test_signup_refuses_bad_input_and_keeps_what_was_typed(client: TestClient, app: FastAPI,
                                                           post: Any, make_user: Any) -> None:
    make_user("taken@example.org")
    cases = [({"name": "A", "email": "not-an-email", "password": "x" * 12}, "valid email"),
             ({"name": "A", "email": "a@example.org", "password": "short"}, "at least 10"),
             ({"name": "", "email": "b@example.org", "password": "x" * 12}, "Enter a name"),
             ({"name": "A", "email": "TAKEN@example.org", "password": "x" * 12},
              "already exists")]
    for form, message in cases:
        response = post(client, "/signup", {**form, "workspace": "Équipe"})
        assert response.status_code == 422
        assert message in response.text
        assert 'value="Équipe"' in response.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(User.id))) == 1


def test_login_wrong_password_then_right(client: TestClient, make_user: Any, post: Any,
                                         login: Any) -> None:
    made = make_user("ana@example.org")
    bad = post(client, "/login", {"email": "ana@example.org", "password": "wrong password"})
    assert bad.status_code == 401
    assert "Wrong email or password." in bad.text
    unknown = post(client, "/login", {"email": "nobody@example.org", "password": "whatever1"})
    assert unknown.status_code == 401
    assert unknown.text.count("Wrong email or password.") == 1
    login(client, "ANA@example.org")
    assert client.get(f"/w/{made.workspace_id}").status_code == 200


def test_pages_need_sign_in_and_redirect_back(client: TestClient, make_user: Any,
                                              post: Any) -> None:
    made = make_user("ana@example.org")
    response = client.get(f"/w/{made.workspace_id}/campaigns")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fw%2F{made.workspace_id}%2Fcampaigns"
    api = client.get("/api/me")
    assert api.status_code == 401
    assert api.json()["error"] == "You are not signed in."
    signed = post(client, "/login", {"email": made.email, "password": made.password,
                                     "next": f"/w/{made.workspace_id}/campaigns"})
    assert signed.headers["location"] == f"/w/{made.workspace_id}/campaigns"


def test_login_next_cannot_leave_the_site(client: TestClient, make_user: Any,
                                          post: Any) -> None:
    made = make_user("ana@example.org")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = post(client, "/login", {"email": made.email, "password": made.password,
                                           "next": target})
        assert response.headers["location"] == "/"
        client.cookies.clear()


def test_logout_deletes_the_session(client: TestClient, app: FastAPI, make_user: Any,
                                    login: Any, post: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    stolen = client.cookies["coulisses_session"]
    response = post(client, "/logout")
    assert response.status_code == 303
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(LoginSession.id))) == 0
    client.cookies.set("coulisses_session", stolen)  # a copied cookie is worthless now
    assert client.get("/api/me").status_code == 401


def test_expired_session_is_refused_with_a_clear_message(client: TestClient, app: FastAPI,
                                                         make_user: Any, login: Any,
                                                         csrf: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    token = csrf(client)
    with app.state.sessions() as db:
        db.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.commit()
    api = client.get("/api/me")
    assert api.status_code == 401
    assert api.json()["error"] == "Your session has expired."
    # a form rendered before expiry, posted after it: told to sign in again, nothing changed
    form = client.post(f"/w/{made.workspace_id}/campaigns",
                       data={"csrf_token": token, "text": "version: 1\n"},
                       headers={"accept": "application/json"})
    assert form.status_code == 401
    assert "expired" in form.json()["error"]
    page = client.get(f"/w/{made.workspace_id}")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_password_is_rehashed_when_parameters_change(client: TestClient, app: FastAPI,
                                                     make_user: Any, login: Any) -> None:
    from argon2 import PasswordHasher

    from coulisses.web import security

    made = make_user("ana@example.org")
    weak = PasswordHasher(time_cost=2, memory_cost=512, parallelism=1).hash(made.password)
    with app.state.sessions() as db:
        db.execute(update(User).values(password_hash=weak))
        db.commit()
    login(client, made.email)
    with app.state.sessions() as db:
        stored = db.scalars(select(User)).one().password_hash
    assert stored != weak
    assert PasswordHasher().check_needs_rehash(weak)
    assert not security._ph().check_needs_rehash(stored)  # the current parameters


def test_security_headers_and_cookie_flags(client: TestClient, make_user: Any,
                                           post: Any) -> None:
    page = client.get("/login")
    assert "frame-ancestors" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "HttpOnly" in page.headers["set-cookie"]
    made = make_user("ana@example.org")
    signed = post(client, "/login", {"email": made.email, "password": made.password})
    cookie = signed.headers["set-cookie"]
    assert "coulisses_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
