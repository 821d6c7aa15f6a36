"""A backstage poll sent as platform polls through the publish connectors, against the
sandbox over loopback: a LinkedIn poll post (counts) and an Instagram caption poll (shares,
turned into estimated counts), sent once, read back into one tally that keeps each channel,
through expired tokens, 429s and lost answers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from backstageworld import World
from cryptography.fernet import Fernet
from sqlalchemy.orm import Session, sessionmaker

from coulisses.backstage import platform_polls, platform_tallies, polls
from coulisses.errors import ConflictError, UsageError
from coulisses.publish import accounts, queue
from coulisses.publish.api import PlatformApi, builtin_apis, validate_options
from coulisses.publish.sandbox.app import SandboxServer
from coulisses.publish.sandbox.faults import Faults
from coulisses.publish.tables import Post, PublishAccount, now_ms
from coulisses.publish.worker import Worker, WorkerConfig, sha256_of


@pytest.fixture(scope="module")
def apis() -> dict[str, PlatformApi]:
    return builtin_apis()


@pytest.fixture
def sessions(world: World, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    from coulisses.studio.db import open_database

    engine, made = open_database(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    yield made
    engine.dispose()


def _connect(world: World, fernet: Fernet, api: PlatformApi, url: str) -> PublishAccount:
    account = accounts.add(world.db, fernet, api, "team", sandbox_url=url,
                           workspace_id=world.campaign.workspace_id)
    return account


def _work(sessions: sessionmaker[Session], fernet: Fernet, apis: dict[str, PlatformApi],
          tmp_path: Path) -> None:
    worker = Worker(sessions, fernet, apis, WorkerConfig(backoff_s=0.0, poll_s=0.0,
                                                         packs=tmp_path / "packs"))
    try:
        worker.run(until_idle=True)
    finally:
        worker.close()


def _vote(url: str, platform: str, post_id: str, votes: list[int]) -> None:
    r = httpx.post(f"{url}/_sandbox/polls/{platform}/{post_id}", json={"votes": votes},
                   timeout=10)
    assert r.status_code == 200, r.text


def _page_vote(world: World, option_id: int) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from coulisses.backstage import challenge, votes

    text = challenge.issue(world.page.secret, world.poll.id, world.now - timedelta(seconds=9),
                           bits=4)
    told = votes.cast(world.db, page=world.page, poll=world.poll, option_id=option_id,
                      challenge_text=text, solution=challenge.solve(text),
                      visitor=challenge.Visitor("page-voter"), address="203.0.113.5",
                      now=world.now, limits=replace(votes.LIMITS, min_seconds=0.0))
    assert told.counted


def _posts(url: str, platform: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = httpx.get(f"{url}/_sandbox/posts", timeout=10).json()["posts"]
    return [p for p in found if p["platform"] == platform]


def test_a_linkedin_poll_goes_out_once_and_its_counts_come_back(
        world: World, sessions: sessionmaker[Session], apis: dict[str, PlatformApi],
        tmp_path: Path) -> None:
    fernet = Fernet(Fernet.generate_key())
    red, blue = polls.options_of(world.db, world.poll)
    with SandboxServer(tmp_path / "sandbox") as server:
        account = _connect(world, fernet, apis["linkedin"], server.url)
        post = platform_polls.send_linkedin(world.db, world.poll, account_id=account.id,
                                            workspace_id=world.campaign.workspace_id,
                                            duration="THREE_DAYS")
        world.db.commit()
        with pytest.raises(ConflictError, match="already went out"):
            platform_polls.send_linkedin(world.db, world.poll, account_id=account.id,
                                         workspace_id=world.campaign.workspace_id)
        world.db.rollback()
        _work(sessions, fernet, apis, tmp_path)
        world.db.expire_all()
        out = world.db.get(Post, post.id)
        assert out is not None and out.state == "published", out.error
        [li] = _posts(server.url, "linkedin")
        assert li["platform_id"] == out.platform_post_id and li["size_bytes"] == 0
        _vote(server.url, "linkedin", out.platform_post_id, [7, 3])
        _page_vote(world, blue.id)  # one verified vote on the page itself
        result = platform_polls.read_back(sessions, fernet, apis, world.poll.id, now=world.now,
                                          backoff_s=0.0)
    assert result.stored == ("linkedin",) and not result.problems
    world.db.expire_all()
    merged = platform_tallies.merged(world.db, world.poll)
    [li_tally] = merged.channels
    assert (li_tally.channel, li_tally.source, li_tally.estimated) == ("linkedin", "api", False)
    assert li_tally.post_ref == out.platform_post_id
    assert [n for _, n in li_tally.counts] == [7, 3]
    assert merged.verified_total == 1  # nothing added to the page's own votes
    assert polls.tally(world.db, world.poll).total == 1
    assert merged.exact_total == 11 and merged.estimated_total == 0
    assert merged.by_option(red.id) == {"page": 0, "linkedin": 7}
    assert merged.by_option(blue.id) == {"page": 1, "linkedin": 3}


def test_an_instagram_caption_poll_rides_on_a_scheduled_reel_and_comes_back_estimated(
        world: World, sessions: sessionmaker[Session], apis: dict[str, PlatformApi],
        tmp_path: Path) -> None:
    fernet = Fernet(Fernet.generate_key())
    video = tmp_path / "reel.mp4"
    video.write_bytes(os.urandom(200_000))
    with SandboxServer(tmp_path / "sandbox") as server:
        account = _connect(world, fernet, apis["instagram"], server.url)
        reel = queue.schedule(world.db, account_id=account.id, platform="instagram",
                              video_path=str(video), video_sha256=sha256_of(video),
                              size_bytes=video.stat().st_size, due_ms=now_ms(),
                              caption="Which cover?",
                              options=validate_options(apis["instagram"], {}))
        platform_polls.attach_instagram(world.db, world.poll, post_id=reel.id,
                                        workspace_id=world.campaign.workspace_id)
        world.db.commit()
        with pytest.raises(UsageError, match="one add-on per post"):
            platform_polls.attach_instagram(world.db, world.poll, post_id=reel.id,
                                            workspace_id=world.campaign.workspace_id)
        _work(sessions, fernet, apis, tmp_path)
        world.db.expire_all()
        out = world.db.get(Post, reel.id)
        assert out is not None and out.state == "published", out.error
        with pytest.raises(UsageError, match="only when the post is created"):
            platform_polls.attach_instagram(world.db, world.poll, post_id=reel.id,
                                            workspace_id=world.campaign.workspace_id)
        _vote(server.url, "instagram", out.platform_post_id, [30, 10])
        result = platform_polls.read_back(sessions, fernet, apis, world.poll.id, now=world.now,
                                          backoff_s=0.0)
    assert result.stored == ("instagram",), result.problems
    world.db.expire_all()
    merged = platform_tallies.merged(world.db, world.poll)
    [ig] = merged.channels
    assert (ig.channel, ig.source, ig.estimated) == ("instagram", "api", True)
    counts = [n for _, n in ig.counts]
    assert sum(counts) > 40  # share x reach: far more than the 40 taps, an upper bound
    assert abs(counts[0] / sum(counts) - 0.75) < 0.01
    assert merged.exact_total == 0 and merged.estimated_total == sum(counts)


def test_faults_expired_tokens_429s_and_a_lost_answer_post_the_poll_once(
        world: World, sessions: sessionmaker[Session], apis: dict[str, PlatformApi],
        tmp_path: Path) -> None:
    fernet = Fernet(Fernet.generate_key())
    faults = Faults(rates={"expire": 1.0, "429": 0.3, "drop": 1.0}, seed=3, retry_after=0)
    with SandboxServer(tmp_path / "sandbox", faults=faults) as server:
        account = _connect(world, fernet, apis["linkedin"], server.url)
        post = platform_polls.send_linkedin(world.db, world.poll, account_id=account.id,
                                            workspace_id=world.campaign.workspace_id)
        world.db.commit()
        _work(sessions, fernet, apis, tmp_path)
        world.db.expire_all()
        out = world.db.get(Post, post.id)
        assert out is not None and out.state == "published", out.error
        assert len(_posts(server.url, "linkedin")) == 1  # the lost answer was asked, not resent
        _vote(server.url, "linkedin", out.platform_post_id, [2, 5])
        result = platform_polls.read_back(sessions, fernet, apis, world.poll.id, now=world.now,
                                          backoff_s=0.0)
        injected = httpx.get(f"{server.url}/_sandbox/faults", timeout=10).json()["injected"]
    assert injected["drop"] >= 1 and injected["expire"] >= 1 and injected["429"] >= 1
    assert result.stored == ("linkedin",)
    world.db.expire_all()
    [li] = platform_tallies.tallies(world.db, world.poll)
    assert [n for _, n in li.counts] == [2, 5]


def test_what_the_platforms_cannot_take_is_refused_before_any_call(
        world: World, apis: dict[str, PlatformApi], tmp_path: Path) -> None:
    fernet = Fernet(Fernet.generate_key())
    many = polls.create_poll(world.db, page_id=world.page.id, question="Where?",
                             options=[polls.OptionSpec(x) for x in "ABCDE"],
                             opens_at=world.now, closes_at=world.poll.closes_at)
    wordy = polls.create_poll(world.db, page_id=world.page.id, question="Which?",
                              options=[polls.OptionSpec("x" * 31), polls.OptionSpec("y")],
                              opens_at=world.now, closes_at=world.poll.closes_at)
    hand = accounts.add(world.db, fernet, apis["linkedin"], "hand", manual=True,
                        workspace_id=world.campaign.workspace_id)
    with SandboxServer(tmp_path / "sandbox") as server:
        account = _connect(world, fernet, apis["linkedin"], server.url)
        ws = world.campaign.workspace_id
        with pytest.raises(UsageError, match="2 to 4 options"):
            platform_polls.send_linkedin(world.db, many, account_id=account.id, workspace_id=ws)
        with pytest.raises(UsageError, match="at most 30 characters"):
            platform_polls.send_linkedin(world.db, wordy, account_id=account.id,
                                         workspace_id=ws)
        with pytest.raises(UsageError, match="lasts ONE_DAY"):
            platform_polls.send_linkedin(world.db, world.poll, account_id=account.id,
                                         workspace_id=ws, duration="FOREVER")
        with pytest.raises(UsageError, match="published by hand"):
            platform_polls.send_linkedin(world.db, world.poll, account_id=hand.id,
                                         workspace_id=ws)
        assert _posts(server.url, "linkedin") == []


def test_the_sandbox_refuses_polls_the_docs_refuse(tmp_path: Path,
                                                   apis: dict[str, PlatformApi]) -> None:
    """A poll with media, 5 options, or an Instagram poll without a caption."""
    from coulisses.publish.oauth import sandbox_sign_in

    def sign_in(api: PlatformApi, url: str) -> str:
        with httpx.Client(timeout=10) as client:
            return sandbox_sign_in(api, url, "alice", client).access_token

    with SandboxServer(tmp_path / "sandbox") as server:
        token = sign_in(apis["linkedin"], server.url)
        headers = {"Authorization": f"Bearer {token}", "X-Restli-Protocol-Version": "2.0.0",
                   "LinkedIn-Version": apis["linkedin"].api_version.value}
        base = {"author": "urn:li:person:alice", "commentary": "?", "lifecycleState":
                "PUBLISHED"}
        poll = {"question": "Q", "options": [{"text": "a"}, {"text": "b"}],
                "settings": {"duration": "ONE_DAY"}}
        with_media = {**base, "content": {"poll": poll, "media": {"id": "urn:li:video:1"}}}
        five = {**base, "content": {"poll": {**poll, "options": [{"text": x} for x in "abcde"]}}}
        for body in (with_media, five):
            r = httpx.post(f"{server.url}/linkedin/rest/posts", json=body, headers=headers,
                           timeout=10)
            assert r.status_code == 422, r.text
        ig = sign_in(apis["instagram"], server.url)
        v = apis["instagram"].api_version.value
        r = httpx.post(f"{server.url}/instagram/{v}/alice/media", timeout=10,
                       headers={"Authorization": f"Bearer {ig}"},
                       data={"media_type": "REELS", "upload_type": "resumable", "caption": "",
                             "poll_attachment": json.dumps({"option_a": "x",
                                                            "option_b": "y"})})
        assert r.status_code == 400 and "caption" in r.text


def test_the_command_line_sends_the_poll_and_prints_the_one_tally(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from clirun import run_cli

    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path))  # the world's studio.sqlite3
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COULISSES_PUBLISH_POLL_MS", "1")
    monkeypatch.setenv("COULISSES_PUBLISH_BACKOFF_MS", "1")
    monkeypatch.setenv("COULISSES_LANG", "fr")
    with SandboxServer(tmp_path / "sandbox") as server:
        assert run_cli(capsys, "publish", "accounts", "add", "linkedin", "--name", "team",
                       "--sandbox", server.url).rc == 0
        run = run_cli(capsys, "backstage", "poll-out", str(world.poll.id), "--linkedin", "team",
                      "--duration", "one_day")
        assert run.rc == 0, run.err
        assert "mis en file comme publication LinkedIn" in run.out
        again = run_cli(capsys, "backstage", "poll-out", str(world.poll.id), "--linkedin", "")
        assert again.rc != 0 and "already went out" in again.err
        assert run_cli(capsys, "publish", "run", "--until-idle").rc == 0
        [li] = _posts(server.url, "linkedin")
        _vote(server.url, "linkedin", str(li["platform_id"]), [4, 9])
        run = run_cli(capsys, "backstage", "poll-results", str(world.poll.id))
    assert run.rc == 0, run.err
    assert "linkedin (lu par l'API): Red 4 · Blue 9" in run.out
    assert "vérifiés sur la page : 0" in run.out
