"""Reframing on synthetic face tracks whose motion is known by construction (no video)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from coulisses.analysis.model import Box, FaceTrack, Span
from coulisses.render.plan import CropPath, crop_window
from coulisses.render.reframe import MAX_SPEED, RESCUE_SPEED, reframe

SRC_W, SRC_H = 1920, 1080
OUT_W, OUT_H = 1080, 1920  # 9:16
STEP = 0.2  # the analyser samples 5 frames a second
FACE_W, FACE_H = 120, 160


def _track(tid: int, xs: list[float], *, y: float = 300.0, t0: float = 0.0, noise: float = 0.0,
           seed: int = 0, speaking: tuple[Span, ...] = ()) -> FaceTrack:
    rng = random.Random(seed)
    boxes = tuple(
        Box(t=round(t0 + i * STEP, 4), x=x + rng.gauss(0, noise), y=y + rng.gauss(0, noise),
            w=FACE_W + rng.gauss(0, noise / 2), h=FACE_H + rng.gauss(0, noise / 2), score=0.9)
        for i, x in enumerate(xs))
    return FaceTrack(id=tid, boxes=boxes, speaking=speaking)


def _window_w() -> int:
    return crop_window(SRC_W, SRC_H, OUT_W, OUT_H, None).width


def _face_inside(path: CropPath, box: Box, t: Fraction) -> bool:
    x, y = path.position_at(t)
    return (x <= box.x and box.x + box.w <= x + path.width
            and y <= box.y and box.y + box.h <= y + path.height)


def _reversals(path: CropPath) -> int:
    """Direction changes of the window's horizontal motion (still stretches are skipped)."""
    signs = []
    for a, b in zip(path.keyframes, path.keyframes[1:], strict=False):
        if b.x != a.x:
            signs.append(1 if b.x > a.x else -1)
    return sum(1 for s, u in itertools.pairwise(signs) if s != u)


def _max_speed(path: CropPath) -> float:
    speeds = [abs(b.x - a.x) / float(b.t - a.t)
              for a, b in zip(path.keyframes, path.keyframes[1:], strict=False) if b.t > a.t]
    return max(speeds, default=0.0)


def _assert_inside_source(path: CropPath) -> None:
    for k in path.keyframes:
        assert 0 <= k.x <= SRC_W - path.width and 0 <= k.y <= SRC_H - path.height, k


