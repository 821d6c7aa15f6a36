"""Peak memory of the duplicate grouping (``triage.duplicate_groups``: the candidate index and
the checks of candidate pairs across all entries) as the entries grow: it must not grow with
them but by a few numbers each. Writes the ``## Near-duplicates: grouping memory`` section of
docs/benchmarks.md.

Each size is a challenge folder holding a ``prints`` checkpoint (and a ``qc`` one where every
entry passed) of synthetic prints made the way ``bench/dup_quality.py`` made them for its scale
line: the 280 real prints of the near-duplicate benchmark (``bench/.work/dup/prints.json``, run
``bench/dup_quality.py`` first), each entry one of them with 2 % of its bits flipped at random
(a distinct re-upload), arriving in random order. Every grouping runs in a fresh Python process
(``--child``) so its peak resident set (``VmHWM``) is its own; with ``--baseline-src`` the
same folders are grouped by another tree (the code before the out-of-core index) for the
before column, and the two trees' groups are compared entry by entry.

    python bench/dup_grouping_memory.py [--entries 2000,20000] [--baseline-src ../main/src]
        [--baseline-max 5000] [--report-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "dup-memory"
PRINTS = ROOT / "bench" / ".work" / "dup" / "prints.json"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Near-duplicates: grouping memory"
sys.path.insert(0, str(ROOT / "bench"))
_BATCH = 4000  # rows per checkpoint write while making a folder


def noisy_prints(n: int, *, seed: int = 15) -> Any:
    """``n`` (id, packed print) pairs: the benchmark's prints in turn, each with 2 % of its
    bits flipped (PDQ and crop hashes), ids in a random arrival order."""
    from coulisses.challenges.prints import Print, unpack

    cache = json.loads(PRINTS.read_text())
    bases = [unpack(bytes.fromhex(v["print"])) for v in cache.values()]
    del cache
    rng = np.random.default_rng(seed)
    arrival = rng.permutation(n)
    for k in range(n):
        base = bases[k % len(bases)]
        noise = np.packbits(rng.random((*base.hashes.shape, 8)) < 0.02, axis=-1)[..., 0]
        crop_noise = np.packbits(rng.random((*base.crops.shape, 8)) < 0.02, axis=-1)[..., 0]
        yield f"e{arrival[k]:06d}", Print(hashes=base.hashes ^ noise, quality=base.quality,
                                          crops=base.crops ^ crop_noise).pack()


def make_folder(n: int) -> Path:
    """The challenge folder of ``n`` entries (made once, then reused)."""
    from coulisses.challenges.entry import stage_file
    from coulisses.challenges.store import append_rows

    folder = WORK / f"n{n}"
    done = folder / "done"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.parquet"):
        path.unlink()
    batch: list[dict[str, Any]] = []
    for key, data in noisy_prints(n):
        batch.append({"id": key, "print": data, "print_frames": 0})
        if len(batch) >= _BATCH:
            append_rows(stage_file(folder, "prints"), batch, ("print", "print_frames"))
            append_rows(stage_file(folder, "qc"), [{"id": r["id"], "qc_passed": True}
                                                   for r in batch], ("qc_passed",))
            batch = []
    if batch:
        append_rows(stage_file(folder, "prints"), batch, ("print", "print_frames"))
        append_rows(stage_file(folder, "qc"), [{"id": r["id"], "qc_passed": True}
                                               for r in batch], ("qc_passed",))
    done.write_text("ok\n")
    return folder


def child(folder: Path, out: Path) -> None:
    """Group one folder in this process; write the groups, time and peak RSS to ``out``."""
    from coulisses.challenges import triage

    imported = _peak_mb()
    started = time.perf_counter()
    groups = triage.duplicate_groups(folder)
    seconds = time.perf_counter() - started
    peak = _peak_mb()
    out.write_text(json.dumps({
        "seconds": seconds, "peak_mb": peak, "imported_mb": imported,
        "groups": {k: [d.group, d.original] for k, d in groups.items()}}))


def _peak_mb() -> float:
    """This process's peak resident set (``VmHWM``: unlike ``ru_maxrss``, not inherited
    from the parent that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(src: Path, folder: Path, label: str) -> dict[str, Any]:
    """One grouping in a fresh process on the tree at ``src``."""
    out = folder / f"result-{label}.json"
    env = {**os.environ, "PYTHONPATH": str(src)}
    load = os.getloadavg()[0]
    subprocess.run([sys.executable, __file__, "--child", str(folder), str(out)], check=True,
                   env=env)
    data: dict[str, Any] = json.loads(out.read_text())
    data["load"] = load
    return data


def measure(sizes: list[int], baseline: Path | None, baseline_max: int) -> dict[str, Any]:
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()[0]
    rows = []
    for n in sizes:
        folder = make_folder(n)
        size = (folder / "stage-prints.parquet").stat().st_size
        after = run_child(ROOT / "src", folder, "after")
        row: dict[str, Any] = {"entries": n, "parquet_mb": size / 2**20}
        if baseline is not None and n <= baseline_max:
            before = run_child(baseline, folder, "before")
            row["before"] = _summary(before)
            row["same_groups"] = before["groups"] == after["groups"]
        row["after"] = _summary(after)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return {"date": started, "load_start": load0, "load_end": os.getloadavg()[0],
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "machine": platform.machine(), "rows": rows}


