"""Timelines from a plan, without rendering: lengths match what the render writes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from test_plan import make_probe

from coulisses.errors import UsageError
from coulisses.platforms.registry import Registry
from coulisses.render.plan import CutOptions, build_plan
from coulisses.render.timeline import build_timeline, read_timeline, write_timeline


def test_a_half_frame_rounds_up_like_the_render(tmp_path: Path) -> None:
    # 2.98 s at 25 fps is 74.5 frames: ffmpeg's -t writes 75, so must the timeline
    probe = make_probe(rate=Fraction(25), duration=Fraction(298, 100))
    plan = build_plan(probe, Registry.load().select("youtube"), CutOptions(), None, "r")
    timeline = build_timeline(plan, plan.variants[0], [], probe.duration)
    (clip,) = timeline.video_tracks()[0].find_clips()
    assert clip.source_range.duration.value == 75


def test_an_edl_is_read_at_the_rate_it_was_written(tmp_path: Path) -> None:
    probe = make_probe(rate=Fraction(25), duration=Fraction(10))
    plan = build_plan(probe, Registry.load().select("youtube"),
                      CutOptions(start=Fraction(2), end=Fraction(7)), None, "r")
    edl = tmp_path / "cut.edl"
    write_timeline(build_timeline(plan, plan.variants[0], [], probe.duration), edl, "edl")
    with pytest.raises(UsageError, match="frame rate"):
        read_timeline(edl)
    (clip,) = read_timeline(edl, rate=25).find_clips()
    assert clip.source_range.start_time.to_seconds() == 2.0
    assert clip.source_range.duration.to_seconds() == 5.0
