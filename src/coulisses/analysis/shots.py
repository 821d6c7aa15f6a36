"""Shot boundaries: hard cuts, dissolves and fades through black, from every frame decoded small.

``ShotSignals`` turns frames into per-frame distances (streamed, constant memory per frame);
``find_boundaries`` reads those distances; ``ShotAnalyzer`` is the ``shots`` analyser.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from coulisses.analysis.framebus import EVERY_FRAME, FrameNeed, run_alone
from coulisses.analysis.model import Shot
from coulisses.analysis.shotsignals import SIDE, ShotSignals, SignalArrays
from coulisses.media.frames import Frame
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.base import Source

Transition = Literal["cut", "dissolve", "fade"]

# Thresholds are on the content score (0-100, see shotsignals.score). They were set on generated
# edits (tests/analysis/test_shots.py) and one cut-free real clip, never on the benchmark edit.
CUT_MIN = 8.0  # a frame-to-frame change below this is never a cut
CUT_RATIO = 3.0  # ... and it must stand this many times above the local level (AdaptiveDetector)
CUT_WINDOW = 3  # frames each side for the local level (a median, so one neighbour may spike)
PERSIST_SHARE = 0.5  # frames shortly after a cut differ from the one before it by this share
DISSOLVE_MIN = 40.0  # a dissolve changes the picture at least this much end to end
DISSOLVE_STEP_SHARE = 0.6  # no single step of a dissolve carries more than this share
DISSOLVE_STRAIGHTNESS = 1.6  # summed steps over end-to-end change (1.0 for a pure blend)
DISSOLVE_RESIDUAL = 0.2  # middle frames are blends of the ends to within this share
DISSOLVE_RATIO = 1.5  # ... and it changes this much more than the stretches either side (mean)
FADE_RAMP_S = 2.0  # how far a fade's darkening is followed from its black frames
MIN_GAP_S = 0.2  # two boundaries closer than this are one


@dataclass(frozen=True)
class Boundary:
    """Where a shot begins: ``t`` is the first frame of the new shot (a dissolve's midpoint)."""

    t: float
    transition: Transition
    strength: float  # the content change it makes (0-100)


class ShotAnalyzer:
    """The ``shots`` analyser: every shot of the file, in order, covering it end to end."""

    name = "shots"
    version = "1"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def analyze(self, source: Source) -> tuple[Shot, ...]:
        """Decode every frame at most SIDE pixels wide and find the shot boundaries.

        Raises:
            av.FFmpegError: the file stops decoding (it was probed, so this is rare).
        """
        result: tuple[Shot, ...] = run_alone(source, self.frame_job(source))
        return result

    def frame_job(self, source: Source) -> ShotJob:
        """The work on ``source`` as a frame-bus job (every frame, SIDE pixels)."""
        video = source.probe.video
        rate = (video.average_rate or video.frame_rate) if video is not None else None
        # window lengths are counted in frames: keep odd time bases from sizing them
        fps = min(120.0, max(1.0, float(rate))) if rate else 25.0
        return ShotJob(duration=float(source.probe.duration), fps=fps)


class ShotJob:
    """Shot detection fed one frame at a time; ``finish`` gives the shots."""

    need = FrameNeed(EVERY_FRAME, SIDE)

    def __init__(self, *, duration: float, fps: float) -> None:
        self.duration = duration
        self.signals = ShotSignals(fps)

    def add(self, frame: Frame) -> None:
        self.signals.add(frame.t, frame.rgb)

    def finish(self) -> tuple[Shot, ...]:
        boundaries = find_boundaries(self.signals)
        return shots_from_boundaries(boundaries, self.duration or self.signals.end_time())


def shots_from_boundaries(boundaries: Iterable[Boundary], duration: float) -> tuple[Shot, ...]:
    """Consecutive shots, the first one beginning at 0 with transition ``start``."""
    starts: list[tuple[float, Literal["cut", "dissolve", "fade", "start"]]] = [(0.0, "start")]
    starts += [(b.t, b.transition) for b in sorted(boundaries, key=lambda b: b.t)
               if 0.0 < b.t < duration]
    ends = [t for t, _ in starts[1:]] + [duration]
    return tuple(Shot(start=round(start, 4), end=round(end, 4), transition=kind)
                 for (start, kind), end in zip(starts, ends, strict=True))


def find_boundaries(signals: ShotSignals) -> list[Boundary]:
    """Cuts, dissolves and fades from the per-frame distances, closer ones merged."""
    sig = signals.arrays()
    n = len(sig.t)
    if n < 2:
        return []
    fades, zone = _fades(sig, signals.fps)
    dissolves = _dissolves(sig, zone)
    for _, (a, e) in dissolves:
        zone[a:e + 2] = True  # a weak step inside a dissolve is part of it
    cuts = [Boundary(float(sig.t[i]), "cut", s) for i, s in _cuts(sig, signals.persist_frames)
            if not zone[i]]
    return _merge([*fades, *cuts, *(b for b, _ in dissolves)])


def _merge(found: list[Boundary]) -> list[Boundary]:
    """Keep the strongest of boundaries closer than MIN_GAP_S (fades first, then cuts)."""
    rank: dict[Transition, int] = {"fade": 2, "cut": 1, "dissolve": 0}
    kept: list[Boundary] = []
    for b in sorted(found, key=lambda b: (-rank[b.transition], -b.strength)):
        if all(abs(b.t - k.t) >= MIN_GAP_S for k in kept):
            kept.append(b)
    return sorted(kept, key=lambda b: b.t)


def _fades(sig: SignalArrays, fps: float) -> tuple[list[Boundary], np.ndarray]:
    """A run of black frames between two pictures is one boundary, at its middle.

    Also returns the fade zones: each black run widened by the frames that darken into it and
    brighten out of it, where cuts and dissolves are only the fade's own edges.
    """
    n = len(sig.t)
    zone = np.zeros(n, dtype=bool)
    found = []
    reach = max(2, round(FADE_RAMP_S * fps))
    for p, q in _runs(sig.black):
        first, last = p, q
        while first > 0 and p - first < reach and sig.luma[first - 1] > sig.luma[first]:
            first -= 1
        while last < n - 1 and last - q < reach and sig.luma[last + 1] > sig.luma[last]:
            last += 1
        zone[max(0, first - 1):min(n, last + 2)] = True
        if p == 0 or q == n - 1:
            continue  # a fade in at the start or out at the end begins or ends no shot
        found.append(Boundary(float((sig.t[p] + sig.t[q + 1]) / 2), "fade", 100.0))
    return found, zone


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of each run of True."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _cuts(sig: SignalArrays, persist: int) -> list[tuple[int, float]]:
    """Frames that begin a new shot abruptly: (index, strength)."""
    c = sig.step
    n = len(c)
    w = CUT_WINDOW
    padded = np.concatenate([np.full(w, np.nan), c, np.full(w, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * w + 1)
    neighbours = np.delete(windows, w, axis=1)
    local = np.nanmedian(neighbours, axis=1)  # every row holds a number: n >= 2
    candidates = np.flatnonzero((c >= CUT_MIN) & (c >= CUT_RATIO * np.maximum(local, 1.0)))
    found: list[tuple[int, float]] = []
    for i in (int(k) for k in candidates if k > 0):
        if _returns(sig.lag, i, persist, n) < PERSIST_SHARE * c[i]:
            continue  # a flash or a passing object: the picture comes back
        found.append((i, float(c[i])))
    # a cut spread over two frames (a blended frame between the shots) is one cut
    found.sort(key=lambda x: -x[1])
    kept: list[tuple[int, float]] = []
    for i, strength in found:
        if all(abs(i - k) > 1 for k, _ in kept):
            kept.append((i, strength))
    return sorted(kept)


def _returns(lag: dict[int, np.ndarray], i: int, persist: int, n: int) -> float:
    """The smallest change between a frame before ``i`` and one from ``i`` on, at most
    ``persist + 1`` frames apart: small when the picture before ``i`` comes back."""
    smallest = math.inf
    for y in range(i, min(n, i + persist)):
        for x in range(max(0, y - persist - 1), i):
            smallest = min(smallest, float(lag[y - x][y]))
    return smallest


def _dissolves(sig: SignalArrays,
               fade_zone: np.ndarray) -> list[tuple[Boundary, tuple[int, int]]]:
    """Gradual transitions: windows whose ends differ like a cut, reached by a straight blend
    and changing much more than the equally long stretches just before and after them."""
    c = sig.step
    n = len(c)
    cum_p = np.concatenate([[0.0], np.cumsum(sig.pix_step)])
    zone_before = np.concatenate([[0], np.cumsum(fade_zone)])
    windows: list[tuple[float, int, int]] = []
    for length, (change, pix_change, residual) in sig.dissolve.items():
        if 2 * length >= n:
            continue
        b = np.arange(length, n)
        a = b - length
        step_max = np.lib.stride_tricks.sliding_window_view(c[1:], length).max(axis=1)
        path = cum_p[b + 1] - cum_p[a + 1]
        # the change over the equally long stretches just before and just after the window
        has_before, has_after = a >= length, b + length < n
        before = np.where(has_before, change[a], 0.0)
        after = np.where(has_after, change[np.minimum(b + length, n - 1)], 0.0)
        around = (before + after) / np.maximum(1, has_before.astype(int) + has_after)
        ok = ((change[b] >= DISSOLVE_MIN)
              & (step_max <= DISSOLVE_STEP_SHARE * change[b])
              & (path <= DISSOLVE_STRAIGHTNESS * np.maximum(pix_change[b], 1e-6))
              & (residual[b] <= DISSOLVE_RESIDUAL)
              & (change[b] >= DISSOLVE_RATIO * around)
              & (zone_before[b + 1] - zone_before[a] == 0))
        contrast = change[b] - around
        windows += [(float(contrast[k]), int(b[k]) - length, int(b[k]))
                    for k in np.flatnonzero(ok)]
    out: list[tuple[Boundary, tuple[int, int]]] = []
    for first, last, strength in _strongest(windows):
        # the boundary is where half of the change along the window has happened
        half = (cum_p[first + 1] + cum_p[last + 1]) / 2
        middle = int(np.searchsorted(cum_p[first + 1:last + 2], half)) + first
        t = float(sig.t[min(max(middle, first + 1), last)])
        out.append((Boundary(t, "dissolve", strength), (first, last)))
    return out


def _strongest(windows: list[tuple[float, int, int]]) -> list[tuple[int, int, float]]:
    """Non-overlapping windows, the most contrasted kept first: (first, last, contrast)."""
    kept: list[tuple[int, int, float]] = []
    for contrast, a, e in sorted(windows, key=lambda w: (-w[0], w[2] - w[1])):
        if all(e < ka or a > ke for ka, ke, _ in kept):
            kept.append((a, e, contrast))
    # windows that touch are parts of one long transition
    merged: list[tuple[int, int, float]] = []
    for a, e, contrast in sorted(kept):
        if merged and a - merged[-1][1] <= 2:
            pa, _, pc = merged[-1]
            merged[-1] = (pa, e, max(pc, contrast))
        else:
            merged.append((a, e, contrast))
    return merged
