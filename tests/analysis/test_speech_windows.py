"""Speech in windows: seams fall in pauses, no sample or word is lost or repeated at a seam,
and a real recording cut into 4 s windows reads the same as the reference."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from coulisses.analysis.model import Word
from coulisses.analysis.run import Source
from coulisses.analysis.speech import SpeechAnalyzer
from coulisses.analysis.speechwindows import (
    RATE,
    file_windows,
    is_silent,
    merge_words,
    seam,
    windows,
)
from coulisses.media.probe import probe
from coulisses.settings import Settings


def _voice(seconds: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.2 * rng.standard_normal(int(seconds * RATE))).astype(np.float32)


def _with_pauses(seconds: float, pauses: list[tuple[float, float]]) -> np.ndarray:
    audio = _voice(seconds)
    for a, b in pauses:
        audio[int(a * RATE):int(b * RATE)] = 0.0
    return audio


def test_the_seam_is_the_quietest_stretch_near_the_end() -> None:
    audio = _with_pauses(10.0, [(2.0, 2.5), (8.1, 8.6)])  # the first pause is out of reach
    cut = seam(audio, search_s=3.0, quiet_s=0.3)
    assert 8.1 * RATE <= cut <= 8.6 * RATE


def test_windows_cover_the_stream_without_losing_a_sample() -> None:
    # a 0.4 s pause every 3.3 s: each one lies in the last second of a 4 s window
    pauses = [(3.2 + 3.3 * k, 3.6 + 3.3 * k) for k in range(6)]
    audio = _with_pauses(23.0, pauses)
    blocks = np.array_split(audio, 17)  # odd block sizes, as a decoder gives them
    got = list(windows(iter(blocks), window_s=4.0, search_s=1.0))
    assert len(got) == 7
    assert np.array_equal(np.concatenate([w.audio for w in got]), audio)
    assert got[0].start == 0.0
    for w, nxt in pairwise(got):
        assert w.duration <= 4.0 and nxt.start == pytest.approx(w.start + w.duration)
    for (a, b), w in zip(pauses, got[1:], strict=True):
        assert a <= w.start <= b  # every seam is in a pause


def test_silence_is_silent_and_a_whisper_is_not() -> None:
    assert is_silent(np.zeros(RATE, dtype=np.float32))
    assert is_silent(np.zeros(0, dtype=np.float32))
    quiet = np.full(RATE, 10 ** (-70 / 20), dtype=np.float32)
    assert is_silent(quiet)
    assert not is_silent(quiet * 100)  # -30 dBFS


def test_a_word_repeated_across_a_seam_is_kept_once() -> None:
    before = [Word("ask", 3.0, 3.4, 0.9), Word("not", 3.4, 3.9, 0.9)]
    after = [Word("Not!", 3.85, 4.1, 0.7), Word("what", 4.2, 4.5, 0.9)]
    assert [w.text for w in merge_words(before, after)] == ["ask", "not", "what"]
    # the same word said again later is a new word
    again = [Word("not", 4.5, 4.9, 0.9)]
    assert [w.text for w in merge_words(before, again)] == ["ask", "not", "not"]
    assert merge_words([], after) == after


def _norm(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


@pytest.mark.slow
def test_real_speech_in_four_second_windows_loses_and_repeats_nothing(
        shared_media: Path, tmp_path: Path) -> None:
    jfk = shared_media / "speech" / "jfk.flac"
    parts = list(file_windows(jfk, window_s=4.0))
    assert len(parts) >= 3  # at least two seams inside the 11 s sentence
    settings = Settings(cache_dir=tmp_path)
    seen: list[float] = []
    t = SpeechAnalyzer(settings, window_s=4.0).analyze(Source(probe(jfk), settings,
                                                              seen.append))
    reference = ("and so my fellow americans ask not what your country can do for you ask "
                 "what you can do for your country")
    assert _norm(" ".join(w.text for w in t.words)) == reference.split()
    assert t.language == "en" and t.warnings == ()
    previous = 0.0
    for w in t.words:
        assert previous <= w.start <= w.end <= 11.1, w
        previous = w.end
    assert seen == sorted(seen) and seen[-1] == 1.0
