"""A transcript as a JSON file a person can correct, and read back with exact error places.

``coulisses transcribe FILE --format json --out FILE.transcript.json`` writes it; fix a word's
text or times, then ``coulisses cut ... --transcript FILE.transcript.json`` uses it instead of
transcribing again. Words are the truth: segment texts are rebuilt from them when read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coulisses.analysis.model import Segment, Transcript, Word
from coulisses.errors import CaptionError
from coulisses.media.inputs import read_text_file
from coulisses.output import write_text
from coulisses.settings import Settings

MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024
HELP = ("Correct a word's text, start or end (seconds from the start of the file), or delete "
        "a word. Words must stay in order and must not overlap.")
_TOLERANCE = 0.0005  # times are written to the millisecond


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _WordIn(_Strict):
    text: str = Field(min_length=1)
    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    confidence: float = Field(default=1.0, ge=0, le=1)


class _SegmentIn(_Strict):
    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    text: str = ""


class _TranscriptFile(_Strict):
    version: Literal[1] = 1
    help: str = ""
    language: str = ""
    language_probability: float = Field(default=0.0, ge=0, le=1)
    model: str = ""
    segments: list[_SegmentIn] = []
    words: list[_WordIn]


def default_transcript_path(source: Path) -> Path:
    """``clip.mp4`` -> ``clip.transcript.json`` beside it."""
    return source.with_name(source.stem + ".transcript.json")


def resolve_transcript(source: Path, settings: Settings, corrected: Path | None = None
                       ) -> Transcript:
    """The words to caption ``source`` with: ``corrected`` when given, else a
    ``source.transcript.json`` beside it when one exists, else a transcription (cached).

    Raises:
        CaptionError: a correction file that does not validate; InputError (and leaves):
            ``source`` cannot be read.
    """
    if corrected is not None:
        return load_transcript(corrected)
    beside = default_transcript_path(source)
    if beside.is_file():
        return load_transcript(beside)
    from coulisses.analysis.speech import transcribe_file

    return transcribe_file(source, settings)


def transcript_json(t: Transcript) -> str:
    """The editable JSON text: one word per line, so corrections show clearly in a diff."""
    head = json.dumps({"version": 1, "help": HELP, "language": t.language,
                       "language_probability": t.language_probability, "model": t.model},
                      ensure_ascii=False, indent=2)[:-2]
    segments = ",\n".join(
        "    " + json.dumps({"start": s.start, "end": s.end, "text": s.text}, ensure_ascii=False)
        for s in t.segments)
    words = ",\n".join(
        "    " + json.dumps({"text": w.text, "start": w.start, "end": w.end,
                             "confidence": w.confidence}, ensure_ascii=False)
        for w in t.words)
    return (f'{head},\n  "segments": [\n{segments}\n  ],\n  "words": [\n{words}\n  ]\n}}\n'
            .replace("[\n\n  ]", "[]"))


def save_transcript(t: Transcript, path: Path) -> Path:
    """Write ``t`` to ``path`` atomically.

    Raises:
        OSError: the folder cannot be written (surfaces map it with ``output.write_error``).
    """
    return write_text(path, transcript_json(t))


def load_transcript(path: Path) -> Transcript:
    """Read and check a transcript file.

    Raises:
        CaptionError: missing, unreadable, not JSON, unknown keys, or words with bad times
            (the message names the file and the word's number).
    """
    data = _read_json(path)
    try:
        parsed = _TranscriptFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise CaptionError(f"{path.name}: {_where(err['loc'], data)}: {err['msg']}", path=path,
                           hint="fix the file or write it again with coulisses transcribe"
                           ) from None
    words: list[Word] = []
    for i, w in enumerate(parsed.words, 1):
        label = f"word {i} ({w.text!r})"
        if w.end + _TOLERANCE < w.start:
            raise CaptionError(f"{path.name}: {label} ends at {w.end:g} s, before it starts "
                               f"({w.start:g} s)", path=path)
        if words and w.start + _TOLERANCE < words[-1].end:
            raise CaptionError(f"{path.name}: {label} starts at {w.start:g} s, before word "
                               f"{i - 1} ({words[-1].text!r}) ends at {words[-1].end:g} s",
                               path=path, hint="words must be in order and must not overlap")
        text = " ".join(w.text.split())
        if not text:
            raise CaptionError(f"{path.name}: {label} is blank", path=path,
                               hint="delete the word instead")
        words.append(Word(text, w.start, max(w.end, w.start), w.confidence))
    segments = []
    for i, s in enumerate(parsed.segments, 1):
        if s.end + _TOLERANCE < s.start:
            raise CaptionError(f"{path.name}: segment {i} ends at {s.end:g} s, before it "
                               f"starts ({s.start:g} s)", path=path)
        inside = [w.text for w in words if s.start - _TOLERANCE <= w.start < s.end]
        segments.append(Segment(s.start, s.end, " ".join(inside) if inside else s.text))
    return Transcript(language=parsed.language, language_probability=parsed.language_probability,
                      words=tuple(words), segments=tuple(segments), model=parsed.model)


def _read_json(path: Path) -> Any:
    # CaptionError, as before the reader moved: the leaf a bad transcript has always raised
    raw = read_text_file(path, "transcript file", MAX_TRANSCRIPT_BYTES, error=CaptionError)
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CaptionError(f"{path.name}: line {exc.lineno}, column {exc.colno}: not valid JSON "
                           f"({exc.msg})", path=path) from None


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """``words[3].start`` as ``word 4 ("hello") start``: numbers as a person counts."""
    if len(loc) >= 2 and loc[0] in ("words", "segments") and isinstance(loc[1], int):
        kind = "word" if loc[0] == "words" else "segment"
        label = f"{kind} {loc[1] + 1}"
        try:
            text = data[loc[0]][loc[1]].get("text")
        except (AttributeError, IndexError, KeyError, TypeError):
            text = None
        if isinstance(text, str) and text:
            label += f" ({text!r})"
        return " ".join([label, *(str(x) for x in loc[2:])])
    return ".".join(str(x) for x in loc) or "top level"
