"""Speech to timed words with faster-whisper: the ``transcript`` part of an analysis.

The model loads once per analyser, on first use (see ``analysis.speechmodel`` for where it
comes from). A second, English-only model (setting ``speech_english_model``) can decode
English: the main model detects the language; by default (``speech_english_choice``
``confidence``) both models decode each window the main model finds English, and
``analysis.speechchoice`` keeps one of the two transcripts; with ``always``, speech found
English with probability ``LOW_LANGUAGE_PROBABILITY`` or more (or forced to English) goes to
the English model alone. Words keep whisper's punctuation; a file without audio, or without
speech, gives a transcript with no words.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from coulisses.analysis.model import Segment, Transcript, Word
from coulisses.analysis.speechchoice import CONFIDENCE, english_is_surer
from coulisses.analysis.speechwindows import (
    WINDOW_S,
    Window,
    file_windows,
    is_silent,
    merge_words,
)
from coulisses.errors import CorruptMediaError, UsageError
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.base import Source

VERSION = "3"  # 2: windows, warnings; 3: tiny.en beside base, the surer transcript kept
DEFAULT_MODEL = "base"
DEFAULT_ENGLISH_MODEL = "tiny.en"  # setting speech_english_model: auto, beside base
DEFAULT_ENGLISH_CHOICE = CONFIDENCE  # setting speech_english_choice
DEFAULT_BEAM_SIZE = 5
LOW_LANGUAGE_PROBABILITY = 0.5  # a detected language less sure than this is reported
# pieces whisper emits without a leading space that belong to the previous word: French
# elisions ("c" + "'est") and detached punctuation ("Quoi" + " ?")
_ELISION = re.compile(r"^['’]\w")
_PUNCTUATION = re.compile(r"^[^\w\s]+$")


class SpeechAnalyzer:
    """Transcribes a file's main audio stream into words with start and end times."""

    name = "transcript"

    def __init__(self, settings: Settings, *, language: str | None = None,
                 vocabulary: Sequence[str] | None = None, window_s: float | None = None,
                 decoding: Mapping[str, Any] | None = None) -> None:
        """``window_s``: seconds of audio given to the model at once (default
        ``speechwindows.WINDOW_S``). ``decoding``: more keyword arguments for
        faster-whisper's ``transcribe`` (``bench/quality_speech.py`` measures alternatives
        with them; they override the ones set here and are part of the cache key).

        Raises:
            UsageError: a language code whisper does not know, or a beam size below 1.
        """
        if settings.speech_beam_size < 1:
            raise UsageError(f"setting speech_beam_size: {settings.speech_beam_size} is not "
                             f"a beam size", hint="give a whole number of 1 or more (default 5)")
        from coulisses.analysis.speechmodel import english_model_name

        self.settings = settings
        self.model_name = settings.whisper_model or DEFAULT_MODEL
        self.english_model_name = english_model_name(self.model_name,
                                                     settings.speech_english_model)
        self.language = check_language(language) if language else None
        self.vocabulary = tuple(w.strip() for w in vocabulary or () if w.strip())
        self.beam_size = settings.speech_beam_size
        self.english_choice = settings.speech_english_choice
        self.decoding = dict(decoding or {})
        self.version = _version(self.model_name, self.language, self.vocabulary,
                                self.beam_size, self.decoding, self.english_model_name,
                                self.english_choice)
        self.window_s = window_s or WINDOW_S
        self._model: Any = None
        self._english: Any = None
        self._missing = ""  # why ``auto``'s English model is not used, once it failed to load

    def analyze(self, source: Source) -> Transcript:
        """Transcribe ``source``'s first decodable audio track, window by window (memory
        stays flat however long the file).

        Raises:
            UsageError: a model that cannot be loaded, or a non-English language forced on
                an English-only model.
            CorruptMediaError: the audio cannot be decoded.
            OutputError: the packaged model cannot be prepared in the cache folder.
        """
        if source.probe.main_audio is None:
            source.progress(1.0)
            return Transcript(language="", language_probability=0.0, model=self.model_name)
        return self.transcribe_windows(
            file_windows(source.path, window_s=self.window_s),
            float(source.probe.duration), source.progress, name=source.path)

    def transcribe(self, audio: Any, duration: float, progress: Callable[[float], None],
                   *, name: Path | str = "audio") -> Transcript:
        """Transcribe a path string or a 16 kHz mono float32 array of ``duration`` seconds
        in one piece.

        Raises:
            UsageError, CorruptMediaError, OutputError: as ``analyze``.
        """
        return self.transcribe_windows([Window(0.0, audio)], duration, progress, name=name)

    def transcribe_windows(self, windows: Iterable[Any], duration: float,
                           progress: Callable[[float], None], *,
                           name: Path | str = "audio") -> Transcript:
        """Transcribe ``speechwindows.Window`` s in order and merge their words. Without a
        forced language, the first window with words sets it for the rest (whisper itself
        reads the language from the first 30 s of speech), and with ``speech_english_choice``
        ``always`` the model that decodes it too; with ``confidence`` each English window
        keeps the transcript ``speechchoice.english_is_surer`` picks.

        Raises:
            UsageError, CorruptMediaError, OutputError: as ``analyze``.
        """
        import av

        english = bool(self.english_model_name) and self.language in (None, "en")
        compare = self.english_choice == CONFIDENCE
        # forced English needs the English model for every window: load it (and fail on a
        # bad one) before decoding anything
        forced = self._english_or_none() if english and self.language == "en" else None
        english = english and bool(self.english_model_name)  # ``auto`` may have found none
        # ``always``: the model that decodes, once the language is known (forced English: no
        # detection); with ``confidence`` the main model decodes every window
        decoder: Any = None if compare else forced
        if decoder is None:
            model = self._load()
            if self.language and self.language != "en" and not model.model.is_multilingual:
                raise UsageError(f"speech model {self.model_name!r} only knows English; it "
                                 f"cannot transcribe {self.language!r}",
                                 hint="choose a multilingual model with --model, e.g. base")
            if not model.model.is_multilingual:
                english = False  # nothing to switch from
        decoded_by: set[str] = set()  # the models whose words were kept
        language, probability = self.language, 0.0
        words: list[Word] = []
        parts: list[Segment] = []
        try:
            for window in windows:
                if isinstance(window.audio, np.ndarray) and is_silent(window.audio):
                    _report(progress, window.start + window.duration, duration)
                    continue
                options: dict[str, Any] = {
                    "language": language, "word_timestamps": True, "vad_filter": True,
                    "beam_size": self.beam_size,
                    "hotwords": ", ".join(self.vocabulary) or None, **self.decoding}
                segments, info = (decoder or self._load()).transcribe(window.audio, **options)
                chosen = decoder or self._model
                if (decoder is None and english and info.language == "en"
                        and (compare or info.language_probability >= LOW_LANGUAGE_PROBABILITY)):
                    second = self._english_or_none()
                    english = second is not None
                    if second is not None:
                        others, _ = second.transcribe(window.audio,
                                                      **{**options, "language": "en"})
                        if not compare:  # the main model's segments are lazy: dropped, they
                            segments, chosen = others, second  # cost no decoding
                        else:
                            segments, others = list(segments), list(others)
                            if english_is_surer(segments, others):
                                segments, chosen = others, second
                found, found_parts = _collect(segments, window.start,
                                              duration or float(info.duration), progress)
                if (found and language is None) or (self.language and not probability):
                    language = info.language
                    probability = round(float(info.language_probability), 4)
                    if decoder is None and not compare:
                        decoder = chosen
                if found:
                    decoded_by.add(self.english_model_name if chosen is self._english
                                   else self.model_name)
                words = merge_words(words, found)
                parts.extend(found_parts)
        except av.FFmpegError as exc:
            raise CorruptMediaError(f"{Path(str(name)).name}: its audio cannot be decoded "
                                    f"({exc})", path=str(name)) from None
        progress(1.0)
        used = ("+".join(m for m in (self.model_name, self.english_model_name)
                         if m in decoded_by)
                or (self.english_model_name if decoder is not None else self.model_name))
        kept, kept_parts = _drop_echo(tuple(words), tuple(parts), self.vocabulary)
        if (not kept and not self.language) or language is None:
            return Transcript(language="", language_probability=0.0, segments=kept_parts,
                              model=used)
        warnings: tuple[str, ...] = ()
        if not self.language and probability < LOW_LANGUAGE_PROBABILITY:
            warnings = (f"language detected as {language!r} with probability "
                        f"{probability:.2f} only: if that is wrong, transcribe again with "
                        f"--language CODE",)
        if self._missing and language == "en":
            warnings += (self._missing,)
        return Transcript(language=language, language_probability=probability, words=kept,
                          segments=kept_parts, model=used, warnings=warnings)

    def _english_or_none(self) -> Any:
        """The English-only model, or ``None`` when ``speech_english_model`` is ``auto`` and
        its model does not load (offline, never downloaded, no package ships it): the main
        model then decodes English alone, ``version`` becomes that case's own (the result,
        warning included, is cached as what it is, and made again once the model loads), and
        English transcripts carry a warning that says so.

        Raises:
            UsageError: a model named in the setting cannot be loaded or is not English-only.
        """
        from coulisses.analysis.speechmodel import AUTO

        if not self.english_model_name:
            return None
        try:
            return self._load_english()
        except UsageError as exc:
            if self.settings.speech_english_model.strip().lower() != AUTO:
                raise
            name, self.english_model_name = self.english_model_name, ""
            self.version = _version(self.model_name, self.language, self.vocabulary,
                                    self.beam_size, self.decoding, f"missing:{name}",
                                    self.english_choice)
            self._missing = (f"the English speech model {name!r} could not be loaded, so "
                             f"{self.model_name!r} alone decoded English ({exc.message}); "
                             f"with it fewer words are misheard (docs/settings.md, "
                             f"speech_english_model)")
            return None

    def _load(self) -> Any:
        """The main model (loaded once)."""
        if self._model is None:
            self._model = _load_model(self.model_name, self.settings)
        return self._model

    def _load_english(self) -> Any:
        """The English-only model of ``speech_english_model`` (loaded once).

        Raises:
            UsageError: it cannot be loaded, or it is not English-only.
        """
        if self._english is None:
            model = _load_model(self.english_model_name, self.settings)
            if model.model.is_multilingual:
                raise UsageError(f"setting speech_english_model: {self.english_model_name!r} "
                                 f"is not an English-only model",
                                 hint="give an English-only model (tiny.en, base.en, ...), "
                                      "auto, or none")
            self._english = model
        return self._english


