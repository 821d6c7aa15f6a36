"""What most people agree on and what divides them, for the conversation map.

Two signals. A comment's stance (for, against, or none) comes from cue words of each language
(``love``, ``nul``, ``too long``...), flipped by a nearby negation (``not``, ``pas``); an
English comment without a cue is compared with a few plain for and against sentences by their
embeddings, and takes a side only when clearly nearer one (``MARGIN``). MiniLM was trained on
English, and on French its nearness to such sentences was wrong as often as right, so French
comments take a side from their cue words only; questions take no side. A group
of comments, or a poll's two leading options, is *agreed* when one side holds at least
``AGREE`` of those who took one and that majority is not chance (the 95 % Wilson interval
stays above one half); it *divides* when no side holds more than ``SPLIT``. Fewer than
``MIN_VOICES`` voices say nothing either way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Embed = Callable[[list[str]], np.ndarray]
MIN_VOICES = 5
AGREE = 0.7
SPLIT = 0.6
MARGIN = 0.1  # anchor similarity gap below which a comment takes no side
Z = 1.96
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_QUESTION = re.compile(r"\?[^\w?]*$")  # ends with a question mark, then only emoji or marks
FOR = frozenset(re.findall(r"\S+", """
love loved loving like liked likes good great amazing lovely fun funny cute wow awesome
perfect beautiful gorgeous brilliant best excellent fantastic wonderful nice cool incredible
stunning superb favourite favorite yes agree bravo adore adoré adorent aime aimé génial
géniale géniaux magnifique parfait parfaite super superbe sublime excellent excellente top
canon chouette merveilleux incroyable splendide oui réussi réussie hâte
"""))
PHRASES = {"too long": -1, "too slow": -1, "trop long": -1, "trop longue": -1,
           "trop lent": -1, "trop bien": 1, "can't wait": 1, "cant wait": 1}
AGAINST = frozenset(re.findall(r"\S+", """
hate hated dislike bad worst awful terrible boring ugly cheap horrible cringe disappointing
disappointed weak poor annoying meh wrong nope déteste détestent nul nulle mauvais mauvaise
ennuyeux ennuyeuse moche horrible affreux affreuse décevant décevante déçu déçue raté ratée
pire bof ridicule
"""))
NEGATIONS = frozenset(re.findall(r"\S+", """
not no never don't dont doesn't didn't isn't wasn't aren't can't cannot won't hardly pas
jamais rien ni ne n
"""))
ANCHORS = (["I love it, it is great", "This is amazing, well done", "Yes, perfect, keep it"],
           ["I don't like it, it is bad", "This is terrible and boring",
            "No, please change it, it is awful"])


@dataclass(frozen=True)
class Stand:
    """One thing most people agree on, or one that divides them."""

    kind: str  # theme or poll
    label: str  # the group's label or the poll's question
    side: str  # for a theme: "for" or "against"; for a poll: the leading option
    share: int  # percentage of the voices on that side (themes) or of the two leaders (polls)
    voices: int  # comments that took a side, or votes for the two leading options
    other: str = ""  # a poll's runner-up option


def cue_stance(text: str) -> int:
    """+1, -1 or 0 from the text's cue words; a negation among the three words before a cue
    (or, in French, ``pas``/``jamais`` among the two after) flips it."""
    words = [w.replace("’", "'") for w in _TOKEN.findall(text.lower().replace("’", "'"))]
    words = [w.split("'", 1)[1] if w.startswith(("n'", "j'", "c'", "l'", "d'", "qu'")) and
             w.split("'", 1)[1] else w for w in words]
    score = 0
    for i, word in enumerate(words):
        sign = 1 if word in FOR else -1 if word in AGAINST else 0
        if not sign:
            continue
        before = words[max(0, i - 3):i]
        after = words[i + 1:i + 3]
        if any(w in NEGATIONS for w in before) or any(w in ("pas", "jamais") for w in after):
            sign = -sign
        score += sign
    joined = f" {' '.join(words)} "
    score += sum(sign for phrase, sign in PHRASES.items() if f" {phrase} " in joined)
    return (score > 0) - (score < 0)


def stances(texts: Sequence[str], vectors: np.ndarray, languages: Sequence[str],
            embed: Embed) -> np.ndarray:
    """Each text's stance: +1 for, -1 against, 0 none (questions, nothing clear).

    Raises:
        UsageError: the embeddings are not installed (from ``embed``).
    """
    found = np.array([cue_stance(t) for t in texts], dtype=np.int64)
    questions = np.array([bool(_QUESTION.search(t)) for t in texts], dtype=bool)
    found[questions] = 0
    rows = [i for i in range(len(texts))
            if not found[i] and not questions[i] and languages[i] == "en"]
    if rows:
        anchors = np.asarray(embed(ANCHORS[0] + ANCHORS[1]), dtype=np.float32)
        sims = vectors[rows] @ anchors.T
        gap = sims[:, :len(ANCHORS[0])].max(axis=1) - sims[:, len(ANCHORS[0]):].max(axis=1)
        found[rows] = np.where(gap > MARGIN, 1, np.where(gap < -MARGIN, -1, 0))
    return found


def wilson_low(hits: int, n: int) -> float:
    """The lower end of the 95 % Wilson interval of a share ``hits / n``."""
    if n == 0:
        return 0.0
    p = hits / n
    centre = p + Z * Z / (2 * n)
    spread = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return (centre - spread) / (1 + Z * Z / n)


def verdict(major: int, minor: int) -> str:
    """``agree``, ``divided`` or empty, for ``major`` voices against ``minor`` (major >=
    minor)."""
    n = major + minor
    if n < MIN_VOICES:
        return ""
    if major / n >= AGREE and wilson_low(major, n) > 0.5:
        return "agree"
    return "divided" if major / n <= SPLIT else ""


def judge_theme(label: str, signs: Sequence[int]) -> tuple[str, Stand] | None:
    """The theme's verdict from its comments' stances, or None."""
    pro = sum(s > 0 for s in signs)
    con = sum(s < 0 for s in signs)
    found = verdict(max(pro, con), min(pro, con))
    if not found:
        return None
    major = max(pro, con)
    return found, Stand("theme", label, "for" if pro >= con else "against",
                        round(100 * major / (pro + con)), pro + con)


def judge_poll(question: str, counts: Sequence[tuple[str, int]]) -> tuple[str, Stand] | None:
    """The poll's verdict from its two leading options' counted votes, or None."""
    ranked = sorted(counts, key=lambda c: -c[1])
    if len(ranked) < 2:
        return None
    (first, a), (second, b) = ranked[0], ranked[1]
    found = verdict(a, b)
    if not found:
        return None
    return found, Stand("poll", question, first, round(100 * a / (a + b)), a + b, second)