def _summary(run: dict[str, Any]) -> dict[str, Any]:
    groups = run["groups"]
    return {"seconds": run["seconds"], "peak_mb": run["peak_mb"],
            "imported_mb": run["imported_mb"], "load": run["load"],
            "copies": sum(1 for g in groups.values() if g[1] is not None),
            "groups": len({g[0] for g in groups.values() if g[0]})}


def _print_format(n: int) -> str:
    """The print layout (``CP2``: no dense sequence; ``CP3``: with it) of a folder's prints."""
    from coulisses.challenges.store import iter_rows

    path = WORK / f"n{n}" / "stage-prints.parquet"
    for row in iter_rows(path, columns=("print",), batch=1):
        data = row["print"]
        return data[:3].decode() if isinstance(data, bytes) else "?"
    return "?"


def report(data: dict[str, Any]) -> str:
    from coulisses.challenges.dupindex import MEMORY_MB

    rows = data["rows"]
    formats = sorted({_print_format(r["entries"]) for r in rows})
    lines = [HEADING, "",
             f"Written by `bench/dup_grouping_memory.py` on {data['date']} ({data['cpus']} CPUs "
             f"shared with other engineers' work, load {data['load_start']:.1f} at the start, "
             f"{data['load_end']:.1f} at the end; Python {data['python']}, {data['machine']}). "
             "`triage.duplicate_groups` on a challenge folder (the candidate index and the "
             "checks of candidate pairs across all entries), each run in a fresh process; peak "
             "is the process's peak resident set, imports included (`after imports` is the "
             "resident set before grouping). Entries: the 280 real prints of the near-duplicate "
             "benchmark, each entry one of them with 2 % of its bits flipped (a distinct "
             "re-upload of the same video: every entry has copies among the others, which is "
             f"the worst case for the index), 40 frames at most (print layout "
             f"{', '.join(formats)}: CP2 prints carry no dense sequence, CP3 ones do). Before: "
             "the tree of the "
             "`--baseline-src` (every print unpacked and the whole chunk index in memory); "
             f"after: this tree (DuckDB index, `memory_limit` {MEMORY_MB} MB, spilling to a "
             "scratch folder beside the checkpoints; prints read back two at a time).", "",
             "| entries | prints checkpoint | before: peak MB (s) | after: peak MB (s) | after "
             "imports MB | copies found | same groups |",
             "|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        after, before = row["after"], row.get("before")
        was = (f"{before['peak_mb']:,.0f} ({before['seconds']:.0f})" if before
               else "not run")
        same = ("yes" if row.get("same_groups") else "no") if before else "-"
        lines.append(f"| {row['entries']:,} | {row['parquet_mb']:,.0f} MB | {was} | "
                     f"{after['peak_mb']:,.0f} ({after['seconds']:.0f}) | "
                     f"{after['imported_mb']:,.0f} | {after['copies']:,} | {same} |")
    lines += ["", _scaling(rows)]
    return "\n".join(lines) + "\n"


def _scaling(rows: list[dict[str, Any]]) -> str:
    """What the two largest sizes say about 45,000 entries."""
    if len(rows) < 2:
        return ""
    a, b = rows[-2], rows[-1]
    ratio = b["entries"] / a["entries"]
    grow = (b["after"]["peak_mb"] - a["after"]["peak_mb"]) / (b["entries"] - a["entries"])
    at = b["after"]["peak_mb"] + grow * (45_000 - b["entries"])
    time_exp = float(np.log(b["after"]["seconds"] / a["after"]["seconds"]) / np.log(ratio))
    seconds = b["after"]["seconds"] * (45_000 / b["entries"]) ** time_exp
    text = (f"From {a['entries']:,} to {b['entries']:,} entries the peak grew by "
            f"{grow * 1024:.1f} kB per entry (DuckDB filling up to its `memory_limit`, and the "
            "numbers kept per entry: its id and place, a digest of its print, its union-find "
            f"parent), so 45,000 entries would peak near {at:,.0f} MB if that went on; "
            f"time grew as entries^{time_exp:.2f}, about {seconds / 60:.0f} min at 45,000 "
            "(scratch space on disk: a copy of the prints and DuckDB's spill).")
    before = [r for r in rows if r.get("before")]
    if len(before) >= 2:
        c, d = before[-2], before[-1]
        per = (d["before"]["peak_mb"] - c["before"]["peak_mb"]) / (d["entries"] - c["entries"])
        text += (f" Before, the peak grew by {per * 1024:,.0f} kB per entry between "
                 f"{c['entries']:,} and {d['entries']:,} entries: about "
                 f"{d['before']['peak_mb'] + per * (45_000 - d['entries']):,.0f} MB at 45,000.")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="2000,20000")
    parser.add_argument("--baseline-src", type=Path, default=None,
                        help="the src folder of the tree measured as 'before'")
    parser.add_argument("--baseline-max", type=int, default=5000,
                        help="largest size grouped by the baseline (it holds every print)")
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
        sizes = [int(s) for s in args.entries.split(",")]
        data = measure(sizes, args.baseline_src, args.baseline_max)
        WORK.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(data))
    section = report(data)
    write_section(DOC, HEADING, section, header="# Benchmarks\n")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
