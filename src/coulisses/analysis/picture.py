"""Picture measures over time: sharpness, brightness, motion, and the spans where the picture is
black, frozen, blurry, shaky or dark.

Frames are read 8 times a second at most 256 pixels wide; spans are found at that rate. The
result keeps one ``PictureSample`` per half second (sharpness is the median over it,
brightness the mean, motion the mean difference between the frames read 1/8 s apart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coulisses.analysis.framebus import FrameNeed, run_alone
from coulisses.analysis.model import PictureMeasures, PictureSample, Span
from coulisses.media.frames import Frame
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.base import Source

READ_FPS = 8.0
SIDE = 256
SAMPLE_S = 0.5  # one PictureSample per half second
BLACK_LUMA = 16.0  # mean luma 0-255
BLACK_MIN_S = 0.3
FROZEN_MOTION = 0.1  # grey levels: frames identical but for compression noise
FROZEN_MIN_S = 1.0
BLUR_SHARE = 0.2  # sharpness below this share of the file's median sharpness is blurry
BLUR_MIN_S = 1.0
DARK_LUMA = 70.0  # mean luma below this, with ...
DARK_HIGHLIGHT = 100.0  # ... even the brightest 2 % below this: under-exposed
DARK_MIN_S = 1.0
SHAKE_SPEED = 0.08  # global motion of at least 8 % of the width per second (RMS over 1 s) ...
SHAKE_JITTER = 1.0  # ... whose changes are at least as large as the motion itself
SHAKE_MIN_S = 1.0
_PEAK_MIN = 0.08  # phase-correlation peak below which no translation is trusted
_AGREE_PX = 3  # quarters whose translations differ by at most this many pixels agree


@dataclass(frozen=True)
class _Read:
    """One frame as read: time, mean luma, brightest 2 %, sharpness, motion, global shift."""

    t: float
    brightness: float
    highlight: float
    sharpness: float
    motion: float
    shift: tuple[float, float]  # (dx, dy) since the previous read, widths per second (or NaN)


class PictureAnalyzer:
    """The ``picture`` analyser."""

    name = "picture"
    version = "1"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def analyze(self, source: Source) -> PictureMeasures:
        """Read the file 8 times a second and measure it.

        Raises:
            av.FFmpegError: the file stops decoding (it was probed, so this is rare).
        """
        result: PictureMeasures = run_alone(source, self.frame_job(source))
        return result

    def frame_job(self, source: Source) -> PictureJob:
        """The work on ``source`` as a frame-bus job (READ_FPS frames a second, SIDE px)."""
        return PictureJob(duration=float(source.probe.duration))


class PictureJob:
    """Picture measures fed one frame at a time; ``finish`` gives the measures."""

    need = FrameNeed(READ_FPS, SIDE)

    def __init__(self, *, duration: float | None = None) -> None:
        self.duration = duration
        self.reads: list[_Read] = []
        self.previous: tuple[float, np.ndarray] | None = None

    def add(self, frame: Frame) -> None:
        gray = frame.gray
        self.reads.append(_measure(frame.t, gray, self.previous))
        self.previous = (frame.t, gray)

    def finish(self) -> PictureMeasures:
        return _measures(self.reads, self.duration)


def _measures(reads: list[_Read], duration: float | None) -> PictureMeasures:
    if not reads:
        return PictureMeasures()
    t = np.array([r.t for r in reads])
    end = duration if duration else float(t[-1]) + 1.0 / READ_FPS
    bright = np.array([r.brightness for r in reads])
    high = np.array([r.highlight for r in reads])
    sharp = np.array([r.sharpness for r in reads])
    motion = np.array([r.motion for r in reads])
    black = bright < BLACK_LUMA
    # frozen: the frame equals the one before; the span starts at that earlier frame
    still = (motion < FROZEN_MOTION) & ~black
    still[0] = False
    frozen_from = still | np.concatenate([still[1:], [False]])
    lit = ~black & (bright >= DARK_LUMA)
    median = float(np.median(sharp[lit])) if lit.any() else 0.0
    blurry = lit & (sharp < BLUR_SHARE * median)
    dark = ~black & (bright < DARK_LUMA) & (high < DARK_HIGHLIGHT)
    return PictureMeasures(
        samples=_samples(reads, end),
        black=_spans(t, black, end, BLACK_MIN_S),
        frozen=_spans(t, frozen_from, end, FROZEN_MIN_S),
        blurry=_spans(t, blurry, end, BLUR_MIN_S),
        shaky=_spans(t, _shaky(reads), end, SHAKE_MIN_S),
        dark=_spans(t, dark, end, DARK_MIN_S),
    )


def _measure(t: float, gray: np.ndarray, previous: tuple[float, np.ndarray] | None) -> _Read:
    laplacian = (gray[1:-1, :-2] + gray[1:-1, 2:] + gray[:-2, 1:-1] + gray[2:, 1:-1]
                 - 4 * gray[1:-1, 1:-1])
    if previous is None or previous[1].shape != gray.shape or t <= previous[0]:
        motion, shift = 0.0, (math.nan, math.nan)
    else:
        motion = float(np.abs(gray - previous[1]).mean())
        dx, dy = _shift(previous[1], gray)
        shift = (dx / (t - previous[0]), dy / (t - previous[0]))
    return _Read(t=t, brightness=float(gray.mean()),
                 highlight=float(np.percentile(gray[::2, ::2], 98)),
                 sharpness=float(laplacian.var()) if laplacian.size else 0.0,
                 motion=motion, shift=shift)


def _shift(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """Global translation from ``before`` to ``after``, as shares of the width.

    Each quarter of the frame is matched by phase correlation; the camera moved when at least
    three quarters agree on one translation (a moving subject moves only its own quarters).
    NaN when they do not agree: the motion is unknown.
    """
    h, w = before.shape
    th, tw = h // 2, w // 2
    if th < 8 or tw < 8:
        return math.nan, math.nan
    window = np.outer(np.hanning(th), np.hanning(tw)).astype(np.float32)
    shifts = []
    for y in (0, th):
        for x in (0, tw):
            found = _phase_correlate(before[y:y + th, x:x + tw], after[y:y + th, x:x + tw],
                                     window)
            if found is not None:
                shifts.append(found)
    for dx, dy in shifts:
        agree = sum(1 for ox, oy in shifts if abs(ox - dx) + abs(oy - dy) <= _AGREE_PX)
        if agree >= 3:
            return dx / w, dy / w
    return math.nan, math.nan


def _phase_correlate(a: np.ndarray, b: np.ndarray,
                     window: np.ndarray) -> tuple[int, int] | None:
    """The (dx, dy) moving ``a`` onto ``b``, or None when no translation stands out."""
    h, w = a.shape
    cross = np.fft.rfft2((b - b.mean()) * window) * np.conj(np.fft.rfft2((a - a.mean()) * window))
    surface = np.fft.irfft2(cross / np.maximum(np.abs(cross), 1e-6), s=(h, w))
    peak = int(np.argmax(surface))
    if surface.flat[peak] < _PEAK_MIN:
        return None
    dy, dx = divmod(peak, w)
    return (dx - w if dx > w // 2 else dx), (dy - h if dy > h // 2 else dy)


def _shaky(reads: list[_Read]) -> np.ndarray:
    """Shaky: over each second, the global motion is fast and keeps changing direction.

    A simple proxy: a pan moves fast at a steady velocity (its changes between reads are
    small); a handheld shake moves back and forth, so the change of velocity between reads is
    as large as the velocity itself. Shake faster than the read rate is seen aliased, and a
    shake the tiles cannot match (beyond a quarter of the width per read) is not seen.
    """
    velocity = np.array([r.shift for r in reads])
    n = len(velocity)
    width = max(2, round(READ_FPS))
    mask = np.zeros(n, dtype=bool)
    change = np.vstack([np.full((1, 2), np.nan), np.diff(velocity, axis=0)])
    for start in range(1, n - width + 1):
        v = velocity[start:start + width]
        dv = change[start + 1:start + width]
        known_v, known_dv = ~np.isnan(v[:, 0]), ~np.isnan(dv[:, 0])
        # the camera's motion must be known over most of the second
        if known_v.mean() < 0.75 or not known_dv.any():
            continue
        speed = float(np.sqrt((v[known_v] ** 2).sum(axis=1).mean()))
        jitter = float(np.sqrt((dv[known_dv] ** 2).sum(axis=1).mean()))
        if speed >= SHAKE_SPEED and jitter >= SHAKE_JITTER * speed:
            mask[start - 1:start + width] = True
    return mask


def _spans(t: np.ndarray, mask: np.ndarray, end: float, minimum: float) -> tuple[Span, ...]:
    """Runs of ``mask``, each from its first read to the read after its last (or the end)."""
    if not mask.any():
        return ()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    spans = []
    step = 1.0 / READ_FPS
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start = float(t[a])
        stop = float(t[b]) if b < len(t) else end
        # a run of reads measures the span to within one read interval
        if stop - start >= minimum - step / 2:
            spans.append(Span(round(start, 3), round(min(stop, end), 3)))
    return tuple(spans)


def _samples(reads: list[_Read], end: float) -> tuple[PictureSample, ...]:
    """One sample per SAMPLE_S: median sharpness, mean brightness and motion of its reads."""
    out = []
    count = max(1, int(np.ceil(end / SAMPLE_S)))
    slots: list[list[_Read]] = [[] for _ in range(count)]
    for r in reads:
        slots[min(count - 1, int(r.t / SAMPLE_S))].append(r)
    for k, slot in enumerate(slots):
        if not slot:
            continue
        out.append(PictureSample(
            t=round(k * SAMPLE_S, 3),
            sharpness=round(float(np.median([r.sharpness for r in slot])), 2),
            brightness=round(float(np.mean([r.brightness for r in slot])), 2),
            motion=round(float(np.mean([r.motion for r in slot])), 3)))
    return tuple(out)
