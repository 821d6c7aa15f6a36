"""CPU cost of the challenge triage's ``prints`` stage per second of video, this tree against a
baseline tree (``--baseline-src``, the code before a change) in the same run, and how close
the two trees' prints are. Writes the ``## Near-duplicates: prints stage CPU`` section of
docs/benchmarks.md.

Inputs: the entries of a ``coulisses challenge sample`` that pass QC (480x854, 4 s, as
``bench/challenge_throughput.py`` uses), the real film excerpts of ``../shared/media/film``
(640x360, 24 fps), the people room of ``../shared/media/people`` (768x432, 10 fps, cut at the
rules' maximum duration as the stage does) and a generated phone-like clip (1080x1920, 30 fps,
H.264 High at about 16 Mbit/s: the people room cropped to 9:16, upscaled, with sensor grain).
Each tree runs in its own fresh process (``--child``), rounds alternating baseline and this
tree so both see the same load; a file's cost is ``fingerprint``'s CPU time (process time: the
decoder's threads included, imports and a warm-up call left out), the median over rounds.
The decode alone (``decode_video`` with nothing asked of the frames) is timed too, in this
tree's process: the floor any reading of the frames pays.

    python bench/prints_cost.py --baseline-src ../main/src [--rounds 3] [--report-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "prints-cost"
SHARED = ROOT.parent / "shared" / "media"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Near-duplicates: prints stage CPU"
sys.path.insert(0, str(ROOT / "bench"))


def phone_clip(out: Path) -> Path:
    """1080x1920, 30 fps, 10 s, H.264 High at about 16 Mbit/s (a phone camera's rate), from
    the people room with temporal grain."""
    import imageio_ffmpeg

    if out.exists():
        return out
    part = out.with_name(out.stem + ".part.mp4")
    subprocess.run(["nice", "-n", "10", imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
                    "-ss", "5", "-t", "10", "-i",
                    str(SHARED / "people" / "one-by-one-person-detection.mp4"), "-vf",
                    "crop=ih*9/16:ih,scale=1080:1920,noise=alls=4:allf=t,fps=30", "-an",
                    "-c:v", "libx264", "-preset", "fast", "-profile:v", "high", "-b:v", "16M",
                    "-maxrate", "20M", "-bufsize", "32M", "-pix_fmt", "yuv420p", str(part)],
                   check=True)
    part.replace(out)
    return out


def inputs() -> dict[str, list[Path]]:
    """The files measured, by group."""
    from challenge_throughput import _entries

    sample = WORK / "sample"
    entries = _entries(sample, 16)
    truth = json.loads((sample / "truth.json").read_text("utf-8"))["entries"]
    passing = {e["file"] for e in truth if e["qc_expected"]}
    WORK.mkdir(parents=True, exist_ok=True)
    return {
        "challenge sample (480x854, 25 fps, 4 s)": [e.path for e in entries
                                                    if e.path.name in passing],
        "film excerpts (640x360, 24 fps)": sorted((SHARED / "film").glob("*.mp4")),
        "people room (768x432, 10 fps)": [SHARED / "people" / "one-by-one-person-detection.mp4"],
        "phone-like (1080x1920, 30 fps, 16 Mbit/s)": [phone_clip(WORK / "phone1080.mp4")],
    }


def child(job: Path, out: Path) -> None:
    """In a fresh process on the tree at PYTHONPATH: time ``fingerprint`` on every file (and
    the bare decode when asked), after one warm-up call."""
    from coulisses.challenges.entry import Rules
    from coulisses.challenges.prints import fingerprint
    from coulisses.media.frames import decode_video

    spec = json.loads(job.read_text())
    files = [Path(p) for p in spec["files"]]
    limit = Rules(brief="").max_duration_s + 1.0  # as PrintsStage.run
    fingerprint(files[0], max_seconds=limit)
    found: dict[str, Any] = {}
    for path in files:
        cpu, wall = time.process_time(), time.perf_counter()
        made = fingerprint(path, max_seconds=limit)
        row = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
               "print": made.pack().hex()}
        if spec["decode"]:
            cpu, wall = time.process_time(), time.perf_counter()
            frames = sum(1 for _ in decode_video(path, end=limit))
            row |= {"decode_cpu": time.process_time() - cpu,
                    "decode_wall": time.perf_counter() - wall, "frames": frames}
        found[str(path)] = row
    out.write_text(json.dumps(found))


def run_child(src: Path, files: list[Path], decode: bool, label: str) -> dict[str, Any]:
    job, out = WORK / f"job-{label}.json", WORK / f"result-{label}.json"
    job.write_text(json.dumps({"files": [str(f) for f in files], "decode": decode}))
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, __file__, "--child", str(job), str(out)], check=True,
                   env=env)
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def seconds(path: Path, limit: float) -> float:
    import av

    with av.open(str(path)) as container:
        return min(limit, float(container.duration or 0) / 1_000_000)


def measure(baseline: Path, rounds: int, origin: Path | None = None) -> dict[str, Any]:
    from coulisses.challenges.entry import Rules

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()[0]
    groups = inputs()
    files = [f for group in groups.values() for f in group]
    limit = Rules(brief="").max_duration_s + 1.0
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    first: list[dict[str, Any]] = []
    loads = []
    for r in range(rounds):
        loads.append(os.getloadavg()[0])
        before.append(run_child(baseline, files, False, f"before-{r}"))
        if origin is not None:
            first.append(run_child(origin, files, False, f"origin-{r}"))
        after.append(run_child(ROOT / "src", files, True, f"after-{r}"))
        print(f"round {r + 1}/{rounds} done", flush=True)
    rows = {}
    for f in files:
        key = str(f)
        rows[key] = {
            "seconds": seconds(f, limit),
            "before_cpu": float(np.median([b[key]["cpu"] for b in before])),
            "after_cpu": float(np.median([a[key]["cpu"] for a in after])),
            "before_wall": float(np.median([b[key]["wall"] for b in before])),
            "after_wall": float(np.median([a[key]["wall"] for a in after])),
            "decode_cpu": float(np.median([a[key]["decode_cpu"] for a in after])),
            "frames": after[0][key]["frames"],
            "before_print": before[0][key]["print"], "after_print": after[0][key]["print"]}
        if first:
            rows[key]["origin_cpu"] = float(np.median([o[key]["cpu"] for o in first]))
    return {"date": started, "load_start": load0, "load_end": os.getloadavg()[0],
            "loads": loads, "cpus": os.cpu_count(), "python": platform.python_version(),
            "machine": platform.machine(), "rounds": rounds, "baseline": str(baseline),
            "groups": {name: [str(f) for f in group] for name, group in groups.items()},
            "rows": rows}


def closeness(rows: list[dict[str, Any]]) -> dict[str, float]:
    """How far this tree's prints are from the baseline's on the same files."""
    from coulisses.challenges.duplicates import DENSE_DISTANCE
    from coulisses.challenges.prints import unpack

    same_views = same_crops = frames = 0
    dense: list[np.ndarray] = []
    for row in rows:
        old = unpack(bytes.fromhex(row["before_print"]))
        new = unpack(bytes.fromhex(row["after_print"]))
        frames += old.frames
        if old.hashes.shape == new.hashes.shape:
            same_views += int((old.hashes == new.hashes).all(axis=(1, 2)).sum())
        if old.crops.shape == new.crops.shape:
            same_crops += int((old.crops == new.crops).all(axis=(1, 2)).sum())
        if old.dense.shape == new.dense.shape:
            dense.append(np.unpackbits(old.dense ^ new.dense, axis=1).sum(axis=1))
    d = np.concatenate(dense) if dense else np.zeros(0)
    return {"frames": frames, "same_views": same_views, "same_crops": same_crops,
            "dense_frames": int(d.size), "dense_same": float(np.mean(d == 0)),
            "dense_median": float(np.median(d)), "dense_p95": float(np.percentile(d, 95)),
            "dense_max": int(d.max()), "dense_within": float(np.mean(d <= DENSE_DISTANCE)),
            "dense_distance": DENSE_DISTANCE}


def report(data: dict[str, Any]) -> str:
    rows = data["rows"]
    loads = ", ".join(f"{x:.1f}" for x in data["loads"])
    lines = [HEADING, "",
             f"Written by `bench/prints_cost.py` (baseline: {data['baseline']}) on "
             f"{data['date']} ({data['cpus']} CPUs shared with other engineers' work, load "
             f"average {data['load_start']:.1f} at the start, {data['load_end']:.1f} at the end, "
             f"{loads} at each round's start; Python {data['python']}, {data['machine']}). "
             "CPU seconds of `prints.fingerprint` per second of video (process time, the "
             "decoder's threads included; the median of "
             f"{data['rounds']} rounds, each tree in its own fresh process, rounds alternating "
             "so both trees share the load). Before: the baseline tree (every decoded frame "
             "converted to RGB by swscale at 128 px for the dense sequence, then averaged). "
             "After: this tree (the dense sequence's grey pictures box-averaged straight from "
             "the decoded Y, U and V planes, `media.frames.Decoded.rgb_mean`; the 2-a-second "
             "sampled frames still go through swscale to RGB for PDQ). Decode: `decode_video` "
             "alone, nothing asked of the frames: the floor."
             + (f" Earlier: {data['origin']}, timed in the same rounds." if "origin" in data
                else ""), "",
             "| entries | files | video s | " + ("earlier: CPU s per s | " if "origin" in data
                                                else "")
             + "before: CPU s per s | after: CPU s per s | after / before | decode alone: CPU "
             "s per s | before: wall s per s | after: wall s per s |",
             "|---|---:|---:|" + ("---:|" if "origin" in data else "")
             + "---:|---:|---:|---:|---:|---:|"]
    for name, files in data["groups"].items():
        group = [rows[f] for f in files]
        secs = sum(r["seconds"] for r in group)
        b, a = (sum(r[k] for r in group) / secs for k in ("before_cpu", "after_cpu"))
        dec = sum(r["decode_cpu"] for r in group) / secs
        bw, aw = (sum(r[k] for r in group) / secs for k in ("before_wall", "after_wall"))
        earlier = (f"{sum(r['origin_cpu'] for r in group) / secs:.3f} | "
                   if "origin" in data else "")
        lines.append(f"| {name} | {len(files)} | {secs:.1f} | {earlier}{b:.3f} | {a:.3f} | "
                     f"{a / b:.2f} | {dec:.3f} | {bw:.3f} | {aw:.3f} |")
    lines += ["", "The \"warm s per s of video\" of \"Challenge triage throughput\" is wall "
              "time (`time.perf_counter` around the stage) of a worker beside other workers on "
              "the shared machine, so it counts the time spent waiting for a core; the CPU "
              "seconds here are the stage's own work. A 1080p phone clip is bound by its "
              "decoding (the floor column): the reading and hashing of the frames above it "
              "are what this tree cuts."]
    near = closeness(list(rows.values()))
    lines += ["", f"Prints of the same files, this tree against the baseline: the PDQ views of "
              f"{near['same_views']} of {near['frames']} sampled frames and the crop windows of "
              f"{near['same_crops']} of them are bit for bit the same (same swscale path); of "
              f"{near['dense_frames']:,} dense frames, {near['dense_same']:.0%} hash the same; "
              f"over all of them the two hashes differ by {near['dense_median']:.0f} bits "
              f"(median), {near['dense_p95']:.0f} (p95), {near['dense_max']} at most of 64: "
              f"{near['dense_within']:.1%} stay within the dense rule's distance "
              f"({near['dense_distance']} bits)"
              + (", so prints made before the change (a blocklist, a resumed triage) still "
                 "match the new ones of the same videos." if near["dense_within"] >= 0.95
                 else ": prints made before the change may no longer match new ones.")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="the src folder of the tree measured as 'before'")
    parser.add_argument("--baseline-label", default="",
                        help="how the report names the baseline (default: its path)")
    parser.add_argument("--origin-src", type=Path, default=None,
                        help="a third tree timed in the same rounds (an older stage)")
    parser.add_argument("--origin-label", default="")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    from docsection import write_section

    results = WORK / "results.json"
    if args.report_only:
        data = json.loads(results.read_text())
    else:
        if args.baseline_src is None:
            parser.error("--baseline-src is needed to measure (or --report-only)")
        origin = args.origin_src.resolve() if args.origin_src else None
        data = measure(args.baseline_src.resolve(), args.rounds, origin)
        if args.baseline_label:
            data["baseline"] = args.baseline_label
        if origin is not None:
            data["origin"] = args.origin_label or str(origin)
        results.write_text(json.dumps(data))
    section = report(data)
    write_section(DOC, HEADING, section, header="# Benchmarks\n")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
