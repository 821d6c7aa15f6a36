"""Benchmark of ``coulisses.render.cut.cut``: one source, four canvases, against baselines.

Every job runs in a fresh Python subprocess of this script (``--child``) so that its wall time,
CPU time and peak memory are its own. Ratios are taken against baselines measured in the same
run; the report is written to ``docs/benchmarks.md`` (``--quick``: ``bench/.work/``).

    python bench/bench_cut.py [--seconds 60] [--quick] [--skip-moviepy]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from docsection import write_section  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
DOC = ROOT / "docs" / "benchmarks.md"
CUT_HEADING = "## `cut`: one source to four canvases in one ffmpeg pass"
BENCH_HEADER = ("# Benchmarks\n\nMeasured speed and memory of coulisses. Each section is written "
                "by the `bench/` script it names; run that script again to refresh it.\n")
QUICK_DOC = WORK / "benchmarks-quick.md"
PLATFORMS = "tiktok,instagram-feed,linkedin,youtube"
JOBS = ("decode", "floor", "final", "separate", "draft", "separate-draft", "moviepy")
TARGETS = {  # measure -> (bound, "max" or "min")
    "final total / separate": (0.6, "max"),
    "final total / floor": (1.10, "max"),
    "draft realtime": (2.0, "min"),
    "final peak RSS MB": (1536.0, "max"),
    "draft peak RSS MB": (1536.0, "max"),
}


# ---------------------------------------------------------------------------------------------
# the source


def ffmpeg() -> str:
    from coulisses.media.ffmpeg import ffmpeg_exe

    return ffmpeg_exe()


def make_source(seconds: int) -> Path:
    """A 1920x1080 30 fps H.264 + stereo AAC clip with grain, made once and cached."""
    path = WORK / f"source-{seconds}s-v3.mp4"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    # moving test pattern with temporal grain (not trivially compressible), tagged BT.709 like
    # a phone's file (scale converts untagged HD as if it were BT.601, which costs CPU)
    video = (f"testsrc2=size=1920x1080:rate=30:duration={seconds},noise=alls=6:allf=t,"
             "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv")
    # two tones with a slow swell plus noise, one per channel
    left = "0.25*sin(2*PI*440*t)*(0.6+0.4*sin(2*PI*0.5*t))+0.05*(2*random(0)-1)"
    right = "0.25*sin(2*PI*660*t)*(0.6+0.4*sin(2*PI*0.3*t))+0.05*(2*random(1)-1)"
    audio = f"aevalsrc=exprs={left}|{right}:s=48000:d={seconds}"
    argv = [ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio,
            "-map", "0:v", "-map", "1:a", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "60",
            "-maxrate", "16M", "-bufsize", "32M",  # a phone camera's bitrate
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k",
            "-movflags", "+faststart", str(tmp)]
    print(f"generating the {seconds} s source (once) ...", flush=True)
    subprocess.run(argv, check=True)
    tmp.replace(path)
    return path


# ---------------------------------------------------------------------------------------------
# the jobs (run inside a child process)


def _plan(src: Path, preset: str) -> Any:
    """The plan ``cut`` renders, built the same way (probe, loudness measured once)."""
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.media.probe import probe
    from coulisses.platforms.registry import Registry
    from coulisses.render import loudness
    from coulisses.render.plan import CutOptions, build_plan

    info = probe(src)
    specs = Registry.load().select(PLATFORMS)
    opts = CutOptions(preset=preset)  # type: ignore[arg-type]
    draft = build_plan(info, specs, opts, None, "bench")
    assert info.main_audio is not None
    measured = loudness.measure(SubprocessRunner(), info.path, draft.start, draft.duration,
                                info.main_audio.index)
    return build_plan(info, specs, opts, measured, "bench")


def cpu_now() -> float:
    """CPU seconds used so far by this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def job_cut(src: Path, out: Path, preset: str) -> dict[str, float]:
    from coulisses.render.cut import cut
    from coulisses.render.plan import CutOptions

    marks: dict[str, float] = {}

    def progress(stage: str, done: float) -> None:
        # a child's CPU time is counted once it has exited: the loudness pass has when
        # rendering starts, the render has when checking starts
        marks.setdefault(stage, cpu_now())

    cpu0, clock = cpu_now(), time.perf_counter()
    result = cut(src, PLATFORMS, out, options=CutOptions(preset=preset),  # type: ignore[arg-type]
                 progress=progress)
    wall, cpu1 = time.perf_counter() - clock, cpu_now()
    if not result.passed:
        failed = [f"{v.platform}: {v.qc.reasons}" for v in result.variants if not v.qc.passed]
        print(f"warning: QC failed: {failed}", file=sys.stderr)
    render, check = marks["rendering"], marks["checking"]
    return {"wall": wall, **{k: float(v) for k, v in result.seconds.items()},
            "cpu": cpu1 - cpu0, "cpu prepare": render - cpu0, "cpu render": check - render,
            "cpu check": cpu1 - check}


