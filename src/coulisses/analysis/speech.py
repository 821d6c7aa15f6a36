"""Speech to timed words with faster-whisper: the ``transcript`` part of an analysis.

The model loads once per analyser, on first use (see ``analysis.models`` for where it comes
from). Words keep whisper's punctuation; a file without audio, or without speech, gives a
transcript with no words.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coulisses.analysis.model import Segment, Transcript, Word
from coulisses.errors import CorruptMediaError, UsageError
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.run import Source

VERSION = "1"
DEFAULT_MODEL = "base"
# pieces whisper emits without a leading space that belong to the previous word: French
# elisions ("c" + "'est") and detached punctuation ("Quoi" + " ?")
_ELISION = re.compile(r"^['’]\w")
_PUNCTUATION = re.compile(r"^[^\w\s]+$")


class SpeechAnalyzer:
    """Transcribes a file's main audio stream into words with start and end times."""

    name = "transcript"

    def __init__(self, settings: Settings, *, language: str | None = None,
                 vocabulary: Sequence[str] | None = None) -> None:
        """Raises:
            UsageError: a language code whisper does not know.
        """
        self.settings = settings
        self.model_name = settings.whisper_model or DEFAULT_MODEL
        self.language = check_language(language) if language else None
        self.vocabulary = tuple(w.strip() for w in vocabulary or () if w.strip())
        self.version = _version(self.model_name, self.language, self.vocabulary)
        self._model: Any = None

    def analyze(self, source: Source) -> Transcript:
        """Transcribe ``source``'s main audio stream.

        Raises:
            UsageError: a model that cannot be loaded, or a non-English language forced on
                an English-only model.
            CorruptMediaError: the audio cannot be decoded.
            OutputError: the packaged model cannot be prepared in the cache folder.
        """
        info = source.probe
        main = info.main_audio
        if main is None:
            source.progress(1.0)
            return Transcript(language="", language_probability=0.0, model=self.model_name)
        audio: Any = str(source.path)
        if info.audio and main.index != info.audio[0].index:
            # faster-whisper decodes the first audio stream; phones put undecodable ones first
            from coulisses.media.frames import read_audio

            audio = read_audio(source.path)
        return self.transcribe(audio, float(info.duration), source.progress, name=source.path)

    def transcribe(self, audio: Any, duration: float, progress: Callable[[float], None],
                   *, name: Path | str = "audio") -> Transcript:
        """Transcribe a path string or a 16 kHz mono float32 array of ``duration`` seconds.

        Raises:
            UsageError, CorruptMediaError, OutputError: as ``analyze``.
        """
        model = self._load()
        if self.language and self.language != "en" and not model.model.is_multilingual:
            raise UsageError(f"speech model {self.model_name!r} only knows English; it cannot "
                             f"transcribe {self.language!r}",
                             hint="choose a multilingual model with --model, e.g. base")
        import av

        try:
            segments, info = model.transcribe(
                audio, language=self.language, word_timestamps=True, vad_filter=True,
                beam_size=5, hotwords=", ".join(self.vocabulary) or None)
            found = _collect(segments, duration or float(info.duration), progress)
        except av.FFmpegError as exc:
            raise CorruptMediaError(f"{Path(str(name)).name}: its audio cannot be decoded "
                                    f"({exc})", path=str(name)) from None
        progress(1.0)
        words, parts = _drop_echo(*found, self.vocabulary)
        if not words and not self.language:
            return Transcript(language="", language_probability=0.0, segments=parts,
                              model=self.model_name)
        return Transcript(language=info.language,
                          language_probability=round(float(info.language_probability), 4),
                          words=words, segments=parts, model=self.model_name)

    def _load(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            from coulisses.analysis.models import whisper_model_path

            path = whisper_model_path(self.model_name, self.settings.cache_dir)
            try:
                self._model = WhisperModel(path, device="cpu", compute_type="int8",
                                           cpu_threads=2)
            except Exception as exc:  # ctranslate2 and the model hub raise many kinds
                raise UsageError(
                    f"speech model {self.model_name!r} cannot be loaded ({exc})",
                    hint="give a faster-whisper model name (tiny, base, small, ...; names "
                         "other than base and tiny.en are downloaded on first use) or the "
                         "folder of a CTranslate2 Whisper model") from None
        return self._model


def transcribe_file(path: str | Path, settings: Settings, *, language: str | None = None,
                    vocabulary: Sequence[str] | None = None,
                    progress: Callable[[float], None] | None = None) -> Transcript:
    """Transcribe a video or audio file, reusing the analysis cache (keyed by its content,
    the model, the language and the vocabulary).

    Raises:
        InputError (and leaves): the file cannot be read; UsageError: a bad language.
    """
    from coulisses.analysis.cache import AnalysisCache
    from coulisses.analysis.model import part_from_json, part_to_json
    from coulisses.analysis.run import Source
    from coulisses.media.probe import probe
    from coulisses.render.manifest import source_fingerprint

    info = probe(path)
    analyzer = SpeechAnalyzer(settings, language=language, vocabulary=vocabulary)
    cache = AnalysisCache(settings.cache_dir)
    fingerprint = source_fingerprint(info.path)
    stored = cache.get(fingerprint, analyzer.name, analyzer.version)
    if stored is not None:
        cached: Transcript = part_from_json(analyzer.name, stored)
        return cached
    result = analyzer.analyze(Source(info, settings, progress or (lambda done: None)))
    with contextlib.suppress(OSError):  # a cache only saves time: never lose the transcript
        cache.put(fingerprint, analyzer.name, analyzer.version, part_to_json(result))
    return result


def check_language(code: str) -> str:
    """A whisper language code, lower-cased.

    Raises:
        UsageError: a code whisper does not know.
    """
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    value = code.strip().lower()
    if value not in _LANGUAGE_CODES:
        raise UsageError(f"language {code!r} is not one whisper knows",
                         hint="use a two-letter code such as en, fr, es, de")
    return value


def _version(model: str, language: str | None, vocabulary: tuple[str, ...]) -> str:
    """``VERSION`` for the default set-up; otherwise a suffix, so cached results of another
    model, language or vocabulary are never reused."""
    if model == DEFAULT_MODEL and language is None and not vocabulary:
        return VERSION
    key = "\n".join([model, language or "", *vocabulary]).encode()
    return f"{VERSION}-{hashlib.sha256(key).hexdigest()[:10]}"


def _collect(segments: Iterable[Any], duration: float, progress: Callable[[float], None]
             ) -> tuple[tuple[Word, ...], tuple[Segment, ...]]:
    """Words and segments from faster-whisper's lazy segments, reporting progress."""
    words: list[Word] = []
    parts: list[Segment] = []
    for seg in segments:
        for w in seg.words or ():
            _add_word(words, str(w.word), float(w.start), float(w.end), float(w.probability))
        text = str(seg.text).strip()
        if text:
            parts.append(Segment(round(float(seg.start), 3), round(float(seg.end), 3), text))
        if duration > 0:
            progress(min(1.0, float(seg.end) / duration))
    return tuple(words), tuple(parts)


def _tokens(text: str) -> list[str]:
    return re.sub(r"[^\w']+", " ", text.lower()).split()


def _drop_echo(words: tuple[Word, ...], parts: tuple[Segment, ...], vocabulary: tuple[str, ...]
               ) -> tuple[tuple[Word, ...], tuple[Segment, ...]]:
    """Remove the vocabulary list where whisper wrote it out as if spoken (it sometimes
    copies its prompt after the last word): a run of words that spells the whole list, or a
    one-word list at near-zero confidence. Segment texts are rebuilt around what was removed."""
    wanted = _tokens(" ".join(vocabulary))
    if not wanted or not words:
        return words, parts
    keep = [True] * len(words)
    i = 0
    while i < len(words):
        run: list[str] = []
        j = i
        while j < len(words) and len(run) < len(wanted) and run == wanted[:len(run)]:
            run += _tokens(words[j].text)
            j += 1
        echo = run == wanted and (len(wanted) > 1 or words[i].confidence < 0.05)
        if echo:
            keep[i:j] = [False] * (j - i)
        i = j if echo else i + 1
    if all(keep):
        return words, parts
    kept = tuple(w for w, k in zip(words, keep, strict=True) if k)
    dropped = [w for w, k in zip(words, keep, strict=True) if not k]
    rebuilt = []
    for seg in parts:
        def inside(w: Word, seg: Segment = seg) -> bool:
            return seg.start - 0.001 <= w.start <= seg.end + 0.001

        if not any(inside(w) for w in dropped):
            rebuilt.append(seg)
        elif any(inside(w) for w in kept):
            rebuilt.append(Segment(seg.start, seg.end, " ".join(w.text for w in kept
                                                                 if inside(w))))
    return kept, tuple(rebuilt)


def _add_word(words: list[Word], raw: str, start: float, end: float, probability: float) -> None:
    """Append one whisper word: stripped, glued to the previous one when it is a detached
    elision or punctuation, and never starting before the previous word ends."""
    text = raw.strip()
    if not text:
        return
    if words and (_ELISION.match(raw) or _PUNCTUATION.match(text)):
        prev = words[-1]
        joiner = "\u00a0" if raw[:1].isspace() and _PUNCTUATION.match(text) else ""
        words[-1] = Word(prev.text + joiner + text, prev.start, round(max(end, prev.end), 3),
                         round(min(prev.confidence, probability), 4))
        return
    start = round(max(start, words[-1].end if words else 0.0), 3)
    words.append(Word(text, start, round(max(end, start), 3), round(probability, 4)))
