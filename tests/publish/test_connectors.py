"""Each connector against the sandbox on loopback: the happy path and each fault."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest
from publishkit import PLATFORMS, sandbox_posts, sign_in, start_sandbox, upload_of

from coulisses.errors import PlatformError
from coulisses.publish import oauth
from coulisses.publish.api import PlatformApi
from coulisses.publish.connectors import CONNECTORS
from coulisses.publish.connectors.base import Context, Endpoints, MemoryJournal, Published
from coulisses.publish.connectors.http import ApiClient, Backoff
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import parse_faults


class SandboxTokens:
    """Tokens from the sandbox's OAuth server, refreshed through it (the real refresh grant)."""

    def __init__(self, api: PlatformApi, url: str) -> None:
        self.api, self.url = api, url
        self.tokens = sign_in(api, url)
        self.refreshes = 0

    def access(self) -> str:
        return self.tokens.access_token

    def refresh(self) -> str:
        with httpx.Client(timeout=10) as client:
            self.tokens = oauth.refresh(self.api, self.url, self.tokens, client_id="t",
                                        client=client)
        self.refreshes += 1
        return self.tokens.access_token


def publish(api: PlatformApi, url: str, path: Path, journal: MemoryJournal | None = None,
            tokens: SandboxTokens | None = None) -> tuple[Published, MemoryJournal]:
    tokens = tokens or SandboxTokens(api, url)
    journal = journal or MemoryJournal()
    upload = upload_of(path, api, tokens.tokens.account)
    with httpx.Client(timeout=10) as http:
        client = ApiClient(api.id, tokens, client=http, backoff=Backoff(base_s=0.001))
        ctx = Context(Endpoints(api, url), client, poll_s=0.001)
        return CONNECTORS[api.id](ctx).publish(upload, journal), journal


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_happy_path_posts_once_with_the_exact_bytes(platform: str, sandbox: SandboxServer,
                                                    video: Path,
                                                    apis: dict[str, PlatformApi]) -> None:
    published, journal = publish(apis[platform], sandbox.url, video)
    [post] = sandbox_posts(sandbox.url)
    assert post["platform_id"] == published.platform_id
    assert (post["platform"], post["account"], post["caption"]) == (platform, "alice",
                                                                   "hello #bts")
    assert post["size_bytes"] == video.stat().st_size and post["sha256"] == _sha(video)
    kinds = [kind for kind, _step, _data in journal.events]
    assert kinds[0] == "intent"  # a side effect is never taken before its intent is recorded


@pytest.mark.parametrize("platform", PLATFORMS)
def test_5xx_and_429_are_retried_without_posting_twice(platform: str, tmp_path: Path,
                                                       video: Path,
                                                       apis: dict[str, PlatformApi]) -> None:
    faults = parse_faults("5xx=0.3,429=0.3,retry_after=0,seed=7")
    server = start_sandbox(tmp_path / "sb", faults)
    try:
        for _ in range(3):
            publish(apis[platform], server.url, video)
        injected = server.sandbox.dice.counts
        posts = sandbox_posts(server.url)
    finally:
        server.stop()
    assert injected["5xx"] + injected["429"] > 0
    assert len(posts) == 3 and len({p["platform_id"] for p in posts}) == 3


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_dropped_final_answer_is_resolved_by_asking(platform: str, tmp_path: Path,
                                                      video: Path,
                                                      apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("drop=1"))
    try:
        published, _ = publish(apis[platform], server.url, video)
        posts = sandbox_posts(server.url)
        assert server.sandbox.dice.counts["drop"] >= 1
    finally:
        server.stop()
    assert [p["platform_id"] for p in posts] == [published.platform_id]


# Meta issues no refresh token (its long-lived and Page tokens end only by revocation, which
# test_meta_tokens covers), so the sandbox never expires them mid-use
@pytest.mark.parametrize("platform", ["tiktok", "youtube", "linkedin"])
def test_a_token_expired_mid_upload_is_refreshed(platform: str, tmp_path: Path, video: Path,
                                                 apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("expire=0.3,seed=3"))
    try:
        tokens = SandboxTokens(apis[platform], server.url)
        for _ in range(3):
            publish(apis[platform], server.url, video, tokens=tokens)
        posts = sandbox_posts(server.url)
    finally:
        server.stop()
    assert tokens.refreshes >= 1
    assert len(posts) == 3


@pytest.mark.parametrize(("platform", "code"), [
    ("tiktok", "file_format_check_failed"), ("instagram", "ERROR"), ("facebook", "error"),
    ("youtube", "conversion"), ("linkedin", "PROCESSING_FAILED")])
