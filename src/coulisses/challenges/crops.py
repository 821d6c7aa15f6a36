"""Crop windows and their shift-tolerant hash, for finding crops taken anywhere in a picture.

PDQ changes by about 30 of 256 bits when a window moves by 1 % of the picture, so a few PDQ
crop views only catch centred crops. Here each frame is also hashed in ``WINDOWS``: every
crop of 80 to 95 % of the sides on a 5 % grid of positions, with a 64-bit hash of the lowest
8x8 cosine frequencies of a 32x32 block-mean picture, which moves by about 12 bits at the
grid's worst misalignment (2.5 % in both directions). A crop copy's whole picture is then
close to one window of its original, the same window in every frame.
"""

from __future__ import annotations

import numpy as np

#: a window: (side scale, left, top), as shares of the picture's width and height
Window = tuple[float, float, float]
SCALES: tuple[float, ...] = (0.8, 0.85, 0.9, 0.95)
STEP = 0.05
CROP_BYTES = 8  # 64 bits


def _windows() -> tuple[Window, ...]:
    found: list[Window] = []
    for scale in SCALES:
        positions = np.round(np.arange(0.0, 1.0 - scale + 1e-9, STEP), 3)
        found += [(scale, float(x), float(y)) for y in positions for x in positions]
    return tuple(found)


#: the windows hashed per frame (after the whole picture, which is hashed first)
WINDOWS: tuple[Window, ...] = _windows()
_SIDE = 32  # block-mean picture the hash is taken from
_FREQ = 8  # lowest frequencies kept per direction
_n = np.arange(_SIDE)
_DCT = np.cos(np.pi * (2 * _n[None, :] + 1) * np.arange(_FREQ)[:, None] / (2 * _SIDE))
_GRID = np.arange(_SIDE + 1) / _SIDE
#: each box (the whole picture, then ``WINDOWS``) as top, left and side, shares of the picture
_TOP = np.array([0.0, *(y for _, _, y in WINDOWS)])[:, None]
_LEFT = np.array([0.0, *(x for _, x, _ in WINDOWS)])[:, None]
_SIZE = np.array([1.0, *(s for s, _, _ in WINDOWS)])[:, None]


def crop_hashes(luma: np.ndarray) -> np.ndarray:
    """The 64-bit hash of the whole picture (``luma``, H x W, 0-255) and of each of
    ``WINDOWS``: (1 + len(WINDOWS)) x 8 bytes. Bit k says whether the k-th low frequency (DC
    left out, the last bit always 0) is above the window's median."""
    return _hashes(luma, len(_TOP))


def whole_hash(luma: np.ndarray) -> np.ndarray:
    """``crop_hashes``' hash of the whole picture alone (8 bytes); all zeros for a flat picture
    (under ``FLAT`` of spread), whose low frequencies are noise: zero never matches."""
    if float(luma.std()) < FLAT:
        return np.zeros(CROP_BYTES, np.uint8)
    found: np.ndarray = _hashes(luma, 1)[0]
    return found


#: luma spread (standard deviation, 0-255) under which a picture is flat
FLAT = 3.0


def _hashes(luma: np.ndarray, boxes: int) -> np.ndarray:
    """The hashes of the first ``boxes`` boxes (the whole picture, then ``WINDOWS``)."""
    h, w = luma.shape
    table = np.zeros((h + 1, w + 1), np.float64)  # summed-area table: every window at once
    np.cumsum(luma, axis=0, dtype=np.float64, out=table[1:, 1:])
    np.cumsum(table[1:, 1:], axis=1, out=table[1:, 1:])
    ys = np.clip(np.round((_TOP[:boxes] + _SIZE[:boxes] * _GRID) * h), 0, h).astype(np.intp)
    xs = np.clip(np.round((_LEFT[:boxes] + _SIZE[:boxes] * _GRID) * w), 0, w).astype(np.intp)
    corner = table.ravel()[ys[:, :, None] * (w + 1) + xs[:, None, :]]
    sums = corner[:, 1:, 1:] - corner[:, :-1, 1:] - corner[:, 1:, :-1] + corner[:, :-1, :-1]
    area = np.maximum(np.diff(ys)[:, :, None] * np.diff(xs)[:, None, :], 1)
    coef = (_DCT @ (sums / area) @ _DCT.T).reshape(len(ys), -1)[:, 1:]
    bits = coef > np.median(coef, axis=1, keepdims=True)
    bits = np.concatenate([bits, np.zeros((len(ys), 1), bool)], axis=1)
    packed: np.ndarray = np.packbits(bits, axis=1)
    return packed
