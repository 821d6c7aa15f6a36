"""One decode of a video feeding every frame analyser, each at its own rate and size.

Shots want every frame small, faces 5 frames a second at 640 px, picture 8 a second at 256 px.
Decoding a 1080p file once instead of once per analyser saves most of the decoding time; each
analyser gets exactly the frames ``media.frames.sample_frames`` would give it (same times, same
pixels), so its results do not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coulisses.analysis.base import FrameJob, FrameNeed, FrameSink, Source
from coulisses.media.frames import Frame, Slots, decode_video

__all__ = ["EVERY_FRAME", "Collect", "FrameJob", "FrameNeed", "FrameSink", "feed", "run_alone",
           "time_progress"]

EVERY_FRAME = 1000.0  # a rate that takes every decoded frame


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


def feed(path: Path, sinks: Sequence[FrameSink], *, start: float = 0.0,
         end: float | None = None, progress: Callable[[float], None] | None = None) -> None:
    """Decode ``path`` once (from ``start`` to ``end`` seconds) and give each sink its frames,
    upright and scaled; ``progress`` gets the time reached, in seconds.

    Raises:
        av.FFmpegError: the file cannot be decoded (callers probe first).
    """
    if not sinks:
        return
    slots = [Slots(s.need.fps, start) for s in sinks]
    for n, decoded in enumerate(decode_video(path, start=start, end=end)):
        wanted = [i for i, slot in enumerate(slots) if slot.take(decoded.t)]
        if wanted:
            made: dict[int, Frame] = {}  # sinks of one size share the pixels
            for i in wanted:
                side = sinks[i].need.max_side
                if side not in made:
                    made[side] = decoded.picture(side)
                sinks[i].add(made[side])
        if progress is not None and n % 32 == 0:
            progress(decoded.t)


class Collect:
    """A sink that keeps its frames (for tests and small spans)."""

    def __init__(self, need: FrameNeed) -> None:
        self.need = need
        self.frames: list[Frame] = []

    def add(self, frame: Frame) -> None:
        self.frames.append(frame)
