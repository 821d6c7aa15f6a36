"""``find_moments(analysis, kind) -> [Moment]``: ranked candidate clips with reasons.

Candidates are whole sentences grouped up to a maximum length, snapped to shot boundaries
when one is close, and never starting or ending inside a word. Each gets sub-scores between
0 and 1; the weights depend on what the clip is for:

- ``bts``: what makes a making-of engage (the seeds): laughter and reactions, technical
  trouble, crew talk, preparation and effort, a reveal; raw and spontaneous beats polish.
- ``episode``: clear, continuous speech on a well-exposed, steady picture.
- ``hook``: a strong opening line (question, exclamation, short and punchy) and early energy.

``--brief`` adds relevance to a text with local sentence embeddings (``embeddings.py``).
Pure: reads nothing, writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coulisses.analysis.model import Analysis, Moment, Span, Word

Kind = str  # "bts" | "episode" | "hook"

# Words people say during the moments a making-of is made of (English and French).
BTS_CUES: dict[str, tuple[str, ...]] = {
    "preparation": ("prepare", "preparing", "setup", "set up", "rig", "rigging", "rehearsal",
                    "rehearse", "lights", "makeup", "ready", "prépare", "préparation",
                    "installe", "répétition", "maquillage", "lumière", "prêt", "prête"),
    "effort": ("again", "one more", "take", "try", "hard", "long day", "encore", "prise",
               "on recommence", "essaie", "dur", "fatigué"),
    "trouble": ("oops", "problem", "broke", "broken", "wrong", "mistake", "wait", "stop",
                "cut", "damn", "mince", "zut", "problème", "cassé", "raté", "attends",
                "coupez", "oups"),
    "reveal": ("reveal", "look at", "here it is", "ta-da", "finally", "voilà", "regardez",
               "enfin", "découvrez", "le voici", "la voici"),
    "reaction": ("wow", "amazing", "incredible", "love it", "beautiful", "yes", "génial",
                 "incroyable", "magnifique", "trop bien", "ouah", "waouh", "bravo"),
}
WEIGHTS: dict[str, dict[str, float]] = {
    "bts": {"laughter": 1.5, "reaction": 1.2, "trouble": 1.2, "crew": 0.8, "preparation": 1.0,
            "effort": 1.0, "reveal": 1.0, "energy": 0.6, "speech": 0.4, "picture": 0.5,
            "brief": 2.0},
    "episode": {"speech": 1.5, "picture": 1.2, "faces": 1.0, "energy": 0.5, "reaction": 0.5,
                "brief": 2.0},
    "hook": {"opening": 2.0, "energy": 1.0, "reaction": 1.0, "speech": 0.6, "picture": 0.8,
             "faces": 0.6, "brief": 2.0},
}
_SENTENCE_END = re.compile(r"[.!?…]$")
LEAD_IN = 0.15  # seconds of air before the first word
TAIL = 0.25  # and after the last one


@dataclass(frozen=True)
class Candidate:
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words).strip()


def sentences(words: Sequence[Word], pause: float = 0.8) -> list[list[Word]]:
    """Words grouped into sentences: at end punctuation, or at a pause."""
    groups: list[list[Word]] = []
    for w in words:
        if groups and (
            _SENTENCE_END.search(groups[-1][-1].text) or w.start - groups[-1][-1].end > pause
        ):
            groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append(w)
    return groups


def candidates(analysis: Analysis, max_len: float, min_len: float = 2.0) -> list[Candidate]:
    """Windows of whole sentences, each up to ``max_len`` seconds; shots when nobody speaks."""
    words = list(analysis.transcript.words) if analysis.transcript else []
    if not words:
        shots = analysis.shots or ()
        spans = [(s.start, s.end) for s in shots] or [(0.0, analysis.duration)]
        out = []
        for a, b in spans:
            t = a
            while t < b - 0.5:
                out.append(Candidate(t, min(b, t + max_len), ()))
                t += max_len
        return [c for c in out if c.end - c.start >= min(min_len, analysis.duration)]
    groups = sentences(words)
    out = []
    for i in range(len(groups)):
        chunk: list[Word] = []
        for group in groups[i:]:
            if chunk and group[-1].end - chunk[0].start + LEAD_IN + TAIL > max_len:
                break
            chunk.extend(group)
            out.append(_snap(analysis, chunk))
    return [c for c in out if c.end - c.start >= min_len]


def _snap(analysis: Analysis, chunk: list[Word]) -> Candidate:
    """Air around the words, extended to a shot boundary when one is within reach, but never
    into a neighbouring word."""
    words = analysis.transcript.words if analysis.transcript else ()
    first, last = chunk[0], chunk[-1]
    before = max((w.end for w in words if w.end <= first.start), default=0.0)
    after = min((w.start for w in words if w.start >= last.end), default=analysis.duration)
    start = max(before, first.start - LEAD_IN, 0.0)
    end = min(after, last.end + TAIL, analysis.duration)
    for shot in analysis.shots or ():
        if before <= shot.start <= first.start and first.start - shot.start < 0.6:
            start = shot.start
        if last.end <= shot.end <= after and shot.end - last.end < 0.6:
            end = shot.end
    return Candidate(start, end, tuple(chunk))


def _overlap(a: float, b: float, spans: Sequence[Span]) -> float:
    """Share of [a, b] covered by spans."""
    if b <= a:
        return 0.0
    covered = sum(max(0.0, min(b, s.end) - max(a, s.start)) for s in spans)
    return min(1.0, covered / (b - a))


def _cue_score(text: str, cue: str) -> float:
    lowered = f" {text.lower()} "
    hits = sum(1 for phrase in BTS_CUES[cue] if f" {phrase}" in lowered
               or f"{phrase} " in lowered)
    return min(1.0, hits / 2)


def score(analysis: Analysis, c: Candidate, kind: Kind,
          relevance: float | None = None) -> dict[str, float]:
    """Sub-scores between 0 and 1 for one candidate."""
    a, b = c.start, c.end
    scores: dict[str, float] = {}
    duration = max(b - a, 0.01)
    text = c.text
    if c.words:
        spoken = sum(w.end - w.start for w in c.words)
        confidence = sum(w.confidence for w in c.words) / len(c.words)
        scores["speech"] = min(1.0, spoken / duration * 1.25) * confidence
    else:
        scores["speech"] = 0.0
    if analysis.audio is not None:
        peaks = [p for p in analysis.audio.peaks if a <= p <= b]
        scores["energy"] = min(1.0, len(peaks) / max(1.0, duration / 4))
        scores["laughter"] = min(1.0, 3 * _overlap(a, b, analysis.audio.laughter)
                                 + 2 * _overlap(a, b, analysis.audio.applause))
    if analysis.picture is not None:
        p = analysis.picture
        bad = (_overlap(a, b, p.black) + _overlap(a, b, p.frozen) + _overlap(a, b, p.blurry)
               + 0.5 * _overlap(a, b, p.shaky) + 0.5 * _overlap(a, b, p.dark))
        scores["picture"] = max(0.0, 1.0 - bad)
    if analysis.faces is not None:
        present = [t for t in analysis.faces if any(a <= box.t <= b for box in t.boxes)]
        scores["faces"] = 1.0 if present else 0.0
        scores["crew"] = min(1.0, max(0, len(present) - 1) / 2)
    for cue in BTS_CUES:
        scores[cue] = _cue_score(text, cue)
    if kind == "hook" and c.words:
        opening = " ".join(w.text for w in c.words[:12])
        punchy = 1.0 if re.search(r"[!?]", opening) else 0.4
        scores["opening"] = punchy * (1.0 if len(c.words) <= 25 else 0.6)
    if relevance is not None:
        scores["brief"] = max(0.0, relevance)
    return scores


def _reason(kind: Kind, scores: dict[str, float], weights: dict[str, float],
            lang: str = "en") -> str:
    """What makes the moment stand out, its three strongest measures, in ``lang``."""
    from coulisses.i18n import text, word

    ranked = sorted(((scores[k] * w, k) for k, w in weights.items() if scores.get(k, 0) > 0.2),
                    reverse=True)
    parts = [word(lang, "moment", k) for _, k in ranked[:3]]
    return text(lang, "moment_reason", kind=word(lang, "moment.kind", kind),
                parts=", ".join(parts) if parts else text(lang, "moment.nothing"))


def reason_in(kind: Kind, scores: dict[str, float], lang: str) -> str:
    """A stored moment's reason written again in ``lang``, from its kind and measures (the
    kind's default weights)."""
    return _reason(kind, scores, WEIGHTS.get(kind, WEIGHTS["bts"]), lang)


