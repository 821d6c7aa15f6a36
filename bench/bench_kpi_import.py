"""Import large generic CSVs into the analytics store, against a plain pandas import.

Generates ``bench/.work/kpi-big.csv`` (daily rows for many posts, French-style numbers with
narrow no-break thousands separators, M:SS durations, ``;``) and its mapping, then runs each
side in its own process (peak memory is that process's VmHWM):

- ``coulisses``: ``Store.import_file`` (DuckDB reads the CSV, SQL normalises it column-wise,
  the staged merge writes it; one transaction, DuckDB memory capped at ``MEMORY_LIMIT``);
- ``pandas``: ``read_csv`` in chunks of 500,000 rows as text, the same normalisation with
  pandas string methods, melted to one row per value and appended to a DuckDB table.

Two files: one of ``--values`` metric values (10 million by default) and one of ``--size-mb``
MB (the report over 10 million rows is ``bench_kpi_report.py``'s). The full run writes
``## Analytics import`` in docs/benchmarks.md; smaller runs write bench/.work/benchmarks-quick.md.

    .venv/bin/python bench/bench_kpi_import.py                              # 10M values, 500 MB
    .venv/bin/python bench/bench_kpi_import.py --values 200000 --size-mb 20 # smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
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


def generate(path: Path, size_mb: float, seed: int = 7) -> int:
    """Write a CSV of about ``size_mb`` MB; return its data rows."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    target = int(size_mb * 1_000_000)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("Day;Post ID;Published;Views;Likes;Comments;Shares;Watch time\n")
        written = 0
        post = 0
        while written < target:
            post += 1
            for offset in range(365):
                views = rng.randint(0, 2_000_000)
                line = (f"{(start + timedelta(days=offset)).isoformat()};p{post:08d};"
                        f"{start + timedelta(days=post % 28)} 18:00;"
                        f"{views:,}".replace(",", "\u202f") + f";{views // 20};{views // 400};"
                        f"{views // 900};{rng.randint(0, 59)}:{rng.randint(0, 59):02d}\n")
                fh.write(line)
                written += len(line.encode("utf-8"))
                rows += 1
                if written >= target:
                    break
    return rows


MAPPING = {"version": 1, "platform": "instagram", "id_column": "Post ID", "date_column": "Day",
           "published_column": "Published",
           "decimal": ",", "delimiter": ";", "metrics": {
               "Views": "views", "Likes": "likes", "Comments": "comments", "Shares": "shares",
               "Watch time": {"metric": "avg_watch_time_s", "kind": "duration"}}}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_coulisses(csv_path: Path, store: Path) -> dict[str, object]:
    from coulisses.kpi.store import open_store

    mapping = WORK / "kpi-big.yaml"
    mapping.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    start = time.perf_counter()
    with open_store(store) as db:
        result = db.import_file(csv_path, mapping=mapping, as_of=date(2026, 1, 1))
        total = db.con.execute("SELECT sum(value) FROM metrics WHERE metric = 'views'"
                               ).fetchone()
    return {"seconds": time.perf_counter() - start, "values": result.values_new,
            "views": total[0] if total else None}


def child_pandas(csv_path: Path, store: Path) -> dict[str, object]:
    """The same import with pandas: text chunks, vectorised string normalisation, long rows
    appended to DuckDB."""
    import duckdb
    import pandas as pd

    start = time.perf_counter()
    con = duckdb.connect(str(store))
    con.execute("CREATE TABLE metrics (platform VARCHAR, post_id VARCHAR, scope VARCHAR, "
                "day DATE, metric VARCHAR, value DOUBLE, source_row BIGINT)")
    names = {"Views": "views", "Likes": "likes", "Comments": "comments", "Shares": "shares",
             "Watch time": "avg_watch_time_s"}
    first_row = 2
    for chunk in pd.read_csv(csv_path, sep=";", dtype=str, chunksize=500_000,
                             keep_default_na=False):
        frame = pd.DataFrame({"post_id": chunk["Post ID"].str.strip(),
                              "day": pd.to_datetime(chunk["Day"], format="%Y-%m-%d").dt.date,
                              "source_row": range(first_row, first_row + len(chunk))})
        first_row += len(chunk)
        for header in ("Views", "Likes", "Comments", "Shares"):
            text = chunk[header].str.replace(r"[\s\u00a0\u202f]", "", regex=True)
            frame[names[header]] = pd.to_numeric(text.str.replace(",", ".", regex=False),
                                                 errors="raise")
        clock = chunk["Watch time"].str.split(":", expand=True).astype(float)
        frame["avg_watch_time_s"] = clock[0] * 60 + clock[1]
        long = frame.melt(id_vars=["post_id", "day", "source_row"],
                          value_vars=list(names.values()), var_name="metric")
        long = long.dropna(subset=["value"])
        long.insert(0, "platform", "instagram")
        long.insert(2, "scope", "daily")
        con.register("chunk", long[["platform", "post_id", "scope", "day", "metric", "value",
                                    "source_row"]])
        con.execute("INSERT INTO metrics SELECT * FROM chunk")
        con.unregister("chunk")
    row = con.execute("SELECT count(*), sum(value) FILTER (WHERE metric = 'views') "
                      "FROM metrics").fetchone()
    con.close()
    assert row is not None
    return {"seconds": time.perf_counter() - start, "values": row[0], "views": row[1]}