def job_separate(src: Path, out: Path, preset: str) -> dict[str, float]:
    """One ffmpeg command per variant: same plan, same filters, same encoder settings."""
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.render import graph

    plan = _plan(src, preset)
    run = SubprocessRunner()
    out.mkdir(parents=True)
    parts: dict[str, float] = {}
    cpu, clock = cpu_now(), time.perf_counter()
    for v in plan.variants:
        one = dataclasses.replace(plan, variants=(v,))
        start = time.perf_counter()
        run.run(graph.to_command(one, [out / f"{v.platform}.mp4"], out))
        parts[v.platform] = time.perf_counter() - start
    return {"wall": time.perf_counter() - clock, "cpu": cpu_now() - cpu, **parts}


def floor_command(plan: Any, out: Path) -> Any:
    """One plain ffmpeg: split + scale to each canvas, the same encoder and muxer options."""
    from coulisses.media.ffmpeg import Command
    from coulisses.media.inputs import ffmpeg_input
    from coulisses.render import graph

    n = len(plan.variants)
    labels = "".join(f"[s{i}]" for i in range(n))
    chains = [f"[0:v:0]split={n}{labels}"]
    chains += [f"[s{i}]scale={v.width}:{v.height}[v{i}]" for i, v in enumerate(plan.variants)]
    args = [*ffmpeg_input(plan.source), "-filter_complex", ";".join(chains)]
    for i, v in enumerate(plan.variants):
        opts = graph.output_args(plan, v, i, out / f"{v.platform}.mp4")
        opts[opts.index(f"[a{i}]")] = "0:a:0"  # the source's audio, no filter
        args += opts
    return Command(args=tuple(args), label="floor")


def job_floor(src: Path, out: Path) -> dict[str, float]:
    from coulisses.media.ffmpeg import SubprocessRunner

    plan = _plan(src, "final")
    out.mkdir(parents=True)
    command = floor_command(plan, out)
    cpu, clock = cpu_now(), time.perf_counter()
    SubprocessRunner().run(command)
    return {"wall": time.perf_counter() - clock, "cpu": cpu_now() - cpu}


def job_decode(src: Path) -> dict[str, float]:
    """Decoding the source and nothing else: what a single pass saves per extra run."""
    from coulisses.media.ffmpeg import Command, SubprocessRunner
    from coulisses.media.inputs import ffmpeg_input

    cpu, clock = cpu_now(), time.perf_counter()
    SubprocessRunner().run(Command(args=(*ffmpeg_input(src), "-f", "null", "-")))
    return {"wall": time.perf_counter() - clock, "cpu": cpu_now() - cpu}


