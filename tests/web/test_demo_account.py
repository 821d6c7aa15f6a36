"""After ``coulisses demo``, the studio opens the demo workspace to the demo account."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coulisses.settings import Settings
from coulisses.studio.db import default_url, open_database
from coulisses.studio.tables import Membership, Workspace
from coulisses.web.demo_account import DEMO_EMAIL, demo_account

NAME = "coulisses demo"


@pytest.fixture
def demo_settings(settings: Settings) -> Iterator[Settings]:
    engine, sessions = open_database(default_url(settings))
    with sessions() as db:
        db.add(Workspace(name=NAME))
        db.commit()
    engine.dispose()
    yield settings


def _studio(settings: Settings) -> TestClient:
    from coulisses.web.app import create_app

    return TestClient(create_app(settings, database_url=default_url(settings),
                                 start_worker=False), follow_redirects=False)


def test_the_demo_account_signs_in_to_the_demo_workspace(demo_settings: Settings,
                                                         login: Any) -> None:
    first = demo_account(demo_settings, NAME)
    again = demo_account(demo_settings, NAME)
    assert first == again and first.email == DEMO_EMAIL and len(first.password) >= 16
    assert stat.S_IMODE(first.file.stat().st_mode) == 0o600
    engine, sessions = open_database(default_url(demo_settings))
    with sessions() as db:
        assert db.query(Membership).filter(Membership.role == "owner").count() == 1
    engine.dispose()
    with _studio(demo_settings) as client:
        login(client, DEMO_EMAIL, first.password)
        home = client.get("/", follow_redirects=True)
        assert home.status_code == 200 and NAME in home.text


def test_a_lost_password_file_gives_a_new_password_that_works(demo_settings: Settings,
                                                              login: Any) -> None:
    old = demo_account(demo_settings, NAME)
    old.file.unlink()
    new = demo_account(demo_settings, NAME)
    assert new.password != old.password
    with _studio(demo_settings) as client:
        login(client, DEMO_EMAIL, new.password)


def test_without_the_demo_workspace_it_says_so(settings: Settings) -> None:
    from coulisses.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no workspace 'coulisses demo'"):
        demo_account(settings, NAME)
