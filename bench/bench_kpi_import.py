"""Import a large generic CSV into the analytics store: time and peak memory (it must stream).

Generates ``bench/.work/kpi-big.csv`` (daily rows for many posts, French-style numbers half
the time) and its mapping, imports it into a fresh store with ``Store.import_file``, and
reports wall time, CPU time, rows and values per second and peak RSS of the process (DuckDB
included). The full run (``--size-mb 1500``) writes the ``## Analytics import`` section of
docs/benchmarks.md; smaller runs write bench/.work/benchmarks-quick.md.

    .venv/bin/python bench/bench_kpi_import.py                 # ~1.5 GB CSV
    .venv/bin/python bench/bench_kpi_import.py --size-mb 50    # smoke run
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from docsection import write_section

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
HEADING = "## Analytics import"
HEADER = ("# Benchmarks\n\n<!-- each section is written by the bench script it names: "
          "do not edit by hand -->\n")


def generate(path: Path, size_mb: int, seed: int = 7) -> int:
    """Write a CSV of about ``size_mb`` MB; return its data rows."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    target = size_mb * 1_000_000
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Day;Post ID;Views;Likes;Comments;Shares;Watch time\n")
        written = 0
        post = 0
        while written < target:
            post += 1
            for offset in range(365):
                views = rng.randint(0, 2_000_000)
                line = (f"{(start + timedelta(days=offset)).isoformat()};p{post:08d};"
                        f"{views:,}".replace(",", "\u202f") + f";{views // 20};{views // 400};"
                        f"{views // 900};{rng.randint(0, 59)}:{rng.randint(0, 59):02d}\n")
                fh.write(line)
                written += len(line.encode("utf-8"))
                rows += 1
                if written >= target:
                    break
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=1500)
    parser.add_argument("--keep", action="store_true", help="keep the CSV and the store")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from coulisses.kpi.store import open_store

    WORK.mkdir(parents=True, exist_ok=True)
    csv_path, store_path = WORK / "kpi-big.csv", WORK / "kpi-bench.duckdb"
    mapping = WORK / "kpi-big.yaml"
    mapping.write_text(yaml.safe_dump({
        "version": 1, "platform": "instagram", "id_column": "Post ID", "date_column": "Day",
        "decimal": ",", "delimiter": ";", "metrics": {
            "Views": "views", "Likes": "likes", "Comments": "comments", "Shares": "shares",
            "Watch time": {"metric": "avg_watch_time_s", "kind": "duration"}}}),
        encoding="utf-8")
    t0 = time.perf_counter()
    rows = generate(csv_path, args.size_mb)
    gen_s = time.perf_counter() - t0
    size = csv_path.stat().st_size
    store_path.unlink(missing_ok=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu0, t0 = time.process_time(), time.perf_counter()
    with open_store(store_path) as store:
        result = store.import_file(csv_path, mapping=mapping, as_of=date(2026, 1, 1))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    values = result.values_new
    print(f"{size / 1e6:.0f} MB, {rows} rows, {values} values: {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU, peak RSS {peak:.0f} MB")
    section = "\n".join([
        HEADING, "",
        f"- measured: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `python bench/bench_kpi_import.py --size-mb {args.size_mb}`",
        f"- machine: {os.cpu_count()} CPUs, Linux {platform.release()}, python "
        f"{platform.python_version()}",
        f"- input: generic CSV (`;`, narrow no-break thousands separators, M:SS durations), "
        f"{size / 1e6:,.0f} MB, {rows:,} daily rows of {rows // 365 + 1:,} posts, 5 metrics "
        f"each; generated in {gen_s:.0f} s",
        "", "| measure | value |", "|---|---:|",
        f"| wall time | {wall:,.1f} s |", f"| CPU time (this process) | {cpu:,.1f} s |",
        f"| rows per second | {rows / wall:,.0f} |",
        f"| values stored | {values:,} |", f"| values per second | {values / wall:,.0f} |",
        f"| MB of CSV per second | {size / 1e6 / wall:,.1f} |",
        f"| peak RSS before the import | {rss_before:,.0f} MB |",
        f"| peak RSS (parsing, staging, DuckDB merge) | {peak:,.0f} MB |",
        f"| peak RSS / file size | {peak / (size / 1e6):.2f} |", "",
        "The CSV is read row by row and staged to disk; DuckDB merges the staging in one "
        "transaction, spilling to disk as needed, so memory does not grow with the file.", ""])
    full = args.size_mb >= 200
    doc = ROOT / "docs" / "benchmarks.md" if full else WORK / "benchmarks-quick.md"
    write_section(doc, HEADING, section, header=HEADER)
    print(f"wrote {doc}")
    if not args.keep:
        csv_path.unlink(missing_ok=True)
        store_path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
