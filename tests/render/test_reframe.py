"""Reframing on synthetic face tracks whose motion is known by construction (no video)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from coulisses.analysis.model import Box, FaceTrack, Span
from coulisses.render.plan import CropKeyframe, CropPath, crop_window
from coulisses.render.reframe import MAX_SPEED, RESCUE_SPEED, reframe, reversals

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
    assert reversals(path) / duration <= 0.2
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
    assert reversals(path) / 30.0 <= 0.2
    assert _max_speed(path) <= RESCUE_SPEED * path.width * 1.01
    _assert_inside_source(path)


def _switches(path: CropPath) -> list[tuple[float, int, int]]:
    """(time, x before, x after) of each jump: two keyframes at one time."""
    return [(float(a.t), a.x, b.x) for a, b in itertools.pairwise(path.keyframes)
            if a.t == b.t]


def _framed(path: CropPath, track: FaceTrack, t: float) -> bool:
    box = min(track.boxes, key=lambda b: abs(b.t - t))
    return _face_inside(path, box, Fraction(t).limit_denominator(1000))


def test_two_far_apart_speakers_with_clear_turns_get_a_cut_to_each_turn() -> None:
    """Left speaks 0-4 s and 8-10 s, right 4.2-7.8 s: they cannot share the 9:16 window, the
    turns are clear and long, so the window frames the speaker and cuts at each turn."""
    left = _track(0, [150.0] * 50, speaking=(Span(0.0, 4.0), Span(8.0, 10.0)))
    right = _track(1, [1600.0] * 50, speaking=(Span(4.2, 7.8),))
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    path = result.path
    assert result.fit == "fill" and path is not None
    switches = _switches(path)
    assert [round(t, 1) for t, _, _ in switches] == [4.2, 8.0]  # where each new turn starts
    assert switches[0][1] < switches[0][2] and switches[1][1] > switches[1][2]
    for t in (0.5, 2.0, 3.9, 8.5, 9.9):
        assert _framed(path, left, t) and not _framed(path, right, t), t
    for t in (4.5, 6.0, 7.7):
        assert _framed(path, right, t) and not _framed(path, left, t), t
    assert reversals(path) == 0  # a switch is a cut, not a move
    assert len(path.keyframes) == 5  # hold, then two jumps of two keyframes
    assert [r.split(": ")[0] for r in result.reasons] == ["0.00-4.20 s", "4.20-8.00 s",
                                                          "8.00-10.00 s"]
    assert all("switching between face 0 and face 1" in r for r in result.reasons)
    _assert_inside_source(path)


def test_short_interjections_do_not_make_a_switch() -> None:
    """Right says four 0.7 s words between left's sentences: enough to matter (a quarter of
    left's speech), too short to hold a framing: the window stays on left."""
    blips = (1.0, 4.0, 7.0, 10.0)
    left_spans = tuple(Span(a, b) for a, b in zip((0.0, *(t + 0.7 for t in blips)),
                                                   (*blips, 12.0), strict=True))
    left = _track(0, [150.0] * 60, speaking=left_spans)
    right = _track(1, [1600.0] * 60, speaking=tuple(Span(t, t + 0.7) for t in blips))
    result = reframe([left, right], [], 0.0, 12.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "fill" and result.path is not None
    assert _switches(result.path) == [] and len(result.path.keyframes) == 1
    assert "face 0 (speaking; switching between face 0 and face 1)" in result.reasons[0]
    assert _framed(result.path, left, 4.3)


def test_two_far_apart_speakers_talking_over_each_other_fall_back_to_a_blurred_fit() -> None:
    left = _track(0, [150.0] * 50, speaking=(Span(0.0, 7.0),))
    right = _track(1, [1600.0] * 50, speaking=(Span(3.0, 10.0),))
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "blur" and result.path is None
    assert "wider than" in result.reasons[0] and "talk over each other" in result.reasons[0]


def test_turns_too_fast_to_hold_fall_back_to_a_blurred_fit() -> None:
    """Turns of 0.8 s, back and forth: any 1.5 s hold would leave half the speech off screen."""
    left_spans = tuple(Span(t, t + 0.8) for t in (0.0, 1.6, 3.2, 4.8, 6.4, 8.0))
    right_spans = tuple(Span(t + 0.8, t + 1.6) for t in (0.0, 1.6, 3.2, 4.8, 6.4, 8.0))
    left = _track(0, [150.0] * 50, speaking=left_spans)
    right = _track(1, [1600.0] * 50, speaking=right_spans)
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "blur"
    assert "turns too fast" in result.reasons[0] or "long enough" in result.reasons[0]


def test_far_apart_faces_without_a_speaker_signal_fall_back_to_a_blurred_fit() -> None:
    left, right = _track(0, [150.0] * 50), _track(1, [1600.0] * 50)
    result = reframe([left, right], [], 0.0, 10.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert result.fit == "blur" and "largest faces" in result.reasons[0]


def test_a_switch_inside_a_shot_and_a_cut_between_shots_both_jump() -> None:
    left = _track(0, [150.0] * 75, speaking=(Span(0.0, 4.0), Span(10.0, 15.0)))
    right = _track(1, [1600.0] * 75, speaking=(Span(4.0, 8.0),))
    result = reframe([left, right], [(0.0, 10.0), (10.0, 15.0)], 0.0, 15.0, SRC_W, SRC_H,
                     OUT_W, OUT_H)
    path = result.path
    assert result.fit == "fill" and path is not None
    assert [round(t, 1) for t, _, _ in _switches(path)] == [4.0, 10.0]
    assert _framed(path, left, 12.0) and _framed(path, right, 6.0)
    assert reversals(path) == 0


def test_reversals_count_moves_not_jumps() -> None:
    def path(*keys: tuple[float, int]) -> CropPath:
        return CropPath(100, 100, tuple(CropKeyframe(Fraction(t), x, 0) for t, x in keys))

    assert reversals(path((0, 0), (1, 50), (2, 0))) == 1  # right then back left
    assert reversals(path((0, 0), (1, 50), (1, 0), (2, 40))) == 0  # a jump is a cut
    assert reversals(path((0, 0), (1, 50), (2, 50), (3, 10))) == 1  # a still stretch


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