def job_moviepy(src: Path, out: Path) -> dict[str, float]:
    """The same job in MoviePy 2: crop to each aspect, resize, write H.264 + AAC."""
    os.environ.setdefault("FFMPEG_BINARY", ffmpeg())
    from moviepy import VideoFileClip

    plan = _plan(src, "final")
    out.mkdir(parents=True)
    parts: dict[str, float] = {}
    cpu, clock = cpu_now(), time.perf_counter()
    with VideoFileClip(str(src)) as clip:
        for v in plan.variants:
            start = time.perf_counter()
            e = v.video
            k = v.crop.keyframes[0]
            part = clip.cropped(x1=k.x, y1=k.y, width=v.crop.width, height=v.crop.height)
            part = part.resized((v.width, v.height))
            part.write_videofile(
                str(out / f"{v.platform}.mp4"), fps=float(v.frame_rate), codec="libx264",
                preset=e.preset, audio_codec="aac", audio_bitrate=f"{v.audio.bitrate_kbps}k",
                audio_fps=v.audio.sample_rate, threads=2, logger=None,
                ffmpeg_params=["-crf", str(e.crf), "-maxrate", f"{e.maxrate_kbps}k",
                               "-bufsize", f"{e.bufsize_kbps}k", "-profile:v", e.profile,
                               "-g", str(e.gop), "-keyint_min", str(e.gop),
                               "-sc_threshold", "0", "-bf", str(e.bframes),
                               "-x264-params", e.x264_params,
                               "-pix_fmt", "yuv420p", "-movflags", "+faststart"])
            parts[v.platform] = time.perf_counter() - start
    return {"wall": time.perf_counter() - clock, "cpu": cpu_now() - cpu, **parts}


def child(job: str, src: Path, out: Path, result: Path) -> None:
    if job == "final":
        timings = job_cut(src, out, "final")
    elif job == "draft":
        timings = job_cut(src, out, "draft")
    elif job == "separate":
        timings = job_separate(src, out, "final")
    elif job == "separate-draft":
        timings = job_separate(src, out, "draft")
    elif job == "floor":
        timings = job_floor(src, out)
    elif job == "decode":
        timings = job_decode(src)
    elif job == "moviepy":
        timings = job_moviepy(src, out)
    else:
        raise SystemExit(f"unknown job {job}")
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.write_text(json.dumps({
        "timings": timings,
        "maxrss_self_mb": me.ru_maxrss / 1024, "maxrss_children_mb": kids.ru_maxrss / 1024,
        "cpu_s": timings.pop("cpu"),  # around the timed part only, like the wall time
        "cpu_process_s": cpu_now(),  # the whole process (imports and planning too)
    }))


# ---------------------------------------------------------------------------------------------
# measuring (parent)


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants right now, in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree) / 2**20


def _busy_jiffies() -> int:
    """Busy CPU jiffies of the whole machine since boot (all CPUs)."""
    with open("/proc/stat") as fh:
        values = [int(x) for x in fh.readline().split()[1:8]]
    return sum(values) - values[3] - values[4]


MEASURED_CODE = ("src/coulisses/render", "src/coulisses/media", "src/coulisses/platforms")


