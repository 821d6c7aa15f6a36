"""Loudness on real sources: rewrites the "## Loudness on real sources" section of
``docs/quality.md`` and leaves every other section of that file as it is.

Rushes are built from ``../shared/media``: each recording of ``sound/`` and ``speech/`` muxed
onto a real clip (film, people, GRID) or onto generated video, every GRID clip as it is, and
generated clips of each audio class (a quiet voice with one loud clap, near-silent room tone, a
music bed under speech, hard clipping, a quiet steady tone). Each is cut with the real command,
``coulisses cut RUSH --to tiktok,instagram-feed,youtube --reframe auto --captions auto``, and
every output's integrated loudness and true peak (measured on the file by QC) are reported with
its QC verdict.

    .venv/bin/python bench/quality_loudness.py [--preset draft] [--only NAME,...]
        [--from-results] [--doc docs/quality.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

import media  # noqa: E402  (tests/media.py: the clip generators)
from docsection import write_section  # noqa: E402

SHARED = ROOT.parent / "shared" / "media"
WORK = ROOT / "bench" / ".work" / "loudness"
DOC = ROOT / "docs" / "quality.md"
RESULTS = WORK / "results.json"
SECTION = "## Loudness on real sources"
PLATFORMS = "tiktok,instagram-feed,youtube"
SPAN_S = 25.0  # longer recordings are muxed from this much of themselves


@dataclass(frozen=True)
class Rush:
    name: str
    kind: str  # the source's audio class, as reported
    audio: str  # where the sound comes from
    video: str  # where the picture comes from
    build: str  # "sound" (mux), "clip" (a real clip as it is), "generated"
    sound: str = ""  # path under SHARED, or a media.AudioKind for generated clips
    picture: str = ""  # path under SHARED; "" for generated video
    start: float = 0.0


RUSHES: tuple[Rush, ...] = (
    Rush("apollo11-on-film", "radio speech, quiet, loud peaks (-24.7 LUFS, -4.7 dBFS)",
         "sound/apollo11.mp3 30-55 s", "film/clip_01_tears_of_steel.mp4 (looped)", "sound",
         "sound/apollo11.mp3", "film/clip_01_tears_of_steel.mp4", 30.0),
    Rush("radio-on-people", "broadcast speech (-24.5 LUFS)", "sound/radio_short.mp3 0-25 s",
         "people/one-by-one-person-detection.mp4", "sound", "sound/radio_short.mp3",
         "people/one-by-one-person-detection.mp4"),
    Rush("gloria-on-grid", "very quiet source (-42 LUFS)", "sound/gloria.mp3 0-21 s",
         "grid/bbaf2n.mpg (looped)", "sound", "sound/gloria.mp3", "grid/bbaf2n.mpg"),
    Rush("gloria-generated", "very quiet source (-42 LUFS)", "sound/gloria.mp3 0-21 s",
         "generated", "sound", "sound/gloria.mp3"),
    Rush("laugh1-on-film", "laughter clipped at full scale", "sound/laugh1.mp3",
         "film/clip_03_sintel.mp4", "sound", "sound/laugh1.mp3", "film/clip_03_sintel.mp4"),
    Rush("laugh2-generated", "short laughter (0.7 s, held to 3 s)", "sound/laugh2.mp3",
         "generated", "sound", "sound/laugh2.mp3"),
    Rush("punctuations-generated", "loud speech (-11.6 LUFS)", "sound/punctuations.mp3",
         "generated", "sound", "sound/punctuations.mp3"),
    Rush("bonjour-on-film", "short French speech", "sound/bonjour.wav",
         "film/clip_02_caminandes.mp4", "sound", "sound/bonjour.wav",
         "film/clip_02_caminandes.mp4"),
    Rush("jfk-on-film", "speech, FLAC 24-bit (-12.5 LUFS)", "speech/jfk.flac",
         "film/clip_01_tears_of_steel.mp4", "sound", "speech/jfk.flac",
         "film/clip_01_tears_of_steel.mp4"),
    Rush("english-generated", "speech (one two three)", "speech/english.wav", "generated",
         "sound", "speech/english.wav"),
    Rush("french-on-grid", "French speech (AIFF)", "speech/french.aiff", "grid/lbax4n.mpg",
         "sound", "speech/french.aiff", "grid/lbax4n.mpg"),
    *(Rush(f"grid-{p.stem}", "GRID speech, as recorded", f"grid/{p.name}", f"grid/{p.name}",
           "clip", picture=f"grid/{p.name}")
      for p in sorted((SHARED / "grid").glob("*.mpg"))),
    Rush("gen-voice-clap", "quiet voice with one loud clap", "generated", "generated",
         "generated", "voice_clap"),
    Rush("gen-room-tone", "near-silent room tone (pink noise, -55 LUFS)", "generated",
         "generated", "generated", "room_tone"),
    Rush("gen-music-speech", "music bed swelling under speech", "generated", "generated",
         "generated", "music_speech"),
    Rush("gen-clipping", "hard-clipped tone at full scale", "generated", "generated",
         "generated", "clipping"),
    Rush("gen-quiet-tone", "steady tone at -50 LUFS", "generated", "generated", "generated",
         "quiet"),
)


def build(rush: Rush) -> Path:
    """The rush's file in the work folder (rebuilt each run: generation is deterministic)."""
    if rush.build == "clip":
        return SHARED / rush.picture
    out = WORK / "rushes" / f"{rush.name}.mp4"
    if rush.build == "generated":
        return media.make_clip(out, audio=rush.sound, duration=6.0)  # type: ignore[arg-type]
    return media.make_rush(out, SHARED / rush.sound,
                           video=SHARED / rush.picture if rush.picture else None,
                           start=rush.start, duration=SPAN_S)


