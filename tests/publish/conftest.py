"""Publishing fixtures: the sandbox on a loopback port, a fresh studio database, a video.

Every connector test talks HTTP to a real sandbox server; nothing of ours is replaced. Helpers
shared by the test modules live in ``publishkit``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session, sessionmaker

from coulisses.publish.api import PlatformApi, builtin_apis
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.studio import open_url
from studiodb import BACKENDS, fresh_database


@pytest.fixture(scope="session")
def apis() -> dict[str, PlatformApi]:
    return builtin_apis()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox without faults, its record in the test's folder."""
    with SandboxServer(tmp_path / "sandbox") as server:
        yield server


@pytest.fixture
def video(tmp_path: Path) -> Path:
    """300 kB of random bytes: the sandbox checks sizes and hashes, not pictures."""
    path = tmp_path / "cut.mp4"
    path.write_bytes(os.urandom(300_000))
    return path


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh studio database migrated to head (0004 included)."""
    with fresh_database(request.param, tmp_path, "pub") as url:
        engine, sessions = open_url(url)
        try:
            yield sessions
        finally:
            engine.dispose()


@pytest.fixture
def fernet() -> Fernet:
    return Fernet(Fernet.generate_key())
