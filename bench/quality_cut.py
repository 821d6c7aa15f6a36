"""Quality of ``coulisses.render.cut.cut`` on real footage: rewrites the "## Cut engine" section
of ``docs/quality.md`` and leaves every other section of that file as it is.

One clip of each video folder of ``../shared/media`` (the first file in alphabetical order, so
the choice is not picked to flatter) is cut to every platform, with the draft and the final
preset, ``extend`` and ``trim`` on. For each output: QC verdict, integrated loudness and true
peak against the platform's target, duration against the plan, the offset between the first
video and audio samples, size, bitrate, and VMAF against the source span put through the same
normalisation, crop and scale as the render, never encoded.

    .venv/bin/python bench/quality_cut.py [--presets draft,final] [--no-vmaf]
        [--vmaf-subsample N] [--doc docs/quality.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from docsection import write_section  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "media"
WORK = ROOT / "bench" / ".work" / "quality"
DOC = ROOT / "docs" / "quality.md"
RESULTS = WORK / "results.json"  # the last run's numbers, for --from-results
SECTION = "## Cut engine"
FOLDERS = ("grid", "asl", "film", "people")
VIDEO_SUFFIXES = (".mpg", ".mkv", ".mp4", ".mov", ".webm")
# the 139 s people clip is cut over a 20 s span (people in the room) to keep the final-preset
# renders and the VMAF passes to minutes; the full clip is cut, with --trim, by the tests
SPANS: dict[str, tuple[Fraction, Fraction]] = {
    "people/one-by-one-person-detection.mp4": (Fraction(40), Fraction(60)),
}


@dataclass
class Row:
    platform: str
    preset: str
    passed: bool
    reasons: list[str]
    warnings: list[str]
    canvas: str
    fps: float
    lufs: float | None
    true_peak: float | None
    target_lufs: float
    tolerance_lu: float
    ceiling_dbtp: float
    silent: bool
    planned_s: float
    measured_s: float
    hold_s: float
    av_offset_ms: float | None
    size_bytes: int
    kbps: int
    vmaf_mean: float | None = None
    vmaf_min: float | None = None
    vmaf_frames: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ClipRun:
    rel: str
    preset: str
    seconds: dict[str, float]
    wall_s: float
    span: tuple[float, float]
    rows: list[Row]


def ffmpeg() -> str:
    from coulisses.media.ffmpeg import ffmpeg_exe

    return ffmpeg_exe()


def pick_clips() -> list[str]:
    """The first video file of each folder, as paths relative to the shared folder."""
    clips = []
    for folder in FOLDERS:
        files = sorted(p for p in (SHARED / folder).iterdir()
                       if p.suffix.lower() in VIDEO_SUFFIXES)
        if files:
            clips.append(f"{folder}/{files[0].name}")
    return clips


def stream_starts(path: Path) -> tuple[float | None, float | None]:
    """Start times (s) of the first video and audio streams, as a player reads them."""
    import av

    with av.open(str(path)) as c:
        def start(kind: str) -> float | None:
            streams = [s for s in c.streams if s.type == kind]
            if not streams or streams[0].start_time is None:
                return None
            return float(streams[0].start_time * streams[0].time_base)

        return start("video"), start("audio")


def reference_chain(plan: Any, variant: Any) -> str:
    """The render's own filter chain for one variant (common chain, frame rate, held frame,
    crop, scale, pixel format), fed from input 1 and never encoded: the VMAF reference."""
    from coulisses.render import graph

    common = [f for f in graph.common_chain(plan) if not f.startswith("fps=")]
    head = ",".join(["setpts=PTS-STARTPTS", *common])
    body = graph.variant_chain(variant, "refin", "ref", common_rate=False)
    return ";".join([f"[1:v]{head}[refin]", *body])


def vmaf(output: Path, plan: Any, variant: Any, log: Path, subsample: int) -> tuple[
        float, float, int]:
    """(mean, min, frames) VMAF of ``output`` against the source span cropped the same way."""
    graph_text = (f"[0:v]setpts=PTS-STARTPTS,format=yuv420p,setsar=1[dist];"
                  f"{reference_chain(plan, variant)};"
                  f"[dist][ref]libvmaf=log_fmt=json:log_path={log.name}:"
                  f"n_threads={os.cpu_count() or 1}:n_subsample={subsample}:shortest=1")
    argv = [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-i", f"file:{output}",
            "-ss", f"{float(plan.start):.6f}", "-t", f"{float(plan.duration):.6f}",
            "-i", f"file:{plan.source}",
            "-filter_complex", graph_text, "-f", "null", "-"]
    subprocess.run(argv, check=True, cwd=log.parent, capture_output=True)
    data = json.loads(log.read_text())
    pooled = data["pooled_metrics"]["vmaf"]
    return float(pooled["mean"]), float(pooled["min"]), len(data.get("frames", []))


def run_clip(rel: str, preset: str, with_vmaf: bool, subsample: int) -> ClipRun:
    from coulisses.platforms.registry import Registry
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions

    registry = Registry.load()
    platforms = list(registry)
    start, end = SPANS.get(rel, (None, None))
    out = WORK / preset / rel.replace("/", "__")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    options = CutOptions(preset=preset, extend=True, trim=True, start=start, end=end)  # type: ignore[arg-type]
    clock = time.perf_counter()
    result = cut(SHARED / rel, platforms, out, options=options)
    wall = time.perf_counter() - clock
    silent = result.plan.loudness is None or result.plan.loudness.is_silent
    rows = []
    for planned, v in zip(result.plan.variants, result.variants, strict=True):
        spec = registry[planned.platform]
        m = v.qc.measured
        video_start, audio_start = stream_starts(v.video)
        offset = None if video_start is None or audio_start is None else (
            (video_start - audio_start) * 1000)
        row = Row(
            platform=planned.platform, preset=preset, passed=v.qc.passed,
            reasons=list(v.qc.reasons), warnings=list(v.qc.warnings),
            canvas=f"{m.get('width')}x{m.get('height')}", fps=float(m.get("fps", 0)),
            lufs=m.get("lufs"), true_peak=m.get("true_peak"),
            target_lufs=spec.loudness.integrated_lufs, tolerance_lu=spec.loudness.tolerance_lu,
            ceiling_dbtp=spec.loudness.true_peak_dbtp, silent=silent,
            planned_s=float(planned.duration), measured_s=float(m["duration"]),
            hold_s=float(planned.hold), av_offset_ms=offset,
            size_bytes=int(m["size_bytes"]), kbps=int(m["kbps"]), notes=list(v.notes))
        if with_vmaf:
            log = out / f"{planned.platform}.vmaf.json"
            row.vmaf_mean, row.vmaf_min, row.vmaf_frames = vmaf(v.video, result.plan, planned,
                                                                log, subsample)
        rows.append(row)
        print(f"  {rel} {preset} {planned.platform}: {'PASS' if row.passed else 'FAIL'} "
              f"vmaf={row.vmaf_mean}", flush=True)
    return ClipRun(rel=rel, preset=preset, seconds=dict(result.seconds), wall_s=wall,
                   span=(float(result.plan.start), float(result.plan.duration)), rows=rows)


# ---------------------------------------------------------------------------------------------
# the report


def manifest() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    if not (SHARED / "MANIFEST.tsv").is_file():
        return rows
    lines = (SHARED / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    for line in lines[1:]:
        if line.strip():
            rows[line.split("\t")[0]] = dict(zip(header, line.split("\t"), strict=False))
    return rows


def _num(value: float | None, fmt: str = ".1f") -> str:
    return "n/a" if value is None else format(value, fmt)


def _loudness_cell(r: Row) -> str:
    if r.lufs is None:
        return "no audio"
    if r.lufs <= -60:
        return f"silent ({r.lufs:g})" + (", as the source" if r.silent else "")
    off = r.lufs - r.target_lufs
    mark = "" if abs(off) <= r.tolerance_lu else " **out**"
    return f"{r.lufs:.1f} ({off:+.1f}){mark}"


def _peak_cell(r: Row) -> str:
    if r.true_peak is None or (r.lufs is not None and r.lufs <= -60):
        return "n/a"
    mark = "" if r.true_peak <= r.ceiling_dbtp + 0.05 else " **over**"
    return f"{r.true_peak:.1f}{mark}"


def _vmaf_cell(r: Row) -> str:
    if r.vmaf_mean is None:
        return "not run"
    return f"{r.vmaf_mean:.1f} / {r.vmaf_min:.1f}"


def clip_table(runs: list[ClipRun]) -> list[str]:
    first = runs[0].rows[0]
    lines = [
        f"Loudness target {first.target_lufs:g} LUFS ± {first.tolerance_lu:g} LU, true-peak "
        f"ceiling {first.ceiling_dbtp:g} dBTP on every platform.",
        "",
        "| platform | preset | QC | canvas | fps | LUFS (vs target) | dBTP | planned s "
        "| duration error ms | video starts after audio, ms | size kB | kb/s | VMAF mean / min |",
        "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    by_platform: dict[str, list[Row]] = {}
    for run in runs:
        for r in run.rows:
            by_platform.setdefault(r.platform, []).append(r)
    for platform_id, rows in by_platform.items():
        for r in rows:
            err = (r.measured_s - r.planned_s) * 1000
            held = f" (held {r.hold_s:.2f})" if r.hold_s else ""
            lines.append(
                f"| {platform_id} | {r.preset} | {'pass' if r.passed else '**FAIL**'} "
                f"| {r.canvas} | {r.fps:g} | {_loudness_cell(r)} | {_peak_cell(r)} "
                f"| {r.planned_s:.3f}{held} "
                f"| {err:+.0f} | {_num(r.av_offset_ms, '.0f')} | {r.size_bytes / 1000:.0f} "
                f"| {r.kbps} | {_vmaf_cell(r)} |")
    grouped: dict[str, list[str]] = {}
    for run in runs:
        for r in run.rows:
            for reason in r.reasons:
                grouped.setdefault(reason, []).append(f"{r.platform} ({r.preset})")
    if grouped:
        lines += ["", "QC failures, by reason:", ""]
        lines += [f"- {reason}: {', '.join(where)}" for reason, where in grouped.items()]
    # quieter than the target with the true peak already near the ceiling: the gain was
    # stopped by the peak (linear normalisation, no limiter), not by a measurement error
    peak_bound = [r for run in runs for r in run.rows
                  if r.lufs is not None and r.true_peak is not None and r.lufs > -60
                  and r.lufs < r.target_lufs - r.tolerance_lu
                  and r.true_peak >= r.ceiling_dbtp - 1.0]
    if peak_bound:
        worst = min(peak_bound, key=lambda r: r.lufs or 0.0)
        lines += ["", f"{len(peak_bound)} outputs are quieter than the target while their "
                  f"true peak is within 1 dB of the ceiling (worst: {worst.lufs:g} LUFS at "
                  f"{worst.true_peak:g} dBTP): the source's peak-to-loudness ratio is higher "
                  "than target and ceiling allow, and linear gain stops at the ceiling; "
                  "reaching the target needs a true-peak limiter."]
    return lines


def render_section(runs: list[ClipRun], meta: dict[str, str], with_vmaf: bool,
                   subsample: int) -> str:
    credits = manifest()
    clips = list(dict.fromkeys(run.rel for run in runs))
    total = sum(len(run.rows) for run in runs)
    passed = sum(r.passed for run in runs for r in run.rows)
    out = [
        SECTION,
        "",
        "<!-- generated by bench/quality_cut.py: edit the script, not this section; other "
        "sections of this file are kept as they are -->",
        "",
        f"Generated {meta['date']} by `.venv/bin/python bench/quality_cut.py` with coulisses "
        f"{meta['version']}, {meta['ffmpeg']}, on {meta['machine']} "
        f"(load average {meta['load']} when it started, {meta.get('load_end', '?')} when it "
        "ended: timings are wall clock on that machine and move with its load, quality "
        "numbers do not).",
        "",
        f"**{passed} of {total} outputs pass their platform's QC.** One clip of each video "
        "folder of `../shared/media` (the first file in alphabetical order), cut to all "
        f"{len(runs[0].rows)} platforms in one render per preset, with `extend` and `trim` on. "
        "Speech files are audio-only: `cut` refuses them with `NoVideoError` (tested in "
        "`tests/test_real_media.py`, which also cuts every file of the folder with the "
        "draft preset).",
        "",
        "How to read the tables:",
        "",
        "- **LUFS (vs target)**: integrated loudness of the output (EBU R128, ffmpeg "
        "`ebur128`), and its distance to the platform's target; silent sources stay silent.",
        "- **dBTP**: true peak of the output (4x oversampled).",
        "- **duration error**: container duration of the output minus the planned duration "
        "(`planned s`, which includes any last frame held by `extend`).",
        "- **video starts after audio**: start time of the video stream minus that of the "
        "audio stream, as a player without edit lists reads them (outputs are written with "
        "`-use_editlist 0`); positive means the picture is late against the sound.",
        "- **VMAF mean / min**: "
        + ("libvmaf (model vmaf_v0.6.1, the default) of each output against a reference "
           "made from the same source span by the render's own filter chain for that "
           "variant (square pixels, frame rate, held last frame, crop window, bicubic scale "
           "to the output size: half the canvas for draft), never encoded. It measures what "
           "the encode loses (x264 preset, CRF, maxrate cap), not what the crop leaves out of "
           "the frame nor the loss of upscaling a small source. Calibration: the same path "
           "with x264 at CRF 1 scores 98 to 100 on the GRID, ASL and film clips, so the "
           "reference and the output line up frame for frame. "
           + (f"One frame in {subsample} is scored. " if subsample > 1 else "")
           if with_vmaf else "not run (`--no-vmaf`)."),
        "",
        "### Summary",
        "",
        "| clip | preset | span s | outputs passing QC | VMAF mean (lowest variant) | "
        "render s | check s |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for run in runs:
        scores = [r.vmaf_mean for r in run.rows if r.vmaf_mean is not None]
        vm = f"{sum(scores) / len(scores):.1f} ({min(scores):.1f})" if scores else "not run"
        out.append(f"| {run.rel} | {run.preset} | {run.span[0]:g} + {run.span[1]:g} "
                   f"| {sum(r.passed for r in run.rows)} / {len(run.rows)} | {vm} "
                   f"| {run.seconds.get('render', 0):.1f} | {run.seconds.get('check', 0):.1f} |")
    for rel in clips:
        clip_runs = [run for run in runs if run.rel == rel]
        entry = credits.get(rel, {})
        out += ["", f"### {rel}", "",
                f"Source: {entry.get('source', 'unknown')}; licence: "
                f"{entry.get('licence', 'unknown')}. Span {clip_runs[0].span[0]:g} s + "
                f"{clip_runs[0].span[1]:g} s.", ""]
        out += clip_table(clip_runs)
    out += ["", "### Credits", "",
            "The footage above was recorded by other people and is shown here under its "
            "licence:", ""]
    for rel in clips:
        entry = credits.get(rel, {})
        licence = entry.get("licence", "unknown")
        flag = "CC-BY" if "CC-BY" in licence else "not CC-BY"
        out.append(f"- `{rel}` ({flag}): {licence}; from {entry.get('source', 'unknown')}.")
    out += ["- GRID: M. Cooke, J. Barker, S. Cunningham, X. Shao, \"An audio-visual corpus for "
            "speech perception and automatic speech recognition\", JASA 120(5), 2006 "
            "(CC-BY 4.0).",
            "- ASL and people clips: Intel IoT devkit sample videos (CC-BY 4.0).",
            "- Film excerpts: (CC) Blender Foundation, mango.blender.org (Tears of Steel), "
            "caminandes.com, durian.blender.org (Sintel), CC-BY 3.0.", ""]
    return "\n".join(out)


def write_doc(section: str, doc: Path) -> None:
    """Replace the "## Cut engine" section (up to the next "## " heading), or add it."""
    write_section(doc, SECTION, section)
    # write_section's temporary file is created 0600 (mkstemp): give the doc the usual mode
    umask = os.umask(0)
    os.umask(umask)
    doc.chmod(0o666 & ~umask)


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def save_results(runs: list[ClipRun], info: dict[str, str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": info, "runs": [asdict(r) for r in runs]}, indent=1),
                    encoding="utf-8")


def load_results(path: Path) -> tuple[list[ClipRun], dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    runs = []
    for raw in data["runs"]:
        raw["rows"] = [Row(**row) for row in raw["rows"]]
        raw["span"] = tuple(raw["span"])
        runs.append(ClipRun(**raw))
    return runs, data["meta"]


def meta() -> dict[str, str]:
    from coulisses import __version__

    version = subprocess.run([ffmpeg(), "-hide_banner", "-version"], capture_output=True,
                             text=True, check=True).stdout.split("\n")[0]
    load = load_average()
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "version": __version__, "ffmpeg": " ".join(version.split()[:3]),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "load": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default="draft,final")
    parser.add_argument("--clips", default="", help="comma-separated paths under shared/media "
                        "(default: the first video of each folder)")
    parser.add_argument("--no-vmaf", action="store_true")
    parser.add_argument("--vmaf-subsample", type=int, default=1)
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--from-results", type=Path, nargs="?", const=RESULTS, default=None,
                        help="rewrite the doc from a saved run (default bench/.work/quality/"
                        "results.json) instead of cutting again")
    args = parser.parse_args(argv)
    if args.from_results is not None:
        runs, info = load_results(args.from_results)
        with_vmaf = any(r.vmaf_mean is not None for run in runs for r in run.rows)
        write_doc(render_section(runs, info, with_vmaf, int(info.get("subsample", 1))),
                  args.doc)
        print(f"wrote {args.doc} from {args.from_results}")
        return 0
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: nothing to measure", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    lock = (WORK / ".lock").open("w")
    try:  # two runs would delete each other's outputs in the shared work folder
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"another quality_cut.py run holds {WORK}: wait for it", file=sys.stderr)
        return 3
    clips = [c.strip() for c in args.clips.split(",") if c.strip()] or pick_clips()
    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    info = meta()
    runs = []
    for rel in clips:
        for preset in presets:
            print(f"{rel} ({preset})", flush=True)
            runs.append(run_clip(rel, preset, not args.no_vmaf, args.vmaf_subsample))
    info["load_end"] = load_average()
    info["subsample"] = str(args.vmaf_subsample)
    save_results(runs, info, RESULTS)
    write_doc(render_section(runs, info, not args.no_vmaf, args.vmaf_subsample), args.doc)
    print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