def run_cut(rush: Rush, preset: str) -> dict[str, Any]:
    source = build(rush)
    out = WORK / "out" / rush.name
    shutil.rmtree(out, ignore_errors=True)  # a fresh cut: never outputs resumed from a run before
    exe = Path(sys.executable).parent / "coulisses"
    argv = [str(exe), "cut", str(source), "--to", PLATFORMS, "--reframe", "auto",
            "--captions", "auto", "--preset", preset, "--extend", "--out", str(out), "--json"]
    clock = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - clock
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {}
    return {"rush": asdict(rush), "exit": done.returncode, "seconds": round(seconds, 1),
            "stderr": done.stderr[-500:], "report": report}


def _row(result: dict[str, Any]) -> list[str]:
    rush = result["rush"]
    report = result["report"]
    src = report.get("loudness_source") or {}
    rows = []
    for v in report.get("variants", []):
        q = v["qc"]
        m = q.get("measured", {})
        verdict = "pass" if q["passed"] else "FAIL: " + "; ".join(q.get("reasons", []))
        decided = next((n for n in v.get("notes", []) if n.startswith("loudness:")), "")
        decided = decided.removeprefix("loudness: ")
        if src.get("noise_only"):
            decided = "noise or room tone only: left quiet (" + src["noise_only"] + ")"
        rows.append(f"| {rush['name']} | {rush['kind']} | {src.get('integrated_lufs', 'n/a')} / "
                    f"{src.get('true_peak_dbtp', 'n/a')} | {v['platform']} | "
                    f"{m.get('lufs', 'n/a')} | {m.get('true_peak', 'n/a')} | {verdict} | "
                    f"{decided} |")
    if not rows:
        rows.append(f"| {rush['name']} | {rush['kind']} | n/a | all | n/a | n/a | "
                    f"FAIL: exit {result['exit']}: {result['stderr'].strip()[-200:]} | |")
    return rows


