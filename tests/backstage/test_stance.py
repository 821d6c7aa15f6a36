"""What most people agree on and what divides them: stances from cue words (with negation)
and from the packaged MiniLM's nearness to plain for/against sentences, on comments whose
answer we know; verdicts from counts, with small crowds saying nothing."""

from __future__ import annotations

import pytest

from coulisses.backstage import stance
from coulisses.backstage.conversation import language_of

FOR = ["I love the music in the trailer", "The red cover is amazing 😍",
       "La fin est magnifique, bravo", "J'adore le casting !", "Not bad at all, the ending",
       "Keep this song", "This scene is so good", "J'ai hâte de voir la suite",
       "Trop bien cette scène"]
AGAINST = ["I hate the new ending", "The cover looks cheap", "La musique est nulle",
           "Je n'aime pas la fin", "This is not good, the scene is too long",
           "Please change the song", "Changez la couverture, elle est moche",
           "La scène est trop longue"]
NEITHER = ["When is the video coming out?", "Quand sort la vidéo ? 🙏",
           "Which song is playing at 0:42??", "The shoot was in Lyon",
           # a limit, written down: French without a cue word takes no side (MiniLM is
           # English-trained; its French nearness to for/against sentences is not reliable)
           "Gardez cette chanson"]


def test_cue_words_and_negations_in_both_languages() -> None:
    assert [stance.cue_stance(t) for t in ["I love it", "I don't love it", "not bad",
                                           "Je n'aime pas", "J'aime", "c'est nul",
                                           "the shoot by the sea"]] == [1, -1, 1, -1, 1, -1, 0]


def test_known_comments_take_their_side() -> None:
    pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
    from coulisses.analysis.embeddings import Embedder
    from coulisses.settings import load_settings

    embed = Embedder(load_settings(env={})).encode
    texts = FOR + AGAINST + NEITHER
    found = stance.stances(texts, embed(texts), [language_of(t) for t in texts], embed)
    assert list(found) == [1] * len(FOR) + [-1] * len(AGAINST) + [0] * len(NEITHER)


def test_verdicts_need_a_clear_majority_that_is_not_chance() -> None:
    assert stance.verdict(9, 1) == "agree"
    assert stance.verdict(4, 1) == ""  # 80 % of five could be chance
    assert stance.verdict(5, 0) == "agree"
    assert stance.verdict(6, 4) == "divided" and stance.verdict(50, 50) == "divided"
    assert stance.verdict(13, 7) == ""  # 65 %: leaning, neither
    assert stance.verdict(2, 1) == ""  # too few voices
    assert stance.wilson_low(0, 0) == 0.0
    assert stance.wilson_low(50, 100) == pytest.approx(0.404, abs=0.001)


def test_polls_are_judged_on_their_two_leading_options() -> None:
    clear = stance.judge_poll("Which cover?", [("Red", 40), ("Blue", 8), ("Green", 2)])
    assert clear == ("agree", stance.Stand("poll", "Which cover?", "Red", 83, 48, "Blue"))
    close = stance.judge_poll("Which ending?", [("Happy", 21), ("Sad", 19)])
    assert close is not None and close[0] == "divided" and close[1].other == "Sad"
    assert stance.judge_poll("Only one?", [("Yes", 30)]) is None
    assert stance.judge_theme("music", [1, 1, 1, 1, 1, 1, 1, 1, -1, 0]) == (
        "agree", stance.Stand("theme", "music", "for", 89, 9))
    assert stance.judge_theme("music", [1, 1, 1, 1, 1, 1, -1]) is None  # 6 of 7: chance
    assert stance.judge_theme("ending", [1, -1, 1, -1, 1, -1, 0]) == (
        "divided", stance.Stand("theme", "ending", "for", 50, 6))
