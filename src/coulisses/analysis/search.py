"""Find spoken passages across analysed rushes: by meaning with embeddings when installed,
else by words (accents and case folded)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coulisses.analysis.embeddings import Embedder
from coulisses.analysis.model import Analysis


@dataclass(frozen=True)
class Hit:
    path: str
    start: float
    end: float
    text: str
    score: float


def _fold(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.findall(r"[\w']+", plain)


def lexical(query: str, text: str) -> float:
    """Share of the query's words found in the text."""
    q = set(_fold(query))
    if not q:
        return 0.0
    return len(q & set(_fold(text))) / len(q)


def search(query: str, analyses: list[Analysis], embedder: Embedder | None = None,
           limit: int = 10) -> list[Hit]:
    """The passages (transcript segments) closest to ``query``, best first."""
    passages = [(a.path, s.start, s.end, s.text.strip()) for a in analyses if a.transcript
                for s in a.transcript.segments if s.text.strip()]
    if not passages:
        return []
    if embedder is not None:
        sims = embedder.relevance(query)([p[3] for p in passages])
        scores = [0.8 * s + 0.2 * lexical(query, p[3]) for s, p in zip(sims, passages,
                                                                         strict=True)]
    else:
        scores = [lexical(query, p[3]) for p in passages]
    hits = [Hit(p[0], p[1], p[2], p[3], round(s, 4)) for p, s in zip(passages, scores,
                                                                      strict=True) if s > 0]
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
