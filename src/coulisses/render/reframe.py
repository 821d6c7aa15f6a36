"""Face tracks -> a crop path for one output shape: hold, pan or follow the subject, per shot.

Pure: tracks and numbers in, a ``Reframe`` out. The subject is the active speaker when the
tracks know one, else the largest, most present face. A move starts only when the subject has
left a dead zone for long enough, runs under a speed limit, and jumps only at shot cuts. Two
speakers that do not fit in the window are framed one at a time, with a cut at each turn
(``analysis.turns``); when their turns are unsure or too fast, or for other subjects that do
not fit, or a group of ``CROWD`` faces or more, the answer is a blurred-background fit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from coulisses.analysis.model import Box, FaceTrack
from coulisses.analysis.turns import speaker_turns
from coulisses.render.plan import CropKeyframe, CropPath, crop_window

DEAD_ZONE = 0.05  # of the window: smaller moves of the subject are ignored
CONFIRM_S = 0.5  # a new position must last this long before the window moves
MAX_SPEED = 0.5  # window widths per second
RESCUE_SPEED = 1.5  # window widths per second, only to keep a fast subject in the window
CATCH_UP_S = 0.5  # time constant of the follow
SMOOTH_S = 0.4  # median filter half-width on the subject's position
EYE_LINE = 1 / 3  # eyes this far down the window
EYES_IN_BOX = 0.4  # eyes this far down a face box
MATTER = 0.7  # a face this present and large, against the top face, matters as much
MATTER_SPEECH = 0.25  # a face speaking this share of the top speaker's time matters too
MIN_SPEECH_S = 1.0  # ... when it speaks at least this long in the shot
TOGETHER_S = 1.0  # two faces on screen together this long form a group
CROWD = 5  # this many faces as present as the top one: a group shot, whoever speaks (with
# that many mouths moving, the one that follows the voice is often found by chance)
SIDE_MARGIN = 0.1  # of a face's width, kept free on each side of a group
KEYFRAMES_PER_S = 3.0  # at most, so the ffmpeg expression stays small
TOLERANCE_PX = 2.0  # keyframes thinned while the path stays this close


@dataclass(frozen=True)
class Reframe:
    """How to fill one output shape: a moving crop, or ``None`` (centred, or no crop for
    ``blur``), with one line per decision."""

    path: CropPath | None
    fit: Literal["fill", "blur"]
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Geometry:
    src_w: int
    src_h: int
    w: int
    h: int

    @property
    def max_x(self) -> int:
        return self.src_w - self.w

    @property
    def max_y(self) -> int:
        return self.src_h - self.h


@dataclass
class _Segment:
    start: float
    end: float
    times: list[float]
    targets: list[tuple[float, float]]  # window top-left wanted at each time
    bounds: list[tuple[float, float, float, float] | None]  # x range, y range keeping it in


def reframe(tracks: Sequence[FaceTrack], shots: Sequence[tuple[float, float]],
            span_start: float | Fraction, span_duration: float | Fraction, src_w: int,
            src_h: int, out_w: int, out_h: int) -> Reframe:
    """The crop path that keeps the subject in an ``out_w`` x ``out_h`` output.

    ``shots`` are (start, end) seconds in the source (empty: one shot); keyframe times are
    seconds from ``span_start``. The window is the largest of the output's shape inside the
    source, as ``render.plan.crop_window`` makes it.
    """
    window = crop_window(src_w, src_h, out_w, out_h, None)
    geo = _Geometry(src_w, src_h, window.width, window.height)
    centre = (window.keyframes[0].x, window.keyframes[0].y)
    if geo.w >= src_w and geo.h >= src_h:
        return Reframe(None, "fill", ["the output has the source's shape: nothing to reframe"])
    t0 = float(span_start)
    t1 = t0 + float(span_duration)
    usable = [tr for tr in tracks if any(_in(b, t0, t1) and b.w > 1 for b in tr.boxes)]
    if not usable:
        return Reframe(None, "fill", ["no face: centred"])
    cuts = sorted({float(c) for shot in shots for c in shot if t0 < float(c) < t1})
    edges = [t0, *cuts, t1]
    reasons: list[str] = []
    keyframes: list[tuple[float, float, float]] = []
    blur = False
    faced = False
    for s, e in itertools.pairwise(edges):
        label = f"{s - t0:.2f}-{e - t0:.2f} s"
        choice = _subject(usable, s, e, e == t1, geo)
        if isinstance(choice, str):
            blur = True
            reasons.append(f"{label}: {choice}: blurred-background fit")
            continue
        if choice is None:
            reasons.append(f"{label}: no face: centred")
            pieces = [(s, [(s, float(centre[0]), float(centre[1]))])]
        else:
            faced = True
            pieces = []
            for segment, who in choice:
                mode, points = _path(segment, geo)
                if len(choice) > 1:
                    label = f"{segment.start - t0:.2f}-{segment.end - t0:.2f} s"
                reasons.append(f"{label}: {mode} on {who}")
                pieces.append((segment.start, points))
        for at, points in pieces:
            if keyframes and e > s:  # hold the last position up to the cut, then jump
                keyframes.append((at, keyframes[-1][1], keyframes[-1][2]))
            keyframes.extend(points)
    if blur:
        return Reframe(None, "blur", reasons)
    if not faced:
        return Reframe(None, "fill", ["no face: centred"])
    return Reframe(_crop_path(keyframes, geo, t0, t1), "fill", reasons)


def _in(box: Box, s: float, e: float, last: bool = True) -> bool:
    return s <= box.t < e or (last and box.t == e)


def _subject(tracks: Sequence[FaceTrack], s: float, e: float, last: bool,
             geo: _Geometry) -> list[tuple[_Segment, str]] | str | None:
    """The subject's wanted window over one shot, in one piece or one per speaker's turn; a
    reason string when it needs a blur."""
    boxes = {tr.id: {b.t: b for b in tr.boxes if _in(b, s, e, last) and b.w > 1}
             for tr in tracks}
    boxes = {tid: bs for tid, bs in boxes.items() if bs}
    if not boxes:
        return None
    times = sorted({t for bs in boxes.values() for t in bs})
    step = _step(times)
    speech = {tr.id: sum(max(0.0, min(sp.end, e) - max(sp.start, s)) for sp in tr.speaking)
              for tr in tracks if tr.id in boxes}
    presence = {tid: len(bs) * _median([b.h for b in bs.values()]) for tid, bs in boxes.items()}
    crowd = [tid for tid in boxes if presence[tid] >= MATTER * max(presence.values())]
    if len(crowd) >= CROWD:
        return f"{len(crowd)} faces share the frame (a group shot)"
    basis = "speaker" if any(v > 0 for v in speech.values()) else "largest face"
    ranked = sorted(boxes, key=lambda tid: (-speech[tid], -presence[tid], tid))
    top = ranked[0]

    def matters(tid: int) -> bool:
        if basis == "speaker":
            return speech[tid] >= max(MATTER_SPEECH * speech[top], MIN_SPEECH_S)
        return presence[tid] >= MATTER * presence[top]

    group = [top] + [tid for tid in ranked[1:] if matters(tid)
                     and len(boxes[tid].keys() & boxes[top].keys()) * step >= TOGETHER_S]
    if len(group) > 1:
        wide = max(_union([boxes[g][t] for g in group if t in boxes[g]])[2]
                   for t in boxes[top] if sum(t in boxes[g] for g in group) > 1)
        names = " and ".join(f"face {g}" for g in group)
        if wide > geo.w:
            reason = (f"{names} both matter ({basis}s) and span {wide:.0f} px, wider than the "
                      f"{geo.w} px window")
            if basis != "speaker":
                return reason
            return _switch(tracks, boxes, group, s, e, geo, reason)
        who = f"{names} together ({basis}s)"
    else:
        who = f"face {top} ({'the speaker' if basis == 'speaker' else 'the largest face'})"
    return [(_segment(boxes, group, ranked, times, s, e, geo), who)]


def _switch(tracks: Sequence[FaceTrack], boxes: dict[int, dict[float, Box]], group: list[int],
            s: float, e: float, geo: _Geometry, reason: str) -> list[tuple[_Segment, str]] | str:
    """One framing per speaker's turn, switching by a cut; ``reason`` (with why) when the
    turns are unsure or too fast."""
    spoken = {tr.id: tr.speaking for tr in tracks if tr.id in group}
    found = speaker_turns(spoken, s, e)
    if isinstance(found, str):
        return f"{reason}; no switch between them: {found}"
    names = " and ".join(f"face {g}" for g in sorted(group))
    pieces = []
    for turn in found.turns:
        mine = sorted(t for t in boxes[turn.speaker] if turn.start <= t < turn.end
                      or (turn.end == e and t == e))
        if not mine:
            return f"{reason}; no switch between them: face {turn.speaker} speaks off screen"
        segment = _segment(boxes, [turn.speaker], [turn.speaker], mine, turn.start, turn.end,
                           geo)
        pieces.append((segment, f"face {turn.speaker} (speaking; switching between {names})"))
    return pieces


def _segment(boxes: dict[int, dict[float, Box]], group: list[int], ranked: list[int],
             times: list[float], s: float, e: float, geo: _Geometry) -> _Segment:
    """The wanted window at each time: around ``group``, or whoever ranks next when the whole
    group is away."""
    targets: list[tuple[float, float]] = []
    bounds: list[tuple[float, float, float, float] | None] = []
    for t in times:
        members = [boxes[g][t] for g in group if t in boxes[g]]
        if not members:  # the subject is away: whoever ranks next
            members = [boxes[tid][t] for tid in ranked if t in boxes[tid]][:1]
        x, y, w, h = _union(members)
        face_h = max(b.h for b in members)
        ty = min(y + EYES_IN_BOX * face_h - EYE_LINE * geo.h, y - 0.1 * face_h)
        targets.append((_clamp(x + w / 2 - geo.w / 2, 0, geo.max_x), _clamp(ty, 0, geo.max_y)))
        bounds.append((x + w - geo.w, x, y + h - geo.h, y) if w <= geo.w and h <= geo.h else None)
    return _Segment(s, e, times, targets, bounds)


def _union(members: list[Box]) -> tuple[float, float, float, float]:
    """(x, y, w, h) around several faces, with a side margin."""
    margin = SIDE_MARGIN * max(b.w for b in members)
    x0 = min(b.x for b in members) - margin
    x1 = max(b.x + b.w for b in members) + margin
    y0, y1 = min(b.y for b in members), max(b.y + b.h for b in members)
    return x0, y0, x1 - x0, y1 - y0


def _path(seg: _Segment, geo: _Geometry) -> tuple[str, list[tuple[float, float, float]]]:
    """('hold' | 'pan' | 'track', [(t, x, y)]) for one shot."""
    times = seg.times
    xs = [p[0] for p in seg.targets]
    ys = [p[1] for p in seg.targets]
    xs, ys = _median_filter(times, xs), _median_filter(times, ys)
    dz_x, dz_y = DEAD_ZONE * geo.w, DEAD_ZONE * geo.h
    if max(xs) - min(xs) <= 2 * dz_x and max(ys) - min(ys) <= 2 * dz_y:
        hold = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        if _inside(seg, times, [hold[0]] * len(times), [hold[1]] * len(times)):
            return "hold", [(seg.start, *hold)]
    line_x, line_y = _line(times, xs, dz_x, geo), _line(times, ys, dz_y, geo)
    if line_x is not None and line_y is not None:
        px = [line_x[0] + line_x[1] * (t - times[0]) for t in times]
        py = [line_y[0] + line_y[1] * (t - times[0]) for t in times]
        if _inside(seg, times, px, py):
            return "pan", [(seg.start, px[0], py[0]), (times[0], px[0], py[0]),
                           (times[-1], px[-1], py[-1])]
    px = _follow(times, xs, [None if b is None else (b[0], b[1]) for b in seg.bounds], dz_x,
                 geo.w, geo.max_x)
    py = _follow(times, ys, [None if b is None else (b[2], b[3]) for b in seg.bounds], dz_y,
                 geo.w, geo.max_y)
    return "track", [(seg.start, px[0], py[0]), *zip(times, px, py, strict=True)]


def _median_filter(times: list[float], values: list[float]) -> list[float]:
    out = []
    lo = 0
    for i, t in enumerate(times):
        while times[lo] < t - SMOOTH_S:
            lo += 1
        hi = i
        while hi + 1 < len(times) and times[hi + 1] <= t + SMOOTH_S:
            hi += 1
        out.append(_median(values[lo:hi + 1]))
    return out


def _line(times: list[float], values: list[float], dz: float,
          geo: _Geometry) -> tuple[float, float] | None:
    """(value at the first time, slope) of a steady pan that stays within the dead zone of
    every wanted position and under the speed limit; None when no such line exists."""
    n = len(times)
    if n < 2 or times[-1] <= times[0]:
        return (values[0], 0.0) if n else None
    mt, mv = sum(times) / n, sum(values) / n
    var = sum((t - mt) ** 2 for t in times)
    slope = sum((t - mt) * (v - mv) for t, v in zip(times, values, strict=True)) / var
    if abs(slope) > MAX_SPEED * geo.w:
        return None
    start = mv + slope * (times[0] - mt)
    if any(abs(start + slope * (t - times[0]) - v) > dz
           for t, v in zip(times, values, strict=True)):
        return None
    return start, slope


def _inside(seg: _Segment, times: list[float], px: list[float], py: list[float]) -> bool:
    at = dict(zip(times, zip(px, py, strict=True), strict=True))
    for t, b in zip(seg.times, seg.bounds, strict=True):
        if b is None or t not in at:
            continue
        x, y = at[t]
        if not (b[0] - 0.5 <= x <= b[1] + 0.5 and b[2] - 0.5 <= y <= b[3] + 0.5):
            return False
    return True


def _follow(times: list[float], wanted: list[float],
            bounds: list[tuple[float, float] | None], dz: float, width: float,
            top: int) -> list[float]:
    """Positions of a window following ``wanted`` on one axis, like a camera operator: moves
    start when the subject has stayed out of the dead zone for CONFIRM_S, never reverse without
    that confirmation, ease in at CATCH_UP_S under MAX_SPEED, and go faster only to keep the
    face in the window."""
    p = _median([v for t, v in zip(times, wanted, strict=True) if t <= times[0] + CONFIRM_S])
    out = [p]
    moving = 0  # direction of the current move, 0 when still
    pending, since = 0, times[0]
    for i in range(1, len(times)):
        dt = times[i] - times[i - 1]
        err = wanted[i] - p
        sign = (err > 0) - (err < 0)
        if moving and (abs(err) <= 0.2 * dz or sign != moving):
            moving = 0
        if not moving:
            if abs(err) > dz:
                if sign != pending:
                    pending, since = sign, times[i - 1]
                if times[i] - since >= CONFIRM_S:
                    moving = sign
            else:
                pending = 0
        if moving:
            p += _clamp(err * (1 - math.exp(-dt / CATCH_UP_S)), -MAX_SPEED * width * dt,
                        MAX_SPEED * width * dt)
        b = bounds[i] if i < len(bounds) else None
        if b is not None and not b[0] <= p <= b[1]:
            need = (b[0] - p) if p < b[0] else (b[1] - p)
            p += _clamp(need, -RESCUE_SPEED * width * dt, RESCUE_SPEED * width * dt)
        p = _clamp(p, 0, top)
        out.append(p)
    return out


def _crop_path(points: list[tuple[float, float, float]], geo: _Geometry, t0: float,
               t1: float) -> CropPath:
    """Keyframes relative to ``t0``, thinned, rounded and kept inside the source."""
    rel = [(max(0.0, min(t - t0, t1 - t0)), x, y) for t, x, y in points]
    limit = max(2, int(KEYFRAMES_PER_S * (t1 - t0)) + 2)
    tolerance = TOLERANCE_PX
    while True:
        thinned = _thin_segments(rel, tolerance)
        if len(thinned) <= limit:
            break
        tolerance *= 2
    keys: list[CropKeyframe] = []
    for t, x, y in thinned:
        at = Fraction(round(t * 1000), 1000)
        key = CropKeyframe(max(at, keys[-1].t) if keys else at,
                           int(_clamp(round(x), 0, geo.max_x)),
                           int(_clamp(round(y), 0, geo.max_y)))
        if not keys or key != keys[-1]:
            keys.append(key)
    keys = [k for i, k in enumerate(keys)  # the middle of a run at one position adds nothing
            if not 0 < i < len(keys) - 1 or not _same(keys[i - 1], k) or not _same(k, keys[i + 1])]
    while len(keys) > 1 and _same(keys[-1], keys[-2]):  # positions hold after the last
        keys.pop()
    if keys[0].t > 0:
        keys.insert(0, CropKeyframe(Fraction(0), keys[0].x, keys[0].y))
    return CropPath(geo.w, geo.h, tuple(keys))


def _same(a: CropKeyframe, b: CropKeyframe) -> bool:
    return (a.x, a.y) == (b.x, b.y)


def _thin_segments(points: list[tuple[float, float, float]],
                   tolerance: float) -> list[tuple[float, float, float]]:
    """Douglas-Peucker on each stretch between cuts (two points at one time); cuts are kept."""
    out: list[tuple[float, float, float]] = []
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or points[i][0] <= points[i - 1][0]:
            out.extend(_douglas_peucker(points[start:i], tolerance))
            start = i
    return out


def _douglas_peucker(points: list[tuple[float, float, float]],
                     tolerance: float) -> list[tuple[float, float, float]]:
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        ta, xa, ya = points[a]
        tb, xb, yb = points[b]
        worst, at = 0.0, -1
        for i in range(a + 1, b):
            t, x, y = points[i]
            u = (t - ta) / (tb - ta) if tb > ta else 0.0
            d = max(abs(x - (xa + (xb - xa) * u)), abs(y - (ya + (yb - ya) * u)))
            if d > worst:
                worst, at = d, i
        if worst > tolerance:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def reversals(path: CropPath) -> int:
    """Direction changes of the window's horizontal motion (crop jitter). A jump (two
    keyframes at one time: a shot cut or a switch between speakers) is a cut, not motion: it
    is not counted and the motion after it starts afresh; still stretches are skipped."""
    count, sign = 0, 0
    for a, b in itertools.pairwise(path.keyframes):
        if b.t == a.t:
            sign = 0
        elif b.x != a.x:
            now = 1 if b.x > a.x else -1
            count += sign != 0 and now != sign
            sign = now
    return count


def _step(times: list[float]) -> float:
    gaps = [b - a for a, b in itertools.pairwise(times) if b > a]
    return _median(gaps) if gaps else 0.2


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return 0.0
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def _clamp(v: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, v))
