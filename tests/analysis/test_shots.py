"""Shot boundaries on generated edits whose cuts, dissolve and fade are known by construction.

The edit joins three lavfi sources (testsrc2, mandelbrot, gradients) at 25 fps: a hard cut at
2.0 s, a 0.8 s dissolve (xfade) from 4.0 s, a hard cut at 6.0 s and a 1.0 s fade through black
(xfade fadeblack) from 7.0 s. A cut must be found within 2 frames, a dissolve or fade inside
its window (give or take 2 frames), and nothing else. A white flash frame, an object covering
the picture for three frames and a fast pan must not be cuts.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

import media
from coulisses.analysis.model import Shot
from coulisses.analysis.run import Source
from coulisses.analysis.shots import ShotAnalyzer
from coulisses.media.probe import probe
from coulisses.settings import Settings

FPS = 25
FRAME = 1 / FPS
SIZE = "320x180"
ENCODE = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50")

# (lavfi source, seconds) and the transition into each next segment
SEGMENTS = [
    (f"testsrc2=s={SIZE}:r={FPS}:d=2", 2.0),
    (f"mandelbrot=s={SIZE}:r={FPS},trim=duration=2.8", 2.8),
    (f"gradients=s={SIZE}:r={FPS}:speed=0.01:n=4:c0=red:c1=yellow:c2=blue:c3=green:d=2", 2.0),
    (f"testsrc2=s={SIZE}:r={FPS}:d=7,trim=start=5", 2.0),
    (f"mandelbrot=s={SIZE}:r={FPS}:start_scale=0.5,trim=duration=2", 2.0),
]
TRANSITIONS = [("cut", 0.0), ("dissolve", 0.8), ("cut", 0.0), ("fade", 1.0)]


def make_edit(path: Path, segments: list[tuple[str, float]],
              transitions: list[tuple[str, float]]) -> list[tuple[str, float, float]]:
    """Join ``segments`` with hard cuts (concat) or xfades; returns the ground truth as
    (kind, window start, window end) in seconds (a cut's window is one instant)."""
    args: list[str] = []
    for source, _ in segments:
        args += ["-f", "lavfi", "-i", source]
    graph = [f"[{k}:v]fps={FPS},format=yuv420p,setsar=1,settb=1/{FPS},setpts=PTS-STARTPTS[s{k}]"
             for k in range(len(segments))]
    current, total, truth = "s0", segments[0][1], []
    for k, (kind, seconds) in enumerate(transitions, start=1):
        if kind == "cut":
            graph.append(f"[{current}][s{k}]concat=n=2:v=1:a=0,settb=1/{FPS}[j{k}]")
            truth.append((kind, total, total))
            total += segments[k][1]
        else:
            effect = "fade" if kind == "dissolve" else "fadeblack"
            graph.append(f"[{current}][s{k}]xfade=transition={effect}:duration={seconds}"
                         f":offset={total - seconds:.4f},settb=1/{FPS}[j{k}]")
            truth.append((kind, total - seconds, total))
            total += segments[k][1] - seconds
        current = f"j{k}"
    media.ffmpeg(*args, "-filter_complex", ";".join(graph), "-map", f"[{current}]", *ENCODE, path)
    return truth


def shots_of(path: Path) -> tuple[Shot, ...]:
    source = Source(probe(path), Settings(), lambda done: None)
    return ShotAnalyzer(Settings()).analyze(source)


@pytest.fixture(scope="module")
def edit(media_dir: Path) -> tuple[Path, list[tuple[str, float, float]]]:
    path = media_dir / "shots_edit.mp4"
    return path, make_edit(path, SEGMENTS, TRANSITIONS)


def test_every_boundary_is_found_and_nothing_else(
        edit: tuple[Path, list[tuple[str, float, float]]]) -> None:
    path, truth = edit
    shots = shots_of(path)
    found = [(s.transition, s.start) for s in shots[1:]]
    assert len(found) == len(truth), f"expected {truth}, found {found}"
    for (kind, first, last), (transition, t) in zip(truth, found, strict=True):
        assert transition == kind, (truth, found)
        assert first - 2 * FRAME - 1e-6 <= t <= last + 2 * FRAME + 1e-6, (kind, first, last, t)


def test_shots_cover_the_file(edit: tuple[Path, list[tuple[str, float, float]]]) -> None:
    path, _ = edit
    shots = shots_of(path)
    assert shots[0].start == 0 and shots[0].transition == "start"
    assert shots[-1].end == pytest.approx(float(probe(path).duration), abs=1e-3)
    assert all(a.end == b.start for a, b in pairwise(shots))
    assert all(s.end > s.start for s in shots)


def test_a_flash_and_a_passing_object_are_not_cuts(media_dir: Path) -> None:
    # frame 50 is pure white; frames 75-77 are mostly covered by a dark box
    path = media_dir / "shots_flash.mp4"
    media.ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={SIZE}:r={FPS}:d=4", "-vf",
                 "drawbox=c=white:t=fill:enable='eq(n,50)',"
                 "drawbox=x=20:y=10:w=290:h=165:c=0x302010:t=fill:enable='between(n,75,77)'",
                 *ENCODE, path)
    assert [s.transition for s in shots_of(path)] == ["start"]


def test_a_fast_pan_is_not_a_cut(media_dir: Path) -> None:
    # the 320 px window slides across a 1600 px testsrc2 at 400 px/s (16 px a frame)
    path = media_dir / "shots_pan.mp4"
    media.ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=1600x180:r={FPS}:d=3",
                 "-vf", "crop=320:180:'t*400':0", *ENCODE, path)
    assert [s.transition for s in shots_of(path)] == ["start"]


def test_the_analyser_reports_progress(edit: tuple[Path, list[tuple[str, float, float]]]) -> None:
    path, _ = edit
    seen: list[float] = []
    ShotAnalyzer(Settings()).analyze(Source(probe(path), Settings(), seen.append))
    assert seen and all(0.0 <= f <= 1.0 for f in seen)
    assert ShotAnalyzer.name == "shots" and isinstance(ShotAnalyzer.version, str)
