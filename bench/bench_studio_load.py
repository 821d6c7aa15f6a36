"""Studio load on loopback: 50 concurrent users browsing and commenting, p50/p95 per page, on
SQLite and (with COULISSES_TEST_DATABASE_URL) PostgreSQL, then again while a large upload
streams in. Writes the ``## Studio load`` section of docs/benchmarks.md.

    .venv/bin/python bench/bench_studio_load.py [--users 50] [--rounds 6] [--upload-mb 400]

The server runs in its own process (uvicorn, one worker process, its job thread on) so the
clients (httpx, asyncio) do not share its interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
PASSWORD = "bench password 123"
LOGINS_AT_ONCE = 5


def serve(url: str, data_dir: str, port: int) -> None:
    """Child process: the studio on ``url``."""
    import uvicorn

    from coulisses.settings import Settings
    from coulisses.web.app import create_app

    app = create_app(Settings(data_dir=Path(data_dir), cache_dir=Path(data_dir) / "cache"),
                     database_url=url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def seed(url: str, users: int) -> int:
    """One workspace with an owner and ``users`` reviewers; its id."""
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import Membership, User, Workspace
    from coulisses.web.security import hash_password

    engine, sessions = open_database(url)
    digest = hash_password(PASSWORD)
    with sessions() as db:
        space = Workspace(name="Bench")
        db.add(space)
        db.flush()
        for i in range(users + 1):
            user = User(email=f"u{i}@bench.test", name=f"User {i}", password_hash=digest,
                        lang="")
            db.add(user)
            db.flush()
            db.add(Membership(workspace_id=space.id, user_id=user.id,
                              role="owner" if i == 0 else "reviewer"))
        db.commit()
        ws = space.id
    engine.dispose()
    return ws


async def login(client: httpx.AsyncClient, email: str) -> str:
    page = await client.get("/login")
    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    r = await client.post("/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": token})
    assert r.status_code == 303, r.text[:300]
    page = await client.get("/account")
    return page.text.split('name="csrf-token" content="')[1].split('"')[0]


async def prepare(base: str, ws: int, clip: Path, cuts: int) -> dict[str, Any]:
    """The owner uploads a clip and renders ``cuts`` draft cuts (one per phase, so each phase
    starts from a cut without comments); the pages users will visit."""
    async with httpx.AsyncClient(base_url=base, timeout=300) as c:
        token = await login(c, "u0@bench.test")
        h = {"X-CSRF-Token": token, "Accept": "application/json"}
        data = clip.read_bytes()
        url = (await c.post(f"/api/w/{ws}/uploads", headers=h,
                            json={"name": clip.name, "size": len(data)})).json()["url"]
        await c.patch(url, content=data, headers=h | {"Upload-Offset": "0"})
        rush = (await c.post(url + "/finish", headers=h)).json()
        made = []
        for n in range(cuts):
            r = await c.post(f"/w/{ws}/cuts", headers=h, data={
                "csrf_token": token, "rush_id": str(rush["rush_id"]), "platforms": ["tiktok"],
                "preset": "draft", "trim": "1", "extend": "1", "nonce": f"bench-{n}"})
            cut = r.json()["url"].split("?")[0]
            for _ in range(600):
                data_cut = (await c.get(f"/api{cut}")).json()
                if data_cut["versions"][0]["status"] == "done":
                    break
                await asyncio.sleep(0.5)
            made.append((cut, f"/api/w/{ws}/versions/{data_cut['versions'][0]['id']}/comments"))
    return {"rushes": f"/w/{ws}/rushes", "rush": rush["url"], "cuts": made}


async def user(base: str, i: int, pages: dict[str, Any], rounds: int,
               times: dict[str, list[float]], gate: asyncio.Semaphore) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as c:
        async with gate:  # sign-ins are staggered (argon2 is slow on purpose), then all browse
            t = time.perf_counter()
            token = await login(c, f"u{i}@bench.test")
            times["sign-in (argon2, 3 requests)"].append(time.perf_counter() - t)
        for n in range(rounds):
            for name, path in (("rushes", pages["rushes"]), ("rush", pages["rush"]),
                               ("cut", pages["cut"])):
                t = time.perf_counter()
                r = await c.get(path)
                times[name].append(time.perf_counter() - t)
                assert r.status_code == 200, (path, r.status_code)
            t = time.perf_counter()
            r = await c.post(pages["comment"], json={"body": f"note {i}.{n} ✓", "t_start": n,
                                                     "nonce": uuid.uuid4().hex},
                             headers={"X-CSRF-Token": token, "Accept": "application/json"})
            times["comment (POST)"].append(time.perf_counter() - t)
            assert r.status_code == 201, r.text[:200]


async def big_upload(base: str, ws: int, mb: int, clip: Path) -> float:
    """Stream ``mb`` MB (a real clip's header, then padding) in 8 MB chunks; seconds taken."""
    async with httpx.AsyncClient(base_url=base, timeout=600) as c:
        token = await login(c, "u0@bench.test")
        h = {"X-CSRF-Token": token, "Accept": "application/json"}
        size = mb * 1024 * 1024
        url = (await c.post(f"/api/w/{ws}/uploads", headers=h,
                            json={"name": "big.mp4", "size": size})).json()["url"]
        head = clip.read_bytes()[:1024]
        chunk = 8 * 1024 * 1024
        t = time.perf_counter()
        for offset in range(0, size, chunk):
            body = (head + bytes(chunk))[:min(chunk, size - offset)] if offset == 0 else \
                bytes(min(chunk, size - offset))
            r = await c.patch(url, content=body, headers=h | {"Upload-Offset": str(offset)})
            assert r.status_code == 204, r.text[:200]
        elapsed = time.perf_counter() - t
        await c.delete(url, headers=h)
        return elapsed


async def load(base: str, pages: dict[str, Any], users: int, rounds: int,
               upload: tuple[int, int, Path] | None) -> tuple[dict[str, list[float]], float]:
    times: dict[str, list[float]] = {"rushes": [], "rush": [], "cut": [], "comment (POST)": [],
                                     "sign-in (argon2, 3 requests)": []}
    gate = asyncio.Semaphore(LOGINS_AT_ONCE)
    tasks = [user(base, i + 1, pages, rounds, times, gate) for i in range(users)]
    upload_s = 0.0
    if upload is not None:
        async def timed() -> None:
            nonlocal upload_s
            upload_s = await big_upload(base, *upload)
        tasks.append(timed())
    await asyncio.gather(*tasks)
    return times, upload_s


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def run_backend(label: str, url: str, args: argparse.Namespace, clip: Path,
                folder: Path) -> list[str]:
    import socket

    ws = seed(url, args.users)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, __file__, "--serve", url, str(folder), str(port)],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        phases = (("one user alone (baseline)", 1, None),
                  (f"{args.users} users browsing", args.users, None),
                  (f"{args.users} users + {args.upload_mb} MB upload", args.users,
                   (ws, args.upload_mb, clip)))
        pages = asyncio.run(prepare(base, ws, clip, len(phases)))
        rows = []
        for (phase, users, upload), (cut, comment) in zip(phases, pages["cuts"], strict=True):
            t = time.perf_counter()
            times, upload_s = asyncio.run(load(base, pages | {"cut": cut, "comment": comment},
                                               users, args.rounds, upload))
            wall = time.perf_counter() - t
            for name, values in times.items():
                rows.append(f"| {label} | {phase} | {name} | {len(values)} | "
                            f"{pct(values, 50):.0f} | {pct(values, 95):.0f} |")
            note = f" (the upload took {upload_s:.1f} s)" if upload else ""
            browsing = sum(len(v) for k, v in times.items() if not k.startswith("sign-in"))
            rows.append(f"| {label} | {phase} | all browsing requests, wall time | "
                        f"{browsing} | {wall:.1f} s{note} | |")
        return rows
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", nargs=3, metavar=("URL", "DATA", "PORT"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--upload-mb", type=int, default=400)
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    import media
    from docsection import write_section

    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = media.make_clip(folder / "clip.mp4", duration=4.0)
        backends = [("SQLite", f"sqlite:///{folder / 'sqlite' / 'studio.sqlite3'}",
                     folder / "sqlite")]
        pg = os.environ.get("COULISSES_TEST_DATABASE_URL", "")
        if pg:
            backends.append(("PostgreSQL", _fresh_pg(pg), folder / "pg"))
        for label, url, data in backends:
            data.mkdir(parents=True, exist_ok=True)
            rows += run_backend(label, url, args, clip, data)
    section = "\n".join([
        "## Studio load", "",
        f"`bench/bench_studio_load.py`: {args.users} users signed in at once on loopback, each "
        f"doing {args.rounds} rounds of: the rush list, a rush page (player, transcript, "
        "timeline), a cut page (variant players, QC, comments), then posting a comment "
        "through the API. One uvicorn process with its job thread; clients are httpx "
        "(asyncio) in another process. Then the same while one client streams a large "
        "upload in 8 MB chunks, to show an upload does not block other users. Each phase "
        "comments on a cut of its own, so both start from an empty comment list (the cut "
        "page lists every comment: it grows to rounds x users of them).", "",
        "Sign-in is timed apart (the sign-in page, the form post, the next page): argon2id "
        "with the library's defaults (64 MiB, 3 passes) is slow on purpose and runs in the "
        "request's thread without holding a database connection; sign-ins are staggered "
        f"{LOGINS_AT_ONCE} at a time, so their time includes waiting for that turn.", "",
        "The clients run on the same machine and compete with the server for the cores, so "
        "with many users the latencies mostly measure the queue for the CPU; the first "
        "phase, one user alone, is the baseline.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d')}; command: "
        f"`python bench/bench_studio_load.py --users {args.users} --rounds {args.rounds} "
        f"--upload-mb {args.upload_mb}`.", "",
        "| database | phase | request | n | p50 ms | p95 ms |", "|---|---|---|---|---|---|",
        *rows, "", "Ratios against the baseline of the same run:", "", *ratio_rows(rows),
        ""])
    print(section)
    if not args.no_doc:
        write_section(ROOT / "docs" / "benchmarks.md", "## Studio load", section,
                      header="# Benchmarks\n")


