"""Face detections over time joined into identities: ``Tracker.update`` per sampled frame.

Association is greedy on overlap and centre distance to where each face is predicted to be
(constant velocity); a face missed for a short while keeps its id; tracks shorter than
``min_duration`` are dropped as noise. Pure: boxes in, boxes out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coulisses.analysis.model import Box

MAX_CENTRE_DISTANCE = 0.8  # centre distance, in box sizes, still taken as the same face
MAX_SIZE_RATIO = 1.8  # a face does not grow or shrink more than this between samples


@dataclass
class _Live:
    id: int
    boxes: list[Box] = field(default_factory=list)

    def predict(self, t: float) -> tuple[float, float, float, float]:
        """(cx, cy, w, h) expected at ``t``: the last box moved at its recent velocity."""
        last = self.boxes[-1]
        cx, cy = last.x + last.w / 2, last.y + last.h / 2
        if len(self.boxes) >= 2:
            prev = self.boxes[-2]
            dt = last.t - prev.t
            if dt > 0:
                ahead = min(t - last.t, 1.0)
                cx += (cx - prev.x - prev.w / 2) / dt * ahead
                cy += (cy - prev.y - prev.h / 2) / dt * ahead
        return cx, cy, last.w, last.h


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _cost(track: _Live, box: Box) -> float | None:
    """How unlike the track's predicted face this box is; None when it cannot be that face."""
    cx, cy, w, h = track.predict(box.t)
    ratio = max(box.w, w) / max(min(box.w, w), 1e-6)
    if ratio > MAX_SIZE_RATIO:
        return None
    size = max(w, h, box.w, box.h)
    distance = math.hypot(box.x + box.w / 2 - cx, box.y + box.h / 2 - cy) / size
    overlap = iou((cx - w / 2, cy - h / 2, w, h), (box.x, box.y, box.w, box.h))
    if overlap < 0.1 and distance > MAX_CENTRE_DISTANCE:
        return None
    return (1.0 - overlap) + distance


class Tracker:
    """Online tracker: feed each sample's boxes in time order, then ``finish``."""

    def __init__(self, *, max_gap: float = 0.7, min_duration: float = 0.6,
                 sample_step: float = 0.2) -> None:
        self.max_gap = max_gap
        self.min_duration = min_duration
        self.sample_step = sample_step
        self._live: list[_Live] = []
        self._done: list[_Live] = []
        self._next_id = 0

    def update(self, t: float, boxes: list[Box]) -> list[int]:
        """Assign each box (all at time ``t``) to a track; returns the track id of each."""
        still: list[_Live] = []
        for track in self._live:
            (still if t - track.boxes[-1].t <= self.max_gap else self._done).append(track)
        self._live = still
        pairs = sorted((cost, ti, bi) for ti, track in enumerate(self._live)
                       for bi, box in enumerate(boxes)
                       if (cost := _cost(track, box)) is not None)
        ids = [-1] * len(boxes)
        taken: set[int] = set()
        for _, ti, bi in pairs:
            if ti in taken or ids[bi] >= 0:
                continue
            taken.add(ti)
            self._live[ti].boxes.append(boxes[bi])
            ids[bi] = self._live[ti].id
        for bi, box in enumerate(boxes):
            if ids[bi] < 0:
                track = _Live(self._next_id, [box])
                self._next_id += 1
                self._live.append(track)
                ids[bi] = track.id
        return ids

    def finish(self) -> list[tuple[int, tuple[Box, ...]]]:
        """Every track long enough to be a face, as (id, boxes), ordered by first appearance."""
        tracks = self._done + self._live
        self._live, self._done = [], []
        kept = [(tr.id, tuple(tr.boxes)) for tr in tracks
                if tr.boxes[-1].t - tr.boxes[0].t + self.sample_step >= self.min_duration]
        return sorted(kept, key=lambda item: (item[1][0].t, item[0]))
