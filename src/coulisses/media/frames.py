"""Decoded frames and audio for analysis, read with PyAV: sampled, small, in bounded memory.

Frames arrive upright (display rotation applied) and scaled so their longer side is at most
``max_side``; a 2-hour file streams through at constant memory. ``Decoded.rgb_mean`` reads a
small grey picture straight from the decoded planes (no swscale) for analysers that hash
every frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.media.inputs import PROTOCOL_WHITELIST


@dataclass(frozen=True)
class Frame:
    t: float  # seconds from the start of the file
    rgb: np.ndarray  # H x W x 3 uint8, upright

    @property
    def gray(self) -> np.ndarray:
        r, g, b = (self.rgb[..., i].astype(np.float32) for i in range(3))
        luma: np.ndarray = 0.299 * r + 0.587 * g + 0.114 * b
        return luma


@dataclass(frozen=True)
class Decoded:
    """One decoded video frame with what it takes to show it upright with square pixels."""

    t: float  # seconds from the start of the file
    frame: Any  # av.VideoFrame
    width: int  # display width (sample aspect ratio applied)
    height: int
    rotation: int  # display rotation, counter-clockwise degrees

    def picture(self, max_side: int) -> Frame:
        """The frame upright, scaled so its longer side is at most ``max_side`` (even sizes)."""
        tw, th = fit_size(self.width, self.height, max_side)
        rgb = self.frame.to_ndarray(format="rgb24", width=tw, height=th)
        return Frame(t=self.t, rgb=_upright(rgb, self.rotation))

    def rgb_mean(self, max_side: int) -> np.ndarray:
        """The frame upright as the mean of R, G and B per pixel (H x W uint8: what
        ``picture(...).rgb.mean(axis=2)`` gives, within 1-3 levels on average; more at sharp
        edges between saturated colours, where a box is averaged before R, G and B are
        clipped), small: box averages of whole pixels, about square, the longer side from
        ``max_side`` to under twice it.

        Planar YUV (8 or 10 bits) is averaged in its own planes, then the averages go through
        the frame's colour matrix and range as swscale's conversion would: no per-pixel
        conversion, several times cheaper than ``picture``. Other formats, and pictures under
        twice ``max_side``, go through swscale (at ``max_side``).
        """
        layout = _PLANAR_YUV.get(self.frame.format.name)
        if layout is not None and max(self.width, self.height) >= 2 * max_side:
            means = _yuv_mean(self, max_side, *layout)
            if means is not None:
                return _upright(means, self.rotation)
        tw, th = fit_size(self.width, self.height, max_side)
        rgb = self.frame.to_ndarray(format="rgb24", width=tw, height=th)
        return _upright(rgb.mean(axis=2).astype(np.uint8), self.rotation)


#: planar YUV formats ``Decoded.rgb_mean`` averages itself: name -> (chroma subsampling down,
#: across, bits per sample)
_PLANAR_YUV: dict[str, tuple[int, int, int]] = {
    "yuv420p": (2, 2, 8), "yuvj420p": (2, 2, 8), "yuv422p": (1, 2, 8), "yuvj422p": (1, 2, 8),
    "yuv444p": (1, 1, 8), "yuvj444p": (1, 1, 8), "yuv420p10le": (2, 2, 10),
    "yuv422p10le": (1, 2, 10), "yuv444p10le": (1, 1, 10)}
#: (Kr, Kb) of the colour matrices by ffmpeg's ``AVColorSpace`` number; swscale reads any
#: other (unspecified included) as BT.601
_MATRICES: dict[int, tuple[float, float]] = {1: (0.2126, 0.0722), 4: (0.30, 0.11),
                                             7: (0.212, 0.087), 9: (0.2627, 0.0593),
                                             10: (0.2627, 0.0593)}
_BT601 = (0.299, 0.114)
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG


def _yuv_mean(decoded: Decoded, max_side: int, down: int, across: int,
              bits: int) -> np.ndarray | None:
    """``rgb_mean`` of a planar YUV frame, before rotation: box means of each plane over the
    same boxes (an even number of luma pixels a side, so chroma boxes are whole too), then
    R, G and B from the means, clipped as swscale clips them, and their mean. None for a
    sliver of a picture (under 2 boxes a side)."""
    frame = decoded.frame
    w, h = frame.width, frame.height
    k = max(2, max(decoded.width, decoded.height) // max_side // 2 * 2)  # display pixels
    ky = k
    kx = max(2, round(k * w / decoded.width / 2) * 2)  # coded pixels: sample aspect applied
    rows, cols = h // ky, w // kx
    if rows < 2 or cols < 2:
        return None
    y0, x0 = (h - rows * ky) // 4 * 2, (w - cols * kx) // 4 * 2  # centred, on chroma pixels
    dtype = np.dtype(np.uint8) if bits == 8 else np.dtype("<u2")
    scale = 2.0 ** (bits - 8)
    means = []
    for i, (sy, sx) in enumerate(((1, 1), (down, across), (down, across))):
        plane = frame.planes[i]
        data = np.frombuffer(plane, dtype).reshape(-1, plane.line_size // dtype.itemsize)
        means.append(_box_means(data, ky // sy, kx // sx, rows, cols, y0 // sy, x0 // sx,
                                2 ** bits - 1) / scale)
    luma, cb, cr = means
    kr, kb = _MATRICES.get(int(frame.colorspace or 0), _BT601)
    kg = 1.0 - kr - kb
    if frame.color_range == _FULL_RANGE or frame.format.name.startswith("yuvj"):
        cb, cr = cb - 128.0, cr - 128.0
    else:  # limited range: 16-235 luma, 16-240 chroma
        luma = (luma - 16.0) * (255.0 / 219.0)
        cb, cr = (cb - 128.0) * (255.0 / 224.0), (cr - 128.0) * (255.0 / 224.0)
    red = luma + 2.0 * (1.0 - kr) * cr
    blue = luma + 2.0 * (1.0 - kb) * cb
    green = luma - (2.0 * kb * (1.0 - kb) / kg) * cb - (2.0 * kr * (1.0 - kr) / kg) * cr
    total = np.clip(red, 0, 255) + np.clip(green, 0, 255) + np.clip(blue, 0, 255)
    out: np.ndarray = np.rint(total / 3.0).astype(np.uint8)
    return out


def _box_means(plane: np.ndarray, ky: int, kx: int, rows: int, cols: int, y0: int,
               x0: int, top: int) -> np.ndarray:
    """Means of ``rows`` x ``cols`` boxes of ``ky`` x ``kx`` samples (each at most ``top``)
    from (``y0``, ``x0``): rows of boxes summed first (whole lines at a time), then columns,
    in 16-bit sums where a box's sum fits (half the memory traffic of 32-bit ones)."""
    part = plane[y0:y0 + rows * ky, x0:x0 + cols * kx]
    wide = np.uint16 if ky * kx * top < 2 ** 16 else np.uint32
    lines = part.reshape(rows, ky, cols * kx).sum(axis=1, dtype=wide)
    sums = lines[:, 0::kx].copy()
    for i in range(1, kx):
        sums += lines[:, i::kx]
    means: np.ndarray = sums.astype(np.float32) / float(ky * kx)
    return means