def ratio_rows(rows: list[str]) -> list[str]:
    """Ratios against the baseline in the same run, from the table's rows: per database and
    page, p95 with every user browsing / p95 of one user alone, and p95 while a large upload
    runs / p95 without it (1.0 means the upload costs the others nothing)."""
    p95: dict[tuple[str, int, str], float] = {}
    phases: dict[str, list[str]] = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        database, phase, request, value = cells[0], cells[1], cells[2], cells[5]
        if not value or request.startswith(("sign-in", "all ")):
            continue
        order = phases.setdefault(database, [])
        if phase not in order:
            order.append(phase)
        p95[(database, order.index(phase), request)] = float(value)
    out = ["| database | request | p95 many users / p95 one user | p95 with upload / p95 "
           "without |", "|---|---|---:|---:|"]
    for (database, index, request), alone in sorted(p95.items()):
        many, upload = p95.get((database, 1, request)), p95.get((database, 2, request))
        if index != 0 or many is None or upload is None or not alone:
            continue
        out.append(f"| {database} | {request} | {many / alone:.0f}x | {upload / many:.2f}x |")
    return out


def _fresh_pg(url: str) -> str:
    """A new schema on the test server, so the bench never touches real data."""
    from urllib.parse import urlencode

    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return url + sep + urlencode({"options": f"-csearch_path={schema}"})


if __name__ == "__main__":
    main()