def test_a_still_face_is_held_with_one_keyframe() -> None:
    face = _track(0, [900.0] * 50, noise=3.0)
    result = reframe([face], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "fill"
    assert result.path is not None and len(result.path.keyframes) == 1
    assert "hold" in result.reasons[0]
    assert result.path.width == _window_w() and result.path.height == SRC_H
    centre = result.path.keyframes[0].x + result.path.width / 2
    assert abs(centre - (900 + FACE_W / 2)) < 0.05 * result.path.width


def test_a_slowly_moving_face_is_followed_smoothly_despite_jitter() -> None:
    duration = 20.0
    xs = [300 + 55 * i * STEP for i in range(int(duration / STEP))]  # 55 px/s to the right
    face = _track(0, xs, noise=8.0, seed=3)
    result = reframe([face], [], 0.0, duration, SRC_W, SRC_H, OUT_W, OUT_H)
    path = result.path
    assert result.fit == "fill" and path is not None
    for box in face.boxes:
        assert _face_inside(path, box, Fraction(box.t).limit_denominator(1000)), box
    assert _max_speed(path) <= MAX_SPEED * path.width * 1.01
    assert _reversals(path) / duration <= 0.2
    assert len(path.keyframes) <= 3 * duration
    _assert_inside_source(path)


def test_a_face_that_wanders_is_tracked_without_jitter_reversals() -> None:
    rng = random.Random(7)
    xs, x, v = [], 800.0, 0.0
    for i in range(150):  # 30 s: walks right, stops, walks back left, stops
        phase = i * STEP
        v = 90.0 if phase < 8 else 0.0 if phase < 14 else -120.0 if phase < 22 else 0.0
        x += v * STEP
        xs.append(x)
    face = _track(0, xs, noise=10.0, seed=rng.randrange(1000))
    result = reframe([face], [], 0.0, 30.0, SRC_W, SRC_H, OUT_W, OUT_H)
    path = result.path
    assert path is not None and "track" in result.reasons[0]
    inside = sum(_face_inside(path, b, Fraction(b.t).limit_denominator(1000))
                 for b in face.boxes)
    assert inside / len(face.boxes) >= 0.98
    assert _reversals(path) / 30.0 <= 0.2
    assert _max_speed(path) <= RESCUE_SPEED * path.width * 1.01
    _assert_inside_source(path)


def test_two_far_apart_speakers_fall_back_to_a_blurred_fit() -> None:
    left = _track(0, [150.0] * 50, speaking=(Span(0.0, 4.0), Span(8.0, 10.0)))
    right = _track(1, [1600.0] * 50, speaking=(Span(4.2, 7.8),))
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "blur" and result.path is None
    assert "wider than" in result.reasons[0]


def test_two_close_speakers_are_framed_together() -> None:
    left = _track(0, [800.0] * 50, speaking=(Span(0.0, 5.0),))
    right = _track(1, [1050.0] * 50, speaking=(Span(5.0, 10.0),))
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "fill" and result.path is not None
    for box in left.boxes + right.boxes:
        assert _face_inside(result.path, box, Fraction(box.t).limit_denominator(1000))


def test_the_speaker_is_the_subject_over_a_larger_silent_face() -> None:
    speaker = _track(0, [1500.0] * 50, speaking=(Span(0.0, 10.0),))
    listener = FaceTrack(1, tuple(Box(b.t, 200.0, 200.0, 300.0, 400.0, 0.9)
                                  for b in speaker.boxes))
    result = reframe([speaker, listener], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.path is not None
    assert all(_face_inside(result.path, b, Fraction(0)) for b in speaker.boxes[:1])
    assert "face 0 (the speaker)" in result.reasons[0]


def test_keyframes_are_relative_to_the_span_start() -> None:
    xs = [200 + 60 * i * STEP for i in range(100)]  # source seconds 100-120
    face = _track(0, xs, t0=100.0, noise=4.0)
    result = reframe([face], [], Fraction(105), Fraction(10), SRC_W, SRC_H, OUT_W, OUT_H)
    path = result.path
    assert path is not None and len(path.keyframes) >= 2
    assert path.keyframes[0].t == 0 and path.keyframes[-1].t <= 10
    for box in face.boxes:
        if 105 <= box.t <= 115:
            assert _face_inside(path, box, Fraction(box.t - 105).limit_denominator(1000))


def test_the_window_jumps_at_a_cut_instead_of_panning_across_it() -> None:
    left = _track(0, [200.0] * 25)  # shot 1: 0-5 s
    right = _track(1, [1500.0] * 25, t0=5.0)  # shot 2: 5-10 s
    result = reframe([left, right], [(0.0, 5.0), (5.0, 10.0)], 0.0, 10.0, SRC_W, SRC_H,
                     OUT_W, OUT_H)
    path = result.path
    assert path is not None
    at_cut = [k for k in path.keyframes if k.t == 5]
    assert len(at_cut) == 2 and at_cut[0].x != at_cut[1].x
    assert path.position_at(Fraction(49, 10)) == (at_cut[0].x, at_cut[0].y)
    assert _face_inside(path, right.boxes[0], Fraction(5001, 1000))  # ffmpeg: new at t=5


def test_windows_stay_inside_the_source_at_its_edges() -> None:
    for xs in ([0.0] * 30, [SRC_W - FACE_W] * 30, [0.0 + 60 * i for i in range(30)]):
        face = _track(0, xs, y=0.0, noise=5.0)
        result = reframe([face], [], 0.0, 6.0, SRC_W, SRC_H, OUT_W, OUT_H)
        assert result.path is not None
        _assert_inside_source(result.path)


def test_a_portrait_source_keeps_headroom_above_the_face() -> None:
    face = FaceTrack(0, tuple(Box(i * STEP, 480.0, 900.0, 120.0, 160.0, 0.9) for i in range(30)))
    result = reframe([face], [], 0.0, 6.0, 1080, 1920, 1920, 1080)
    path = result.path
    assert path is not None and path.width == 1080
    eyes = 900 + 0.4 * 160
    top = path.keyframes[0].y
    assert top < 900 and abs((eyes - top) / path.height - 1 / 3) < 0.05


def test_no_face_gives_a_centred_crop() -> None:
    result = reframe([], [], 0.0, 5.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.path is None and result.fit == "fill" and result.reasons == ["no face: centred"]
    away = _track(0, [900.0] * 10, t0=50.0)  # a face outside the span counts for nothing
    assert reframe([away], [], 0.0, 5.0, SRC_W, SRC_H, OUT_W, OUT_H).path is None


def test_a_minute_of_wandering_stays_under_two_hundred_keyframes() -> None:
    rng = random.Random(11)
    xs, x = [], 900.0
    for _ in range(300):
        x = min(1700.0, max(100.0, x + rng.gauss(0, 40)))
        xs.append(x)
    face = _track(0, xs, noise=6.0)
    result = reframe([face], [], 0.0, 60.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.path is not None and len(result.path.keyframes) < 200
    _assert_inside_source(result.path)
