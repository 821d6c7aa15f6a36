"""Decoded frames and audio for analysis, read with PyAV: sampled, small, in bounded memory.

Frames arrive upright (display rotation applied) and scaled so their longer side is at most
``max_side``; a 2-hour file streams through at constant memory.
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
    step = 1.0 / fps
    next_slot = start
    for decoded in decode_video(path, start=start, end=end):
        if decoded.t + 1e-6 < next_slot:
            continue
        next_slot = max(next_slot + step, decoded.t + step * 0.5)
        yield decoded.picture(max_side)


def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display rotation (counter-clockwise degrees), as ffmpeg's autorotation does."""
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=turns)) if turns else rgb
