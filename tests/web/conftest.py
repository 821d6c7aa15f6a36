"""Studio fixtures: an app on a fresh database per test, a client, users and sign-in.

``db_url`` runs each database test on SQLite and, when ``COULISSES_TEST_DATABASE_URL`` names a
PostgreSQL server, on PostgreSQL too, in a schema of its own dropped afterwards. The variable
is read at import, before the suite's autouse fixture clears ``COULISSES_*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.settings import Settings
from studiodb import BACKENDS, fresh_database

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters: the same code paths, without 64 MiB per hash in every test."""
    from argon2 import PasswordHasher

    from coulisses.web import security

    monkeypatch.setattr(security, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(security, "_DUMMY", [])


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL schema."""
    with fresh_database(request.param, tmp_path, "t") as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en")


@pytest.fixture
def app(settings: Settings, db_url: str) -> Iterator[FastAPI]:
    """The studio on the test database, migrated, without the background worker."""
    from coulisses.web.app import create_app

    application = create_app(settings, database_url=db_url, start_worker=False)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def other_client(app: FastAPI) -> Iterator[TestClient]:
    """A second browser on the same app."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@dataclass(frozen=True)
class Made:
    user_id: int
    workspace_id: int
    email: str
    password: str


@pytest.fixture
def make_user(app: FastAPI) -> Any:
    """``make_user(email, password=PASSWORD, workspace="Acme", role="owner") -> Made``.

    The workspace is found by name (created when new), so two calls with the same name share it.
    """
    from sqlalchemy import select

    from coulisses.studio.tables import Membership, User, Workspace
    from coulisses.web.security import hash_password

    def make(email: str, password: str = PASSWORD, workspace: str = "Acme",
             role: str = "owner", name: str | None = None) -> Made:
        with app.state.sessions() as db:
            space = db.scalars(select(Workspace).where(Workspace.name == workspace)).first()
            if space is None:
                space = Workspace(name=workspace)
                db.add(space)
            user = db.scalars(select(User).where(User.email == email.lower())).first()
            if user is None:
                user = User(email=email.lower(), name=name or email.split("@")[0],
                            password_hash=hash_password(password), lang="")
                db.add(user)
            db.flush()
            db.add(Membership(workspace_id=space.id, user_id=user.id, role=role))
            db.commit()
            return Made(user.id, space.id, email.lower(), password)

    return make


def _csrf(client: TestClient) -> str:
    page = client.get("/account" if "coulisses_session" in client.cookies else "/login")
    if page.status_code != 200:  # an expired session: the sign-in page has a token too
        page = client.get("/login")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def _post(client: TestClient, url: str, data: dict[str, Any] | None = None,
          **kwargs: Any) -> Any:
    return client.post(url, data={"csrf_token": _csrf(client), **(data or {})}, **kwargs)


@pytest.fixture
def csrf() -> Any:
    """``csrf(client)``: the CSRF token this browser's forms carry (from a page's meta tag)."""
    return _csrf


@pytest.fixture
def post() -> Any:
    """``post(client, url, data)``: POST a form with this browser's CSRF token."""
    return _post


@pytest.fixture
def login() -> Any:
    """``login(client, email, password=PASSWORD)``: sign in, asserting it worked."""

    def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
        response = _post(client, "/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text[:500]
        assert "coulisses_session" in client.cookies
        return client

    return sign_in
