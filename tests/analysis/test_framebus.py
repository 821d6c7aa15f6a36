"""One decode for every frame analyser: each gets exactly the frames it would read alone, and
``analyze`` with the shared decode gives the same results as each analyser run by itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coulisses.analysis.framebus import EVERY_FRAME, Collect, FrameNeed, feed
from coulisses.analysis.model import part_to_json
from coulisses.analysis.picture import PictureAnalyzer
from coulisses.analysis.run import Source, analyze
from coulisses.analysis.shots import ShotAnalyzer
from coulisses.media.frames import sample_frames
from coulisses.media.probe import probe
from coulisses.settings import Settings

NEEDS = (FrameNeed(EVERY_FRAME, 192), FrameNeed(5.0, 640), FrameNeed(8.0, 256),
         FrameNeed(8.0, 256), FrameNeed(2.0, 96))


@pytest.mark.parametrize("clip_name", ["landscape_clip", "rotated_clip", "vfr_clip",
                                       "anamorphic_clip"])
def test_each_need_gets_the_frames_sample_frames_gives(clip_name: str,
                                                       request: pytest.FixtureRequest) -> None:
    clip: Path = request.getfixturevalue(clip_name)
    sinks = [Collect(n) for n in NEEDS]
    seen: list[float] = []
    feed(clip, sinks, progress=seen.append)
    assert seen and seen == sorted(seen)
    for sink in sinks:
        alone = list(sample_frames(clip, fps=sink.need.fps, max_side=sink.need.max_side))
        assert [f.t for f in sink.frames] == [f.t for f in alone]
        assert len(alone) > 1
        for shared, own in zip(sink.frames, alone, strict=True):
            assert shared.rgb.shape == own.rgb.shape
            assert np.array_equal(shared.rgb, own.rgb)


def test_a_span_is_fed_like_a_sampled_span(landscape_clip: Path) -> None:
    sink = Collect(FrameNeed(5.0, 160))
    feed(landscape_clip, [sink], start=1.0, end=2.0)
    alone = list(sample_frames(landscape_clip, fps=5.0, max_side=160, start=1.0, end=2.0))
    assert [f.t for f in sink.frames] == [f.t for f in alone] and len(alone) >= 5
    assert all(1.0 - 1e-6 <= f.t <= 2.0 for f in sink.frames)


def test_no_sink_reads_nothing(tmp_path: Path) -> None:
    feed(tmp_path / "not-even-there.mp4", [])  # nothing asked: the file is not opened


def test_analyze_with_one_decode_matches_each_analyser_alone(landscape_clip: Path,
                                                            tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "cache")
    analyzers = [ShotAnalyzer(settings), PictureAnalyzer(settings)]
    calls: list[tuple[str, float]] = []
    result = analyze(landscape_clip, settings, analyzers,
                     lambda file, name, done: calls.append((name, done)))
    info = probe(landscape_clip)
    for a in analyzers:
        alone = a.analyze(Source(info, settings, lambda done: None))
        assert part_to_json(getattr(result, a.name)) == part_to_json(alone)
    assert ("shots", 0.0) in calls and ("picture", 1.0) in calls
    assert all(0.0 <= done <= 1.0 for _, done in calls)
    # each result was cached on its own: a second run decodes nothing
    stored = sorted(p.name for p in (tmp_path / "cache" / "analysis").rglob("*.json"))
    assert stored == ["picture-1.json", "shots-1.json"]
    again = analyze(landscape_clip, settings, analyzers)
    assert again == result
