"""Faces of a rush: CenterFace on sampled frames, joined into tracks, with who speaks when.

``FaceAnalyzer`` is the analyser ``analyze()`` runs (field ``faces``); ``find_faces`` does the
same on any file or span. Frames stream through (none is kept); boxes are in displayed pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from coulisses.analysis.centerface import CenterFace, model_path
from coulisses.analysis.facetracks import Tracker
from coulisses.analysis.model import Box, FaceTrack
from coulisses.analysis.run import Source
from coulisses.analysis.speakers import (
    frame_energies,
    mouth_patch,
    patch_motion,
    speaking_spans,
    voice_activity,
)
from coulisses.media.frames import sample_frames
from coulisses.media.probe import probe
from coulisses.settings import Settings

MAX_SIDE = 640  # detector input: small faces still found, about 0.1-0.3 s a frame on 2 cores
THRESHOLD = 0.5


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
        video = source.probe.require_video()
        return track_faces(source.path, self.detector(),
                           (video.display_width, video.display_height),
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
    report = progress or (lambda done: None)
    stop = duration if end is None else min(end, duration)
    length = max(stop - start, 1e-6)
    step = 1.0 / fps
    tracker = Tracker(sample_step=step, max_gap=max(0.7, 2.5 * step))
    motion: dict[int, dict[float, float]] = {}
    patches: dict[int, tuple[float, np.ndarray]] = {}  # last mouth patch of each track
    width, height = display
    for frame in sample_frames(path, fps=fps, max_side=MAX_SIDE, start=start, end=end):
        fh, fw = frame.rgb.shape[:2]
        sx, sy = width / fw, height / fh
        found = detector.detect(frame.rgb, THRESHOLD)
        boxes = [_display_box(frame.t, d.x * sx, d.y * sy, d.w * sx, d.h * sy, d.score,
                              width, height) for d in found]
        ids = tracker.update(frame.t, boxes)
        for tid, d in zip(ids, found, strict=True):
            patch = mouth_patch(frame.rgb, d.x, d.y, d.w, d.h)
            previous = patches.pop(tid, None)
            if patch is None:
                continue
            if previous is not None and frame.t - previous[0] <= 1.5 * step:
                motion.setdefault(tid, {})[frame.t] = patch_motion(previous[1], patch)
            patches[tid] = (frame.t, patch)
        for tid in [k for k, (t, _) in patches.items() if frame.t - t > 1.5 * step]:
            del patches[tid]  # tracks that left: keep memory flat over long files
        report(min(0.95, max(0.0, (frame.t - start) / length) * 0.95))
    tracks = tracker.finish()
    spans = {}
    if speakers and tracks:
        first, db = frame_energies(path, start=start, end=stop)
        spans = speaking_spans(tracks, motion, voice_activity(first, db), step)
    report(1.0)
    return tuple(FaceTrack(id=n, boxes=boxes, speaking=spans.get(tid, ()))
                 for n, (tid, boxes) in enumerate(tracks))


def _display_box(t: float, x: float, y: float, w: float, h: float, score: float,
                 width: int, height: int) -> Box:
    """A box clipped to the picture, rounded to tenths of a pixel."""
    x0, y0 = max(0.0, x), max(0.0, y)
    x1, y1 = min(float(width), x + w), min(float(height), y + h)
    return Box(t=round(t, 4), x=round(x0, 1), y=round(y0, 1), w=round(max(0.0, x1 - x0), 1),
               h=round(max(0.0, y1 - y0), 1), score=round(score, 3))
