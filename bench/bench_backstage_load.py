"""A viral spike on a backstage page, on loopback: N visitors at once each read the page, fetch
a static file from the same server (the baseline), look at the options for two seconds, solve
the vote's proof of work and vote. p50/p95 of page, static file and vote; errors; and that no
vote was lost or counted twice (every answered vote is one row, counted as the voter was told),
nor any page view (the page's daily counter equals the pages served). On SQLite and PostgreSQL
in one run: ``--postgres`` starts a throwaway server (Debian's binaries, a temporary cluster
on a free port, see ``throwaway_pg``), ``--database-url`` (or COULISSES_TEST_DATABASE_URL)
names one to use in a new schema. Writes the ``## Backstage load`` section of
docs/benchmarks.md.

    .venv/bin/python bench/bench_backstage_load.py [--visitors 500] [--postgres]

The server runs in its own process (uvicorn, one worker process) trusting loopback's
``X-Forwarded-For``, so each visitor arrives from an address of its own, as from a phone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench")]
SECTION = "## Backstage load"
ALONE = 20  # page and static reads one at a time before the spike: the baseline


def serve(url: str, data_dir: str, port: int) -> None:
    """Child process: the studio on ``url``, believing loopback's forwarded addresses."""
    import uvicorn

    from coulisses.settings import Settings
    from coulisses.web.app import create_app

    app = create_app(Settings(data_dir=Path(data_dir), cache_dir=Path(data_dir) / "cache",
                              trusted_proxies="127.0.0.1"), database_url=url)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)


