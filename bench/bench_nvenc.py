"""``--encoder nvenc`` against ``x264`` on a machine with an NVIDIA GPU: the same ``cut()`` of the
same sources with the ``final`` preset, measured in one run (x264 is the baseline).

For each encoder: the whole cut of 60 s of generated 1080p30 with grain to the four canvases
(wall time, CPU seconds of coulisses and its ffmpeg children, QC), the 10 s *noise* and *film*
sources of ``bench_presets.py`` (QC, VMAF mean and minimum of every variant against the source
cropped and scaled by the render's own chain, as ``quality_cut.py`` measures it), and, for
nvenc, the first clip of each folder of the shared media cut to every platform with QC (as
``quality_cut.py`` does for x264). Results are written to a JSON file as each item finishes, so
a run stopped at its time limit keeps what it measured; ``--doc`` writes the section
"## nvenc on a GPU" of docs/benchmarks.md from such a file.

    python bench/bench_nvenc.py --results OUT.json [--media DIR] [--budget S]
    python bench/bench_nvenc.py --doc OUT.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import bench_cut
import bench_presets
import quality_cut
from docsection import write_section  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "nvenc"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## nvenc on a GPU"
FOUR = ["tiktok", "instagram-feed", "linkedin", "youtube"]
ENCODERS = ("x264", "nvenc")


def cpu_now() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_cut(src: Path, platforms: list[str], encoder: str, out: Path, *, vmaf: bool,
            start: Fraction | None = None, end: Fraction | None = None) -> dict[str, Any]:
    """One ``cut()`` with the final preset; its time, QC and (optionally) VMAF per variant."""
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    options = CutOptions(preset="final", encoder=encoder, extend=True, trim=True,  # type: ignore[arg-type]
                         start=start, end=end)
    cpu0, clock = cpu_now(), time.perf_counter()
    result = cut(src, platforms, out, options=options)
    wall, cpu = time.perf_counter() - clock, cpu_now() - cpu0
    variants = []
    for planned, v in zip(result.plan.variants, result.variants, strict=True):
        m = v.qc.measured
        row: dict[str, Any] = {
            "platform": planned.platform, "passed": v.qc.passed, "reasons": list(v.qc.reasons),
            "canvas": f"{m.get('width')}x{m.get('height')}", "kbps": int(m["kbps"]),
            "size_bytes": int(m["size_bytes"]), "lufs": m.get("lufs"),
            "true_peak": m.get("true_peak"),
            "duration": float(m["duration"])}
        if vmaf:
            log = out / f"{planned.platform}.vmaf.json"
            row["vmaf_mean"], row["vmaf_min"], row["vmaf_frames"] = quality_cut.vmaf(
                v.video, result.plan, planned, log, 1)
        variants.append(row)
    return {"wall": wall, "cpu": cpu, "seconds": float(result.plan.duration),
            "passed": result.passed, "variants": variants}


def machine() -> dict[str, str]:
    try:
        gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                              "--format=csv,noheader"], capture_output=True, text=True,
                             check=False)
        card = gpu.stdout.strip() or gpu.stderr.strip()
    except FileNotFoundError:
        card = "none (no nvidia-smi)"
    version = subprocess.run([quality_cut.ffmpeg(), "-version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[:1]
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cpus": str(os.cpu_count()), "cpu": platform.processor() or platform.machine(),
            "gpu": card, "ffmpeg": "".join(version),
            "python": platform.python_version()}


def measure(results: Path, media: Path, budget: float, encoders_: tuple[str, ...],
            long: bool) -> int:
    from coulisses.errors import UsageError
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.render import encoders

    began = time.perf_counter()
    data: dict[str, Any] = {"machine": machine(), "items": []}

    def save() -> None:
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(data, indent=1), encoding="utf-8")

    try:
        encoders.require_encoder("nvenc", SubprocessRunner())
    except UsageError as exc:
        data["nvenc"] = exc.one_line()
        save()
        print(f"nvenc does not work here: {exc.one_line()}", file=sys.stderr)
        if "nvenc" in encoders_:
            return 2
    else:
        data["nvenc"] = "works"
        save()
    bench_presets.FILM = media / "film" / "clip_01_tears_of_steel.mp4"
    jobs: list[tuple[str, str, Path, list[str], bool, Any, Any]] = []
    if long:
        long_src = bench_cut.make_source(60)
        for enc in encoders_:
            jobs.append(("noise 60 s", enc, long_src, FOUR, False, None, None))
    short = bench_presets.sources(10)
    for name in ("film", "noise"):
        for enc in encoders_:
            jobs.append((f"{name} 10 s", enc, short[name], FOUR, True, None, None))
    from coulisses.platforms.registry import Registry

    every = list(Registry.load())
    for folder in quality_cut.FOLDERS:
        files = sorted(p for p in (media / folder).glob("*")
                       if p.suffix.lower() in quality_cut.VIDEO_SUFFIXES)
        if files:
            rel = f"{folder}/{files[0].name}"
            start, end = quality_cut.SPANS.get(rel, (None, None))
            jobs.append((rel, encoders_[-1], files[0], every, True, start, end))
    for label, enc, src, platforms, with_vmaf, start, end in jobs:
        if time.perf_counter() - began > budget:
            data.setdefault("skipped", []).append(f"{label} {enc}")
            continue
        print(f"{label} {enc} ...", flush=True)
        out = WORK / enc / label.replace("/", "__").replace(" ", "_")
        try:
            row = run_cut(src, platforms, enc, out, vmaf=with_vmaf, start=start, end=end)
        except Exception as exc:  # a bench records a failed item and goes on
            row = {"error": f"{type(exc).__name__}: {exc}"}
        data["items"].append({"label": label, "encoder": enc, **row})
        save()
        print(json.dumps({k: v for k, v in row.items() if k != "variants"}), flush=True)
    return 0


def _f(value: Any, fmt: str = ".1f") -> str:
    return "n/a" if value is None else format(value, fmt)


def section(data: dict[str, Any]) -> str:
    m = data["machine"]
    lines = [SECTION, "",
             "<!-- generated by bench/bench_nvenc.py: do not edit by hand, run the script "
             "again -->",
             "",
             f"- measured: {m['date']} on a lent GPU machine: {m['gpu']}, {m['cpus']} CPUs "
             f"({m['cpu']}), Python {m['python']}",
             f"- {m['ffmpeg']} (the imageio-ffmpeg wheel's binary, the one coulisses ships)",
             "- the same `cut()` with the `final` preset and `--encoder x264` (the baseline, "
             "same run) or `--encoder nvenc` (h264_nvenc: same profile, GOP, B-frames and VBV "
             "cap as x264, `render/graph.py`); QC is the same gate",
             "- sources: 60 s and 10 s of bench_cut's generated 1080p30 with grain (*noise*), "
             "and 10 s of `film/clip_01_tears_of_steel.mp4` upscaled to 1080p30 (*film*), as "
             "bench_presets.py makes them; VMAF as docs/quality.md measures it (libvmaf "
             "vmaf_v0.6.1 against the source span cropped and scaled by the render's own chain, "
             "every frame)",
             ""]
    if data.get("nvenc") != "works" and not data["items"]:
        lines.append(f"h264_nvenc did not work: {data.get('nvenc')}")
        return "\n".join(lines) + "\n"
    lines += ["### Whole cut to the four canvases", "",
              "| source | encoder | wall s | x realtime (wall) | CPU s per source s | QC |",
              "|---|---|---:|---:|---:|---|"]
    for it in data["items"]:
        if "error" in it or it["label"].count("/"):
            continue
        failed = [f"{v['platform']}: {', '.join(v['reasons'])}" for v in it["variants"]
                  if not v["passed"]]
        qc = "passed" if it["passed"] else "FAILED: " + "; ".join(failed)
        lines.append(f"| {it['label']} | {it['encoder']} | {it['wall']:.1f} | "
                     f"{it['seconds'] / it['wall']:.2f} | {it['cpu'] / it['seconds']:.2f} | {qc} |")
    lines += ["", "### VMAF per variant (10 s sources)", "",
              "| source | variant | canvas | x264 mean / min | nvenc mean / min | x264 Mb/s | "
              "nvenc Mb/s |", "|---|---|---|---:|---:|---:|---:|"]
    by = {(it["label"], it["encoder"]): it for it in data["items"] if "error" not in it}
    for name in ("film 10 s", "noise 10 s"):
        x, n = by.get((name, "x264")), by.get((name, "nvenc"))
        if not x or not n:
            continue
        for a, b in zip(x["variants"], n["variants"], strict=True):
            lines.append(f"| {name} | {a['platform']} | {a['canvas']} | "
                         f"{_f(a.get('vmaf_mean'))} / {_f(a.get('vmaf_min'))} | "
                         f"{_f(b.get('vmaf_mean'))} / {_f(b.get('vmaf_min'))} | "
                         f"{a['kbps'] / 1000:.1f} | {b['kbps'] / 1000:.1f} |")
    real = [it for it in data["items"] if it["label"].count("/")]
    if real:
        lines += ["", "### Real clips, every platform, nvenc", "",
                  "| clip | variant | QC | VMAF mean / min | LUFS | true peak | Mb/s |",
                  "|---|---|---|---:|---:|---:|---:|"]
        for it in real:
            if "error" in it:
                lines.append(f"| `{it['label']}` | | error: {it['error']} | | | | |")
                continue
            for v in it["variants"]:
                verdict = "pass" if v["passed"] else "FAIL: " + ", ".join(v["reasons"])
                lines.append(f"| `{it['label']}` | {v['platform']} | {verdict} | "
                             f"{_f(v.get('vmaf_mean'))} / {_f(v.get('vmaf_min'))} | "
                             f"{_f(v['lufs'])} | {_f(v['true_peak'])} | {v['kbps'] / 1000:.1f} |")
    errors = [f"{it['label']} ({it['encoder']}): {it['error']}" for it in data["items"]
              if "error" in it]
    if errors or data.get("skipped"):
        lines += ["", "Not measured: " + "; ".join(errors + [f"{s} (time limit)" for s in
                                                           data.get("skipped", [])])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, default=WORK / "results.json")
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--budget", type=float, default=1e9,
                        help="seconds after which no new item starts")
    parser.add_argument("--encoders", default=",".join(ENCODERS),
                        help="x264,nvenc (default); x264 alone to try the script without a GPU")
    parser.add_argument("--no-long", action="store_true", help="leave out the 60 s cuts")
    parser.add_argument("--doc", type=Path, help="write the docs section from this results file")
    args = parser.parse_args(argv)
    if args.doc is not None:
        data = json.loads(args.doc.read_text(encoding="utf-8"))
        write_section(DOC, SECTION, section(data), bench_cut.BENCH_HEADER)
        print(f"wrote {DOC}")
        return 0
    chosen = tuple(e.strip() for e in args.encoders.split(",") if e.strip() in ENCODERS)
    return measure(args.results, args.media, args.budget, chosen or ENCODERS, not args.no_long)


if __name__ == "__main__":
    sys.exit(main())
