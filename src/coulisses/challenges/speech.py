"""The ``speech`` triage stage: what an entry says, in which language, and how well it answers
the brief.

Speech goes through the project's recogniser (``analysis.speech``: faster-whisper, the model
named by the ``whisper_model`` setting, ``base`` by default from the packaged wheels, nothing
downloaded), with the challenge's language forced when the rules give one and detected
otherwise. Only the first ``max_duration_s`` + ``MARGIN_S`` seconds are heard: a 3-hour upload
costs no more than a valid entry (QC rejects it anyway). The recogniser and the sentence model
load once per worker process and stay (module-level caches). Relevance comes from
``challenges.relevance``; an entry without speech scores 0 with the reason "no speech".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from coulisses.challenges.entry import Entry, Rules, Scalar
from coulisses.challenges.relevance import NO_SPEECH, reason_language, relevance
from coulisses.errors import InputError

if TYPE_CHECKING:
    from coulisses.analysis.model import Transcript
    from coulisses.analysis.speech import SpeechAnalyzer

#: characters of transcript kept in the row (the rest is cut at a word)
TRANSCRIPT_CHARS = 2000
#: seconds heard past the challenge's longest accepted duration
MARGIN_S = 5.0

_UNREADABLE = {"en": "audio unreadable: {why}", "fr": "audio illisible : {why}"}


@dataclass(frozen=True)
class SpeechStage:
    """Transcript, language, seconds of speech and relevance to the brief of one entry."""

    name: str = "speech"
    columns: tuple[str, ...] = ("language", "language_probability", "transcript", "speech_s",
                                "words", "relevance", "relevance_reason")

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        """The entry's row. A file whose audio cannot be read gives a row with no language,
        relevance 0 and the reason; an entry without speech, relevance 0 and "no speech".

        Raises:
            UsageError: the speech or sentence model cannot be loaded.
            OutputError: the packaged speech model cannot be prepared in the cache folder.
        """
        lang = reason_language(rules.brief, rules.language)
        try:
            transcript = listen(entry, rules)
        except InputError as exc:
            return self._row(None, None, "", 0.0, 0, 0.0,
                             _UNREADABLE[lang].format(why=str(exc).splitlines()[0]))
        text = " ".join(s.text.strip() for s in transcript.segments if s.text.strip())
        if not transcript.words or not text:
            return self._row(transcript.language or None, None, "", 0.0, 0, 0.0, NO_SPEECH[lang])
        score, reason = relevance(text, rules.brief, language=lang)
        return self._row(transcript.language or None, transcript.language_probability,
                         capped(text), speech_seconds(transcript), len(transcript.words),
                         score, reason)

    def _row(self, language: str | None, probability: float | None, transcript: str,
             speech_s: float, words: int, score: float, reason: str) -> dict[str, Scalar]:
        values: tuple[Scalar, ...] = (language, probability, transcript, round(speech_s, 2),
                                      words, score, reason)
        return dict(zip(self.columns, values, strict=True))


#: the stage, as the executor runs it
STAGE = SpeechStage()


def listen(entry: Entry, rules: Rules) -> Transcript:
    """The transcript of the entry's first ``max_duration_s`` + ``MARGIN_S`` seconds.

    Raises:
        InputError (and leaves): the file cannot be probed or its audio decoded.
        UsageError, OutputError: as ``SpeechStage.run``.
    """
    from coulisses.analysis.model import Transcript
    from coulisses.analysis.speechwindows import file_windows
    from coulisses.media.probe import probe

    info = probe(entry.path)
    analyzer = _analyzer(rules.language)
    if info.main_audio is None:
        return Transcript(language="", language_probability=0.0, model=analyzer.model_name)
    heard = min(float(info.duration) or rules.max_duration_s, rules.max_duration_s + MARGIN_S)
    window = file_windows(info.path, window_s=rules.max_duration_s + MARGIN_S)
    return analyzer.transcribe_windows(itertools.islice(window, 1), heard,
                                       lambda done: None, name=info.path)


def speech_seconds(transcript: Transcript) -> float:
    """Seconds during which words are spoken (overlaps counted once)."""
    total, end = 0.0, 0.0
    for word in sorted(transcript.words, key=lambda w: w.start):
        start = max(word.start, end)
        if word.end > start:
            total += word.end - start
            end = word.end
    return total


def capped(text: str, limit: int = TRANSCRIPT_CHARS) -> str:
    """``text`` cut at a word to at most ``limit`` characters (an ellipsis marks the cut)."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=4)
def _analyzer(language: str | None) -> SpeechAnalyzer:
    """The recogniser for a language, built once per process (the model loads on first use)."""
    from coulisses.analysis.speech import SpeechAnalyzer
    from coulisses.settings import load_settings

    return SpeechAnalyzer(load_settings(), language=language)