def _load_model(name: str, settings: Settings) -> Any:
    """A faster-whisper model on the CPU, int8, two threads.

    Raises:
        UsageError: it cannot be loaded.
        OutputError: the packaged model cannot be prepared in the cache folder.
    """
    _passive_threads()
    from faster_whisper import WhisperModel

    from coulisses.analysis.speechmodel import whisper_model_path

    path = whisper_model_path(name, settings.cache_dir)
    try:
        return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2)
    except Exception as exc:  # ctranslate2 and the model hub raise many kinds
        raise UsageError(
            f"speech model {name!r} cannot be loaded ({exc})",
            hint="give a faster-whisper model name (tiny, base, small, ...; names "
                 "other than base and tiny.en are downloaded on first use) or the "
                 "folder of a CTranslate2 Whisper model") from None


def transcribe_file(path: str | Path, settings: Settings, *, language: str | None = None,
                    vocabulary: Sequence[str] | None = None,
                    progress: Callable[[float], None] | None = None) -> Transcript:
    """Transcribe a video or audio file, reusing the analysis cache (keyed by its content,
    the model, the language and the vocabulary).

    Raises:
        InputError (and leaves): the file cannot be read; UsageError: a bad language.
    """
    from coulisses.analysis.base import Source
    from coulisses.analysis.cache import AnalysisCache
    from coulisses.analysis.model import part_from_json, part_to_json
    from coulisses.media.fingerprint import source_fingerprint
    from coulisses.media.probe import probe

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
    _passive_threads()
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    value = code.strip().lower()
    if value not in _LANGUAGE_CODES:
        raise UsageError(f"language {code!r} is not one whisper knows",
                         hint="use a two-letter code such as en, fr, es, de")
    return value


