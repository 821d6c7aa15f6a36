"""Quality of shot detection on real footage joined at known frames: rewrites the "## Shots"
section of ``docs/quality.md`` and leaves every other section of that file as it is.

The evaluation edit joins segments of the film, ASL and GRID clips of ``../shared/media``,
normalised to 640x360 at 25 fps, with hard cuts, dissolves (xfade) and one fade through black
at known frames. The film clips hold real shot changes of their own: those are ground truth
too (FILM_CUTS, found once by eye). ``coulisses.analysis.shots`` and PySceneDetect's
ContentDetector (default threshold, the baseline) and AdaptiveDetector run on the same file
in the same process; a cut counts when found within 2 frames, a dissolve or fade when found
inside its window (give or take 2 frames). Each boundary matches at most one detection.

    .venv/bin/python bench/quality_shots.py [--doc docs/quality.md] [--build-only]
    .venv/bin/python bench/quality_shots.py --from-results   # rewrite the section only

Results are kept in ``bench/.work/shots/results.json``; ``--from-results`` rewrites the section
from them without running anything (for changes to the wording, not to the numbers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from docsection import write_section  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "media"
WORK = ROOT / "bench" / ".work" / "shots"
DOC = ROOT / "docs" / "quality.md"
SECTION = "## Shots"
FPS = 25
FRAME = 1 / FPS
WIDTH, HEIGHT = 640, 360

# Shot changes inside the film clips, as the index (at the clip's own 24 fps, from 0) of the
# first frame of each new shot. Found once, by eye, on contact sheets of every frame made with
# ffmpeg's tile filter (drawtext frame numbers), before any detector was run on these clips:
# - Tears of Steel: new shots at 21, 65 and 185. Frames 192-203 flicker (a hologram effect)
#   and 212-228 morph a robot into a face: both inside the shot that begins at 185.
# - Caminandes: one shot; cars cross the foreground (frames 103-106, 111-112, 210-213,
#   218-219, 223-226), filling the picture for a few frames.
# - Sintel: new shots at 58, 76, 96, 118, 140, 176 and 209 (a fight with fast camera moves,
#   motion blur and foreground objects crossing the frame).
FILM_CUTS: dict[str, tuple[int, ...]] = {
    "film/clip_01_tears_of_steel.mp4": (21, 65, 185),
    "film/clip_02_caminandes.mp4": (),
    "film/clip_03_sintel.mp4": (58, 76, 96, 118, 140, 176, 209),
}


@dataclass(frozen=True)
class Segment:
    rel: str  # path under ../shared/media
    first: int = 0  # first source frame (film only)
    last: int | None = None  # frame after the last one (film only); None: to the end


# The edit, in order: each segment and the transition that brings the NEXT one in ("cut",
# "dissolve" or "fade" with its length in frames). Film segments keep their internal cuts at
# least a dissolve's length away from their own edges; no two GRID or two ASL clips touch.
PLAN: list[tuple[Segment, tuple[str, int]]] = [
    (Segment("grid/bbaf2n.mpg"), ("cut", 0)),
    (Segment("film/clip_01_tears_of_steel.mp4", 0, 120), ("dissolve", 15)),
    (Segment("asl/again.mkv"), ("cut", 0)),
    (Segment("film/clip_03_sintel.mp4", 0, 112), ("cut", 0)),
    (Segment("grid/brbk7n.mpg"), ("dissolve", 20)),
    (Segment("film/clip_02_caminandes.mp4", 90, 240), ("cut", 0)),
    (Segment("asl/book.mkv"), ("dissolve", 10)),
    (Segment("grid/lbax4n.mpg"), ("cut", 0)),
    (Segment("film/clip_01_tears_of_steel.mp4", 150, 240), ("dissolve", 25)),
    (Segment("asl/help.mkv"), ("cut", 0)),
    (Segment("grid/lbbc2a.mpg"), ("cut", 0)),
    (Segment("film/clip_03_sintel.mp4", 118, 240), ("dissolve", 15)),
    (Segment("asl/please.mkv"), ("cut", 0)),
    (Segment("grid/lrwp9a.mpg"), ("fade", 20)),
    (Segment("asl/thanks.mkv"), ("end", 0)),
]


@dataclass(frozen=True)
class Truth:
    kind: str  # cut, dissolve, fade
    first: float  # window start, seconds (a cut: the first frame of the new shot)
    last: float  # window end
    note: str  # where it comes from


@dataclass
class Score:
    name: str
    detections: list[tuple[float, str]]
    wall_s: float
    cpu_s: float
    matched: dict[int, int] = field(default_factory=dict)  # truth index -> detection index

    def counts(self, truth: list[Truth], kind: str | None = None) -> tuple[int, int, int]:
        """(true positives, boundaries, detections); detections only for kind None."""
        wanted = [i for i, b in enumerate(truth) if kind is None or _group(b) == kind]
        hits = sum(1 for i in wanted if i in self.matched)
        return hits, len(wanted), len(self.detections)


def _group(b: Truth) -> str:
    if b.kind != "cut":
        return b.kind
    return "cut (inside a film clip)" if b.note.startswith("inside") else "cut (join)"


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run(*args: str | Path) -> None:
    import subprocess

    argv = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            *(str(a) for a in args)]
    subprocess.run(argv, check=True)


def normalise(segment: Segment, out: Path) -> int:
    """Write one segment at 640x360, 25 fps; returns its frame count."""
    import av

    source = SHARED / segment.rel
    folder = segment.rel.split("/")[0]
    if folder == "film":
        # frames keep their index: the 24 fps clip plays 4 % fast, internal cuts stay exact
        last = f":end_frame={segment.last}" if segment.last is not None else ""
        chain = (f"trim=start_frame={segment.first}{last},setpts=N/{FPS}/TB,"
                 f"scale={WIDTH}:{HEIGHT}")
    else:
        chain = (f"fps={FPS},scale=-2:{HEIGHT},pad={WIDTH}:{HEIGHT}:(ow-iw)/2:0")
    run("-i", source, "-map", "0:v:0", "-vf", f"{chain},setsar=1,format=yuv420p",
        "-r", str(FPS), "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-g", "25",
        "-an", out)
    with av.open(str(out)) as container:
        return sum(1 for _ in container.decode(video=0))


def build_edit(path: Path) -> list[Truth]:
    """Render the evaluation edit and return its ground truth, in time order."""
    WORK.mkdir(parents=True, exist_ok=True)
    lengths = []
    for k, (segment, _) in enumerate(PLAN):
        lengths.append(normalise(segment, WORK / f"segment{k:02d}.mp4"))
    truth: list[Truth] = []
    args: list[str | Path] = []
    graph = []
    for k in range(len(PLAN)):
        args += ["-i", WORK / f"segment{k:02d}.mp4"]
        graph.append(f"[{k}:v]settb=1/{FPS},setpts=PTS-STARTPTS[s{k}]")
    current, total = "s0", lengths[0]  # frames so far
    starts = [0]
    for k in range(1, len(PLAN)):
        kind, frames = PLAN[k - 1][1]
        label = f"{PLAN[k - 1][0].rel} -> {PLAN[k][0].rel}"
        if kind == "cut":
            graph.append(f"[{current}][s{k}]concat=n=2:v=1:a=0,settb=1/{FPS}[j{k}]")
            truth.append(Truth("cut", total / FPS, total / FPS, label))
            starts.append(total)
            total += lengths[k]
        else:
            effect = "fade" if kind == "dissolve" else "fadeblack"
            offset = total - frames
            graph.append(f"[{current}][s{k}]xfade=transition={effect}"
                         f":duration={frames / FPS}:offset={offset / FPS},settb=1/{FPS}[j{k}]")
            truth.append(Truth(kind, offset / FPS, total / FPS, label))
            starts.append(offset)
            total += lengths[k] - frames
        current = f"j{k}"
    for k, (segment, _) in enumerate(PLAN):
        for cut in FILM_CUTS.get(segment.rel, ()):
            if segment.first < cut < (segment.last or 10**9):
                t = (starts[k] + cut - segment.first) / FPS
                truth.append(Truth("cut", t, t, f"inside {segment.rel}, its frame {cut}"))
    truth.sort(key=lambda b: b.first)
    for a, b in pairwise(truth):
        if b.first - a.last < 0.4:
            raise SystemExit(f"ground truth too dense near {a.first:.2f} s: {a} / {b}")
    run(*args, "-filter_complex", ";".join(graph), "-map", f"[{current}]", "-c:v", "libx264",
        "-preset", "fast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path)
    return truth


def match(truth: list[Truth], detections: list[tuple[float, str]]) -> dict[int, int]:
    """One-to-one matches, closest first: a cut within 2 frames, a window give or take 2."""
    slack = 2 * FRAME + 1e-6
    pairs = []
    for i, b in enumerate(truth):
        centre = (b.first + b.last) / 2
        for j, (t, _) in enumerate(detections):
            if b.first - slack <= t <= b.last + slack:
                pairs.append((abs(t - centre), i, j))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def timed(fn: Callable[[], list[tuple[float, str]]]) -> tuple[list[tuple[float, str]], float,
                                                                float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def ours(path: Path) -> list[tuple[float, str]]:
    from coulisses.analysis.run import Source
    from coulisses.analysis.shots import ShotAnalyzer
    from coulisses.media.probe import probe
    from coulisses.settings import Settings

    shots = ShotAnalyzer(Settings()).analyze(Source(probe(path), Settings(), lambda f: None))
    return [(s.start, s.transition) for s in shots[1:]]


def scenedetect_backend() -> str:
    try:
        import cv2  # noqa: F401
    except ImportError:
        return "pyav"
    return "opencv"


def pyscenedetect(path: Path, detector: Any) -> list[tuple[float, str]]:
    from scenedetect import detect

    scenes = detect(str(path), detector, backend=scenedetect_backend())
    return [(float(start.seconds), "cut") for start, _ in scenes[1:]]


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def section(truth: list[Truth], scores: list[Score], info: dict[str, Any]) -> str:
    duration = info["duration"]
    internal = sum(1 for b in truth if b.note.startswith("inside"))
    counts: dict[str, int] = {}
    for b in truth:
        counts[_group(b)] = counts.get(_group(b), 0) + 1
    out = [
        SECTION, "",
        "<!-- generated by bench/quality_shots.py: edit the script, not this section; other "
        "sections of this file are kept as they are -->", "",
        f"Generated {info['date']} by `.venv/bin/python bench/quality_shots.py` with coulisses "
        f"{info['version']} and PySceneDetect {info['scenedetect']} ({info['backend']} "
        f"backend), on {info['machine']} (load average {info['load']} when it started, "
        f"{info['load_end']} when it ended: speeds are wall clock and CPU time on that "
        "machine and move with its load; detection numbers do not).", "",
        f"The evaluation edit ({duration:.1f} s, {WIDTH}x{HEIGHT}, {FPS} fps, H.264) joins "
        f"{len(PLAN)} segments of the film, ASL and GRID clips of `../shared/media`, each "
        "scaled and padded to one size and rate, with hard cuts, dissolves (xfade, 0.4 to 1 "
        f"s) and one fade through black (0.8 s). It has {len(truth)} boundaries: "
        f"{len(PLAN) - 1} joins, known by construction, and {internal} shot changes inside "
        "the film clips, found once by eye on contact sheets of every frame before any "
        "detector ran on them (listed, with what else happens in those clips, in the "
        "script). A cut counts when a detection falls within 2 frames of it; a dissolve or a "
        "fade when a detection falls inside its window, give or take 2 frames; each "
        "boundary matches at most one detection. coulisses' thresholds were set on generated "
        "edits (`tests/analysis/test_shots.py`) and on a real clip without cuts (the "
        "`people` clip, which is not in this edit), never on this edit; the benchmark was "
        "run once. PySceneDetect runs with its defaults. Two caveats: 23 boundaries is a "
        "small sample (one miss or one false detection moves F1 by about 0.02), and the "
        "film clips were looked at frame by frame to write this ground truth while the "
        "detector was being built, so they are not unseen footage in the strictest sense.", "",
        "| detector | precision | recall | F1 | found / boundaries | false detections "
        "| speed (x realtime, wall) | speed (x realtime, CPU) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        hits, total, found = s.counts(truth)
        p = hits / found if found else 0.0
        r = hits / total if total else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out.append(f"| {s.name} | {p:.3f} | {r:.3f} | **{f1:.3f}** | {hits} / {total} | "
                   f"{found - hits} | {duration / s.wall_s:.1f} | {duration / s.cpu_s:.1f} |")
    out += ["", "Recall by kind of boundary:", "",
            "| detector | " + " | ".join(f"{k} ({n})" for k, n in counts.items()) + " |",
            "|---|" + "---|" * len(counts)]
    for s in scores:
        cells = []
        for kind in counts:
            hits, total, _ = s.counts(truth, kind)
            cells.append(f"{hits} / {total}")
        out.append(f"| {s.name} | " + " | ".join(cells) + " |")
    target = scores[0]
    hits, total, found = target.counts(truth)
    p, r = (hits / found if found else 0.0), (hits / total if total else 0.0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    verdict = "met" if f1 >= 0.95 else "not met"
    out += ["", f"Target for coulisses: F1 >= 0.95 — **{verdict}** (F1 {f1:.3f}).", ""]
    for s in scores:
        misses = [b for i, b in enumerate(truth) if i not in s.matched]
        used = set(s.matched.values())
        extra = [d for j, d in enumerate(s.detections) if j not in used]
        labelled = sum(1 for i, j in s.matched.items()
                       if s.detections[j][1] == truth[i].kind)
        out.append(f"**{s.name}**: {len(misses)} missed, {len(extra)} false"
                   + (f"; {labelled} of {len(s.matched)} found boundaries carry the right "
                      "transition (cut, dissolve, fade)" if s.name.startswith("coulisses")
                      else "") + f". {placement(truth, s)}")
        out += [f"- missed {b.kind} at {b.first:.2f}"
                + (f"-{b.last:.2f}" if b.last > b.first else "") + f" s ({b.note})"
                for b in misses]
        out += [f"- false {kind} at {t:.2f} s (in {where(t)})" for t, kind in extra]
        out.append("")
    out += ["How it was made: `bench/quality_shots.py` renders each segment with ffmpeg (film "
            "clips re-timed frame for frame from 24 to 25 fps so their own cuts stay on known "
            "frames; ASL resampled from 30 fps; GRID kept at 25 fps), joins them with `concat` "
            "and `xfade` (transition=fade for dissolves, fadeblack for the fade) and encodes "
            "the edit once (x264 CRF 18). Speed counts the whole pass, decoding included, as "
            "the edit's duration over the detector's wall-clock (or process CPU) time.",
            "PySceneDetect's ContentDetector is run with its defaults (threshold 27, "
            "minimum scene length 15 frames), as its documentation suggests for a first pass; "
            "AdaptiveDetector too. Neither reports dissolves as such: a dissolve counts when "
            "any detection falls inside its window.", ""]
    return "\n".join(out)


def placement(truth: list[Truth], score: Score) -> str:
    """How exactly the matched boundaries are placed."""
    cuts = [round((score.detections[j][0] - truth[i].first) * FPS)
            for i, j in score.matched.items() if truth[i].kind == "cut"]
    gradual = [abs(score.detections[j][0] - (truth[i].first + truth[i].last) / 2)
               for i, j in score.matched.items() if truth[i].kind != "cut"]
    text = ""
    if cuts:
        exact = sum(1 for c in cuts if c == 0)
        text += f"Cuts found on the exact frame: {exact} of {len(cuts)}"
        off = sorted(c for c in cuts if c)
        text += f" (others off by {', '.join(f'{c:+d}' for c in off)} frames)" if off else ""
        text += ". "
    if gradual:
        text += ("Dissolves and fades placed at a mean distance of "
                 f"{sum(gradual) / len(gradual):.2f} s from their window's middle.")
    return text


_SEGMENT_TIMES: list[tuple[float, float, str]] = []


def where(t: float) -> str:
    for start, end, rel in _SEGMENT_TIMES:
        if start <= t < end:
            return f"{rel}, {t - start:.2f} s into the segment"
    return "?"


def write_doc(section: str, doc: Path) -> None:
    """Replace this script's section of the report (or add it), keeping the others."""
    write_section(doc, SECTION, section)