def fit_size(w: int, h: int, max_side: int) -> tuple[int, int]:
    """Even width and height with the longer side at most ``max_side``, aspect kept."""
    scale = min(1.0, max_side / max(w, h))
    return max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)


def decode_video(path: Path, *, start: float = 0.0,
                 end: float | None = None) -> Iterator[Decoded]:
    """Every frame of the best video stream from ``start`` to ``end`` seconds (threaded
    decoding; the user's file opened with the protocol whitelist).

    Raises:
        av.FFmpegError: the file cannot be decoded (callers probe first).
    """
    import av

    container: Any = av.open(str(path), options={"protocol_whitelist": PROTOCOL_WHITELIST})
    with container:
        stream: Any = container.streams.best("video")
        if stream is None:
            return
        stream.thread_type = "AUTO"
        sar = stream.sample_aspect_ratio
        if start > 0:
            container.seek(int(start * 1_000_000))
        frame: Any
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            t = float(frame.time)
            if end is not None and t > end:
                break
            w, h = frame.width, frame.height
            if sar and sar != 1:
                w = round(w * Fraction(sar))
            yield Decoded(t, frame, w, h, round(getattr(frame, "rotation", 0) or 0))


def sample_frames(path: Path, *, fps: float = 5.0, max_side: int = 640,
                  start: float = 0.0, end: float | None = None) -> Iterator[Frame]:
    """Frames at about ``fps`` per second, each the first decoded at or after its slot.

    Raises:
        av.FFmpegError: the file cannot be decoded (callers probe first).
    """
    slots = Slots(fps, start)
    for decoded in decode_video(path, start=start, end=end):
        if slots.take(decoded.t):
            yield decoded.picture(max_side)


class Slots:
    """The choice of frames at about ``fps`` per second from ``start``: each the first decoded
    at or after its slot (``sample_frames``' choice, shared by the frame bus)."""

    def __init__(self, fps: float, start: float = 0.0) -> None:
        self.step = 1.0 / fps
        self.next = start

    def take(self, t: float) -> bool:
        """Whether the frame decoded at ``t`` seconds is taken (frames come in time order)."""
        if t + 1e-6 < self.next:
            return False
        self.next = max(self.next + self.step, t + self.step * 0.5)
        return True


def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display rotation (counter-clockwise degrees), as ffmpeg's autorotation does."""
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=turns)) if turns else rgb