def section(data: dict[str, Any]) -> str:
    results = data["results"]
    meta = data["meta"]
    outputs = [v for r in results for v in r["report"].get("variants", [])]
    passed = sum(1 for v in outputs if v["qc"]["passed"])
    on_target = [v for v in outputs if v["qc"]["measured"].get("lufs") is not None
                 and not any("left quiet" in c["actual"] for c in v["qc"]["checks"])]
    worst = max((abs(v["qc"]["measured"]["lufs"] + 14) for v in on_target), default=0.0)
    peak = max((v["qc"]["measured"]["true_peak"] for v in on_target), default=-99.0)
    lines = [
        SECTION, "",
        f"Written by `bench/quality_loudness.py` on {meta['date']}: {len(results)} rushes, "
        f"{len(outputs)} outputs, **{passed} pass QC**. Outputs brought to the target: worst "
        f"distance from -14 LUFS **{worst:.1f} LU**, highest true peak **{peak:g} dBTP** "
        "(limit -1). Every output measured on the file by QC (ffmpeg `ebur128`, true peak).",
        "",
        f"Command per rush: `coulisses cut RUSH --to {PLATFORMS} --reframe auto --captions auto "
        f"--preset {meta['preset']} --extend` (`--preset {meta['preset']}`: the audio chain is "
        "the same at every preset; `--extend` only holds the last frame of the rushes shorter "
        "than a platform's 3 s minimum). Recordings longer than "
        f"{SPAN_S:g} s are muxed from a {SPAN_S:g} s span (given in the source column); the "
        "picture is a real clip from `../shared/media` (looped when shorter) or generated "
        "(`testsrc2`). Generated classes come from `tests/media.py` (6 s each).",
        "",
        f"Machine: {meta['machine']}; load average {meta['load_start']} at the start, "
        f"{meta['load_end']} at the end (other engineers' work shares the CPUs). "
        f"Wall time {meta['seconds']:.0f} s."
        + (f" Rushes cut again alone (same code, fresh output folder): "
           f"{'; '.join(meta['reruns'])}." if meta.get("reruns") else ""),
        "",
        "Source: integrated loudness / true peak of the span as measured before the cut. "
        "Decision: the gain, any make-up over the plain gain for what the limiter took, the "
        "limiter's ceiling, and the number of audio-only passes (each encodes the chain to the "
        "variant's AAC stream and measures it).",
        "",
        "| rush | source class | source LUFS / dBTP | platform | LUFS | true peak dBTP | QC | "
        "decision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.extend(_row(r))
    lines += ["", "Sources: " + "; ".join(
        f"{r['rush']['name']}: audio {r['rush']['audio']}, picture {r['rush']['video']}"
        for r in results if r["rush"]["build"] == "sound") + ".", ""]
    return "\n".join(lines)


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="draft", choices=["draft", "final"])
    parser.add_argument("--only", default="", help="comma-separated rush names")
    parser.add_argument("--from-results", action="store_true",
                        help="rewrite the section from the last run's numbers")
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args()
    if args.from_results:
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
    else:
        if not SHARED.is_dir():
            print(f"{SHARED} is absent: this bench needs the shared real media", file=sys.stderr)
            return 2
        chosen = set(filter(None, args.only.split(",")))
        rushes = [r for r in RUSHES if not chosen or r.name in chosen]
        WORK.mkdir(parents=True, exist_ok=True)
        load_start = f"{os.getloadavg()[0]:.1f}"
        clock = time.perf_counter()
        results = []
        for rush in rushes:
            result = run_cut(rush, args.preset)
            ok = sum(v["qc"]["passed"] for v in result["report"].get("variants", []))
            print(f"{rush.name}: exit {result['exit']}, {ok} pass, {result['seconds']} s",
                  flush=True)
            results.append(result)
        data = {"meta": {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                         "preset": args.preset, "machine": machine(),
                         "load_start": load_start, "load_end": f"{os.getloadavg()[0]:.1f}",
                         "seconds": time.perf_counter() - clock},
                "results": results}
        if chosen and RESULTS.exists():  # a partial run updates its rushes in the last results
            old = json.loads(RESULTS.read_text(encoding="utf-8"))
            fresh = {r["rush"]["name"]: r for r in results}
            data["results"] = [fresh.pop(r["rush"]["name"], r) for r in old["results"]]
            data["results"] += list(fresh.values())
            data["meta"] = old["meta"] | {
                "reruns": [*old["meta"].get("reruns", []),
                           f"{', '.join(sorted(chosen))} at {data['meta']['date']}"],
                "seconds": old["meta"]["seconds"] + data["meta"]["seconds"]}
        RESULTS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    write_section(args.doc, SECTION, section(data))
    failed = [r["rush"]["name"] for r in data["results"]
              if r["exit"] != 0 or not r["report"].get("passed")]
    print(f"{args.doc}: {SECTION[3:]} written; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
