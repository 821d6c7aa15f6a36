"""Word error rate of a transcript against a reference text, with one text normaliser for
every language and corpus (so a score never depends on how digits or punctuation are written).
"""

from __future__ import annotations

import re

# single digits spelt out in the transcript's language: whisper writes "2" or "two" for the
# same sound, and "numéro 1" is "numéro un" in French, never "numéro one"
DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+")


def normalise(text: str, language: str = "en") -> list[str]:
    """Words of ``text`` for scoring: lower case, no punctuation, apostrophes kept inside
    words, letters glued to digits split ("P2" -> "p", "two") and a single digit spelt out in
    ``language`` (left as a digit in a language without digit words here)."""
    digits = DIGIT_WORDS.get(language)
    words = []
    for piece in _WORD.findall(text.lower().replace("’", "'")):
        if digits and len(piece) == 1 and piece.isdigit():
            words.append(digits[int(piece)])
        else:
            words.append(piece)
    return words


def align(ref: list[str], hyp: list[str]) -> tuple[int, list[tuple[int, int]]]:
    """Levenshtein distance in words between ``ref`` and ``hyp`` (substitutions, deletions
    and insertions), and the (ref, hyp) index pairs that match."""
    rows = [list(range(len(hyp) + 1))]
    for i, r in enumerate(ref, 1):
        row = [i]
        for j, h in enumerate(hyp, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (r != h)))
        rows.append(row)
    pairs, i, j = [], len(ref), len(hyp)
    while i and j:
        if ref[i - 1] == hyp[j - 1] and rows[i][j] == rows[i - 1][j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        elif rows[i][j] == rows[i][j - 1] + 1:
            j -= 1
        else:
            i, j = i - 1, j - 1
    return rows[-1][-1], pairs[::-1]


def word_errors(reference: str, hypothesis: str, language: str = "en") -> tuple[int, int]:
    """(errors, reference words) of ``hypothesis`` against ``reference``, both normalised
    the same way."""
    ref = normalise(reference, language)
    return align(ref, normalise(hypothesis, language))[0], len(ref)