def src_state() -> str:
    """The code measured: git HEAD, how many files differ from it, a hash of the code a cut runs.

    The hash covers ``MEASURED_CODE`` only, so that edits elsewhere in src/ do not split runs.
    """
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else "?"

    digest = hashlib.sha256()
    for path in sorted(p for d in MEASURED_CODE for p in (ROOT / d).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    changed = len([ln for ln in git("status", "--porcelain", "--", "src").splitlines() if ln])
    head = git("rev-parse", "--short", "HEAD")
    return f"{head} + {changed} changed files, {digest.hexdigest()[:12]}"


def result_path(job: str, seconds: int) -> Path:
    return WORK / f"result-{seconds}s-{job}.json"


def wait_quiet(limit_s: float, threshold: float = 0.25) -> float:
    """Wait (at most ``limit_s``) until other processes use under ``threshold`` of the CPUs.

    Returns the share of the CPUs they used in the last 3 s looked at.
    """
    ticks, ncpu = os.sysconf("SC_CLK_TCK"), os.cpu_count() or 1
    deadline = time.monotonic() + limit_s
    while True:
        before = _busy_jiffies()
        time.sleep(3)
        share = (_busy_jiffies() - before) / ticks / 3 / ncpu
        if share < threshold or time.monotonic() >= deadline:
            return share
        print(f"  machine busy ({share:.0%} of the CPUs used by others), waiting ...", flush=True)


def measure(job: str, src: Path, seconds: int, quiet_s: float = 0) -> dict[str, Any]:
    out = WORK / f"out-{job}"
    shutil.rmtree(out, ignore_errors=True)
    result = result_path(job, seconds)
    result.unlink(missing_ok=True)
    log = WORK / f"log-{job}.txt"
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", job, "--src", str(src),
            "--out", str(out), "--result", str(result)]
    if quiet_s > 0:
        wait_quiet(quiet_s)
    state = src_state()
    print(f"[{job}] running ({state}) ...", flush=True)
    busy0 = _busy_jiffies()
    clock = time.perf_counter()
    with log.open("w") as fh:
        proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.25):
                peak[0] = max(peak[0], _tree_rss_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    process_wall = time.perf_counter() - clock
    busy1 = _busy_jiffies()
    if code != 0:
        raise SystemExit(f"[{job}] failed (exit {code}); see {log}")
    data = json.loads(result.read_text())
    shutil.rmtree(out, ignore_errors=True)
    data["seconds"] = seconds
    data["src"] = state
    data["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    data["argv"] = sys.argv[1:]
    # share of the machine's CPU used by the job vs everything else during the run
    ticks = os.sysconf("SC_CLK_TCK")
    ncpu = os.cpu_count() or 1
    machine_busy = (busy1 - busy0) / ticks
    data["process_wall"] = process_wall
    data["peak_tree_mb"] = peak[0]
    data["other_load"] = max(0.0, machine_busy - data["cpu_process_s"]) / process_wall / ncpu
    wall = data["timings"]["wall"]
    data["realtime"] = seconds / wall
    data["realtime_ceiling"] = seconds / (data["cpu_s"] / ncpu)
    result.write_text(json.dumps(data, indent=1))  # for --report-only
    print(f"[{job}] {wall:.1f} s wall, {data['cpu_s']:.1f} s CPU, "
          f"{data['realtime']:.2f}x realtime, peak {peak[0]:.0f} MB, "
          f"other load {data['other_load']:.0%}", flush=True)
    return data


# ---------------------------------------------------------------------------------------------
# the report


def machine() -> dict[str, str]:
    model = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    version = subprocess.run([ffmpeg(), "-version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0]
    import moviepy

    return {"cpus": str(os.cpu_count()), "cpu": model, "ram": f"{mem_kb / 2**20:.1f} GiB",
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "ffmpeg": version,
            "moviepy": moviepy.__version__}


Pair = tuple[float | None, float | None]  # (wall-time value, CPU-time value)


def ratios(r: dict[str, dict[str, Any]]) -> dict[str, Pair]:
    """Each compared measure, on wall time and on CPU time."""
    out: dict[str, Pair] = {}

    def pair(a: str, a_part: str, b: str, b_part: str = "") -> Pair:
        ta, tb = r[a]["timings"], r[b]["timings"]
        wall = ta[a_part or "wall"] / tb[b_part or "wall"]
        ca = ta["cpu " + a_part] if a_part else r[a]["cpu_s"]
        return wall, ca / r[b]["cpu_s"]

    for base in ("separate", "floor", "moviepy"):
        if base in r:
            out[f"final total / {base}"] = pair("final", "", base)
            out[f"final render / {base}"] = pair("final", "render", base)
    if "separate-draft" in r and "draft" in r:
        out["draft total / separate-draft"] = pair("draft", "", "separate-draft")
        out["draft render / separate-draft"] = pair("draft", "render", "separate-draft")
    if "decode" in r and "separate" in r:
        # the most a single pass can save over separate runs is the three extra decodes
        out["best possible single pass / separate"] = (
            None, 1 - 3 * r["decode"]["cpu_s"] / r["separate"]["cpu_s"])
    for job in ("final", "draft"):
        if job in r:
            out[f"{job} realtime"] = (r[job]["realtime"], r[job]["realtime_ceiling"])
    for job in ("final", "draft"):
        if job in r:
            out[f"{job} peak RSS MB"] = (r[job]["peak_tree_mb"], None)
    return out


def verdict(name: str, value: float | None) -> str:
    if name not in TARGETS or value is None:
        return ""
    bound, kind = TARGETS[name]
    ok = value <= bound if kind == "max" else value >= bound
    return "met" if ok else "**not met**"


DESCRIPTIONS = {
    "decode": "ffmpeg decoding the source to `-f null` (video and audio), nothing else",
    "floor": "1 ffmpeg run: `split` + `scale=W:H` per output, the same encoder and muxer "
             "options, the source audio encoded as it is: no crop, loudness, colour tags, QC",
    "final": "coulisses `cut()`, preset `final` (x264 {final}): probe + loudness pass "
             "(*prepare*), one ffmpeg render with 4 outputs (*render*), QC + covers + contact "
             "sheet (*check*)",
    "separate": "4 ffmpeg runs, one per variant: the same plan, filters and encoder options "
                "(`graph.to_command` on a one-variant plan); each decodes the source",
    "draft": "coulisses `cut()`, preset `draft` (x264 ultrafast, crf 28, half-size canvases)",
    "separate-draft": "as *separate*, with the `draft` plan (context: where one decode for "
                      "all outputs matters most)",
    "moviepy": "MoviePy 2: `cropped` + `resized` + `write_videofile` per canvas, libx264 with "
               "the same preset/crf/maxrate/GOP/x264-params via `ffmpeg_params`, AAC, "
               "threads=2",
}


def findings(r: dict[str, dict[str, Any]]) -> list[str]:
    """Plain statements computed from the results, so they stay true when the numbers move."""
    out: list[str] = []
    if "decode" in r and "separate" in r:
        share = r["decode"]["cpu_s"] / r["separate"]["cpu_s"] * 4
        best = 1 - 3 * r["decode"]["cpu_s"] / r["separate"]["cpu_s"]
        out.append(f"- Decoding the source is {share:.0%} of the CPU of the four separate runs; "
                   f"one pass saves three decodes, so no single-pass design with these encoders "
                   f"gets below {best:.2f} x the separate runs' CPU time"
                   + (" (the 0.6 target is out of reach with the `final` encoder settings)."
                      if best > TARGETS["final total / separate"][0] else "."))
    if "final" in r:
        t, cpu = r["final"]["timings"], r["final"]["cpu_s"]
        out.append(f"- In `final`, the render is {t['cpu render'] / cpu:.0%} of the CPU time, "
                   f"the QC, covers and contact sheet {t['cpu check'] / cpu:.0%}, the probe and "
                   f"loudness pass {t['cpu prepare'] / cpu:.0%}.")
    if "floor" in r and "final" in r:
        final, floor = r["final"]["peak_tree_mb"], r["floor"]["peak_tree_mb"]
        out.append(f"- Peak memory: `final` {final:.0f} MB, the bare floor {floor:.0f} MB"
                   + (": the four x264 encoders (lookahead and frame threads) hold nearly all "
                      "of it, not coulisses' filters, QC or Python." if floor >= 0.9 * final
                      else "."))
    if "draft" in r:
        ceiling = r["draft"]["realtime_ceiling"]
        bound = TARGETS["draft realtime"][0]
        out.append(f"- `draft` needs {r['draft']['cpu_s'] / r['draft']['seconds']:.2f} CPU s per "
                   f"source second: even with this machine to itself it would reach at most "
                   f"{ceiling:.2f}x realtime"
                   + (f", under the {bound:g}x target." if ceiling < bound else "."))
    return out


def _num(value: float | None, name: str) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if name.endswith("MB") else f"{value:.3f}"


def report(r: dict[str, dict[str, Any]], seconds: int, quick: bool) -> str:
    m = machine()
    dates = sorted(d.get("finished", "") for d in r.values())
    commands = sorted({" ".join(["python bench/bench_cut.py", *d.get("argv", [])]).strip()
                       for d in r.values()})
    ncpu = m["cpus"]
    lines = [
        CUT_HEADING,
        "",
        "<!-- generated by bench/bench_cut.py: do not edit by hand, run the script again -->",
        "",
        *(["**QUICK RUN (smoke test): not the reference numbers.**", ""] if quick else []),
        f"- measured: {dates[0]} to {dates[-1]} (each job's end)",
        "- command: " + ", ".join(f"`{c}`" for c in commands),
        f"- machine: {ncpu} CPUs ({m['cpu']}), {m['ram']} RAM, {m['os']}",
        f"- python {m['python']}, moviepy {m['moviepy']}, {m['ffmpeg']} (imageio-ffmpeg wheel)",
        f"- source: {seconds} s, 1920x1080, 30 fps, H.264 tagged BT.709, capped at 16 Mb/s "
        "like a phone camera (testsrc2 + temporal grain) + stereo AAC 48 kHz (two tones + "
        "noise), generated by the script",
        f"- platforms: `{PLATFORMS}` (canvases 1080x1920, 1080x1350, 1080x1080, 1920x1080)",
        "- code measured (git HEAD + files changed under src/, hash of render/, media/ and "
        "platforms/): "
        + "; ".join(f"{state} ({', '.join(j for j in JOBS if r.get(j, {}).get('src') == state)})"
                    for state in sorted({d.get("src", "?") for d in r.values()})),
        "",
        "### Measurements",
        "",
        f"| job | wall s | CPU s | x realtime | ceiling on {ncpu} CPUs | peak RSS MB "
        "| largest process MB | other load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for job in JOBS:
        if job not in r:
            continue
        d = r[job]
        single = max(d["maxrss_self_mb"], d["maxrss_children_mb"])
        lines.append(f"| {job} | {d['timings']['wall']:.1f} | {d['cpu_s']:.1f} | "
                     f"{d['realtime']:.2f} | {d['realtime_ceiling']:.2f} | "
                     f"{d['peak_tree_mb']:.0f} | {single:.0f} | {d['other_load']:.0%} |")
    lines += ["", "Stages of `cut()` (wall s / CPU s):", ""]
    for job in ("final", "draft"):
        if job in r:
            t = r[job]["timings"]
            stages = ", ".join(f"{k} {t[k]:.1f} / {t['cpu ' + k]:.1f}"
                               for k in ("prepare", "render", "check"))
            lines.append(f"- {job}: {stages}")
    lines += ["", "Per-variant wall s of the multi-run jobs:", ""]
    for job in ("separate", "separate-draft", "moviepy"):
        if job in r:
            t = r[job]["timings"]
            lines.append(f"- {job}: " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()
                                                   if k != "wall"))
    lines += ["", "### Ratios and targets", "",
              "| measure | on wall time | on CPU time | target | result (wall) | result (CPU) |",
              "|---|---:|---:|---|---|---|"]
    for name, (wall, cpu) in ratios(r).items():
        target = ""
        if name in TARGETS:
            bound, kind = TARGETS[name]
            target = f"{'<=' if kind == 'max' else '>='} {bound:g}"
        lines.append(f"| {name} | {_num(wall, name)} | {_num(cpu, name)} | {target} | "
                     f"{verdict(name, wall)} | {verdict(name, cpu)} |")
    lines += ["", "### Reading the results", "", *findings(r)]
    lines += ["", "### What each job does", ""]
    from coulisses.render.plan import PRESETS

    f = PRESETS["final"]
    final = (f"{f['x264']}, crf {f['crf']}, `{f.get('x264_extra', '')}` on every variant"
             + (f", `{f['x264_tight']}` + `{f['x264_tight_params']}` where the cap is tight "
                f"for the canvas (Instagram feed)" if "x264_tight" in f else ""))
    lines += [f"- **{job}**: {DESCRIPTIONS[job].format(final=final)}" for job in JOBS if job in r]
    lines += [
        "",
        "### Notes",
        "",
        "- Each job runs in its own fresh Python process. *wall* and *CPU* (user + system, "
        "the process and its ffmpeg children) are taken around the job only: imports, and for "
        "the baselines the probe and loudness measurement that build their plan, are outside.",
        "- So `final total / ...` charges coulisses for work the baselines do not do (probe, "
        "loudness pass, QC of every output, covers, contact sheet); `final render / ...` "
        "compares the ffmpeg passes alone.",
        f"- *ceiling on {ncpu} CPUs* is source seconds / (CPU s / {ncpu}): the realtime "
        "multiple the job would reach on this machine if nothing else ran and it kept every "
        "CPU busy. It is an upper bound; below a target, the target cannot be met here "
        "whatever the contention.",
        "- *on CPU time* ratios divide CPU seconds: they barely move with contention but "
        "ignore how well a job keeps both CPUs busy (the QC and the contact sheet are mostly "
        "serial).",
        "- *best possible single pass / separate*: one pass saves, at most, three decodes of "
        "the source (and three loudness filters, negligible); 1 - 3 x decode CPU / separate "
        "CPU is the lowest ratio any single-pass design can reach with the same encoders.",
        "- *peak RSS MB* is the largest sum of resident memory of the job's process and all its "
        "descendants, sampled every 0.25 s (Python and ffmpeg run at the same time). *largest "
        "process* is `ru_maxrss` (the process itself or its largest child).",
        "- *other load* is the share of the machine's CPUs that other processes used during the "
        "job (`/proc/stat` minus the job process's own CPU time). Above a few percent the wall "
        "times are inflated by contention; read the CPU columns then.",
        "- *moviepy* reads frames through a pipe into NumPy, crops and resizes each frame with "
        "PIL, and pipes them to one ffmpeg per output: it decodes the source four times.",
        "- One run per job, no repetitions.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="source length (default 60)")
    parser.add_argument("--quick", action="store_true",
                        help="10 s source, report to bench/.work/benchmarks-quick.md")
    parser.add_argument("--skip-moviepy", action="store_true", help="leave out the MoviePy job")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                        help="before each job, wait up to S seconds for other processes to "
                             "use under a quarter of the CPUs")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the results kept in bench/.work/")
    parser.add_argument("--jobs", help=f"comma-separated subset of {','.join(JOBS)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.src, args.out, args.result)
        return
    seconds = 10 if args.quick else args.seconds
    jobs = [j for j in (args.jobs.split(",") if args.jobs else JOBS) if j in JOBS]
    if args.skip_moviepy and "moviepy" in jobs:
        jobs.remove("moviepy")
    if "final" not in jobs:
        raise SystemExit("the final job is the subject of every ratio: keep it in --jobs")
    if args.report_only:
        results = {job: json.loads(result_path(job, seconds).read_text()) for job in JOBS
                   if result_path(job, seconds).exists()}
        jobs = list(results)
        if "final" not in results:
            raise SystemExit(f"no result of the final job for {seconds} s in {WORK}")
    else:
        src = make_source(seconds)
        results = {job: measure(job, src, seconds, args.wait_quiet) for job in jobs}
    partial = args.quick or seconds != 60 or set(jobs) != set(JOBS)
    text = report(results, seconds, partial)
    target = QUICK_DOC if partial else DOC
    write_section(target, CUT_HEADING, text, header=BENCH_HEADER)
    print()
    print(text)
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
