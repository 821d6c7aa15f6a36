"""Per-frame distances for shot detection, computed while frames stream by.

Each frame is reduced to a tiny colour picture (16x9 cells, which forgives motion smaller than
a cell) and a joint RGB histogram (which forgives motion altogether). A ring buffer of recent
frames gives the distances to frames 1..k back (cuts, flashes) and across candidate dissolve
lengths (end-to-end change and how well the middle frames are blends of the ends).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

SIDE = 192  # frames are decoded with their longer side at most this many pixels
GRID = (9, 16)  # rows, columns of the tiny picture
LEVELS = 8  # histogram levels per RGB channel (8**3 bins)
PIX_SCALE = 64.0  # a mean cell difference of this many grey levels scores 100
BLACK_LEVEL = 32.0  # a frame is black when 95 % of its cells are darker than this luma
PERSIST_S = 0.3  # how long after a cut the new picture must hold (flashes, passing objects)
DISSOLVE_SECONDS = (0.25, 0.33, 0.45, 0.6, 0.8, 1.05, 1.4, 1.9)  # window lengths tried
BLEND_CELL_LEVEL = 8.0  # grey levels: cells changing less are left out of the blend test
_MIDDLE = (0.25, 0.5, 0.75)  # where inside a window the blend is checked
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def score(pix: np.ndarray | float, hist: np.ndarray | float) -> np.ndarray | float:
    """Content change 0-100: the mean of the tiny-picture and histogram distances, each 0-100."""
    return 0.5 * np.minimum(100.0, np.asarray(pix) * (100.0 / PIX_SCALE)) + 50.0 * np.asarray(hist)


@dataclass(frozen=True)
class SignalArrays:
    """The per-frame series: index i compares frame i with earlier frames (0 for frame 0)."""

    t: np.ndarray
    step: np.ndarray  # score(frame i-1, frame i)
    pix_step: np.ndarray  # tiny-picture distance to the previous frame, grey levels
    lag: dict[int, np.ndarray]  # k -> score(frame i-k, frame i)
    black: np.ndarray  # bool
    luma: np.ndarray  # mean luma 0-255
    # length L -> (score(i-L, i), tiny distance(i-L, i), worst blend residual in between)
    dissolve: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]


class ShotSignals:
    """Accumulates per-frame distances: 150-200 bytes a frame (under 40 MB for an hour of
    60 fps video), twice that while ``arrays()`` is read."""

    def __init__(self, fps: float) -> None:
        rate = fps if fps > 0 else 25.0
        self.fps = rate
        self.persist_frames = min(15, max(2, round(PERSIST_S * rate)))
        self.lags = tuple(range(1, self.persist_frames + 2))
        self.lengths = tuple(sorted({max(4, round(s * rate)) for s in DISSOLVE_SECONDS}))
        self.capacity = max(*self.lengths, *self.lags) + 1
        self._n = 0
        self._tiny: np.ndarray | None = None  # ring buffer: capacity x cells*3
        self._hist: np.ndarray | None = None  # ring buffer: capacity x LEVELS**3
        self._t = array("d")
        self._black = array("b")
        self._luma = array("f")
        self._pix_step = array("f")
        self._lag = {k: array("f") for k in self.lags}
        # change, tiny change, blend residual: one value per window length per frame
        self._dis = tuple(array("f") for _ in range(3))
        self._lag_steps = np.array(self.lags)
        self._lengths = np.array(self.lengths)

    def end_time(self) -> float:
        return self._t[-1] if self._t else 0.0

    def add(self, t: float, rgb: np.ndarray) -> None:
        """Take the next frame (H x W x 3 uint8) shown at ``t`` seconds."""
        tiny, hist = _reduce(rgb)
        if self._tiny is None or self._hist is None:
            self._tiny = np.zeros((self.capacity, tiny.size), dtype=np.float32)
            self._hist = np.zeros((self.capacity, hist.size), dtype=np.float32)
        i = self._n
        slot = i % self.capacity
        self._tiny[slot] = tiny.ravel()
        self._hist[slot] = hist
        self._t.append(t)
        luma = np.sort(tiny.reshape(-1, 3) @ _LUMA)
        self._black.append(int(luma[int(0.95 * (len(luma) - 1))] < BLACK_LEVEL))
        self._luma.append(float(luma.mean()))
        back = np.minimum(self._lag_steps, i)
        pix, hst = self._distances(i - back, slot)
        values = np.asarray(score(pix, hst))
        self._pix_step.append(float(pix[0]))
        for column, v in zip(self._lag.values(), values, strict=True):
            column.append(float(v))
        for column, values in zip(self._dis, self._blends(i), strict=True):
            column.extend(values.astype(np.float32).tolist())
        self._n += 1

    def _distances(self, frames: np.ndarray, slot: int) -> tuple[np.ndarray, np.ndarray]:
        """Tiny-picture and histogram distances from each of ``frames`` to the one in ``slot``."""
        assert self._tiny is not None and self._hist is not None
        rows = frames % self.capacity
        pix = np.abs(self._tiny[rows] - self._tiny[slot]).mean(axis=1)
        hst = 0.5 * np.abs(self._hist[rows] - self._hist[slot]).sum(axis=1)
        return pix, hst

    def _blends(self, i: int) -> tuple[np.ndarray, ...]:
        """For each window length L: the change from frame i-L to frame i, its tiny-picture
        part, and how far the frames between are from blends of the two ends (0 for a
        dissolve, about 0.5 when an object moves instead)."""
        assert self._tiny is not None
        lengths = self._lengths
        count = len(lengths)
        if i < lengths[0]:
            zeros = np.zeros(count, dtype=np.float32)
            return zeros, zeros, zeros
        valid = lengths <= i
        firsts = np.where(valid, i - lengths, 0)
        pix, hst = self._distances(firsts, i % self.capacity)
        change = np.asarray(score(pix, hst), dtype=np.float64)
        first = self._tiny[firsts % self.capacity]
        span = self._tiny[i % self.capacity] - first
        size = np.abs(span)
        # only the cells that change count: a blend moves every one of them together
        moved = size >= np.maximum(BLEND_CELL_LEVEL, 0.25 * size.max(axis=1))[:, None]
        norm = np.maximum((span * span * moved).sum(axis=1), 1e-6)
        scale = np.maximum((size * moved).sum(axis=1), 1e-6)
        worst = np.zeros(count)
        previous = np.full(count, -np.inf)
        for share in _MIDDLE:
            middle = self._tiny[(firsts + np.round(lengths * share).astype(int)) % self.capacity]
            middle = middle - first
            alpha = (middle * span * moved).sum(axis=1) / norm
            residual = (np.abs(middle - alpha[:, None] * span) * moved).sum(axis=1) / scale
            # a blend moves one way, from one end to the other
            wrong_way = (alpha < previous) | (alpha < -0.2) | (alpha > 1.2)
            worst = np.maximum(worst, np.where(wrong_way, np.maximum(residual, 1.0), residual))
            previous = alpha
        worst = np.where(moved.any(axis=1) & (pix >= 1e-3), worst, 1.0)
        return tuple(np.where(valid, v, 0.0) for v in (change, pix, worst))

    def arrays(self) -> SignalArrays:
        """The series so far, as numpy arrays (float32, copies)."""
        t = np.frombuffer(self._t, dtype=np.float64).copy()
        lag = {k: np.frombuffer(v, dtype=np.float32).copy() for k, v in self._lag.items()}
        if len(t):
            for v in lag.values():
                v[0] = 0.0
        per_length = [np.frombuffer(c, dtype=np.float32).reshape(len(t), len(self.lengths))
                      for c in self._dis]
        dissolve = {L: (per_length[0][:, k].copy(), per_length[1][:, k].copy(),
                        per_length[2][:, k].copy()) for k, L in enumerate(self.lengths)}
        return SignalArrays(
            t=t, step=lag[1], pix_step=np.frombuffer(self._pix_step, dtype=np.float32).copy(),
            lag=lag, black=np.frombuffer(self._black, dtype=np.int8).astype(bool),
            luma=np.frombuffer(self._luma, dtype=np.float32).copy(), dissolve=dissolve)


def _reduce(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tiny picture (rows x cols x 3, float32 grey levels) and the normalised histogram."""
    rows, cols = GRID
    h, w = rgb.shape[0] // rows * rows, rgb.shape[1] // cols * cols
    if h == 0 or w == 0:  # a frame smaller than the grid: repeat its pixels
        rgb = np.repeat(np.repeat(rgb, rows, axis=0), cols, axis=1)
        h, w = rgb.shape[0] // rows * rows, rgb.shape[1] // cols * cols
    cropped = rgb[:h, :w]
    tiny = cropped.reshape(rows, h // rows, cols, w // cols, 3).mean(axis=(1, 3),
                                                                     dtype=np.float32)
    q = (cropped >> 5).astype(np.int32) if LEVELS == 8 else (
        cropped.astype(np.int32) * LEVELS // 256)
    index = (q[..., 0] * LEVELS + q[..., 1]) * LEVELS + q[..., 2]
    hist = np.bincount(index.ravel(), minlength=LEVELS ** 3).astype(np.float32)
    hist /= max(1.0, float(hist.sum()))
    return tiny, hist
