"""A switch between two speakers, end to end: face tracks in an ``Analysis``, the crop path
``auto_reframe`` gives the variant, and a real render whose frames show each speaker's side
during their turn (a generated clip: a red subject on the left, a blue one on the right)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np

import media
from coulisses.analysis.model import Analysis, Box, FaceTrack, Shot, Span
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.media.probe import probe
from coulisses.platforms.registry import Registry
from coulisses.render import graph
from coulisses.render.enrich import auto_reframe
from coulisses.render.plan import CutOptions, build_plan

W, H, SECONDS = 640, 360, 6.0


def _two_people(folder: Path) -> Path:
    """Grey 640x360, a red square at x 20-100 and a blue one at x 540-620, for 6 s."""
    clip = folder / "two.mp4"
    media.ffmpeg("-f", "lavfi", "-i", f"color=c=gray:s={W}x{H}:r=25:d={SECONDS:g}",
                 "-vf", "drawbox=x=20:y=120:w=80:h=80:color=red:t=fill,"
                        "drawbox=x=540:y=120:w=80:h=80:color=blue:t=fill",
                 "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip)
    return clip


def _analysis(clip: Path) -> Analysis:
    times = [i / 5 for i in range(int(SECONDS * 5) + 1)]
    left = FaceTrack(0, tuple(Box(t, 20, 120, 80, 80, 0.9) for t in times),
                     speaking=(Span(0.0, 2.9),))
    right = FaceTrack(1, tuple(Box(t, 540, 120, 80, 80, 0.9) for t in times),
                      speaking=(Span(3.0, 6.0),))
    return Analysis(fingerprint="x", path=str(clip), duration=SECONDS, width=W, height=H,
                    fps=25.0, shots=(Shot(0.0, SECONDS, "start"),), faces=(left, right))


def _mean_rgb(video: Path, at: float) -> np.ndarray:
    with av.open(str(video)) as c:
        for frame in c.decode(video=0):
            if frame.time is not None and frame.time >= at:
                rgb: np.ndarray = frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
                return rgb
    raise AssertionError(f"no frame at {at} s")


def test_a_vertical_cut_switches_to_each_speaker_at_the_turn(tmp_path: Path) -> None:
    clip = _two_people(tmp_path)
    info = probe(clip)
    plan = build_plan(info, Registry.load().select("tiktok"),
                      CutOptions(preset="draft", extend=True), None, "two")
    plan, notes = auto_reframe(plan, _analysis(clip))
    (v,) = plan.variants
    assert v.fit == "fill", notes
    assert any("switching between face 0 and face 1" in n for n in notes["tiktok"]), notes
    jumps = [(a, b) for a, b in zip(v.crop.keyframes, v.crop.keyframes[1:], strict=False)
             if a.t == b.t]
    assert len(jumps) == 1 and abs(float(jumps[0][0].t) - 3.0) <= 0.2
    out = tmp_path / "out.mp4"
    SubprocessRunner().run(graph.to_command(replace(plan, variants=(v,)), [out]))
    for at, red in ((0.5, True), (2.5, True), (3.5, False), (5.5, False)):
        r, _, b = _mean_rgb(out, at)
        assert (r > b + 20) if red else (b > r + 20), (at, r, b)
