"""Time per vote of the vote checks (``votes.cast``) on a poll that already holds many votes:
this tree against a baseline commit (default: where this branch left ``main``), in the same
run, each in its own process on SQLite, one after the other, twice each (ABAB). The votes are
solved before the clock starts (4-bit proofs of work): what is timed is the checks and the
write. Rewrites the "## Poll vote checks" section of ``docs/benchmarks.md``.

    .venv/bin/python bench/bench_vote_checks.py [--prefill 20000] [--votes 300] [--baseline REF]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pollbench import open_poll  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Poll vote checks"
START = datetime(2026, 6, 1, 8, tzinfo=UTC)


def worker(prefill: int, count: int) -> dict[str, float]:
    """In this process's ``coulisses``: a poll with ``prefill`` votes, then ``count`` timed."""
    from coulisses.backstage import challenge, votes
    from coulisses.backstage.tables import Vote
    from coulisses.studio.db import open_database

    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        engine, sessions = open_database(f"sqlite:///{Path(tmp) / 'v.sqlite3'}")
        with sessions() as db:
            the_page, poll, options = open_poll(db, question="Which cover?", opens_at=START,
                                      closes_at=START + timedelta(days=2))
            # the votes already there: each from its own address, a fifth behind 3 shared ones
            shared = [f"80.215.10.{n}" for n in (4, 77, 190)]
            db.add_all(Vote(
                poll_id=poll.id, option_id=options[rng.random() < 0.45], voter=f"p{i}",
                address=challenge.digest(poll.salt, "a:" + (
                    rng.choice(shared) if rng.random() < 0.2 else f"10.{i % 250}.{i // 250}.9")),
                network=challenge.digest(poll.salt, f"n:{i % 4000}"), counted=True, reason="",
                at=START + timedelta(seconds=i)) for i in range(prefill))
            db.commit()
            now = START + timedelta(seconds=prefill + 60)
            ready = []
            for i in range(count):
                text = challenge.issue(the_page.secret, poll.id,
                                       now + timedelta(seconds=20 * i - 20), bits=4)
                address = rng.choice(shared) if i % 5 == 0 else f"172.16.{i % 250}.{i // 250}"
                ready.append((text, challenge.solve(text), address, options[i % 2]))
            took = []
            for i, (text, solution, address, option) in enumerate(ready):
                began = time.perf_counter()
                votes.cast(db, page=the_page, poll=poll, option_id=option, challenge_text=text,
                           solution=solution, visitor=challenge.Visitor(f"t{i}"),
                           address=address, now=now + timedelta(seconds=20 * i))
                took.append(time.perf_counter() - began)
        engine.dispose()
    return {"median_ms": 1000 * statistics.median(took),
            "mean_ms": 1000 * statistics.fmean(took)}


def _run(src: Path, prefill: int, count: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, "--worker", "--prefill", str(prefill),
                           "--votes", str(count)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the worker on {src} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefill", type=int, default=20000)
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--baseline", default="")
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.prefill, args.votes)))
        return
    from docsection import write_section  # bench/ is on sys.path when run

    git = ["git", "-C", str(ROOT)]
    base = args.baseline or subprocess.run([*git, "merge-base", "HEAD", "main"], check=True,
                                           capture_output=True, text=True).stdout.strip()
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "this tree": []}
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run([*git, "archive", base, "src"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for _ in range(2):
            for name, src in (("baseline", Path(tmp) / "src"), ("this tree", ROOT / "src")):
                results[name].append(_run(src, args.prefill, args.votes))
                print(name, results[name][-1], flush=True)
    end = os.getloadavg()
    rows = {name: min(r["median_ms"] for r in runs) for name, runs in results.items()}
    lines = [SECTION, "",
             f"Written by `bench/bench_vote_checks.py --prefill {args.prefill} --votes "
             f"{args.votes}` on {datetime.now(UTC):%Y-%m-%d}: `votes.cast` on SQLite (a "
             f"temporary file) for a poll already holding {args.prefill} counted votes, "
             f"{args.votes} more timed one by one (a fifth from 3 shared addresses; proofs of "
             "work solved before the clock starts), this tree "
             f"({head} and its changes) against `{base[:7]}` in the same run, each in its own "
             "process, ABAB; the lower of the two medians.", "",
             "| code | median ms per vote | mean ms per vote (each run) |", "|---|---|---|"]
    for name, runs in results.items():
        lines.append(f"| {name} | {rows[name]:.1f} | "
                     + ", ".join(f"{r['mean_ms']:.1f}" for r in runs) + " |")
    lines += ["", f"Ratio this tree / baseline: {rows['this tree'] / rows['baseline']:.2f}. "
              "Where the difference comes from: the shared addresses' votes, excluded at once "
              "by the baseline's flat cap, now count and so go on to the burst check (which "
              "reads the poll's split before its window, as before); the lean test reads each "
              "vote's address and network with one grouped query each (the baseline counted "
              "them), and the poll's whole split only for an address or network with enough "
              "votes to test. Both lookups use an index on (poll, address) and (poll, "
              "network) (migration 0017); without them, an earlier run under load measured "
              "23.1 ms against 11.4 (2.04x), the queries scanning the poll's votes. "
              f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs "
              f"shared with other work (load average {load[0]:.1f} at the start, "
              f"{end[0]:.1f} at the end)."]
    write_section(args.doc, SECTION, "\n".join(lines) + "\n",
                  header="# Benchmarks\n")
    print(f"wrote {SECTION!r} in {args.doc}")


if __name__ == "__main__":
    main()
