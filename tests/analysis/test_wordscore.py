"""Word error rate scoring: one normaliser for every clip, digits spelt in the clip's language."""

from __future__ import annotations

from coulisses.analysis.wordscore import align, normalise, word_errors


def test_case_punctuation_and_glued_digits_are_normalised() -> None:
    assert normalise("Set white with P2, soon.") == ["set", "white", "with", "p", "two", "soon"]
    assert normalise("Lay white by S0 again!") == ["lay", "white", "by", "s", "zero", "again"]
    assert normalise("And so, my fellow Americans") == ["and", "so", "my", "fellow", "americans"]


def test_digits_are_spelt_in_the_clip_language() -> None:
    assert normalise("et c'est la dictée numéro 1.", "fr") == [
        "et", "c'est", "la", "dictée", "numéro", "un"]
    assert normalise("numéro 1", "en") == ["numéro", "one"]
    assert normalise("c’est", "fr") == ["c'est"]  # typographic apostrophe as the plain one


def test_numbers_longer_than_a_digit_and_unknown_languages_stay_as_written() -> None:
    assert normalise("in 1961") == ["in", "1961"]
    assert normalise("nummer 7", "de") == ["nummer", "7"]


def test_word_errors_count_substitutions_deletions_and_insertions() -> None:
    assert word_errors("bin blue at f two now", "Bimble F2 now.") == (3, 6)
    assert word_errors("set white in z three now", "Set white in Z3, no.") == (1, 6)
    assert word_errors("one two three", "1, 2, 3.") == (0, 3)
    assert word_errors("et c'est la dictée numéro un", "Et c'est la dictée numéro 1.",
                       "fr") == (0, 6)
    assert word_errors("a b", "a x b c") == (2, 2)


def test_align_pairs_the_matching_words_in_order() -> None:
    distance, pairs = align(["set", "white", "with", "p", "two"],
                            ["set", "weight", "with", "p", "two", "soon"])
    assert distance == 2
    assert pairs == [(0, 0), (2, 2), (3, 3), (4, 4)]
