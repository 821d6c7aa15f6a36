"""How well an entry's speech answers a challenge's brief: a score from 0 to 1 and one line.

The score mixes two signals. The semantic one is MiniLM sentence embeddings
(``analysis.embeddings``, weights shipped by a package): each sentence of the brief is matched
with the closest passage of the transcript, less that passage's likeness to a few everyday
sentences in the brief's language (``NEUTRAL``), and the brief is covered on average. The lexical
one is the share of the brief's content words (stop words out, each word reduced to its Snowball
stem in the brief's language: ``snowballstemmer``) that the transcript says: MiniLM is trained
on English, and the stems keep a French brief readable. The mix goes through a logistic curve
whose centre ``CENTRE`` was chosen on the labelled set of ``bench/quality_relevance.py``
(docs/quality.md, "Challenge relevance"), so ``THRESHOLD`` (0.5) separates on-brief from
off-brief. The reason names the brief's words that were said, or those that are missing, in the
brief's language (English or French).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from coulisses.analysis.embeddings import Embedder

#: a score at or above this is on brief
THRESHOLD = 0.5
#: weight of the semantic signal in the mix (the rest is the lexical one)
SEMANTIC_WEIGHT = 0.5
#: where the logistic curve crosses 0.5, and how steep it is (chosen on the labelled set)
CENTRE = 0.056
SCALE = 0.02
#: passages of the transcript are cut to about this many words when it has no punctuation
PASSAGE_WORDS = 25
#: brief words named in a reason
NAMED = 4

NO_SPEECH = {"en": "no speech", "fr": "pas de parole"}
#: everyday sentences on no brief's subject: a passage's likeness to them is its baseline
NEUTRAL = {
    "fr": ["Bonjour, je m'appelle Paul et j'habite à Lyon depuis dix ans.",
           "Il fait beau aujourd'hui, on va se promener au parc avec les enfants.",
           "Je voudrais un café et un croissant, s'il vous plaît.",
           "Le match de ce soir commence à vingt heures."],
    "en": ["Hello, my name is Paul and I have lived in Leeds for ten years.",
           "The weather is nice today, we are going for a walk in the park with the kids.",
           "I would like a coffee and a croissant, please.",
           "Tonight's game starts at eight o'clock."],
}

_STOP = frozenset(re.findall(r"\S+", """
a an the and or but if of to in on at by for with from as is are was were be been being it its
this that these those you your yours i me my we our us he she they them his her their what which
who whom how when where why not no do does did done have has had will would can could should may
might must shall so than then there here just very too also into out up down over about after
before all any each more most other some such only own same one two three film yourself
tell say show talk speak record make give share let please video minute minutes second seconds
la le les un une des du de d l et ou mais si en au aux à a dans par pour sur avec sans sous
ce cet cette ces ça ca c qui que qu quoi dont où est es suis sont été être avoir as ai avons
ont il elle ils elles on nous vous tu te toi moi me je j ton ta tes ton son sa ses leur leurs
mon ma mes notre nos votre vos y ne pas plus n s se t m lui fait faire très bien tout tous toute
toutes comme quand alors donc car au aux ne une filme filmer prise train dis montre parle
vidéo seconde secondes
"""))
_FRENCH_HINTS = frozenset(re.findall(
    r"\S+", "le la les et est une des du que qui dans pour avec pas tu ton ta vous nous sur"))
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def relevance(transcript: str, brief: str, *, language: str | None) -> tuple[float, str]:
    """How well ``transcript`` answers ``brief``: a score from 0 to 1 (on brief at
    ``THRESHOLD`` or above) and a one-line reason naming what matched or what is missing.

    ``language`` is the brief's language (``en`` or ``fr``; the reason is written in it); None
    guesses it from the brief's words. An empty transcript scores 0 with the reason "no speech".

    Raises:
        UsageError: sentence-transformers is not installed.
    """
    lang = reason_language(brief, language)
    if not _words(transcript):
        return 0.0, NO_SPEECH[lang]
    raw, matched, missing = mix(transcript, brief)
    score = calibrated(raw)
    return score, _reason(score, matched, missing, lang)


def mix(transcript: str, brief: str) -> tuple[float, list[str], list[str]]:
    """The uncalibrated mix of the semantic and lexical signals (0 to 1), with the brief's
    words the transcript says and those it does not.

    Raises:
        UsageError: sentence-transformers is not installed.
    """
    if not _words(transcript):
        return 0.0, [], keywords(brief)
    neutral_vectors, brief_vectors = _brief_vectors(brief)
    said_vectors = _embedder().encode(_passages(transcript))
    # any two texts of one language look alike to MiniLM (shared small words), French most:
    # what counts is how much closer a passage is to the brief than to everyday talk
    baseline = (neutral_vectors @ said_vectors.T).mean(axis=0)
    sims = brief_vectors @ said_vectors.T - baseline[None, :]
    semantic = float(sims.max(axis=1).clip(0.0, 1.0).mean())
    lang = reason_language(brief, None)
    keys = keywords(brief)
    said = {_stem(w, lang) for w in _words(transcript)}
    matched = [w for w in keys if _stem(w, lang) in said]
    missing = [w for w in keys if _stem(w, lang) not in said]
    lexical = len(matched) / len(keys) if keys else 0.0
    return SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * lexical, matched, missing


def calibrated(raw: float) -> float:
    """The 0-1 score of a raw mix, through the logistic curve (rounded to 3 places)."""
    return round(1.0 / (1.0 + math.exp(-(raw - CENTRE) / SCALE)), 3)


def reason_language(brief: str, language: str | None) -> str:
    """``en`` or ``fr``: ``language`` when it is one of them, else a guess from the brief."""
    if language in ("en", "fr"):
        return language
    if language:
        return "en"
    words = [w.lower() for w in _words(brief)]
    french = sum(w in _FRENCH_HINTS for w in words)
    return "fr" if words and french / len(words) >= 0.08 else "en"


def sentences(text: str) -> list[str]:
    """The non-empty sentences of a text."""
    return [s.strip() for s in _SENTENCE.split(text) if s and _words(s)]


def keywords(brief: str) -> list[str]:
    """The brief's content words, in order, each stem once (stop words and short words out)."""
    lang = reason_language(brief, None)
    seen: set[str] = set()
    out: list[str] = []
    for word in _words(brief):
        low = word.lower().split("'")[-1].split("’")[-1]
        if len(low) < 3 or low in _STOP or _fold(low) in _STOP:
            continue
        stem = _stem(low, lang)
        if stem not in seen:
            seen.add(stem)
            out.append(low)
    return out