def _passive_threads() -> None:
    """Make the speech model's OpenMP threads sleep when idle instead of spinning (unless the
    user set ``OMP_WAIT_POLICY``): it runs beside the video analysers, and spinning threads
    take the cores those need (on a shared 2-core machine, the full analysis of 33 s of 1080p
    took 22-23 s with the variable set in the shell, 35-50 s without). Read when the OpenMP
    runtime loads, so it is set before the first import of ``faster_whisper``."""
    import os

    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _version(model: str, language: str | None, vocabulary: tuple[str, ...],
             beam_size: int = DEFAULT_BEAM_SIZE, decoding: Mapping[str, Any] | None = None,
             english: str = DEFAULT_ENGLISH_MODEL, choice: str = DEFAULT_ENGLISH_CHOICE) -> str:
    """``VERSION`` for the default set-up; otherwise a suffix, so cached results of another
    model, English model and its use, language, vocabulary, beam size or decoding options
    are never reused."""
    if (model == DEFAULT_MODEL and english == DEFAULT_ENGLISH_MODEL and language is None
            and not vocabulary and beam_size == DEFAULT_BEAM_SIZE and not decoding
            and choice == DEFAULT_ENGLISH_CHOICE):
        return VERSION
    beam = [] if beam_size == DEFAULT_BEAM_SIZE else [f"beam={beam_size}"]
    options = [f"{k}={v!r}" for k, v in sorted((decoding or {}).items())]
    pair = ([] if english == DEFAULT_ENGLISH_MODEL and choice == DEFAULT_ENGLISH_CHOICE
            else [f"english={english}"] + ([f"choice={choice}"] if english else []))
    key = "\n".join([model, language or "", *vocabulary, *beam, *options, *pair]).encode()
    return f"{VERSION}-{hashlib.sha256(key).hexdigest()[:10]}"


def _collect(segments: Iterable[Any], offset: float, duration: float,
             progress: Callable[[float], None]) -> tuple[list[Word], list[Segment]]:
    """Words and segments from faster-whisper's lazy segments of a window starting at
    ``offset`` seconds, reporting progress."""
    words: list[Word] = []
    parts: list[Segment] = []
    for seg in segments:
        for w in seg.words or ():
            _add_word(words, str(w.word), offset + float(w.start), offset + float(w.end),
                      float(w.probability), floor=offset)
        text = str(seg.text).strip()
        if text:
            parts.append(Segment(round(offset + float(seg.start), 3),
                                 round(offset + float(seg.end), 3), text))
        _report(progress, offset + float(seg.end), duration)
    return words, parts


def _report(progress: Callable[[float], None], t: float, duration: float) -> None:
    if duration > 0:
        progress(min(1.0, t / duration))


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


def _add_word(words: list[Word], raw: str, start: float, end: float, probability: float,
              floor: float = 0.0) -> None:
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
    start = round(max(start, words[-1].end if words else floor), 3)
    words.append(Word(text, start, round(max(end, start), 3), round(probability, 4)))