def find_moments(analysis: Analysis, kind: Kind = "bts", *, max_len: float = 60.0,
                 limit: int = 10, brief_relevance: Callable[[list[str]], list[float]]
                 | None = None, weights: dict[str, float] | None = None,
                 lang: str = "en") -> list[Moment]:
    """Ranked moments of one analysed file, best first, without overlaps.

    ``brief_relevance`` maps candidate texts to relevance in [0, 1] (embeddings);
    ``weights`` override the kind's defaults (e.g. from measured results); reasons are
    written in ``lang``.
    """
    w = dict(WEIGHTS.get(kind, WEIGHTS["bts"]))
    w.update(weights or {})
    cands = candidates(analysis, max_len)
    relevances: list[float | None] = [None] * len(cands)
    if brief_relevance is not None and cands:
        relevances = list(brief_relevance([c.text or "" for c in cands]))
    ranked: list[Moment] = []
    for c, rel in zip(cands, relevances, strict=True):
        s = score(analysis, c, kind, rel)
        # only the measures that exist count: an analyser that did not run is neutral
        present = {k: wk for k, wk in w.items() if k in s}
        total = sum(s[k] * wk for k, wk in present.items()) / (sum(present.values()) or 1.0)
        ranked.append(Moment(start=round(c.start, 3), end=round(c.end, 3),
                             score=round(total, 4), kind=kind, reason=_reason(kind, s, w, lang),
                             scores={k: round(v, 3) for k, v in s.items()}, text=c.text))
    ranked.sort(key=lambda m: (-m.score, m.start))
    chosen: list[Moment] = []
    for m in ranked:
        if all(m.end <= o.start or m.start >= o.end for o in chosen):
            chosen.append(m)
        if len(chosen) >= limit:
            break
    return chosen
