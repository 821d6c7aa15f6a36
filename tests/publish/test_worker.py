"""The worker in-process on a real database and sandbox: passing failures come back later,
refusals fail with the platform's words, a dead token asks a person."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.fernet import Fernet
from publishkit import sandbox_posts, start_sandbox
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.publish import accounts, queue
from coulisses.publish.api import PlatformApi, validate_options
from coulisses.publish.oauth import TokenSet
from coulisses.publish.sandbox.faults import parse_faults
from coulisses.publish.tables import Post, PublishAccount, now_ms
from coulisses.publish.worker import Worker, WorkerConfig, sha256_of


def _schedule(sessions: sessionmaker[Session], api: PlatformApi, account_id: int,
              video: Path) -> int:
    with sessions() as session:
        return queue.schedule(session, account_id=account_id, platform=api.id,
                              video_path=str(video), video_sha256=sha256_of(video),
                              size_bytes=video.stat().st_size, due_ms=now_ms(),
                              caption="worker #bts", options=validate_options(api, {})).id


def _worker(db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
            tmp_path: Path, attempts: int = 3) -> Worker:
    return Worker(db, fernet, apis, WorkerConfig(backoff_s=0.0, poll_s=0.0,
                                                 max_attempts=attempts,
                                                 packs=tmp_path / "packs"))


def test_passing_failures_come_back_then_give_up_with_the_reason(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("5xx=1"))
    worker = _worker(db, fernet, apis, tmp_path, attempts=2)
    try:
        with db() as session:
            account = accounts.add(session, fernet, apis["youtube"], "a", sandbox_url=server.url)
        post_id = _schedule(db, apis["youtube"], account.id, video)
        worker.run(until_idle=True)
        with db() as session:
            post = queue.get(session, post_id)
            assert (post.state, post.attempts) == ("failed", 2)
            assert "gave up after 2 attempts" in post.error and "HTTP 503" in post.error
            states = [e.state for e in queue.history(session, post_id) if e.kind == "transition"]
        assert states == ["scheduled", "publishing", "scheduled", "publishing", "failed"]
        assert sandbox_posts(server.url) == []
    finally:
        worker.close()
        server.stop()


def test_a_refusal_fails_with_the_platforms_words_and_a_dead_token_asks_a_person(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("quota=1"))
    worker = _worker(db, fernet, apis, tmp_path)
    try:
        with db() as session:
            tiktok = accounts.add(session, fernet, apis["tiktok"], "a", sandbox_url=server.url)
            linkedin = accounts.add(session, fernet, apis["linkedin"], "a",
                                    sandbox_url=server.url)
            row = session.get(PublishAccount, linkedin.id)
            assert row is not None
            dead = TokenSet("linkedin.a.1.1.forged", "r.linkedin.a.1.forged", 0, "a")
            row.tokens = fernet.encrypt(dead.to_json().encode()).decode()
            session.commit()
        refused = _schedule(db, apis["tiktok"], tiktok.id, video)
        revoked = _schedule(db, apis["linkedin"], linkedin.id, video)
        worker.run(until_idle=True)
        with db() as session:
            posts = {p.id: p for p in session.scalars(select(Post))}
    finally:
        worker.close()
        server.stop()
    assert posts[refused].state == "failed"
    assert "tiktok HTTP 403 spam_risk_too_many_posts" in posts[refused].error
    assert posts[revoked].state == "needs_attention"
    assert "reconnect the account" in posts[revoked].error


def test_a_video_changed_after_scheduling_is_not_posted(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    with db() as session:
        account = accounts.add(session, fernet, apis["tiktok"], "hand", manual=True)
    post_id = _schedule(db, apis["tiktok"], account.id, video)
    data = bytearray(video.read_bytes())
    data[0] ^= 0xFF
    video.write_bytes(bytes(data))
    with db() as session:
        row = session.get(PublishAccount, account.id)
        assert row is not None
        row.channel = "api"
        row.tokens = fernet.encrypt(json.dumps({"access_token": "x", "refresh_token": "y",
                                                "expires_at": 0, "account": "a"}).encode()
                                    ).decode()
        session.commit()
    worker = _worker(db, fernet, apis, tmp_path)
    try:
        worker.run(until_idle=True)
    finally:
        worker.close()
    with db() as session:
        post = queue.get(session, post_id)
    assert post.state == "failed" and "changed since it was scheduled" in post.error


def test_a_daily_budget_defers_the_post_that_would_exceed_it(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    api = apis["facebook"]
    tight = api.model_copy(update={"quotas": [api.quotas[0].model_copy(update={"limit": 2})]})
    server = start_sandbox(tmp_path / "sb")
    worker = _worker(db, fernet, {**apis, "facebook": tight}, tmp_path)
    try:
        with db() as session:
            account = accounts.add(session, fernet, api, "page", sandbox_url=server.url)
        ids = []
        for n in range(3):
            copy = tmp_path / f"{n}.mp4"
            copy.write_bytes(video.read_bytes() + bytes([n]))
            ids.append(_schedule(db, api, account.id, copy))
        worker.run(until_idle=True)
        with db() as session:
            posts = [queue.get(session, i) for i in ids]
        record = sandbox_posts(server.url)
    finally:
        worker.close()
        server.stop()
    assert [p.state for p in posts] == ["published", "published", "scheduled"]
    waiting = posts[2]
    assert waiting.step == "waiting for quota" and "30" not in waiting.error
    assert waiting.due_ms > now_ms() + 23 * 3_600_000 and waiting.attempts == 0
    assert len(record) == 2


def test_a_long_retry_after_puts_the_post_back_until_then(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi], tmp_path: Path,
        video: Path) -> None:
    server = start_sandbox(tmp_path / "sb", parse_faults("429=1,retry_after=600"))
    worker = _worker(db, fernet, apis, tmp_path)
    try:
        with db() as session:
            account = accounts.add(session, fernet, apis["tiktok"], "a", sandbox_url=server.url)
        post_id = _schedule(db, apis["tiktok"], account.id, video)
        before = now_ms()
        worker.run(until_idle=True)
        with db() as session:
            post = queue.get(session, post_id)
    finally:
        worker.close()
        server.stop()
    assert post.state == "scheduled" and "retry after 600 s" in post.error
    assert post.due_ms >= before + 600_000
