"""Publishing speed: drain 1,000 due posts against the sandbox with faults on, and upload
throughput on loopback against a plain ``httpx`` upload of the same bytes in the same run.

- Drain: ``--posts`` posts (random bytes, 2-40 kB) across TikTok, Instagram, Facebook and
  LinkedIn, with YouTube's share capped at its 100 uploads a day per project, spread over enough
  accounts that no other daily budget defers a post; the sandbox (in this process) injects the
  crash test's faults. One worker, ``coulisses publish run --until-idle`` in a process of its
  own, started again while posts wait for their retry; peak memory is the largest worker's
  maximum resident set. At the end the sandbox's record (``/_sandbox/posts``) and the database
  must agree: every published post once, with its id and bytes, nothing else.
- Upload: one ``--upload-mb`` file published through each platform's connector (the whole flow,
  resumable sessions and chunks included) against one plain ``httpx`` PUT of the same bytes to
  a YouTube upload session of the same sandbox: the ratio of their throughputs, median of
  ``--repeats``.

The full run (1,000 posts) writes ``## Publishing: drain and upload`` in docs/benchmarks.md;
smaller runs write bench/.work/benchmarks-quick.md.

    nice -n 10 .venv/bin/python bench/bench_publish.py              # 1,000 posts, ~minutes
    nice -n 10 .venv/bin/python bench/bench_publish.py --posts 100  # smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from docsection import write_section

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Publishing: drain and upload"
HEADER = ("# Benchmarks\n\n<!-- each section is written by the bench script it names: "
          "do not edit by hand -->\n")
FAULTS = ("5xx=0.04,429=0.04,drop=0.05,expire=0.03,processing=0.01,chunk_size=0.005,"
          "version=0.005,quota=0.005,retry_after=0,seed=13")
YOUTUBE_PER_PROJECT = 100
OTHERS = ("tiktok", "instagram", "facebook", "linkedin")


def _share(posts: int) -> list[str]:
    """The platform of each post: YouTube within its project budget, the rest round robin."""
    youtube = min(YOUTUBE_PER_PROJECT, posts // 5)
    out = ["youtube"] * youtube
    out += [OTHERS[i % len(OTHERS)] for i in range(posts - youtube)]
    random.Random(3).shuffle(out)
    return out


def drain(folder: Path, posts: int) -> dict[str, object]:
    """Schedule ``posts`` due posts, drain them with one worker process, check the record."""
    from cryptography.fernet import Fernet
    from sqlalchemy import select

    from coulisses.publish import accounts, queue
    from coulisses.publish.api import builtin_apis, validate_options
    from coulisses.publish.sandbox.app import SandboxServer
    from coulisses.publish.sandbox.faults import parse_faults
    from coulisses.publish.studio import open_url
    from coulisses.publish.tables import Post, now_ms
    from coulisses.publish.worker import sha256_of

    apis = builtin_apis()
    key = Fernet.generate_key().decode()
    fernet = Fernet(key.encode())
    engine, sessions = open_url(f"sqlite:///{folder / 'data' / 'studio.sqlite3'}")
    rng = random.Random(5)
    plan = _share(posts)
    counts = Counter(plan)
    with SandboxServer(folder / "sandbox", faults=parse_faults(FAULTS)) as server:
        with sessions() as session:
            per = {p: max(1, -(-counts[p] // 25)) for p in counts}
            ids = {(p, k): accounts.add(session, fernet, apis[p], f"bench{k}",
                                        sandbox_url=server.url).id
                   for p in counts for k in range(per[p])}
            nth: Counter[str] = Counter()
            for n, name in enumerate(plan):
                video = folder / "videos" / f"{n}.mp4"
                video.parent.mkdir(exist_ok=True)
                video.write_bytes(rng.randbytes(rng.randint(2_000, 40_000)))
                account = ids[name, nth[name] % per[name]]  # 25 or fewer per account
                nth[name] += 1
                queue.schedule(session, account_id=account, platform=name,
                               video_path=str(video), video_sha256=sha256_of(video),
                               size_bytes=video.stat().st_size, due_ms=now_ms(),
                               caption=f"bench {n} #publish",
                               options=validate_options(apis[name], {}), duration_ms=10_000)
        env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}"
               f"{os.environ.get('PYTHONPATH', '')}", "COULISSES_DATA_DIR": str(folder / "data"),
               "COULISSES_PUBLISH_KEY": key, "COULISSES_SETTINGS": str(folder / "none.toml"),
               "COULISSES_PUBLISH_BACKOFF_MS": "5", "COULISSES_PUBLISH_POLL_MS": "5"}

        def waiting() -> tuple[int, int | None]:
            with sessions() as session:
                rows = list(session.execute(select(Post.due_ms).where(
                    Post.state.in_(("scheduled", "publishing")))))
            return len(rows), min((r[0] for r in rows), default=None)

        start = time.perf_counter()
        runs = 0
        while True:
            runs += 1
            subprocess.run([sys.executable, "-m", "coulisses.cli.main", "publish", "run",
                            "--until-idle"], env=env, check=True, stdout=subprocess.DEVNULL)
            left, due = waiting()
            if not left or (due is not None and due / 1000 - time.time() > 600):
                break  # done, or what is left waits for a daily budget (reported)
            if due is not None:  # the rest wait for their retry time
                time.sleep(max(0.0, min(5.0, due / 1000 - time.time())))
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        record = httpx.get(f"{server.url}/_sandbox/posts", timeout=30).json()["posts"]
        injected = httpx.get(f"{server.url}/_sandbox/faults", timeout=30).json()["injected"]
    with sessions() as session:
        rows = list(session.scalars(select(Post)))
    engine.dispose()
    states = Counter(p.state for p in rows)
    captions = Counter(r["caption"] for r in record)
    by_caption = {r["caption"]: r for r in record}
    twice = [c for c, n in captions.items() if n > 1]
    wrong = [p.id for p in rows if p.state == "published" and (
        by_caption.get(p.caption, {}).get("platform_id") != p.platform_post_id
        or by_caption.get(p.caption, {}).get("sha256") != p.video_sha256)]
    stray = [p.id for p in rows if p.state != "published" and p.caption in by_caption]
    return {"posts": posts, "seconds": seconds, "per_minute": posts / seconds * 60,
            "peak_mib": peak_mib, "states": dict(states), "runs": runs,
            "record": len(record), "twice": len(twice), "wrong": len(wrong),
            "stray": len(stray), "injected": {k: v for k, v in injected.items() if v},
            "by_platform": dict(counts),
            "exactly_once": not twice and not wrong and not stray
            and len(record) == states["published"]}


def upload(folder: Path, megabytes: int, repeats: int) -> list[tuple[str, float, float]]:
    """Per platform: median MB/s through the connector, and of the plain PUT in the same run."""
    from cryptography.fernet import Fernet

    from coulisses.publish import accounts, queue
    from coulisses.publish.accounts import AccountTokens
    from coulisses.publish.api import builtin_apis, validate_options
    from coulisses.publish.sandbox.app import SandboxServer
    from coulisses.publish.studio import open_url
    from coulisses.publish.tables import now_ms
    from coulisses.publish.worker import Worker, WorkerConfig, sha256_of

    apis = builtin_apis()
    fernet = Fernet(Fernet.generate_key())
    engine, sessions = open_url(f"sqlite:///{folder / 'upload.sqlite3'}")
    size = megabytes * 1_000_000
    out = []
    with SandboxServer(folder / "upload-sandbox") as server, \
            httpx.Client(timeout=120) as plain:
        with sessions() as session:
            made = {p: accounts.add(session, fernet, apis[p], "up", sandbox_url=server.url)
                    for p in ("tiktok", "instagram", "facebook", "youtube", "linkedin")}
        worker = Worker(sessions, fernet, apis, WorkerConfig(backoff_s=0.01, poll_s=0.01,
                                                             packs=folder / "packs"))
        tokens = AccountTokens(sessions, fernet, apis["youtube"], made["youtube"], plain)
        try:
            for name, account in made.items():
                ours, base = [], []
                for r in range(repeats):
                    video = folder / f"up-{name}-{r}.mp4"
                    video.write_bytes(os.urandom(size))
                    with sessions() as session:
                        queue.schedule(session, account_id=account.id, platform=name,
                                       video_path=str(video), video_sha256=sha256_of(video),
                                       size_bytes=size, due_ms=now_ms(), caption=f"up {r}",
                                       options=validate_options(apis[name], {}),
                                       duration_ms=10_000)
                    t = time.perf_counter()
                    post = worker.run_once()
                    ours.append(size / (time.perf_counter() - t) / 1e6)
                    assert post is not None
                    base.append(_plain_put(plain, server.url, tokens.access(), video, size))
                    video.unlink()
                out.append((name, statistics.median(ours), statistics.median(base)))
                print(f"upload {name}: {out[-1][1]:.1f} MB/s vs plain {out[-1][2]:.1f} MB/s",
                      flush=True)
        finally:
            worker.close()
    engine.dispose()
    return out


def _plain_put(client: httpx.Client, url: str, access: str, video: Path, size: int) -> float:
    """MB/s of one PUT of the whole file to a YouTube upload session of the sandbox."""
    auth = {"Authorization": f"Bearer {access}"}
    start = client.post(f"{url}/youtube/upload/youtube/v3/videos",
                        params={"uploadType": "resumable", "part": "snippet,status"},
                        headers={**auth, "X-Upload-Content-Length": str(size),
                                 "X-Upload-Content-Type": "video/mp4"},
                        json={"snippet": {"title": "plain"}, "status": {}})
    start.raise_for_status()
    data = video.read_bytes()
    t = time.perf_counter()
    response = client.put(start.headers["location"], content=data,
                          headers={**auth, "Content-Range": f"bytes 0-{size - 1}/{size}"})
    seconds = time.perf_counter() - t
    response.raise_for_status()
    return size / seconds / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--upload-mb", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK, prefix="publish-") as tmp:
        folder = Path(tmp)
        drained = drain(folder, args.posts)
        print(drained, flush=True)
        uploads = upload(folder, args.upload_mb, args.repeats)
    states = drained["states"]
    assert isinstance(states, dict)
    rows = [f"| {name} | {ours:.1f} | {base:.1f} | {ours / base:.2f} |"
            for name, ours, base in uploads]
    failed = sum(v for k, v in states.items() if k != "published")
    section = "\n".join([
        HEADING, "",
        f"`bench/bench_publish.py`: {drained['posts']:,} due posts drained against the sandbox "
        f"with faults on (`{FAULTS}`), then upload throughput on loopback.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(load {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d')}; command: `nice -n 10 python bench/bench_publish.py "
        f"--posts {args.posts} --upload-mb {args.upload_mb} --repeats {args.repeats}`. The "
        "sandbox runs in the bench's process, the worker in its own: both share the machine.",
        "", "### Drain", "",
        "| posts | seconds | posts per minute | worker peak MiB | published | not published "
        "(with reason) | worker runs | exactly once |",
        "|---|---|---|---|---|---|---|---|",
        f"| {drained['posts']:,} | {drained['seconds']:.1f} | {drained['per_minute']:.0f} | "
        f"{drained['peak_mib']:.0f} | {states.get('published', 0)} | {failed} | "
        f"{drained['runs']} | {'yes' if drained['exactly_once'] else 'NO'} |", "",
        f"Posts per platform: {drained['by_platform']} (YouTube capped at its "
        f"{YOUTUBE_PER_PROJECT} uploads a day per project). Faults injected: "
        f"{drained['injected']}. End states: {states}. Exactly once: the sandbox recorded "
        f"{drained['record']} posts; {drained['twice']} went out twice, {drained['wrong']} "
        f"published with another id or other bytes, {drained['stray']} recorded without being "
        "published in the database. A worker run ends when nothing is due; posts waiting for a "
        "retry are picked up by the next run.", "",
        "### Upload throughput", "",
        f"One {args.upload_mb} MB file through each platform's connector (median of "
        f"{args.repeats}), against one plain `httpx` PUT of the same bytes to a YouTube upload "
        "session of the same sandbox, in the same run.", "",
        "| platform | coulisses MB/s | plain httpx MB/s | ratio |", "|---|---|---|---|",
        *rows, ""])
    print(section)
    full = args.posts >= 1000
    target = DOC if full else WORK / "benchmarks-quick.md"
    write_section(target, HEADING, section, header=HEADER)
    print(f"written to {target}")


if __name__ == "__main__":
    main()
