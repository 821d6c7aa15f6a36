"""The executor beyond triage: ``analyze`` over a shoot's rushes and cuts of many deliverables,
each one job, run here one after another (the plain commands) and on the local process pool
with 1 and 2 workers (``--workers``), optionally on a local Ray cluster. Writes the
``## Analyze and cut on the executor`` section of docs/benchmarks.md.

Rushes: the GRID clips of ``../shared/media/grid`` (real speech and faces, 3 s, 360x288);
analysers ``--only`` (default shots,audio,picture: no model to load). Cuts: the three film clips
of ``../shared/media/film``, each to TikTok and Instagram Reels (draft preset). Every run starts
from an empty cache or output folder; wall time includes the pool's (or Ray's) start.

    python bench/executor_batch.py [--rushes 8] [--only shots,audio,picture] [--ray auto]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "media"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Analyze and cut on the executor"
sys.path.insert(0, str(ROOT / "bench"))

PLATFORMS = ("tiktok", "instagram-reels")


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure_analyze(rushes: list[Path], only: set[str], ray: str | None,
                    scratch: Path) -> list[tuple[str, int, float, float]]:
    """(backend, workers, wall s, busy share) for each way of analysing ``rushes``."""
    from coulisses.analysis.base import Analyzer
    from coulisses.analysis.batch import analyze_many
    from coulisses.analysis.run import analyze, default_analyzers
    from coulisses.settings import Settings

    def settings(name: str) -> Settings:
        return Settings(cache_dir=scratch / f"analyze-{name}")

    def chosen(s: Settings) -> list[Analyzer]:
        return [a for a in default_analyzers(s) if a.name in only]

    rows: list[tuple[str, int, float, float]] = []
    here = settings("here")
    rows.append(("here (no flag)", 1,
                 _timed(lambda: [analyze(r, here, chosen(here)) for r in rushes]), 0.0))
    ways: list[tuple[str, int, str | None]] = [("pool", 1, None), ("pool", 2, None)]
    if ray:
        ways += [("ray", 1, ray), ("ray", 2, ray)]
    for backend, workers, address in ways:
        s = settings(f"{backend}{workers}")
        start = time.perf_counter()
        _, run = analyze_many(rushes, s, chosen(s), workers=workers, ray_address=address)
        rows.append((backend, workers, time.perf_counter() - start, run.busy_share))
    return rows


def measure_cuts(sources: list[Path], ray: str | None,
                 scratch: Path) -> list[tuple[str, int, float, float]]:
    """(backend, workers, wall s, busy share) for each way of making the cuts."""
    from coulisses.render.batch import CutJob, cut_many, cut_one
    from coulisses.render.plan import CutOptions
    from coulisses.settings import Settings

    settings = Settings(preset="draft", cache_dir=scratch / "cut-cache")

    def jobs(name: str) -> list[CutJob]:
        return [CutJob(f"{s.stem}-{p}", s, p, scratch / name / f"{s.stem}-{p}",
                       CutOptions(preset="draft"), settings)
                for s in sources for p in PLATFORMS]

    rows: list[tuple[str, int, float, float]] = []
    rows.append(("here (no flag)", 1, _timed(lambda: [cut_one(j) for j in jobs("here")]), 0.0))
    ways: list[tuple[str, int, str | None]] = [("pool", 1, None), ("pool", 2, None)]
    if ray:
        ways += [("ray", 1, ray), ("ray", 2, ray)]
    for backend, workers, address in ways:
        start = time.perf_counter()
        _, run = cut_many(jobs(f"{backend}{workers}"), workers=workers, ray_address=address)
        assert not run.failed, run.failed
        rows.append((backend, workers, time.perf_counter() - start, run.busy_share))
    return rows


def table(rows: list[tuple[str, int, float, float]], count: int, unit: str) -> str:
    base = {b: wall for b, w, wall, _ in rows if w == 1}
    lines = [f"| backend | workers | wall s | {unit}/min | {unit}/min per worker | "
             "efficiency (2 vs 1) | busy share |", "|---|---:|---:|---:|---:|---:|---:|"]
    for backend, workers, wall, busy in rows:
        rate = 60 * count / wall
        eff = f"{base[backend] / (workers * wall):.0%}" if workers > 1 else ""
        lines.append(f"| {backend} | {workers} | {wall:.1f} | {rate:.1f} | {rate / workers:.1f} "
                     f"| {eff} | {f'{busy:.0%}' if busy else ''} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rushes", type=int, default=8)
    parser.add_argument("--only", default="shots,audio,picture")
    parser.add_argument("--ray", default=None, help="auto or HOST:PORT (default: no Ray)")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    rushes = sorted((SHARED / "grid").glob("*.mpg"))[:args.rushes]
    films = sorted((SHARED / "film").glob("*.mp4"))
    if not rushes or not films:
        sys.exit(f"{SHARED} is absent: this benchmark needs the shared media")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="executor-bench-") as tmp:
        analysed = measure_analyze(rushes, set(args.only.split(",")), args.ray, Path(tmp))
        cuts = measure_cuts(films, args.ray, Path(tmp))
    load_after = os.getloadavg()[0]
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join(["python bench/executor_batch.py", *sys.argv[1:]])
    section = "\n".join([
        HEADING, "",
        f"Written by `{command}` on {when}: {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs shared with other engineers' sessions (load average "
        f"{load_before:.1f} at the start, {load_after:.1f} at the end: the 2-worker numbers "
        f"mostly measure that competition, so read them as a floor), Python "
        f"{platform.python_version()}. Wall time from an empty cache or output folder, "
        "including the pool's start (and Ray's, when it ran); *here* is the plain command "
        "(no `--workers`), one rush or cut after another in this process.", "",
        f"`coulisses analyze --workers N`: {len(rushes)} GRID rushes (3 s, 360x288, real "
        f"speech and faces), analysers {args.only}, each rush one job:", "",
        table(analysed, len(rushes), "rushes"), "",
        f"`coulisses plan cut CAMPAIGN all --workers N`: the {len(films)} film clips of "
        f"`../shared/media/film`, each to {' and '.join(PLATFORMS)} (draft preset): "
        f"{len(films) * len(PLATFORMS)} cuts, each one job:", "",
        table(cuts, len(films) * len(PLATFORMS), "cuts"), "",
        "On one 2-core machine already busy with other sessions the pool cannot beat the plain "
        "command by much, and runs of a few seconds move with the load from one run to the "
        "next: each job is a few seconds of ffmpeg or numpy work, the workers' start (imports, "
        "a forkserver) is paid once per run. "
        + ("With `--ray auto` each run also starts and stops a local Ray cluster, which is most "
           "of its wall time on work this small; a running cluster (`--ray HOST:PORT`) pays "
           "that once. " if args.ray else "")
        + "The executor pays where there are cores to spare: a 16-core machine, or a Ray "
        "cluster of several.",
    ])
    print(section)
    if not args.no_doc:
        from docsection import write_section

        write_section(DOC, HEADING, section, header="# Benchmarks\n")


if __name__ == "__main__":
    main()
