"""What the analysis of one rush holds: shots, words, faces, audio and picture measures, moments.

Frozen dataclasses with ``to_json``/``from_json``; times are seconds from the start of the
file (floats: these are measurements, not edit points). ``docs/analysis.md`` documents the JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

ANALYSIS_VERSION = 1


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Shot:
    """A shot, and how it begins: a hard cut, a dissolve or a fade from black."""

    start: float
    end: float
    transition: Literal["cut", "dissolve", "fade", "start"] = "cut"


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Segment:
    """A sentence-like stretch of speech, as the recogniser grouped it."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    language: str
    language_probability: float
    words: tuple[Word, ...] = ()
    segments: tuple[Segment, ...] = ()
    model: str = ""
    warnings: tuple[str, ...] = ()  # e.g. a language detected with low probability


@dataclass(frozen=True)
class Box:
    """A face box at time ``t``, in displayed pixels of the source."""

    t: float
    x: float
    y: float
    w: float
    h: float
    score: float


@dataclass(frozen=True)
class FaceTrack:
    """One identity over time; ``speaking`` are the spans where it is the active speaker."""

    id: int
    boxes: tuple[Box, ...]
    speaking: tuple[Span, ...] = ()


@dataclass(frozen=True)
class AudioMeasures:
    loudness: tuple[tuple[float, float], ...] = ()  # (t, momentary LUFS)
    silences: tuple[Span, ...] = ()
    peaks: tuple[float, ...] = ()  # times of energy peaks
    laughter: tuple[Span, ...] = ()  # candidates
    applause: tuple[Span, ...] = ()  # candidates


@dataclass(frozen=True)
class PictureSample:
    t: float
    sharpness: float  # variance of the Laplacian (higher is sharper)
    brightness: float  # mean luma 0-255
    motion: float  # mean absolute difference to the previous sample (0-255)


@dataclass(frozen=True)
class PictureMeasures:
    samples: tuple[PictureSample, ...] = ()
    black: tuple[Span, ...] = ()
    frozen: tuple[Span, ...] = ()
    blurry: tuple[Span, ...] = ()
    shaky: tuple[Span, ...] = ()
    dark: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Moment:
    """A candidate clip, with sub-scores and a one-line reason."""

    start: float
    end: float
    score: float
    kind: str  # bts, episode, hook
    reason: str
    scores: dict[str, float] = field(default_factory=dict)
    text: str = ""


@dataclass(frozen=True)
class Analysis:
    """Everything known about one file; each part is None until its analyser has run."""

    fingerprint: str
    path: str
    duration: float
    width: int
    height: int
    fps: float
    shots: tuple[Shot, ...] | None = None
    transcript: Transcript | None = None
    faces: tuple[FaceTrack, ...] | None = None
    audio: AudioMeasures | None = None
    picture: PictureMeasures | None = None
    version: int = ANALYSIS_VERSION

    def to_json(self) -> dict[str, Any]:
        """The documented JSON: ``words`` and ``language`` are lifted to the top level."""
        data = asdict(self)
        t = self.transcript
        data["words"] = [asdict(w) for w in t.words] if t else []
        data["language"] = t.language if t else None
        return data


def _build(cls: type, data: Any) -> Any:
    """Rebuild a dataclass tree from JSON (lists back to tuples)."""
    if data is None:
        return None
    kwargs = {}
    hints = {f.name: f for f in fields(cls)}
    for name, value in data.items():
        if name not in hints:
            continue
        kwargs[name] = _convert(cls, name, value)
    return cls(**kwargs)


_NESTED: dict[tuple[type, str], type] = {}


def _convert(cls: type, name: str, value: Any) -> Any:
    target = _NESTED.get((cls, name))
    if target is None:
        if isinstance(value, list | tuple):
            return tuple(tuple(v) if isinstance(v, list | tuple) else v for v in value)
        return value
    if isinstance(value, list | tuple):
        return tuple(_build(target, v) for v in value)
    return _build(target, value)


_NESTED.update({
    (Analysis, "shots"): Shot, (Analysis, "transcript"): Transcript,
    (Analysis, "faces"): FaceTrack, (Analysis, "audio"): AudioMeasures,
    (Analysis, "picture"): PictureMeasures, (Transcript, "words"): Word,
    (Transcript, "segments"): Segment, (FaceTrack, "boxes"): Box,
    (FaceTrack, "speaking"): Span, (AudioMeasures, "silences"): Span,
    (AudioMeasures, "laughter"): Span, (AudioMeasures, "applause"): Span,
    (PictureMeasures, "samples"): PictureSample, (PictureMeasures, "black"): Span,
    (PictureMeasures, "frozen"): Span, (PictureMeasures, "blurry"): Span,
    (PictureMeasures, "shaky"): Span, (PictureMeasures, "dark"): Span,
})


def analysis_from_json(data: dict[str, Any]) -> Analysis:
    """Rebuild an ``Analysis`` from its JSON."""
    result: Analysis = _build(Analysis, data)
    return result


def part_to_json(value: Any) -> Any:
    """JSON for one analyser's result (a dataclass or a tuple of them)."""
    if isinstance(value, tuple):
        return [asdict(v) for v in value]
    return asdict(value)


def part_from_json(name: str, data: Any) -> Any:
    """Rebuild one analyser's result, by the ``Analysis`` field it fills."""
    return _convert(Analysis, name, data)
