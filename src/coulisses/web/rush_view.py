"""The rush page as an editor reads it: the transcript in paragraphs with their time code and
speaker, and the timeline's ruler and labelled lanes (shots, speech, faces, moments).

Pure functions over the analysis JSON (``Analysis.to_json``): no database, no request. A
paragraph's speaker is the face track speaking most over it (``FaceTrack.speaking``), numbered
in order of appearance; None when no face was seen speaking then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coulisses.timecode import format_timecode

GAP_S = 1.0  # without segments, a pause this long starts a new paragraph
RULER_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
MAX_TICKS = 10
X0, WIDTH = 150.0, 845.0  # the lanes' left edge (after the labels) and width, in SVG units


@dataclass(frozen=True)
class Paragraph:
    """Words spoken in one go, by one speaker (``None``: unknown)."""

    start: float
    end: float
    speaker: int | None
    words: tuple[dict[str, Any], ...]

    @property
    def clock(self) -> str:
        """Its start as the cut page shows times (``mm:ss.ff``), which the time fields read."""
        return format_timecode(self.start)


@dataclass(frozen=True)
class Bar:
    """One rectangle of a lane: a span, where it seeks to, and what it says."""

    start: float
    end: float
    label: str = ""


@dataclass(frozen=True)
class Lanes:
    """The timeline: ruler ticks ``(seconds, label)`` and bars per lane."""

    duration: float
    ticks: tuple[tuple[float, str], ...]
    shots: tuple[Bar, ...] = ()
    speech: tuple[Bar, ...] = ()
    faces: tuple[Bar, ...] = ()
    moments: tuple[Bar, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def x(self, t: float) -> float:
        """The SVG x of time ``t``."""
        d = self.duration if self.duration > 0 else 1.0
        return round(X0 + WIDTH * min(max(t, 0.0), d) / d, 2)

    def w(self, start: float, end: float, least: float = 1.0) -> float:
        """The SVG width of a span (at least ``least`` so a short one stays visible)."""
        return round(max(self.x(end) - self.x(start), least), 2)


def _spans(items: Any) -> list[tuple[float, float]]:
    return [(float(s["start"]), float(s["end"])) for s in items or []]


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def paragraphs(analysis: dict[str, Any]) -> list[Paragraph]:
    """The transcript in paragraphs: the speech model's segments (or pauses of ``GAP_S``),
    each with its speaker."""
    words = sorted(analysis.get("words") or [], key=lambda w: float(w["start"]))
    if not words:
        return []
    transcript = analysis.get("transcript") or {}
    segments = sorted(_spans(transcript.get("segments")))
    groups: list[list[dict[str, Any]]] = []
    last: int | None = None
    for word in words:
        if segments:
            key = _segment_index(word, segments)
            fresh = key != last
            last = key
        else:
            fresh = not groups or float(word["start"]) - float(groups[-1][-1]["end"]) >= GAP_S
        if fresh:
            groups.append([word])
        else:
            groups[-1].append(word)
    speaking = {int(f["id"]): _spans(f.get("speaking")) for f in analysis.get("faces") or []}
    numbers: dict[int, int] = {}
    out = []
    for group in groups:
        span = (float(group[0]["start"]), float(group[-1]["end"]))
        best, most = None, 0.0
        for face, spans in speaking.items():
            said = sum(_overlap(span, s) for s in spans)
            if said > most:
                best, most = face, said
        speaker = None
        if best is not None:
            speaker = numbers.setdefault(best, len(numbers) + 1)
        out.append(Paragraph(span[0], span[1], speaker, tuple(group)))
    return out


def _segment_index(word: dict[str, Any], segments: list[tuple[float, float]]) -> int:
    """The index of the last segment starting at or before the word's middle."""
    mid = (float(word["start"]) + float(word["end"])) / 2
    index = 0
    for i, (start, _end) in enumerate(segments):
        if start <= mid:
            index = i
    return index


def ruler(duration: float) -> tuple[tuple[float, str], ...]:
    """Ticks at a round step, at most ``MAX_TICKS`` + 1, labelled ``m:ss`` (``h:mm:ss``)."""
    if duration <= 0:
        return ((0.0, "0:00"),)
    step = next((s for s in RULER_STEPS if duration / s <= MAX_TICKS), RULER_STEPS[-1])
    ticks = []
    t = 0
    while t <= duration + 1e-9:
        h, rest = divmod(t, 3600)
        m, s = divmod(rest, 60)
        ticks.append((float(t), f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"))
        t += step
    return tuple(ticks)


def lanes(analysis: dict[str, Any], moments: list[dict[str, Any]], duration: float) -> Lanes:
    """The timeline's lanes: shots, speech (the paragraphs), faces on screen, moments."""
    shots = tuple(Bar(float(s["start"]), float(s["end"]), str(i + 1))
                  for i, s in enumerate(analysis.get("shots") or []))
    speech = tuple(Bar(p.start, p.end, " ".join(str(w["text"]).strip() for w in p.words)[:80])
                   for p in paragraphs(analysis))
    faces = []
    for track in analysis.get("faces") or []:
        times = [float(b["t"]) for b in track.get("boxes") or []]
        if times:
            faces.append(Bar(min(times), max(max(times), min(times) + 0.2), str(track["id"])))
    marks = tuple(Bar(float(m["start"]), float(m["end"]), str(m.get("reason", "")))
                  for m in moments)
    return Lanes(duration, ruler(duration), shots, speech, tuple(faces), marks)
