"""End-to-end fixtures: the real studio server (uvicorn on a free loopback port, a temporary
data folder, its own worker thread) on SQLite and, when ``COULISSES_TEST_DATABASE_URL`` is
set, PostgreSQL; and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from coulisses.settings import Settings
from studiodb import BACKENDS, fresh_database

KEEP_SHOTS = os.environ.get("COULISSES_E2E_SCREENSHOTS", "")  # read before env is cleared
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path, "e2e") as url:
        yield url


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """The studio served by uvicorn in a thread; yields its base URL."""
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache",
                        whisper_model="tiny.en", lang="en")
    with serve(settings, database_url) as url:
        yield url


@pytest.fixture
def serve_studio() -> Any:
    """``serve_studio(settings, database_url)``: a context manager serving the studio with
    ``settings`` (for tests that need settings of their own); its base URL."""
    return serve


@contextlib.contextmanager
def serve(settings: Settings, database_url: str) -> Iterator[str]:
    """The studio with ``settings`` served by uvicorn in a thread, its worker running; its
    base URL while the block runs."""
    import uvicorn

    from coulisses.web.app import create_app

    app = create_app(settings, database_url=database_url)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the studio server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(15)
        app.state.engine.dispose()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is absent (/usr/bin/chromium): "
                    "apt-get install chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """``shots(page, name)``: a full-page screenshot in the test's folder (and, when
    ``COULISSES_E2E_SCREENSHOTS`` names a folder, a copy there)."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    keep = KEEP_SHOTS

    def take(page: Any, name: str) -> Path:
        path = folder / f"{request.node.callspec.id}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path

    return take
