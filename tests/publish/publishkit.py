"""Helpers for the publishing tests (a module of its own: ``conftest`` names are ambiguous
across test folders)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session, sessionmaker

from coulisses.publish import queue
from coulisses.publish.accounts import sandbox_renewal
from coulisses.publish.api import PlatformApi, validate_options
from coulisses.publish.connectors.base import Upload
from coulisses.publish.lookup import settle
from coulisses.publish.oauth import TokenSet, sandbox_sign_in
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import Faults
from coulisses.publish.tables import now_ms
from coulisses.publish.worker import Worker, WorkerConfig, sha256_of

PLATFORMS = ("tiktok", "instagram", "facebook", "youtube", "linkedin")


def start_sandbox(folder: Path, faults: Faults | None = None,
                  apis: dict[str, PlatformApi] | None = None) -> SandboxServer:
    return SandboxServer(folder, faults=faults, apis=apis).start()


def upload_of(path: Path, api: PlatformApi, account: str, caption: str = "hello #bts",
              post_id: int = 1) -> Upload:
    data = path.read_bytes()
    return Upload(post_id, path, len(data), hashlib.sha256(data).hexdigest(), caption,
                  validate_options(api, {}), 10.0, account)


def sign_in(api: PlatformApi, url: str, name: str = "alice") -> TokenSet:
    """The sign-in and the account lookup that follows it, as ``accounts add`` does them."""
    with httpx.Client(timeout=10) as client:
        return settle(api, url, sandbox_sign_in(api, url, name, client), client,
                      renew=sandbox_renewal(api, url, client))


def sandbox_posts(url: str) -> list[dict[str, object]]:
    posts: list[dict[str, object]] = httpx.get(f"{url}/_sandbox/posts", timeout=10).json()["posts"]
    return posts



def publish_now(db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
                account_id: int, platform: str, video: Path, tmp_path: Path) -> int:
    """Schedule ``video`` to the account for now and run a worker until nothing is due."""
    with db() as session:
        post_id = queue.schedule(session, account_id=account_id, platform=platform,
                                 video_path=str(video), video_sha256=sha256_of(video),
                                 size_bytes=video.stat().st_size, due_ms=now_ms(),
                                 caption="lookup #bts",
                                 options=validate_options(apis[platform], {})).id
    worker = Worker(db, fernet, apis, WorkerConfig(backoff_s=0.0, poll_s=0.0,
                                                   packs=tmp_path / "packs"))
    try:
        worker.run(until_idle=True)
    finally:
        worker.close()
    return post_id