def run_child(script: str, args: list[str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, script, *args], check=True, capture_output=True,
                         text=True, cwd=ROOT / "bench")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(size_mb: float, tag: str) -> dict[str, object]:
    """Generate a CSV of ``size_mb`` MB, import it both ways; the numbers of each side."""
    csv_path = WORK / f"kpi-big-{tag}.csv"
    t0 = time.perf_counter()
    rows = generate(csv_path, size_mb)
    made = time.perf_counter() - t0
    out: dict[str, object] = {"rows": rows, "bytes": csv_path.stat().st_size, "made": made}
    for side in ("coulisses", "pandas"):
        store = WORK / f"kpi-import-{tag}-{side}.duckdb"
        store.unlink(missing_ok=True)
        load_start = os.getloadavg()[0]
        result = run_child(__file__, ["--child", side, "--csv", str(csv_path),
                                      "--store", str(store)])
        out[side] = result | {"load": (load_start, os.getloadavg()[0])}
        print(tag, side, out[side], flush=True)
    out["store"] = str(WORK / f"kpi-import-{tag}-coulisses.duckdb")
    csv_path.unlink(missing_ok=True)
    return out


def _load(side: dict[str, object]) -> str:
    load = side.get("load")
    if not isinstance(load, (list, tuple)) or len(load) != 2:
        return "not recorded"
    return f"{float(load[0]):.1f} to {float(load[1]):.1f}"


def table(run: dict[str, object]) -> list[str]:
    ours, theirs = run["coulisses"], run["pandas"]
    assert isinstance(ours, dict) and isinstance(theirs, dict)
    t1, t2 = float(ours["seconds"]), float(theirs["seconds"])
    m1, m2 = float(ours["peak_mb"]), float(theirs["peak_mb"])
    size = float(str(run["bytes"])) / 1e6
    return [
        "| | wall time | MB/s | values/s | peak memory |", "|---|---:|---:|---:|---:|",
        f"| coulisses `kpi import` (DuckDB, staged merge) | {t1:,.1f} s | {size / t1:,.1f} | "
        f"{float(ours['values']) / t1:,.0f} | {m1:,.0f} MB |",
        f"| plain pandas (chunks, string methods, to DuckDB) | {t2:,.1f} s | {size / t2:,.1f} | "
        f"{float(theirs['values']) / t2:,.0f} | {m2:,.0f} MB |",
        f"| ratio pandas / coulisses | {t2 / t1:.1f}x | | | {m2 / m1:.1f}x |", "",
        "Load average (1 min) at the start and end of each side: coulisses "
        f"{_load(ours)}, pandas {_load(theirs)}; the machine is shared, so a side run under "
        "more load looks slower than it is.", "",
        f"Both store {int(ours['values']):,} values and the same total of views "
        f"({float(ours['views']):,.0f} against {float(theirs['views']):,.0f}).", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=10_000_000)
    parser.add_argument("--size-mb", type=float, default=500)
    parser.add_argument("--child", choices=("coulisses", "pandas"))
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        fn = child_coulisses if args.child == "coulisses" else child_pandas
        result = fn(args.csv, args.store)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    small = measure(args.values / 5 * 71 / 1e6, "values")  # ~71 bytes a row, 5 values a row
    big = measure(args.size_mb, "size")
    ours_big = big["coulisses"]
    assert isinstance(ours_big, dict)
    per_gb = float(ours_big["seconds"]) / (float(str(big["bytes"])) / 1e9)
    section = "\n".join([
        HEADING, "",
        f"- measured: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- command: `python bench/bench_kpi_import.py --values {args.values} --size-mb "
        f"{args.size_mb:g}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work, Linux "
        f"{platform.release()}, Python {platform.python_version()}; each side in its own "
        "process, peak memory is its VmHWM",
        "- input: generic CSV (`;`, narrow no-break thousands separators, M:SS durations), "
        "daily rows of posts, 5 metrics a row, imported with a mapping", "",
        f"### {int(str(small['rows'])) * 5:,} metric values "
        f"({float(str(small['bytes'])) / 1e6:,.0f} MB), imported", "", *table(small),
        "The report over 10 million metric rows is measured by `bench/bench_kpi_report.py` "
        "(`## KPI report at scale`).", "",
        f"### A {float(str(big['bytes'])) / 1e6:,.0f} MB CSV ({int(str(big['rows'])):,} rows)",
        "", *table(big),
        f"At this rate a 2 GB export takes about {per_gb * 2 / 60:,.0f} min on this machine "
        "(the time grows linearly with the file; memory does not: DuckDB spills to a staging "
        "database beside the store past its memory limit).", ""])
    full = args.values >= 10_000_000 and args.size_mb >= 500
    doc = ROOT / "docs" / "benchmarks.md" if full else WORK / "benchmarks-quick.md"
    write_section(doc, HEADING, section, header=HEADER)
    print(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
