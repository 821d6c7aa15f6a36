"""Face-aware caption placement: a word caption that would cover a face moves to the top of the
safe zone, caption by caption; faces are mapped onto each variant's canvas through its crop
or its fitted picture. Pure checks on synthetic boxes, then one real cut of a GRID speaker."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from coulisses.analysis.model import Box, FaceTrack, Word
from coulisses.media.probe import Probe, VideoStream
from coulisses.platforms.registry import Registry
from coulisses.platforms.spec import PlatformSpec
from coulisses.render.cut import cut
from coulisses.render.enrich import faces_on_canvas
from coulisses.render.plan import CropKeyframe, CropPath, CutOptions, build_plan
from coulisses.render.wordcaptions import FaceBox, karaoke_ass, place_caption
from coulisses.settings import Settings

BOTTOM = (240.0, 1260.0, 840.0, 1420.0)  # a two-line caption above TikTok's bottom margin
TOP = (240.0, 270.0, 840.0, 430.0)


def _face(t: float, y: float, x: float = 300.0, size: float = 480.0) -> FaceBox:
    return FaceBox(t, x, y, size, size)


def test_a_caption_over_a_face_moves_to_the_top() -> None:
    chin_under_caption = [_face(1.0, 900.0)]  # face 900-1380: its lower part under the text
    assert place_caption((0.5, 1.5), chin_under_caption, BOTTOM, TOP) == "top"


def test_a_caption_clear_of_faces_stays_at_the_bottom() -> None:
    assert place_caption((0.5, 1.5), [_face(1.0, 500.0)], BOTTOM, TOP) == "bottom"
    assert place_caption((0.5, 1.5), [], BOTTOM, TOP) == "bottom"
    # a face beside the text, not under it
    assert place_caption((0.5, 1.5), [_face(1.0, 1000.0, x=860.0, size=200.0)], BOTTOM,
                         TOP) == "bottom"
    # a face grazed by less than a tenth of its height
    assert place_caption((0.5, 1.5), [_face(1.0, 1260.0 - 450.0)], BOTTOM, TOP) == "bottom"


def test_only_faces_seen_while_the_caption_shows_count() -> None:
    later = [_face(3.0, 900.0)]
    assert place_caption((0.5, 1.5), later, BOTTOM, TOP) == "bottom"
    assert place_caption((2.0, 2.9), later, BOTTOM, TOP) == "top"  # seen 0.1 s after


def test_a_face_filling_the_frame_keeps_the_caption_where_it_hides_least() -> None:
    whole = [FaceBox(1.0, 100.0, 200.0, 880.0, 1400.0)]  # under both places alike
    assert place_caption((0.5, 1.5), whole, BOTTOM, TOP) == "bottom"


@pytest.fixture(scope="module")
def tiktok() -> PlatformSpec:
    (spec,) = Registry.load().select("tiktok")
    return spec


def test_the_ass_script_moves_only_the_captions_over_a_face(tiktok: PlatformSpec) -> None:
    words = [Word("Bonjour", 0.2, 0.6, 0.9), Word("à", 0.6, 0.8, 0.9),
             Word("tous.", 0.8, 1.3, 0.9), Word("Merci", 3.0, 3.4, 0.9),
             Word("beaucoup.", 3.4, 4.0, 0.9)]
    faces = [FaceBox(t / 5, 300.0, 900.0, 480.0, 480.0) for t in range(10)]  # until 1.8 s
    script = karaoke_ass(words, tiktok, 1080, 1920, "pop", faces)
    events = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 2
    assert re.match(r"Dialogue: 0,[^,]+,[^,]+,Word,,0,0,\d+,,\{\\an8\}", events[0])
    top_margin = int(events[0].split(",")[7])
    assert 250 < top_margin < 300  # TikTok's top safe margin (250) and 1 % of the height
    assert events[1].split(",")[7] == "0" and "\\an8" not in events[1]
    assert "\\an8" not in karaoke_ass(words, tiktok, 1080, 1920, "pop")


def _probe(width: int, height: int) -> Probe:
    v = VideoStream(index=0, codec="h264", profile="High", coded_width=width,
                    coded_height=height, sample_aspect=Fraction(1), rotation=0,
                    frame_rate=Fraction(25), average_rate=Fraction(25), is_vfr=False,
                    pix_fmt="yuv420p", bit_depth=8, transfer="sdr", color_trc="bt709",
                    color_primaries="bt709", frames=None)
    return Probe(path=Path("/media/rush.mov"), size_bytes=10**6, container="mov,mp4",
                 duration=Fraction(20), bit_rate=None, video=v, audio=())


def test_faces_land_on_the_canvas_through_the_crop_and_the_fit(tiktok: PlatformSpec) -> None:
    plan = build_plan(_probe(1920, 1080), [tiktok], CutOptions(start=Fraction(2)), None, "r")
    (v,) = plan.variants
    track = FaceTrack(0, (Box(1.0, 900, 300, 100, 100, 0.9), Box(3.0, 900, 300, 100, 100, 0.9),
                          Box(4.0, 1000, 400, 100, 100, 0.9)))
    moving = CropPath(v.crop.width, v.crop.height,
                      (CropKeyframe(Fraction(0), 800, 0), CropKeyframe(Fraction(2), 900, 0)))
    filled = replace(plan, variants=(replace(v, crop=moving),))
    boxes = faces_on_canvas([track], filled, filled.variants[0])
    scale = 1080 / v.crop.width  # the 608x1080 window scaled to 1080x1920
    assert [b.t for b in boxes] == [1.0, 2.0]  # the box before the span is left out
    assert boxes[0].x == pytest.approx((900 - 850) * scale)  # window at x = 850 at 1 s
    assert boxes[1].x == pytest.approx(100 * scale)
    assert boxes[1].y == pytest.approx(400 * 1920 / v.crop.height)
    assert boxes[0].w == pytest.approx(100 * scale)
    blurred = replace(plan, variants=(replace(v, fit="blur"),))
    fitted = faces_on_canvas([track], blurred, blurred.variants[0])
    # 1920x1080 fitted to 1080 wide: scale 0.5625, centred vertically (y offset 656.25)
    assert fitted[0].x == pytest.approx(900 * 0.5625)
    assert fitted[0].y == pytest.approx(656.25 + 300 * 0.5625)


def _frame(path: Path, at: float) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.time is not None and frame.time >= at:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError("no frame")


@pytest.mark.slow
def test_a_real_speaker_cut_vertical_gets_captions_above_the_face(shared_media: Path,
                                                                  tmp_path: Path) -> None:
    """GRID swwp2s reframed to TikTok: the face fills the middle of the canvas, so the
    captions go to the top of the safe zone instead of over the chin."""
    clip = shared_media / "grid" / "swwp2s.mpg"
    settings = Settings(cache_dir=tmp_path / "cache")
    draft = CutOptions(preset="draft", extend=True)
    plain = cut(clip, "tiktok", tmp_path / "plain", options=draft, reframe="auto",
                settings=settings)
    captioned = cut(clip, "tiktok", tmp_path / "cap", options=draft, reframe="auto",
                    captions="auto", settings=settings)
    assert captioned.variants[0].qc.passed, captioned.variants[0].qc.reasons
    a = _frame(plain.variants[0].video, 1.5)
    b = _frame(captioned.variants[0].video, 1.5)
    h = a.shape[0]
    diff = np.abs(a.astype(int) - b.astype(int)).mean(axis=2)
    top = diff[int(h * 250 / 1920): int(h * 0.4)]
    bottom = diff[int(h * 0.55): int(h * (1920 - 484) / 1920)]
    drawn_top, drawn_bottom = int((top > 100).sum()), int((bottom > 100).sum())
    assert drawn_top > 500, drawn_top  # the words are drawn in the upper safe area ...
    assert drawn_bottom < drawn_top / 50, (drawn_top, drawn_bottom)  # ... not on the chin