def seed(url: str) -> tuple[str, int]:
    """The example campaign's published page (its beats and shoot days, an update) with one
    open two-option poll: (slug, poll id)."""
    from datetime import timedelta

    from coulisses.backstage import page, polls
    from coulisses.campaign.template import example_text
    from coulisses.settings import Settings
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import Campaign, Workspace, utcnow

    engine, sessions = open_database(url)
    with sessions() as db:
        space = Workspace(name="Bench")
        db.add(space)
        db.flush()
        campaign = Campaign(workspace_id=space.id, name="Bench", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        made = page.production(db, the_page, Settings())
        page.compose(db, the_page, Settings(), beats=[b[0] for b in made.beats],
                     days=[d[0] for d in made.days], cuts={})
        page.add_update(db, the_page, "Day one on set.")
        now = utcnow()
        poll = polls.create_poll(db, page_id=the_page.id, question="Which ending?",
                                 options=[polls.OptionSpec("Happy"), polls.OptionSpec("Open")],
                                 opens_at=now - timedelta(minutes=1),
                                 closes_at=now + timedelta(days=1), results="live")
        db.commit()
        slug, poll_id = the_page.slug, poll.id
    engine.dispose()
    return slug, poll_id


async def visitor(base: str, slug: str, poll_id: int, i: int,
                  times: dict[str, list[float]], told: list[bool | None],
                  errors: list[str], served: list[int]) -> None:
    from coulisses.backstage.challenge import solve

    address = f"10.{i // 200}.{i % 200}.{1 + i % 250}"
    # no kept-alive connections: a phone that read for seconds opens a new one, and reusing
    # one the server is closing after its keep-alive timeout fails in the client, not the server
    async with httpx.AsyncClient(base_url=base, timeout=120,
                                 limits=httpx.Limits(max_keepalive_connections=0),
                                 headers={"x-forwarded-for": address}) as client:
        try:
            t = time.perf_counter()
            page = await client.get(f"/b/{slug}")
            times["page"].append(time.perf_counter() - t)
            t = time.perf_counter()
            static = await client.get("/static/backstage.css")
            times["static file (same server)"].append(time.perf_counter() - t)
            if page.status_code == 200:
                served.append(1)
            if page.status_code != 200 or static.status_code != 200:
                errors.append(f"read {page.status_code}/{static.status_code}")
                return
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
            found = re.search(r'name="challenge" value="([^"]+)"', page.text)
            options = re.findall(r'name="option" value="(\d+)"', page.text)
            assert token and found and options
            await asyncio.sleep(2.0)  # a person looks at the options
            solution = solve(found.group(1))
            t = time.perf_counter()
            vote = await client.post(f"/b/{slug}/polls/{poll_id}/vote", data={
                "csrf_token": token.group(1), "option": options[i % 2],
                "challenge": found.group(1), "solution": str(solution)},
                headers={"accept": "application/json", "origin": base})
            times["vote (POST)"].append(time.perf_counter() - t)
            if vote.status_code != 201:
                errors.append(f"vote {vote.status_code}")
                return
            told.append(bool(vote.json()["counted"]))
        except (httpx.HTTPError, AssertionError) as exc:
            errors.append(type(exc).__name__)


async def spike(base: str, slug: str, poll_id: int, n: int
                ) -> tuple[dict[str, list[float]], list[bool | None], list[str], int, float]:
    times: dict[str, list[float]] = {"page": [], "static file (same server)": [],
                                     "vote (POST)": []}
    told: list[bool | None] = []
    errors: list[str] = []
    served: list[int] = []
    t = time.perf_counter()
    await asyncio.gather(*(visitor(base, slug, poll_id, i, times, told, errors, served)
                           for i in range(n)))
    return times, told, errors, len(served), time.perf_counter() - t


def one_by_one(base: str, slug: str, n: int = ALONE) -> dict[str, list[float]]:
    """The baseline before the spike: one visitor alone reads the page and the static file
    ``n`` times, one request at a time (each page read counts a view)."""
    times: dict[str, list[float]] = {"page, one visitor alone": [],
                                     "static file, one visitor alone": []}
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(n):
            for name, path in zip(times, (f"/b/{slug}", "/static/backstage.css"), strict=True):
                t = time.perf_counter()
                client.get(path).raise_for_status()
                times[name].append(time.perf_counter() - t)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000 \
        if ordered else float("nan")


def run_backend(label: str, url: str, n: int, folder: Path) -> list[str]:
    import socket

    from sqlalchemy import func, select

    from coulisses.backstage.tables import PageViews, Vote
    from coulisses.studio.db import open_database

    slug, poll_id = seed(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, __file__, "--serve", url, str(folder), str(port)],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        # a server already up when the link goes viral: its templates compiled, its modules
        # imported (the first page alone takes about 2 s); this view is counted too
        warm = httpx.get(f"{base}/b/{slug}", timeout=60).status_code == 200
        alone = one_by_one(base, slug)
        times, told, errors, served, wall = asyncio.run(spike(base, slug, poll_id, n))
    finally:
        proc.terminate()
        proc.wait(30)
    engine, sessions = open_database(url, migrate=False)
    with sessions() as db:
        rows = db.scalar(select(func.count(Vote.id))) or 0
        counted = db.scalar(select(func.count(Vote.id)).where(Vote.counted.is_(True))) or 0
        views = db.scalar(select(func.coalesce(func.sum(PageViews.views), 0))) or 0
    engine.dispose()
    exact = rows == len(told) and counted == sum(1 for x in told if x)
    warm += len(alone["page, one visitor alone"])
    out = [f"| {label} | {name} | {len(values)} | {pct(values, 50):.0f} | "
           f"{pct(values, 95):.0f} |" for name, values in (alone | times).items()]
    out.append(f"| {label} | errors | {len(errors)} | {', '.join(sorted(set(errors)))[:80]} "
               "| |")
    out.append(f"| {label} | votes answered / rows / counted (told) | {len(told)} / {rows} / "
               f"{counted} ({sum(1 for x in told if x)}): "
               f"{'none lost or doubled' if exact else 'MISMATCH'} | | |")
    out.append(f"| {label} | pages served / views counted | {served} / {views - warm}: "
               f"{'none lost or doubled' if views - warm == served else 'MISMATCH'} | | |")
    out.append(f"| {label} | whole spike, wall time | {n} visitors | {wall:.1f} s | |")
    return out


def _server_version(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = str(conn.execute(sa.text("SHOW server_version")).scalar())
    engine.dispose()
    return found.split()[0]


def measure(visitors: int, pg: str, folder: Path) -> tuple[list[str], str]:
    """Both databases' rows, SQLite first; and a sentence on the PostgreSQL measured."""
    from bench_studio_load import _fresh_pg

    rows: list[str] = []
    backends = [("SQLite", f"sqlite:///{folder / 'sqlite' / 'studio.sqlite3'}",
                 folder / "sqlite")]
    if pg:
        backends.append(("PostgreSQL", _fresh_pg(pg), folder / "pg"))
    for label, url, data in backends:
        data.mkdir(parents=True, exist_ok=True)
        print(f"{label}: {visitors} visitors...", flush=True)
        rows += run_backend(label, url, visitors, data)
    if not pg:
        return rows, " PostgreSQL was not measured: no server was given in this run."
    return rows, (f" PostgreSQL {_server_version(pg)} on the same machine, over loopback TCP "
                  "(psycopg 3), default settings (fsync and synchronous commit on), in a new "
                  "schema; SQLite in WAL mode with synchronous=NORMAL, in a temporary folder.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--serve", nargs=3, metavar=("URL", "DATA", "PORT"))
    parser.add_argument("--visitors", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get(
        "COULISSES_TEST_DATABASE_URL", ""), help="a PostgreSQL server to measure as well, in a "
                        "new schema (default: COULISSES_TEST_DATABASE_URL)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL (Debian's binaries) and measure it "
                             "as well")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    import throwaway_pg
    from docsection import write_section

    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            with throwaway_pg.cluster(max_connections=200) as url:
                rows, which = measure(args.visitors, url, Path(tmp))
        else:
            rows, which = measure(args.visitors, args.database_url, Path(tmp))
    end = os.getloadavg()
    command = f"bench/bench_backstage_load.py --visitors {args.visitors}" + (
        " --postgres" if args.postgres else "")
    section = "\n".join([
        SECTION, "",
        f"`{command}`: a viral spike on a "
        f"published backstage page, {args.visitors} visitors at once on loopback, each from an "
        "address of its own (`X-Forwarded-For` from a trusted loopback proxy): read the page "
        "(which adds one to the page's daily view counter), fetch a static file from the same "
        "server (the baseline), wait 2 s, solve the vote's proof of work (14 bits, in the "
        "client process) and vote. One uvicorn process; the clients (httpx, asyncio) run in "
        "another process on the same cores, so latencies include the queue for the CPU. "
        "The databases run one after the other in the same run." + which, "",
        f"Before the spike the server serves the page once (as a server already up would have: "
        f"the first page alone compiles its templates), then one visitor alone reads the page "
        f"and the static file {ALONE} times, one request at a time: the baseline. In the "
        "spike all page reads arrive at the same moment and wait in one queue for the CPU "
        "(the page runs in the server's thread pool, the static file on its event loop), so a "
        "page's time there is mostly its place in that queue; the static files arrive as "
        "pages finish, spread out, and queue less.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other work (load "
        f"average {load[0]:.1f} at the start, {end[0]:.1f} at the end), Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| database | request | n | p50 ms | p95 ms |", "|---|---|---|---|---|", *rows, ""])
    print(section)
    if not args.no_doc:
        write_section(ROOT / "docs" / "benchmarks.md", SECTION, section,
                      header="# Benchmarks\n")


if __name__ == "__main__":
    main()
