"""The post state machine: one claim wins, stale leases resume, a lost lease stops the worker."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.errors import ConflictError, LeaseLost, UsageError
from coulisses.publish import accounts, queue
from coulisses.publish.api import PlatformApi
from coulisses.publish.tables import Post, PublishAccount, now_ms


def _account(sessions: sessionmaker[Session], fernet: Fernet, api: PlatformApi) -> int:
    with sessions() as session:
        return accounts.add(session, fernet, api, "hand", manual=True).id


def _post(sessions: sessionmaker[Session], account_id: int, n: int = 0,
          force: bool = False) -> int:
    with sessions() as session:
        return queue.schedule(session, account_id=account_id, platform="tiktok",
                              video_path="/v.mp4", video_sha256=f"{n:064x}", size_bytes=10,
                              due_ms=now_ms() - 1000, force=force).id


def test_two_workers_never_claim_the_same_post(db: sessionmaker[Session], fernet: Fernet,
                                               apis: dict[str, PlatformApi]) -> None:
    account = _account(db, fernet, apis["tiktok"])
    ids = {_post(db, account, n) for n in range(40)}
    claimed: list[int] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while True:
            with db() as session:
                post = queue.claim(session, name)
            if post is None:
                return
            with lock:
                claimed.append(post.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)  # each exactly once


def test_a_stale_lease_is_resumed_and_the_old_worker_stops(db: sessionmaker[Session],
                                                           fernet: Fernet,
                                                           apis: dict[str, PlatformApi]) -> None:
    account = _account(db, fernet, apis["tiktok"])
    _post(db, account)
    with db() as session:
        first = queue.claim(session, "old", lease_ms=1000)
    assert first is not None
    old = queue.DbJournal(db, first, "old")
    with db() as session:
        assert queue.claim(session, "new") is None  # the lease still holds
    old.intent("init")
    with db() as session:
        second = queue.claim(session, "new", now=now_ms() + 200_000)
    assert second is not None and second.id == first.id
    resumed = queue.DbJournal(db, second, "new")
    assert resumed.state["pending"] == "init"  # the unknown outcome the new worker must resolve
    with pytest.raises(LeaseLost):
        old.outcome("init", publish_id="x")
    assert not queue.end(db, first.id, "old", "published")
    assert queue.end(db, first.id, "new", "published", values={"platform_post_id": "42"})
    with db() as session:
        kinds = [(e.kind, e.state) for e in queue.history(session, first.id)]
    assert kinds[0] == ("transition", "scheduled")
    assert ("intent", "publishing") in kinds and kinds[-1] == ("transition", "published")


def test_the_same_video_twice_to_one_account_needs_force(db: sessionmaker[Session],
                                                         fernet: Fernet,
                                                         apis: dict[str, PlatformApi]) -> None:
    account = _account(db, fernet, apis["tiktok"])
    _post(db, account, 1)
    with pytest.raises(ConflictError, match="already scheduled"):
        _post(db, account, 1)
    _post(db, account, 1, force=True)


def test_cancel_retry_and_complete_move_only_from_allowed_states(
        db: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi]) -> None:
    account = _account(db, fernet, apis["tiktok"])
    post_id = _post(db, account)
    with db() as session:
        assert queue.cancel(session, post_id).state == "cancelled"
        with pytest.raises(UsageError, match="is cancelled"):
            queue.retry(session, post_id)
    other = _post(db, account, 5)
    with db() as session:
        queue.claim(session, "w")
    assert queue.end(db, other, "w", "failed", values={"error": "tiktok HTTP 400"})
    with db() as session:
        assert queue.retry(session, other).state == "scheduled"
        done = queue.complete(session, other, "https://www.tiktok.com/@a/video/7", "7")
        assert (done.state, done.platform_post_id) == ("published", "7")


def test_tokens_are_sealed_at_rest(db: sessionmaker[Session], tmp_path: Path,
                                   apis: dict[str, PlatformApi]) -> None:
    from publishkit import start_sandbox

    fernet = accounts.sealer("", tmp_path / "data")
    assert oct((tmp_path / "data" / accounts.KEY_FILE).stat().st_mode & 0o777) == "0o600"
    server = start_sandbox(tmp_path / "sb")
    try:
        with db() as session:
            accounts.add(session, fernet, apis["youtube"], "alice", sandbox_url=server.url)
            row = session.scalars(select(PublishAccount)).one()
    finally:
        server.stop()
    assert row.tokens and "youtube.alice" not in row.tokens
    assert "youtube.alice" in fernet.decrypt(row.tokens).decode()
    with pytest.raises(UsageError, match="not a Fernet key"):
        accounts.sealer("nope", tmp_path)


def test_posts_are_ordered_by_due_time(db: sessionmaker[Session], fernet: Fernet,
                                       apis: dict[str, PlatformApi]) -> None:
    account = _account(db, fernet, apis["tiktok"])
    with db() as session:
        later = queue.schedule(session, account_id=account, platform="tiktok", video_path="/a",
                               video_sha256="a" * 64, size_bytes=1, due_ms=now_ms() + 3_600_000)
        assert queue.claim(session, "w") is None  # not due yet
        assert [p.id for p in queue.listing(session)] == [later.id]
        assert session.scalars(select(Post)).one().state == "scheduled"
