"""Helpers for the publishing tests (a module of its own: ``conftest`` names are ambiguous
across test folders)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from coulisses.publish.accounts import sandbox_renewal
from coulisses.publish.api import PlatformApi, validate_options
from coulisses.publish.connectors.base import Upload
from coulisses.publish.lookup import settle
from coulisses.publish.oauth import TokenSet, sandbox_sign_in
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import Faults

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