def test_processing_errors_stop_with_the_platforms_words(platform: str, code: str,
                                                         tmp_path: Path, video: Path,
                                                         apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("processing=1"))
    try:
        with pytest.raises(PlatformError) as caught:
            publish(apis[platform], server.url, video)
        assert sandbox_posts(server.url) == []
    finally:
        server.stop()
    assert caught.value.code == code


@pytest.mark.parametrize(("platform", "status", "code"), [
    ("tiktok", 403, "spam_risk_too_many_posts"), ("instagram", 400, "9/2207042"),
    ("facebook", 400, "9/2207042"), ("youtube", 403, "quotaExceeded"),
    ("linkedin", 429, "QUOTA_EXCEEDED")])
def test_an_exhausted_quota_stops_the_post(platform: str, status: int, code: str,
                                           tmp_path: Path, video: Path,
                                           apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("quota=1"))
    try:
        with pytest.raises(PlatformError) as caught:
            publish(apis[platform], server.url, video)
        assert sandbox_posts(server.url) == []
    finally:
        server.stop()
    assert (caught.value.status, caught.value.code) == (status, code)


def test_a_refused_chunk_size_and_a_retired_version_stop_the_post(
        tmp_path: Path, video: Path, apis: dict[str, PlatformApi]) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("chunk_size=1,version=1"))
    try:
        with pytest.raises(PlatformError, match="chunk size is invalid"):
            publish(apis["tiktok"], server.url, video)
        with pytest.raises(PlatformError, match="426 NONEXISTENT_VERSION"):
            publish(apis["linkedin"], server.url, video)
    finally:
        server.stop()


def _small_pieces(apis: dict[str, PlatformApi]) -> dict[str, PlatformApi]:
    """The same APIs with pieces small enough for a 1 MB file to need several."""
    small = dict(apis)
    for name, chunk in (("tiktok", 200_000), ("youtube", 262_144), ("linkedin", 300_000),
                        ("instagram", 250_000), ("facebook", 250_000)):
        rules = apis[name].chunks.model_copy(update={
            "chunk_bytes": chunk, "min_bytes": min(chunk, apis[name].chunks.min_bytes),
            "max_bytes": max(chunk, apis[name].chunks.max_bytes),
            "single_max_bytes": chunk if name == "tiktok" else apis[name].chunks.single_max_bytes})
        small[name] = apis[name].model_copy(update={"chunks": rules})
    return small


@pytest.mark.parametrize("platform", PLATFORMS)
def test_multi_piece_uploads_follow_the_chunk_rules(platform: str, tmp_path: Path,
                                                    apis: dict[str, PlatformApi]) -> None:
    path = tmp_path / "long.mp4"
    path.write_bytes(os.urandom(1_000_003))
    small = _small_pieces(apis)
    server = start_sandbox(tmp_path / "sb", parse_faults("5xx=0.2,seed=2"), apis=small)
    try:
        _published, journal = publish(small[platform], server.url, path)
        posts = sandbox_posts(server.url)
    finally:
        server.stop()
    assert [p["sha256"] for p in posts] == [_sha(path)]
    assert sum(1 for _k, step, _d in journal.events if step in ("chunk", "upload", "part")) >= 2


def test_a_resumed_post_asks_before_it_posts_again(sandbox: SandboxServer, video: Path,
                                                   apis: dict[str, PlatformApi]) -> None:
    """A journal left by a worker that died after the last chunk resumes without a repost."""
    tokens = SandboxTokens(apis["youtube"], sandbox.url)
    published, journal = publish(apis["youtube"], sandbox.url, video, tokens=tokens)
    again, _ = publish(apis["youtube"], sandbox.url, video, journal=MemoryJournal(journal.state),
                       tokens=tokens)
    assert again.platform_id == published.platform_id
    assert len(sandbox_posts(sandbox.url)) == 1


def test_youtube_sets_the_cover_as_thumbnail_once(sandbox: SandboxServer, video: Path,
                                                  tmp_path: Path,
                                                  apis: dict[str, PlatformApi]) -> None:
    from dataclasses import replace

    cover = tmp_path / "cover.jpg"
    cover.write_bytes(os.urandom(5_000))
    tokens = SandboxTokens(apis["youtube"], sandbox.url)
    journal = MemoryJournal()
    with httpx.Client(timeout=10) as http:
        ctx = Context(Endpoints(apis["youtube"], sandbox.url),
                      ApiClient("youtube", tokens, client=http), poll_s=0)
        up = replace(upload_of(video, apis["youtube"], "alice"), cover=cover)
        published = CONNECTORS["youtube"](ctx).publish(up, journal)
    assert journal.state["thumbnail"] == "set"
    session = sandbox.sandbox.store.find_session("youtube", "video_id", published.platform_id)
    assert session is not None and session["thumbnail"] == _sha(cover)
