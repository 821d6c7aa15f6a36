"""The crash test: many posts across every platform, faults on, workers killed with SIGKILL at
random moments and restarted, two at once for part of the run. At the end every post is
published exactly once (the sandbox's record and the database agree), none is lost, and each
one that cannot succeed says why.

``COULISSES_CRASH_POSTS`` sets the number of posts (500 in CI; fewer is quicker locally).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet
from publishkit import PLATFORMS, sandbox_posts, start_sandbox
from sqlalchemy import select

from coulisses.publish import accounts, queue
from coulisses.publish.api import builtin_apis, validate_options
from coulisses.publish.sandbox.faults import parse_faults
from coulisses.publish.studio import open_url
from coulisses.publish.tables import Post, now_ms
from coulisses.publish.worker import sha256_of

POSTS = int(os.environ.get("COULISSES_CRASH_POSTS", "500"))
FAULTS = ("5xx=0.04,429=0.04,drop=0.05,expire=0.03,processing=0.01,chunk_size=0.005,"
          "version=0.005,quota=0.005,retry_after=0,seed=13")
SRC = Path(__file__).resolve().parents[2] / "src"
DEADLINE_S = 600


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as err:
        return subprocess.Popen([sys.executable, "-m", "coulisses.cli.main", "publish", "run",
                                 "--until-idle"], env=env, stdout=subprocess.DEVNULL,
                                stderr=err)


def test_killed_workers_publish_every_post_exactly_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = Fernet.generate_key().decode()
    engine, sessions = open_url(f"sqlite:///{data / 'studio.sqlite3'}")
    apis = builtin_apis()
    server = start_sandbox(tmp_path / "sandbox", parse_faults(FAULTS))
    rng = random.Random(5)
    workers: list[subprocess.Popen[bytes]] = []
    ended: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "workers.log"
    try:
        fernet = Fernet(key.encode())
        # Enough accounts that no daily budget (Instagram 50, Facebook 30 per account) defers
        # a post; YouTube's 100 uploads a day are per project, which 500 posts just fit.
        per_platform = max(1, -(-POSTS // (len(PLATFORMS) * 25)))
        with sessions() as session:
            ids = {(p, k): accounts.add(session, fernet, apis[p], f"crash{k}",
                                        sandbox_url=server.url).id
                   for p in PLATFORMS for k in range(per_platform)}
            for n in range(POSTS):
                platform = PLATFORMS[n % len(PLATFORMS)]
                account = ids[platform, (n // len(PLATFORMS)) % per_platform]
                video = tmp_path / "videos" / f"{n}.mp4"
                video.parent.mkdir(exist_ok=True)
                video.write_bytes(rng.randbytes(rng.randint(2_000, 40_000)))
                queue.schedule(session, account_id=account, platform=platform,
                               video_path=str(video), video_sha256=sha256_of(video),
                               size_bytes=video.stat().st_size, due_ms=now_ms(),
                               caption=f"post {n} #crash",
                               options=validate_options(apis[platform], {}), duration_ms=10_000)
        env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               "COULISSES_DATA_DIR": str(data), "COULISSES_PUBLISH_KEY": key,
               "COULISSES_SETTINGS": str(tmp_path / "none.toml"),
               "COULISSES_PUBLISH_LEASE_SECONDS": "16", "COULISSES_PUBLISH_BACKOFF_MS": "5",
               "COULISSES_PUBLISH_POLL_MS": "5"}
        start = time.monotonic()
        kills = 0

        def open_posts() -> int:
            with sessions() as session:
                return len(list(session.scalars(select(Post.id).where(
                    Post.state.in_(("scheduled", "publishing"))))))

        # Chaos: two workers for the first half of the posts, then one; each killed at random.
        while open_posts() and time.monotonic() - start < DEADLINE_S:
            pair = open_posts() > POSTS // 2
            ended += [w for w in workers if w.poll() is not None]
            workers = [w for w in workers if w.poll() is None]
            while len(workers) < (2 if pair else 1):
                workers.append(_worker(env, log))
            time.sleep(rng.uniform(0.8, 3.0))
            if kills < max(6, POSTS // 25) and rng.random() < 0.7:
                victim = rng.choice(workers)
                if victim.poll() is None:
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    kills += 1
            if not pair and kills >= max(6, POSTS // 25):
                for w in workers:  # calm: let the last worker drain, waiting out old leases
                    w.wait(timeout=DEADLINE_S)
                if open_posts():
                    time.sleep(16.5)
        for w in workers:
            if w.poll() is None:
                w.wait(timeout=120)
        for w in workers + ended:
            assert w.returncode in (0, -signal.SIGKILL), log.read_text(errors="replace")
        record = sandbox_posts(server.url)
        with sessions() as session:
            posts = list(session.scalars(select(Post)))
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
        server.stop()
        engine.dispose()

    states = Counter(p.state for p in posts)
    assert kills >= 6
    assert len(posts) == POSTS and states["scheduled"] == 0 and states["publishing"] == 0, states
    by_caption = Counter(str(r["caption"]) for r in record)
    assert not [c for c, n in by_caption.items() if n > 1], "a post went out twice"
    records = {str(r["caption"]): r for r in record}
    for post in posts:
        got = records.get(post.caption)
        if post.state == "published":
            assert got is not None, f"post {post.id} is published but the platform has it not"
            assert got["platform_id"] == post.platform_post_id
            assert got["sha256"] == post.video_sha256
        else:
            assert got is None, f"post {post.id} is {post.state} but the platform published it"
            assert post.error, f"post {post.id} is {post.state} without a reason"
    assert len(record) == states["published"]
    assert states["published"] >= POSTS * 0.8, states