def _reason(score: float, matched: list[str], missing: list[str], lang: str) -> str:
    named = ", ".join(matched[:NAMED])
    lacking = ", ".join(missing[:NAMED])
    if score >= THRESHOLD:
        if lang == "fr":
            return f"dans le sujet : parle de {named}" if named else \
                "dans le sujet : proche du brief par le sens"
        return f"on brief: speaks of {named}" if named else "on brief: close to it in meaning"
    if lang == "fr":
        return (f"hors sujet : ne parle pas de {lacking}" if not named
                else f"hors sujet : dit {named}, mais rien de {lacking}")
    return (f"off brief: says nothing of {lacking}" if not named
            else f"off brief: says {named}, but nothing of {lacking}")


def _passages(transcript: str) -> list[str]:
    """The transcript's sentences, or runs of ``PASSAGE_WORDS`` words when it has none."""
    parts = sentences(transcript)
    if len(parts) > 1:
        return parts
    words = transcript.split()
    return [" ".join(words[i:i + PASSAGE_WORDS]) for i in range(0, len(words), PASSAGE_WORDS)]


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _fold(word: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word: str, lang: str) -> str:
    """A word's Snowball stem in ``lang`` (``en`` or ``fr``), elision cut, then folded (lower
    case, no accents: a transcript's accents are not always right)."""
    bare = re.split(r"['’]", word.lower())[-1]
    return _fold(_stemmer(lang).stemWord(bare))


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Any:
    """The Snowball stemmer of a language (pure Python, built once per process)."""
    import snowballstemmer

    return snowballstemmer.stemmer("french" if lang == "fr" else "english")


@lru_cache(maxsize=8)
def _brief_vectors(brief: str) -> tuple[np.ndarray, np.ndarray]:
    """The embeddings of the everyday sentences in the brief's language and of the brief's
    sentences, computed once per brief and process."""
    parts = sentences(brief) or [brief]
    neutral = NEUTRAL[reason_language(brief, None)]
    vectors = _embedder().encode(neutral + parts)
    return vectors[:len(neutral)], vectors[len(neutral):]


@lru_cache(maxsize=1)
def _embedder() -> Embedder:
    """The sentence model, loaded once per process (each worker keeps its own)."""
    from coulisses.analysis.embeddings import Embedder
    from coulisses.settings import load_settings

    return Embedder(load_settings())
