"""Faces of a rush: CenterFace on sampled frames, joined into tracks, with who speaks when.

``FaceAnalyzer`` is the analyser ``analyze()`` runs (field ``faces``); ``find_faces`` does the
same on any file or span. Frames stream through (none is kept); boxes are in displayed pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from coulisses.analysis.base import Source
from coulisses.analysis.centerface import CenterFace, Detection, model_path
from coulisses.analysis.facetracks import Tracker
from coulisses.analysis.framebus import FrameNeed, feed, run_alone
from coulisses.analysis.model import Box, FaceTrack
from coulisses.analysis.speakers import (
    frame_energies,
    mouth_patch,
    patch_motion,
    speaking_spans,
    voice_activity,
)
from coulisses.media.frames import Frame
from coulisses.media.probe import probe
from coulisses.settings import Settings

MAX_SIDE = 640  # detector input: small faces still found, about 0.1 s of CPU a frame
THRESHOLD = 0.5
FULL_EVERY = 5  # samples: the whole frame at full size at least this often (new small faces)
HALF_MIN_FACE = 32  # px: faces at least this large at half size are found again there


class FaceAnalyzer:
    """Face tracks of the whole file, sampled at ``fps`` frames per second."""

    name = "faces"
    version = "1"

    def __init__(self, settings: Settings, *, fps: float = 5.0) -> None:
        self.settings = settings
        self.fps = fps
        self._detector: CenterFace | None = None

    def detector(self) -> CenterFace:
        """The loaded model (once per analyser).

        Raises:
            InputError: the model file is missing or unreadable.
        """
        if self._detector is None:
            self._detector = CenterFace(model_path(self.settings.face_model))
        return self._detector

    def analyze(self, source: Source) -> tuple[FaceTrack, ...]:
        """Raises:
        InputError: the model file is missing or unreadable.
        """
        result: tuple[FaceTrack, ...] = run_alone(source, self.frame_job(source))
        return result

    def frame_job(self, source: Source) -> FaceJob:
        """The work on ``source`` as a frame-bus job (``fps`` frames a second, MAX_SIDE px).

        Raises:
            InputError: the model file is missing or unreadable.
        """
        video = source.probe.require_video()
        return FaceJob(source.path, self.detector(), (video.display_width, video.display_height),
                       duration=float(source.probe.duration), fps=self.fps,
                       progress=source.progress)


def find_faces(path: Path, settings: Settings, *, fps: float = 5.0, start: float = 0.0,
               end: float | None = None, speakers: bool = True,
               progress: Callable[[float], None] | None = None) -> tuple[FaceTrack, ...]:
    """Face tracks of ``path`` between ``start`` and ``end`` seconds (default: all of it).

    Raises:
        InputError (and leaves): the file cannot be read as video, or the model is missing.
    """
    info = probe(path)
    video = info.require_video()
    detector = CenterFace(model_path(settings.face_model))
    return track_faces(info.path, detector, (video.display_width, video.display_height),
                       duration=float(info.duration), fps=fps, start=start, end=end,
                       speakers=speakers, progress=progress)


def track_faces(path: Path, detector: CenterFace, display: tuple[int, int], *, duration: float,
                fps: float = 5.0, start: float = 0.0, end: float | None = None,
                speakers: bool = True,
                progress: Callable[[float], None] | None = None) -> tuple[FaceTrack, ...]:
    """Detect, track and find speakers in an already probed file (``display``: its
    displayed width and height)."""
    job = FaceJob(path, detector, display, duration=duration, fps=fps, start=start, end=end,
                  speakers=speakers, progress=progress)
    feed(path, [job], start=start, end=end)
    return job.finish()


class FaceJob:
    """Faces fed one sampled frame at a time; ``finish`` joins them into tracks and finds
    who speaks (from the file's sound).

    The detector sees the whole frame (at most MAX_SIDE px) every FULL_EVERY samples, and
    whenever a tracked face is small or none is tracked; in between, faces already seen large
    are found again on the frame at half size, a quarter of the cost.
    """

    def __init__(self, path: Path, detector: CenterFace, display: tuple[int, int], *,
                 duration: float, fps: float = 5.0, start: float = 0.0,
                 end: float | None = None, speakers: bool = True,
                 progress: Callable[[float], None] | None = None) -> None:
        self.need = FrameNeed(fps, MAX_SIDE)
        self.path, self.detector, self.display = path, detector, display
        self.start, self.speakers = start, speakers
        self.stop = duration if end is None else min(end, duration)
        self.report = progress or (lambda done: None)
        self.step = 1.0 / fps
        self.tracker = Tracker(sample_step=self.step, max_gap=max(0.7, 2.5 * self.step))
        self.motion: dict[int, dict[float, float]] = {}
        self.patches: dict[int, tuple[float, np.ndarray]] = {}  # last mouth patch of each
        self.samples = 0
        self.smallest: float | None = None  # smallest face side found last sample (frame px)

    def add(self, frame: Frame) -> None:
        fh, fw = frame.rgb.shape[:2]
        width, height = self.display
        sx, sy = width / fw, height / fh
        found = self._detect(frame.rgb)
        self.samples += 1
        self.smallest = min((min(d.w, d.h) for d in found), default=None)
        boxes = [_display_box(frame.t, d.x * sx, d.y * sy, d.w * sx, d.h * sy, d.score,
                              width, height) for d in found]
        ids = self.tracker.update(frame.t, boxes)
        step = self.step
        for tid, d in zip(ids, found, strict=True):
            patch = mouth_patch(frame.rgb, d.x, d.y, d.w, d.h)
            previous = self.patches.pop(tid, None)
            if patch is None:
                continue
            if previous is not None and frame.t - previous[0] <= 1.5 * step:
                self.motion.setdefault(tid, {})[frame.t] = patch_motion(previous[1], patch)
            self.patches[tid] = (frame.t, patch)
        for tid in [k for k, (t, _) in self.patches.items() if frame.t - t > 1.5 * step]:
            del self.patches[tid]  # tracks that left: keep memory flat over long files
        length = max(self.stop - self.start, 1e-6)
        self.report(min(0.95, max(0.0, (frame.t - self.start) / length) * 0.95))

    def _detect(self, rgb: np.ndarray) -> list[Detection]:
        """Faces in frame pixels: on the whole frame, or on it at half size when every face
        of the last sample was large (see the class docstring)."""
        full = (self.samples % FULL_EVERY == 0 or self.smallest is None
                or self.smallest < 2 * HALF_MIN_FACE)
        if full:
            return self.detector.detect(rgb, THRESHOLD)
        h, w = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
        quads = rgb[:h, :w].astype(np.uint16)
        half = ((quads[0::2, 0::2] + quads[1::2, 0::2] + quads[0::2, 1::2] + quads[1::2, 1::2]
                 + 2) >> 2).astype(np.uint8)  # the mean of each 2x2 block, rounded
        return [Detection(d.x * 2, d.y * 2, d.w * 2, d.h * 2, d.score)
                for d in self.detector.detect(half, THRESHOLD)]

    def finish(self) -> tuple[FaceTrack, ...]:
        tracks = self.tracker.finish()
        spans = {}
        if self.speakers and tracks:
            first, db = frame_energies(self.path, start=self.start, end=self.stop)
            spans = speaking_spans(tracks, self.motion, voice_activity(first, db), self.step)
        self.report(1.0)
        return tuple(FaceTrack(id=n, boxes=boxes, speaking=spans.get(tid, ()))
                     for n, (tid, boxes) in enumerate(tracks))


def _display_box(t: float, x: float, y: float, w: float, h: float, score: float,
                 width: int, height: int) -> Box:
    """A box clipped to the picture, rounded to tenths of a pixel."""
    x0, y0 = max(0.0, x), max(0.0, y)
    x1, y1 = min(float(width), x + w), min(float(height), y + h)
    return Box(t=round(t, 4), x=round(x0, 1), y=round(y0, 1), w=round(max(0.0, x1 - x0), 1),
               h=round(max(0.0, y1 - y0), 1), score=round(score, 3))