def segment_times() -> list[tuple[float, float, str]]:
    """(start, end, rel) of each segment in the edit, for describing false detections."""
    import av

    out = []
    start = 0
    for k, (segment, (kind, frames)) in enumerate(PLAN):
        with av.open(str(WORK / f"segment{k:02d}.mp4")) as container:
            length = sum(1 for _ in container.decode(video=0))
        out.append((start / FPS, (start + length) / FPS, segment.rel))
        start += length - (frames if kind in ("dissolve", "fade") else 0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--build-only", action="store_true",
                        help="render the edit and print its ground truth, run no detector")
    parser.add_argument("--from-results", action="store_true",
                        help="rewrite the section from bench/.work/shots/results.json")
    options = parser.parse_args(argv)
    if options.from_results:
        saved = json.loads((WORK / "results.json").read_text())
        truth = [Truth(**b) for b in saved["truth"]]
        scores = [Score(s["name"], [(t, k) for t, k in s["detections"]], s["wall_s"],
                        s["cpu_s"], {int(i): j for i, j in s["matched"].items()})
                  for s in saved["scores"]]
        _SEGMENT_TIMES[:] = segment_times()
        write_doc(section(truth, scores, saved["info"]), options.doc)
        print(f"rewrote the {SECTION!r} section of {options.doc} from the saved results")
        return 0
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: this benchmark needs the shared media folder")
        return 1
    sys.path.insert(0, str(ROOT / "src"))
    import scenedetect
    from scenedetect import AdaptiveDetector, ContentDetector

    import coulisses

    load = load_average()
    edit = WORK / "edit.mp4"
    truth = build_edit(edit)
    _SEGMENT_TIMES[:] = segment_times()
    (WORK / "truth.json").write_text(json.dumps([b.__dict__ for b in truth], indent=1))
    if options.build_only:
        for b in truth:
            print(f"{b.kind:9s} {b.first:7.2f} {b.last:7.2f}  {b.note}")
        return 0
    from coulisses.media.probe import probe

    duration = float(probe(edit).duration)
    scores = []
    for name, fn in (("coulisses", lambda: ours(edit)),
                     ("PySceneDetect ContentDetector (default)",
                      lambda: pyscenedetect(edit, ContentDetector())),
                     ("PySceneDetect AdaptiveDetector (default)",
                      lambda: pyscenedetect(edit, AdaptiveDetector()))):
        detections, wall, cpu = timed(fn)
        score = Score(name, detections, wall, cpu)
        score.matched = match(truth, detections)
        scores.append(score)
        hits, total, found = score.counts(truth)
        print(f"{name}: {hits}/{total} found, {found - hits} false, {wall:.1f} s wall")
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": coulisses.__version__
        if hasattr(coulisses, "__version__") else "0.1.0",
        "scenedetect": scenedetect.__version__, "backend": scenedetect_backend(),
        "machine": f"{platform.machine()} Linux, {os.cpu_count()} CPUs, Python "
                   f"{platform.python_version()}",
        "load": load, "load_end": load_average(), "duration": duration,
    }
    results = {"truth": [b.__dict__ for b in truth], "info": info,
               "scores": [{"name": s.name, "detections": s.detections, "wall_s": s.wall_s,
                           "cpu_s": s.cpu_s, "matched": s.matched} for s in scores]}
    (WORK / "results.json").write_text(json.dumps(results, indent=1))
    write_doc(section(truth, scores, info), options.doc)
    print(f"wrote the {SECTION!r} section of {options.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
