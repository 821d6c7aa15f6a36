"""Challenge triage throughput: for each triage stage (``qc``, ``prints``, ``speech``), worker
seconds per entry and per second of video, entries per minute per worker with 1 and 2 workers
in the local process pool and on a local Ray cluster (scaling efficiency), and the peak memory
of a worker; the decisions' cost (``duplicates.group_duplicates``, ``shortlist.shortlist``) at
the sample's size and on synthetic prints at 2,000 and 10,000 entries; and what 45,000 entries
of 45 s would cost on N machines of K cores. Writes the ``## Challenge triage throughput``
section of docs/benchmarks.md.

The entries are a ``coulisses challenge sample`` (4 s, 480x854, real and generated clips).
The Ray runs use the cluster at ``--ray`` (default: ``auto``, a local one started for the run
with as many CPUs as the largest worker count).

    python bench/challenge_throughput.py [--entries 16] [--ray auto|HOST:PORT|none]
        [--synthetic 2000,10000] [--work DIR]
    python bench/challenge_throughput.py --report-only   # rewrite the section from the last
                                                         # run's measurements (results.json)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import statistics
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
FLEETS = ((1, 2), (1, 16), (4, 8), (10, 16), (25, 32))  # (machines, cores each)
WORKERS = (1, 2)
#: a synthetic entry's frames: a 45 s entry at the prints stage's 2 fps, capped at MAX_FRAMES
SYNTHETIC_FRAMES = 40
SYNTHETIC_COPIES = 0.05  # share of synthetic entries that copy another one
#: seconds of audio per second of a CUDA GPU for faster-whisper ``base.en``, published by the
#: Hugging Face Open ASR Leaderboard (RTFx 38.92, January 2025): a reference for what the
#: speech stage would cost on a GPU, not a measurement of this tree (no GPU here)
GPU_RTFX = 38.92


@dataclass(frozen=True)
class Measured:
    """A stage whose rows also say the entry's own run time and the worker's peak memory so
    far (MB)."""

    stage: Any
    name: str
    columns: tuple[str, ...]

    def run(self, entry: Any, rules: Any) -> dict[str, Any]:
        start = time.perf_counter()
        row = dict(self.stage.run(entry, rules))
        row["bench_seconds"] = time.perf_counter() - start
        row["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return row


def measured(stage: Any) -> Measured:
    return Measured(stage, stage.name, (*stage.columns, "bench_seconds", "worker_peak_mb"))


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
         work: Path, label: str) -> dict[str, Any]:
    """Every stage over the entries (later stages on those QC passed), as the triage does."""
    from coulisses.challenges.entry import Rules, stage_file
    from coulisses.challenges.executor import run_stage
    from coulisses.challenges.store import read_rows

    rules = Rules(brief="casting")
    folder = work / f"run-{label}"
    for path in folder.glob("stage-*.parquet"):
        path.unlink()
    per_stage: dict[str, dict[str, float]] = {}
    passed = list(entries)
    for stage in stages:
        run = run_stage(stage, passed, rules, workers=workers, ray_address=ray,
                        checkpoint=stage_file(folder, stage.name), total=len(passed))
        rows = read_rows(stage_file(folder, stage.name))
        own = sorted(float(r["bench_seconds"] or 0) for r in rows.values())
        n = max(1, len(passed))
        per_stage[stage.name] = {
            "entries": len(passed), "wall_s": run.wall_s, "busy_s": run.busy_s,
            "busy_per_entry": run.busy_s / n,
            "warm_per_entry": statistics.median(own) if own else 0.0,
            "per_min_worker": len(passed) / max(run.wall_s, 1e-9) * 60 / workers,
            "busy_share": run.busy_share, "failed": len(run.failed),
            "peak_mb": max((float(r["worker_peak_mb"] or 0) for r in rows.values()),
                           default=0.0)}
        if stage.name == "qc":
            per_stage["qc"]["media_s"] = sum(float(r["duration_s"] or 0) for r in rows.values()
                                             if r["qc_passed"])
            ids = {i for i, r in rows.items() if r["qc_passed"]}
            passed = [e for e in entries if e.id in ids]
    wall = sum(s["wall_s"] for s in per_stage.values())
    return {"label": label, "workers": workers, "backend": "ray" if ray else "pool",
            "entries": len(entries), "passed": len(passed), "wall_s": wall,
            "per_min_worker": len(entries) / wall * 60 / workers, "stages": per_stage}


def _synthetic_prints(n: int, seed: int = 15) -> dict[str, bytes]:
    """``n`` packed prints of unrelated videos (random hashes, as PDQ's are for unrelated
    pictures) of which ``SYNTHETIC_COPIES`` copy an earlier one with a few bits flipped."""
    import numpy as np

    from coulisses.challenges.prints import HASH_BYTES, VIEWS, Print

    rng = np.random.default_rng(seed)
    shape = (SYNTHETIC_FRAMES, len(VIEWS), HASH_BYTES)
    out: dict[str, bytes] = {}
    originals: list[np.ndarray] = []
    quality = np.full(SYNTHETIC_FRAMES, 90, np.uint8)
    for i in range(n):
        if originals and rng.random() < SYNTHETIC_COPIES:
            base = originals[int(rng.integers(len(originals)))]
            noise = rng.random((*shape[:2], HASH_BYTES * 8)) < 0.02  # ~5 of 256 bits
            hashes = base ^ np.packbits(noise, axis=-1)
        else:
            hashes = rng.integers(0, 256, shape, dtype=np.uint8)
            originals.append(hashes)
        out[f"s{i:05d}"] = Print(hashes=hashes, quality=quality).pack()
    return out


def _candidates(ids: list[str], seed: int = 15) -> list[Any]:
    import random

    from coulisses.challenges.entry import Candidate, Duplicate

    rng = random.Random(seed)
    cities = ("Paris", "Lyon", "Marseille", "Lille", "Nantes", "Toulouse")
    bands = ("16-17", "18-24", "25-34", "35+")
    return [Candidate(id=i, qc_passed=rng.random() > 0.05, qc_reasons=(),
                      duplicate=Duplicate(), relevance=rng.random(), relevance_reason="",
                      quality=rng.random(), declared={"city": rng.choice(cities),
                                                       "age_band": rng.choice(bands)},
                      eligible=rng.random() > 0.1) for i in ids]


def decisions(prints: dict[str, bytes], label: str) -> dict[str, Any]:
    """Time the duplicate grouping and the shortlist over ``prints`` in this process."""
    from coulisses.challenges.duplicates import group_duplicates
    from coulisses.challenges.shortlist import shortlist

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    groups = group_duplicates(prints)
    grouping = time.perf_counter() - start
    pool = _candidates(sorted(prints))
    start = time.perf_counter()
    shortlist(pool, 10, ("city", "age_band"), min_relevance=0.5)
    ranking = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    copies = sum(1 for d in groups.values() if d.original is not None)
    return {"label": label, "entries": len(prints), "grouping_s": grouping,
            "shortlist_s": ranking, "copies": copies, "rss_growth_mb": max(0.0, after - before)}


def _find(runs: list[dict[str, Any]], backend: str, workers: int) -> dict[str, Any] | None:
    return next((r for r in runs if r["backend"] == backend and r["workers"] == workers), None)


def report(runs: list[dict[str, Any]], decided: list[dict[str, Any]], load: tuple[float, float],
           started: str, command: str) -> str:
    base = _find(runs, "pool", 1) or runs[0]
    names = list(base["stages"])
    media_per_entry = base["stages"]["qc"]["media_s"] / max(1, base["passed"])
    lines = [HEADING, "",
             f"Written by `{command}` on {started}: {platform.system()} {platform.machine()}, "
             f"{os.cpu_count()} CPUs shared with other engineers' work (load average "
             f"{load[0]:.1f} at the start, {load[1]:.1f} at the end: the higher it is, the more "
             f"pessimistic the numbers), Python {platform.python_version()}. Entries: a `coulisses "
             f"challenge sample` of {base['entries']} entries (4 s, 480x854, real and generated "
             f"clips, bad files among them; {base['passed']} pass QC, "
             f"{media_per_entry:.1f} s of video each); the stages after `qc` run on those that "
             "pass, as `coulisses challenge triage` does. Speech: faster-whisper `base`, and "
             "`tiny.en` beside it on English (the default), on CPU (int8, 2 threads per worker, "
             "beam 5), the models loaded once per worker process; "
             "with 2 speech workers on 2 cores the threads oversubscribe the cores.", "",
             "Whole triage (all stages, wall time including pool or Ray start-up and model "
             "loading):", "",
             "| backend | workers | wall s | entries/min per worker | scaling efficiency |",
             "|---|---:|---:|---:|---:|"]
    for backend in ("pool", "ray"):
        one = _find(runs, backend, 1)
        for w in WORKERS:
            r = _find(runs, backend, w)
            if r is None:
                continue
            eff = (f"{r['per_min_worker'] / one['per_min_worker']:.0%}"
                   if one is not None and r is not one else "")
            lines.append(f"| {backend} | {w} | {r['wall_s']:.1f} | {r['per_min_worker']:.1f} | "
                         f"{eff} |")
    lines += ["", "Per stage. Worker seconds: the mean per entry includes each worker's cold "
              "start (imports, models); the median is a warm entry, which is what a long run "
              "pays. Entries/min per worker from the stage's wall time; efficiency is 2 workers "
              "against 1 on the same backend; peak: the largest resident set of a worker "
              "(Ray workers are reused across stages, so their peak accumulates).", "",
              "| stage | worker s/entry (mean) | warm s/entry | warm s per s of video | "
              "backend | entries/min/worker 1 -> 2 | efficiency | busy share (2) | "
              "peak MB/worker |", "|---|---:|---:|---:|---|---:|---:|---:|---:|"]
    for name in names:
        s = base["stages"][name]
        for backend in ("pool", "ray"):
            one, two = _find(runs, backend, 1), _find(runs, backend, 2)
            if one is None or two is None:
                continue
            a, b = one["stages"][name], two["stages"][name]
            peak = max(a["peak_mb"], b["peak_mb"])
            lines.append(
                f"| {name} | {s['busy_per_entry']:.2f} | {s['warm_per_entry']:.2f} | "
                f"{s['warm_per_entry'] / media_per_entry:.3f} | {backend} | "
                f"{a['per_min_worker']:.0f} -> {b['per_min_worker']:.0f} | "
                f"{b['per_min_worker'] / max(a['per_min_worker'], 1e-9):.0%} | "
                f"{b['busy_share']:.0%} | {peak:.0f} |")
    lines += ["", "Decisions, in one process (synthetic prints: random 256-bit hashes for "
              f"unrelated videos, {SYNTHETIC_COPIES:.0%} of entries a copy with about 2 % of bits "
              f"flipped, {SYNTHETIC_FRAMES} frames x 9 views as a 45 s entry has; the shortlist "
              "over random relevance and quality, spread over city and age band):", "",
              "| prints | entries | grouping s | shortlist s | copies found | RSS growth MB |",
              "|---|---:|---:|---:|---:|---:|"]
    for d in decided:
        lines.append(f"| {d['label']} | {d['entries']} | {d['grouping_s']:.2f} | "
                     f"{d['shortlist_s']:.3f} | {d['copies']} | {d['rss_growth_mb']:.0f} |")
    warm = {n: base["stages"][n]["warm_per_entry"] / media_per_entry for n in names}
    cost_h = {n: c * TARGET_SECONDS * TARGET_ENTRIES / 3600 for n, c in warm.items()}
    total_h = sum(cost_h.values())
    top = max(cost_h, key=lambda n: cost_h[n])
    eff_run = _find(runs, "ray", 2) or _find(runs, "pool", 2)
    one_run = _find(runs, "ray", 1) or _find(runs, "pool", 1)
    efficiency = 1.0
    if eff_run is not None and one_run is not None:
        efficiency = min(1.0, eff_run["per_min_worker"] / one_run["per_min_worker"])
    decide_note = ""
    syn = sorted((d for d in decided if d["label"] == "synthetic"), key=lambda d: d["entries"])
    if syn:
        big = syn[-1]
        secs = big["grouping_s"] + big["shortlist_s"]
        grow, mem = 1.0, 1.0
        if len(syn) > 1:  # the growth exponent between the two largest sizes
            small = syn[-2]
            ratio = math.log(big["entries"] / small["entries"])
            grow = math.log(secs / (small["grouping_s"] + small["shortlist_s"])) / ratio
            mem = math.log(max(big["rss_growth_mb"], 1) / max(small["rss_growth_mb"], 1)) / ratio
        scale = TARGET_ENTRIES / big["entries"]
        decide_note = (f" The decisions run once, in one process, after the stages: {secs:.0f} s "
                       f"and {big['rss_growth_mb']:.0f} MB at {big['entries']:,} entries, growing "
                       f"as entries^{grow:.2f} in time and entries^{mem:.2f} in memory between the "
                       f"two largest sizes, so about {secs * scale ** grow / 60:.0f} min and "
                       f"{big['rss_growth_mb'] * scale ** mem / 1024:.1f} GB at 45,000: small next "
                       "to the stages. The grouping's memory at scale, on real prints, is measured "
                       "by `bench/dup_grouping_memory.py` (\"Near-duplicates: grouping memory\").")
    speech_gpu_h = TARGET_ENTRIES * TARGET_SECONDS / GPU_RTFX / 3600
    lines += ["", "45,000 entries of 45 s, from the warm per-second costs above (each stage "
              "decodes or hears the whole entry, so cost grows with its length; the prints "
              "stage keeps at most 40 frames but still decodes all of it): "
              + ", ".join(f"{n} {h:.1f}" for n, h in cost_h.items())
              + f" worker hours, {total_h:.1f} in all; **{top} dominates** "
              f"({cost_h[top] / total_h:.0%}).{decide_note} On N machines of K cores, one "
              f"worker per core, at the 1 -> 2 worker efficiency measured here "
              f"({efficiency:.0%}, on Ray when it ran; it mostly measures the other sessions "
              "competing for the 2 cores, so it is a floor) and at ideal scaling (each core "
              "as fast as one worker was here):", "",
              "| machines x cores | workers | hours, measured efficiency | hours, ideal | "
              "hours without speech, ideal |", "|---|---:|---:|---:|---:|"]
    for machines, cores in FLEETS:
        workers = machines * cores
        lines.append(f"| {machines} x {cores} | {workers} | "
                     f"{total_h / (workers * efficiency):.2f} | {total_h / workers:.2f} | "
                     f"{(total_h - cost_h.get('speech', 0.0)) / workers:.2f} |")
    lines += ["", f"Speech on a GPU (not measured: no GPU here): the Open ASR Leaderboard "
              f"publishes faster-whisper `base.en` on CUDA at {GPU_RTFX:.0f} seconds of audio "
              f"per second; at that rate the {TARGET_ENTRIES * TARGET_SECONDS / 3600:.0f} hours "
              f"of audio take about {speech_gpu_h:.0f} GPU hours (one stream on one GPU) "
              f"instead of {cost_h.get('speech', 0.0):.0f} CPU worker hours, and the triage "
              "becomes bound by the CPU stages (qc, prints). That needs the speech stage "
              "to run as its own Ray task with `num_gpus` and the recogniser built with "
              "`device=\"cuda\"`, which this tree does not do yet."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=16)
    parser.add_argument("--ray", default="auto", help="auto, an address, or none")
    parser.add_argument("--synthetic", default="2000,10000",
                        help="entry counts for the decisions on synthetic prints ('' for none)")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the section from the last run's results.json")
    args = parser.parse_args(argv)
    results = args.work / "results.json"
    if args.report_only:
        from docsection import write_section

        saved = json.loads(results.read_text("utf-8"))
        section = report(saved["runs"], saved["decided"], tuple(saved["load"]),
                         saved["started"], saved["command"])
        write_section(DOC, HEADING, section, header="# Benchmarks\n")
        print(section)
        return 0
    from coulisses.challenges.entry import stage_file
    from coulisses.challenges.store import read_rows
    from coulisses.challenges.triage import default_stages
    from docsection import write_section

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()[0]
    args.work.mkdir(parents=True, exist_ok=True)
    entries = _entries(args.work / "sample", args.entries)
    stages = tuple(measured(s) for s in default_stages())
    runs = []
    for workers in WORKERS:
        runs.append(_run(stages, entries, workers, None, args.work, f"pool-{workers}"))
        print(json.dumps(runs[-1]), flush=True)
    if args.ray != "none":
        import ray

        from coulisses.challenges.executor import connect_ray

        started_ray = connect_ray(args.ray, max(WORKERS))
        try:
            for workers in WORKERS:
                runs.append(_run(stages, entries, workers, args.ray, args.work,
                                 f"ray-{workers}"))
                print(json.dumps(runs[-1]), flush=True)
        finally:
            if started_ray:
                ray.shutdown()
    sample_prints = {i: data for i, r in
                     read_rows(stage_file(args.work / "run-pool-1", "prints")).items()
                     if isinstance(data := r.get("print"), bytes)}
    decided = [decisions(sample_prints, "sample (real)")]
    for n in (int(x) for x in args.synthetic.split(",") if x.strip()):
        decided.append(decisions(_synthetic_prints(n), "synthetic"))
        print(json.dumps(decided[-1]), flush=True)
    command = "python bench/challenge_throughput.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    load = (load0, os.getloadavg()[0])
    results.write_text(json.dumps({"runs": runs, "decided": decided, "load": load,
                                   "started": started, "command": command.strip()}), "utf-8")
    section = report(runs, decided, load, started, command.strip())
    write_section(DOC, HEADING, section, header="# Benchmarks\n")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
