"""One decode of a video feeding every frame analyser, each at its own rate and size.

Shots want every frame small, faces 5 frames a second at 640 px, picture 8 a second at 256 px.
Decoding a 1080p file once instead of once per analyser saves most of the decoding time; each
analyser gets exactly the frames ``media.frames.sample_frames`` would give it (same times, same
pixels), so its results do not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from coulisses.media.frames import Frame
from coulisses.media.inputs import PROTOCOL_WHITELIST

if TYPE_CHECKING:
    from coulisses.analysis.run import Source

EVERY_FRAME = 1000.0  # a rate that takes every decoded frame


@dataclass(frozen=True)
class FrameNeed:
    """Frames at about ``fps`` per second (each the first decoded at or after its slot),
    scaled so their longer side is at most ``max_side``."""

    fps: float
    max_side: int


class FrameSink(Protocol):
    """What a frame analyser gives the bus: what it needs, and where frames go."""

    need: FrameNeed

    def add(self, frame: Frame) -> None: ...


class FrameJob(FrameSink, Protocol):
    """A frame analyser's work on one file: frames in, then ``finish()`` gives its part."""

    def finish(self) -> Any: ...


def run_alone(source: Source, job: FrameJob) -> Any:
    """Feed one job the whole file and return its part (when no other analyser shares the
    decode).

    Raises:
        av.FFmpegError: the file cannot be decoded (callers probe first).
    """
    feed(source.path, [job], progress=time_progress(source.progress,
                                                   float(source.probe.duration)))
    return job.finish()


def time_progress(report: Callable[[float], None], duration: float) -> Callable[[float], None]:
    """A progress callback in seconds from one in fractions of ``duration``."""
    def update(t: float) -> None:
        if duration > 0:
            report(min(1.0, t / duration))

    return update


class _Slots:
    """``sample_frames``' choice of frames for one need."""

    def __init__(self, need: FrameNeed, start: float) -> None:
        self.step = 1.0 / need.fps
        self.next = start

    def take(self, t: float) -> bool:
        if t + 1e-6 < self.next:
            return False
        self.next = max(self.next + self.step, t + self.step * 0.5)
        return True


def feed(path: Path, sinks: Sequence[FrameSink], *, start: float = 0.0,
         end: float | None = None, progress: Callable[[float], None] | None = None) -> None:
    """Decode ``path`` once (from ``start`` to ``end`` seconds) and give each sink its frames,
    upright and scaled; ``progress`` gets the time reached, in seconds.

    Raises:
        av.FFmpegError: the file cannot be decoded (callers probe first).
    """
    import av

    if not sinks:
        return
    container: Any = av.open(str(path), options={"protocol_whitelist": PROTOCOL_WHITELIST})
    with container:
        stream: Any = container.streams.best("video")
        if stream is None:
            return
        stream.thread_type = "AUTO"
        sar = stream.sample_aspect_ratio
        if start > 0:
            container.seek(int(start * 1_000_000))
        slots = [_Slots(s.need, start) for s in sinks]
        frame: Any
        for n, frame in enumerate(container.decode(stream)):
            if frame.time is None:
                continue
            t = float(frame.time)
            if end is not None and t > end:
                break
            wanted = [i for i, slot in enumerate(slots) if slot.take(t)]
            if not wanted:
                continue
            rotation = round(getattr(frame, "rotation", 0) or 0)
            w, h = frame.width, frame.height
            if sar and sar != 1:
                w = round(w * Fraction(sar))
            made: dict[tuple[int, int], Frame] = {}  # sinks of one size share the pixels
            for i in wanted:
                size = _size(w, h, sinks[i].need.max_side)
                if size not in made:
                    rgb = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
                    made[size] = Frame(t=t, rgb=_upright(rgb, rotation))
                sinks[i].add(made[size])
            if progress is not None and n % 32 == 0:
                progress(t)


def _size(w: int, h: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(w, h))
    return max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)


def _upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display rotation (counter-clockwise degrees), as ffmpeg's autorotation does."""
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=turns)) if turns else rgb


class Collect:
    """A sink that keeps its frames (for tests and small spans)."""

    def __init__(self, need: FrameNeed) -> None:
        self.need = need
        self.frames: list[Frame] = []

    def add(self, frame: Frame) -> None:
        self.frames.append(frame)
