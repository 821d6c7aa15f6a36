"""Publishing fixtures: the sandbox on a loopback port, a fresh studio database, accounts.

Every connector test talks HTTP to a real sandbox server; nothing of ours is replaced.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session, sessionmaker

from coulisses.publish import accounts
from coulisses.publish.api import PlatformApi, builtin_apis, validate_options
from coulisses.publish.connectors.base import Upload
from coulisses.publish.oauth import TokenSet, sandbox_sign_in
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import Faults
from coulisses.publish.studio import open_url
from studiodb import BACKENDS, fresh_database

PLATFORMS = ("tiktok", "instagram", "facebook", "youtube", "linkedin")


@pytest.fixture(scope="session")
def apis() -> dict[str, PlatformApi]:
    return builtin_apis()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox without faults, its record in the test's folder."""
    with SandboxServer(tmp_path / "sandbox") as server:
        yield server


def start_sandbox(folder: Path, faults: Faults | None = None,
                  apis: dict[str, PlatformApi] | None = None) -> SandboxServer:
    return SandboxServer(folder, faults=faults, apis=apis).start()


@pytest.fixture
def video(tmp_path: Path) -> Path:
    """300 kB of random bytes: the sandbox checks sizes and hashes, not pictures."""
    path = tmp_path / "cut.mp4"
    path.write_bytes(os.urandom(300_000))
    return path


def upload_of(path: Path, api: PlatformApi, account: str, caption: str = "hello #bts",
              post_id: int = 1) -> Upload:
    data = path.read_bytes()
    return Upload(post_id, path, len(data), hashlib.sha256(data).hexdigest(), caption,
                  validate_options(api, {}), 10.0, account)


def sign_in(api: PlatformApi, url: str, name: str = "alice") -> TokenSet:
    with httpx.Client(timeout=10) as client:
        return sandbox_sign_in(api, url, name, client)


def sandbox_posts(url: str) -> list[dict[str, object]]:
    posts: list[dict[str, object]] = httpx.get(f"{url}/_sandbox/posts", timeout=10).json()["posts"]
    return posts


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh studio database migrated to head (0003 included)."""
    with fresh_database(request.param, tmp_path, "pub") as url:
        engine, sessions = open_url(url)
        try:
            yield sessions
        finally:
            engine.dispose()


@pytest.fixture
def fernet() -> Fernet:
    return Fernet(Fernet.generate_key())


def connect_all(sessions: sessionmaker[Session], fernet: Fernet,
                apis: dict[str, PlatformApi], url: str) -> None:
    with sessions() as session:
        for platform in PLATFORMS:
            accounts.add(session, fernet, apis[platform], "alice", sandbox_url=url)
