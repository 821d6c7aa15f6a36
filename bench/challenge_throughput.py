"""Challenge triage throughput: entries per minute per worker for the QC gate and for the
triage stages in this tree, in a local process pool and on a local Ray cluster with 1 and 2
workers (scaling efficiency), the per-stage cost per entry and per second of video, the peak
memory of a pool worker, and what 45,000 entries of 45 s would cost on N machines of K cores.
Writes the ``## Challenge triage throughput`` section of docs/benchmarks.md.

The entries are a ``coulisses challenge sample`` (4 s, 480x854, real and generated clips).
The Ray runs use the cluster at ``--ray`` (default: ``auto``, a local one started for the run).

    python bench/challenge_throughput.py [--entries 16] [--ray auto|HOST:PORT] [--work DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "challenge-throughput"
DOC = ROOT / "docs" / "benchmarks.md"
SHARED = ROOT.parent / "shared" / "media"
HEADING = "## Challenge triage throughput"
sys.path.insert(0, str(ROOT / "bench"))

TARGET_ENTRIES, TARGET_SECONDS = 45_000, 45.0
FLEETS = ((1, 2), (4, 8), (10, 16), (25, 32))  # (machines, cores each)


@dataclass(frozen=True)
class Measured:
    """A stage whose rows also say the worker's peak memory so far (MB)."""

    stage: Any
    name: str
    columns: tuple[str, ...]

    def run(self, entry: Any, rules: Any) -> dict[str, Any]:
        row = dict(self.stage.run(entry, rules))
        row["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return row


def measured(stage: Any) -> Measured:
    return Measured(stage, stage.name, (*stage.columns, "worker_peak_mb"))


def _entries(folder: Path, n: int) -> list[Any]:
    from coulisses.challenges.entry import Entry
    from coulisses.challenges.sample import make_sample
    from coulisses.media.ffmpeg import SubprocessRunner

    truth = folder / "truth.json"
    if not truth.exists() or len(json.loads(truth.read_text("utf-8"))["entries"]) != n:
        make_sample(folder, n, SubprocessRunner(), media=SHARED if SHARED.is_dir() else None)
    files = [e["file"] for e in json.loads(truth.read_text("utf-8"))["entries"]]
    return [Entry(f"e{i:04d}", folder / name) for i, name in enumerate(files)]


def _run(stages: tuple[Any, ...], entries: list[Any], workers: int, ray: str | None,
         work: Path, label: str) -> dict[str, object]:
    from coulisses.challenges.entry import Rules, stage_file
    from coulisses.challenges.executor import run_stage
    from coulisses.challenges.store import read_rows

    rules = Rules(brief="casting")
    folder = work / f"run-{label}"
    for path in folder.glob("stage-*.parquet"):
        path.unlink()
    start = time.perf_counter()
    busy: dict[str, float] = {}
    media_s, peak = 0.0, 0.0
    passed = list(entries)
    for index, stage in enumerate(stages):
        run = run_stage(stage, passed, rules, workers=workers, ray_address=ray,
                        checkpoint=stage_file(folder, stage.name), total=len(passed))
        busy[stage.name] = run.busy_s / max(1, len(passed))
        peak = max([peak, *(float(r["worker_peak_mb"] or 0) for r in
                            read_rows(stage_file(folder, stage.name)).values())])
        if index == 0:
            rows = read_rows(stage_file(folder, stage.name))
            media_s = sum(float(r["duration_s"] or 0) for r in rows.values())
            ids = {i for i, r in rows.items() if r["qc_passed"]}
            passed = [e for e in entries if e.id in ids]
    wall = time.perf_counter() - start
    per_min = len(entries) / wall * 60
    return {"label": label, "workers": workers, "backend": "ray" if ray else "pool",
            "wall_s": wall, "entries": len(entries), "per_min": per_min,
            "per_min_worker": per_min / workers, "busy_per_entry": busy,
            "media_s": media_s, "peak_mb": peak}


def report(runs: list[dict[str, object]], stage_names: list[str], load: tuple[float, float],
           started: str, peak_mb: float, command: str) -> str:
    def find(backend: str, workers: int) -> dict[str, object] | None:
        return next((r for r in runs if r["backend"] == backend and r["workers"] == workers),
                    None)

    lines = [HEADING, "",
             f"Written by `{command}` on {started}: {platform.system()} {platform.machine()}, "
             f"{os.cpu_count()} CPUs shared with other work (load average {load[0]:.1f} at "
             f"the start, {load[1]:.1f} at the end), Python {platform.python_version()}. "
             f"Entries: a `coulisses challenge sample` of {runs[0]['entries']} entries "
             "(4 s, 480x854, real and generated clips, 2 bad files). Stages run: "
             f"{', '.join(stage_names)} (the duplicate and speech stages are not in this "
             "tree yet: the full triage will cost more; rerun this script once they are).", "",
             "| backend | workers | entries/min | entries/min per worker | scaling efficiency |",
             "|---|---:|---:|---:|---:|"]
    for backend in ("pool", "ray"):
        one, two = find(backend, 1), find(backend, 2)
        for r in (one, two):
            if r is None:
                continue
            eff = ""
            if r is two and one is not None:
                eff = f"{float(two['per_min']) / (2 * float(one['per_min'])):.0%}"
            lines.append(f"| {backend} | {r['workers']} | {float(r['per_min']):.1f} | "
                         f"{float(r['per_min_worker']):.1f} | {eff} |")
    base = find("pool", 1) or runs[0]
    busy = base["busy_per_entry"]
    assert isinstance(busy, dict)
    media_per_entry = float(base["media_s"]) / int(base["entries"])  # type: ignore[call-overload]
    lines += ["", "Per-stage cost (1 pool worker), in worker seconds:", "",
              "| stage | per entry | per second of video |", "|---|---:|---:|"]
    for name, cost in busy.items():
        lines.append(f"| {name} | {cost:.2f} | {cost / media_per_entry:.3f} |")
    per_video_s = sum(busy.values()) / media_per_entry
    two, one = find("ray", 2) or find("pool", 2), find("ray", 1) or find("pool", 1)
    efficiency = float(two["per_min"]) / (2 * float(one["per_min"])) \
        if two is not None and one is not None else 1.0
    efficiency = min(1.0, efficiency)
    total_cpu_h = per_video_s * TARGET_SECONDS * TARGET_ENTRIES / 3600
    lines += ["", f"Peak memory of a pool worker: {peak_mb:.0f} MB over {runs[0]['entries']} "
              "entries (a worker holds one entry at a time, the parent at most 64 rows "
              "before a checkpoint write).", "",
              f"45,000 entries of 45 s at {per_video_s:.3f} worker seconds per second of video "
              f"(the stages above): {total_cpu_h:.1f} worker hours. On N machines of K cores, "
              f"one worker per core, at the measured scaling efficiency "
              f"({efficiency:.0%} from 1 to 2 workers here, on Ray when it ran, assumed to hold; "
              "on this shared, loaded machine it understates what idle cores give):", "",
              "| machines x cores | workers | hours |", "|---|---:|---:|"]
    for machines, cores in FLEETS:
        workers = machines * cores
        hours = total_cpu_h / (workers * efficiency)
        lines.append(f"| {machines} x {cores} | {workers} | {hours:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=16)
    parser.add_argument("--ray", default="auto", help="auto, an address, or none")
    parser.add_argument("--work", type=Path, default=WORK)
    args = parser.parse_args(argv)
    from coulisses.challenges.triage import default_stages
    from docsection import write_section

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()[0]
    args.work.mkdir(parents=True, exist_ok=True)
    entries = _entries(args.work / "sample", args.entries)
    stages = tuple(measured(s) for s in default_stages())
    runs = []
    for workers in (1, 2):
        runs.append(_run(stages, entries, workers, None, args.work, f"pool-{workers}"))
        print(json.dumps(runs[-1]), flush=True)
    peak_mb = max(float(r["peak_mb"]) for r in runs)
    if args.ray != "none":
        import ray

        from coulisses.challenges.executor import connect_ray

        started_ray = connect_ray(args.ray, 2)
        try:
            for workers in (1, 2):
                runs.append(_run(stages, entries, workers, args.ray, args.work,
                                 f"ray-{workers}"))
                print(json.dumps(runs[-1]), flush=True)
        finally:
            if started_ray:
                ray.shutdown()
    command = "python bench/challenge_throughput.py " + " ".join(argv or sys.argv[1:])
    section = report(runs, [s.name for s in stages], (load0, os.getloadavg()[0]), started,
                     peak_mb, command.strip())
    write_section(DOC, HEADING, section, header="# Benchmarks\n")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
