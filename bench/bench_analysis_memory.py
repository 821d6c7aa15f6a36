"""Peak memory of ``coulisses analyze`` on a 10-minute and a 2-hour file: it must not grow with
the duration. Writes the ``## Analysis memory`` section of docs/benchmarks.md.

The files are 160x90 at 1 fps (so decoding costs little) with a sound track that repeats a
minute of 10 s tone / 20 s silence / 10 s tone / 20 s silence; the first and last minutes hold
JFK's 11 s of speech (``../shared/media/speech/jfk.flac``, when present) so the speech model
has words to find at both ends. Every run is a fresh Python process (``--child``): its peak
RSS is its own. ``--whole`` adds, for comparison, the speech model fed the whole file at once
(faster-whisper decoding it into memory), as coulisses did before windows.

    python bench/bench_analysis_memory.py [--minutes 10,120] [--whole] [--work DIR]
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
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work" / "analysis-memory"
DOC = ROOT / "docs" / "benchmarks.md"
JFK = ROOT.parent / "shared" / "media" / "speech" / "jfk.flac"
HEADING = "## Analysis memory"
sys.path.insert(0, str(ROOT / "bench"))


def _ffmpeg(*args: str) -> None:
    from coulisses.media.ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                    *args], check=True)


def _minute(path: Path, speech: bool) -> Path:
    """One minute: testsrc2 160x90 at 1 fps, mono 16 kHz AAC, tone/silence (or JFK)."""
    if path.exists():
        return path
    video = ["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=1:duration=60"]
    if speech and JFK.is_file():
        audio = ["-i", str(JFK), "-af", "aresample=16000,apad"]
    else:
        audio = ["-f", "lavfi", "-i",
                 "aevalsrc=exprs='0.1*sin(2*PI*440*t)*lt(mod(t,30),10)':s=16000:d=60"]
    tmp = path.with_name(path.stem + ".tmp.mp4")
    _ffmpeg(*video, *audio, "-map", "0:v", "-map", "1:a", "-t", "60", "-ac", "1",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "32k", str(tmp))
    tmp.replace(path)
    return path


def make_file(minutes: int) -> Path:
    """``minutes`` minutes: speech minute, tone minutes, speech minute (stream copy)."""
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"long-{minutes}min.mp4"
    if out.exists():
        return out
    speech, tone = _minute(WORK / "speech-minute.mp4", True), _minute(WORK / "tone-minute.mp4",
                                                                        False)
    parts = [speech, *[tone] * (minutes - 2), speech]
    listing = WORK / f"long-{minutes}min.ffconcat"
    listing.write_text("ffconcat version 1.0\n" + "".join(f"file '{p.name}'\n" for p in parts),
                       encoding="utf-8")
    tmp = out.with_name(out.stem + ".tmp.mp4")
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
            "-movflags", "+faststart", str(tmp))
    tmp.replace(out)
    return out


def child(path: Path, whole: bool) -> dict[str, Any]:
    """Analyse ``path`` from an empty cache; per analyser: seconds, CPU seconds, peak RSS."""
    from coulisses.analysis.run import analyze, default_analyzers
    from coulisses.settings import Settings

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    steps: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as cache:
        settings = Settings(cache_dir=Path(cache))
        analyzers = default_analyzers(settings)
        if whole:
            analyzers = [a for a in analyzers if a.name == "transcript"]
        result = None
        for a in analyzers:
            wall, cpu = time.perf_counter(), time.process_time()
            if whole:
                from coulisses.analysis.speech import SpeechAnalyzer
                from coulisses.media.probe import probe

                assert isinstance(a, SpeechAnalyzer)
                part = a.transcribe(str(path), float(probe(path).duration), lambda d: None)
                words = len(part.words)
            else:
                result = analyze(path, settings, [a])
                words = len(result.transcript.words) if result.transcript else -1
            steps.append({"name": a.name, "wall": time.perf_counter() - wall,
                          "cpu": time.process_time() - cpu, "peak_mb": peak_mb(),
                          "words": words})
    return {"steps": steps, "peak_mb": peak_mb()}


def run_child(path: Path, whole: bool) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", str(path)] + (["--whole"] if whole else [])
    started = time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    data["wall"] = time.perf_counter() - started
    return data


def report(runs: list[tuple[int, bool, dict[str, Any]]], command: str, load: tuple[float, float],
           started: str) -> str:
    from coulisses import __version__
    from coulisses.analysis import speechwindows as sw

    lines = [HEADING, "",
             "<!-- generated by bench/bench_analysis_memory.py: edit the script, not this "
             "section -->", "",
             f"Measured {started} by `{command}` with coulisses {__version__}, on "
             f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs (load average "
             f"{load[0]:.1f} when it started, {load[1]:.1f} when it ended: a shared machine, "
             "so times move with its load; peak memory does not).", "",
             "Each file is 160x90 at 1 fps with a mono sound track repeating 10 s of tone and "
             "20 s of silence; its first and last minutes hold JFK's 11 s of speech "
             f"({'present' if JFK.is_file() else 'ABSENT: tone only'}). `analyze` runs every "
             "analyser from an empty cache in a fresh process; peak RSS is the process's "
             "high-water mark after each analyser (it includes the models: whisper base "
             "and, for English, tiny.en beside it, int8, and CenterFace). The speech model "
             "gets the audio in windows of at most "
             f"{sw.WINDOW_S:g} s, each ending in the quietest {sw.QUIET_S:g} s of its last "
             f"{sw.SEARCH_S:g} s; a window with no sound above {sw.SILENT_DBFS:g} dBFS is "
             "skipped, and whisper's voice activity filter skips the tone. The whole-file run "
             "is the speech analyser alone.", "",
             "| file | run | words | peak RSS MB | wall s | CPU s | per analyser: wall s "
             "(peak RSS MB after it) |", "|---|---|---:|---:|---:|---:|---|"]
    for minutes, whole, data in runs:
        steps = ", ".join(f"{s['name']} {s['wall']:.0f} ({s['peak_mb']:.0f})"
                          for s in data["steps"])
        words = max(s["words"] for s in data["steps"])
        cpu = sum(s["cpu"] for s in data["steps"])
        run = ("speech model on the whole file at once (before windows)" if whole
               else "`analyze`, every analyser")
        lines.append(f"| {minutes} min | {run} | {words} | {data['peak_mb']:.0f} | "
                     f"{data['wall']:.0f} | {cpu:.0f} | {steps} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", type=Path)
    parser.add_argument("--whole", action="store_true")
    parser.add_argument("--minutes", default="10,120")
    parser.add_argument("--no-doc", action="store_true", help="print the section only")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.whole)), flush=True)
        return
    from docsection import write_section

    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load0 = os.getloadavg()[0]
    runs = []
    for minutes in (int(m) for m in args.minutes.split(",")):
        clock = time.perf_counter()
        path = make_file(minutes)
        print(f"{path.name}: made in {time.perf_counter() - clock:.0f} s", flush=True)
        for whole in ((False, True) if args.whole else (False,)):
            data = run_child(path, whole)
            print(f"  {'whole' if whole else 'analyze'}: peak {data['peak_mb']:.0f} MB, "
                  f"{data['wall']:.0f} s, {data['steps']}", flush=True)
            runs.append((minutes, whole, data))
    command = "python bench/bench_analysis_memory.py " + " ".join(sys.argv[1:])
    section = report(runs, command.strip(), (load0, os.getloadavg()[0]), started)
    if args.no_doc:
        print(section)
    else:
        write_section(DOC, HEADING, section, header="# Benchmarks\n")
        print(f"wrote {HEADING!r} in {DOC}")


if __name__ == "__main__":
    main()
