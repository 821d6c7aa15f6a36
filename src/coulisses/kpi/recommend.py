""""What to make next": comparisons between groups of posts, each with its evidence.

Each rule of ``definitions.yaml`` (dimension, KPI, optionally within each platform) compares the
best group with the rest (BTS with campaign posts for ``kind``). The ratio of the two weighted
rates gets a 90 % bootstrap interval from resampling posts; fewer than 5 posts on a side, or
an interval that includes 1, is weak evidence and says so. A side of one post is never used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from coulisses.kpi.compute import Key, PostTable, post_rates

Confidence = Literal["strong", "moderate", "weak"]
MIN_POSTS = 2  # never a recommendation from a single post
SOLID_POSTS = 5  # below this on either side, the evidence is weak
STRONG_POSTS = 10
MIN_RATIO = 1.1  # smaller differences are not worth a recommendation
RESAMPLES = 1000

LABELS: dict[str, dict[str, str]] = {
    "en": {"bts": "behind-the-scenes", "campaign": "campaign", "other": "other",
           "unknown": "unknown", "question": "a question", "exclamation": "an exclamation",
           "number": "a number", "statement": "a plain statement"},
    "fr": {"bts": "coulisses", "campaign": "campagne", "other": "autres",
           "unknown": "inconnu", "question": "une question", "exclamation": "une exclamation",
           "number": "un chiffre", "statement": "une affirmation"},
}
TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "kind": "Make more {best} posts{on}: they get {ratio}x the {kpi} of {other} posts",
        "length": "Aim for {best} videos{on}: {ratio}x the {kpi} of other lengths",
        "hook": "Open captions with {best}{on}: {ratio}x the {kpi} of other openings",
        "hour": "Publish at {best} UTC{on}: {ratio}x the {kpi} of other hours",
        "format": "Favour the {best} format{on}: {ratio}x the {kpi} of other formats",
        "platform": "Put more effort into {best}: {ratio}x the {kpi} of other platforms",
        "on": " on {platform}",
        "values": "{a} vs {b}, n={na} vs {nb}",
        "weak_n": "weak evidence: only {n} posts on one side",
        "weak_ci": "weak evidence: the 90% interval ({lo}x to {hi}x) includes no difference",
        "moderate": "moderate evidence: 90% interval {lo}x to {hi}x",
        "strong": "strong evidence: 90% interval {lo}x to {hi}x",
    },
    "fr": {
        "kind": "Faites plus de publications {best}{on} : {ratio}x le {kpi} des publications "
                "{other}",
        "length": "Visez des vidéos de {best}{on} : {ratio}x le {kpi} des autres durées",
        "hook": "Ouvrez les légendes par {best}{on} : {ratio}x le {kpi} des autres ouvertures",
        "hour": "Publiez à {best} UTC{on} : {ratio}x le {kpi} des autres heures",
        "format": "Privilégiez le format {best}{on} : {ratio}x le {kpi} des autres formats",
        "platform": "Misez davantage sur {best} : {ratio}x le {kpi} des autres plateformes",
        "on": " sur {platform}",
        "values": "{a} contre {b}, n={na} contre {nb}",
        "weak_n": "preuve faible : seulement {n} publications d'un côté",
        "weak_ci": "preuve faible : l'intervalle à 90 % ({lo}x à {hi}x) inclut l'absence "
                   "d'écart",
        "moderate": "preuve moyenne : intervalle à 90 % de {lo}x à {hi}x",
        "strong": "preuve solide : intervalle à 90 % de {lo}x à {hi}x",
    },
}


@dataclass(frozen=True)
class Advice:
    """One recommendation: what to do, the numbers behind it, and how sure they are."""

    text: str
    evidence: str
    uncertainty: str
    confidence: Confidence
    kpi: str
    dimension: str
    within: str | None
    best: str
    other: str
    value_best: float
    value_other: float
    ratio: float
    ci_low: float
    ci_high: float
    n_best: int
    n_other: int


def label(lang: str, value: str | None) -> str:
    """A group value as a reader sees it (kinds and hook types are translated)."""
    table = LABELS.get(lang, LABELS["en"])
    return table.get(value or "unknown", value or table["unknown"])


def number(x: float, lang: str, digits: int = 1) -> str:
    """``x`` with ``digits`` decimals, a decimal comma in French."""
    text = f"{x:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def ratio_interval(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]],
                   resamples: int = RESAMPLES, seed: int = 0) -> tuple[float, float]:
    """90 % bootstrap interval of (Σnum/Σden of ``a``) / (Σnum/Σden of ``b``), posts resampled."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ratios = []
    na, nb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    chunk = max(1, 2_000_000 // max(len(na), len(nb)))
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        ia = rng.integers(0, len(na), (size, len(na)))
        ib = rng.integers(0, len(nb), (size, len(nb)))
        ra = na[ia, 0].sum(axis=1) / na[ia, 1].sum(axis=1)
        rb = nb[ib, 0].sum(axis=1) / nb[ib, 1].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios.append(ra / rb)
    values = np.concatenate(ratios)
    values = values[np.isfinite(values)]
    if not len(values):
        return float("nan"), float("nan")
    return float(np.quantile(values, 0.05)), float(np.quantile(values, 0.95))


def _rate(posts: Sequence[tuple[float, float]]) -> float:
    den = sum(d for _, d in posts)
    return sum(n for n, _ in posts) / den if den else 0.0


def recommend(table: PostTable, lang: str = "en") -> list[Advice]:
    """Every recommendation the data supports, most certain first."""
    found: list[Advice] = []
    for rule in table.defs.recommendations:
        kpi = table.defs.get(rule.kpi)
        dims = [rule.within, rule.dimension] if rule.within else [rule.dimension]
        parts: dict[str | None, dict[str, list[tuple[float, float]]]] = defaultdict(
            lambda: defaultdict(list))
        for key, num, den in post_rates(table, kpi, dims):
            within, value = _split(key, bool(rule.within))
            if value not in (None, "unknown"):
                parts[within][str(value)].append((num, den))
        for within, groups in sorted(parts.items(), key=lambda kv: str(kv[0])):
            advice = _compare(kpi.id, kpi.name.en if lang == "en" else kpi.name.fr, kpi.scale,
                              kpi.unit, rule.dimension, within, groups, lang)
            if advice is not None:
                found.append(advice)
    order = {"strong": 0, "moderate": 1, "weak": 2}
    return sorted(found, key=lambda a: (order[a.confidence], -a.ci_low, -a.ratio, a.text))


def _split(key: Key, nested: bool) -> tuple[str | None, str | None]:
    return (key[0], key[1]) if nested else (None, key[0])


def _compare(kpi: str, name: str, scale: float, unit: str, dimension: str, within: str | None,
             groups: dict[str, list[tuple[float, float]]], lang: str) -> Advice | None:
    usable = {g: p for g, p in groups.items() if len(p) >= MIN_POSTS}
    if dimension == "kind":
        if not {"bts", "campaign"} <= set(usable):
            return None
        pair = sorted(("bts", "campaign"), key=lambda g: -_rate(usable[g]))
        best, other = pair[0], pair[1]
        a, b = usable[best], usable[other]
    else:
        if len(usable) < 1 or len(groups) < 2:
            return None
        best = max(usable, key=lambda g: (_rate(usable[g]), g))
        other = "rest"
        a = usable[best]
        b = [p for g, posts in groups.items() if g != best for p in posts]
        if len(b) < MIN_POSTS:
            return None
    ra, rb = _rate(a), _rate(b)
    if rb <= 0 or ra / rb < MIN_RATIO:
        return None
    lo, hi = ratio_interval(a, b)
    n_min = min(len(a), len(b))
    if n_min < SOLID_POSTS or not lo > 1:
        confidence: Confidence = "weak"
    else:
        confidence = "strong" if n_min >= STRONG_POSTS else "moderate"
    t = TEMPLATES.get(lang, TEMPLATES["en"])
    on = t["on"].format(platform=within) if within else ""
    text = t[dimension].format(best=label(lang, best), other=label(lang, other), on=on,
                               ratio=number(ra / rb, lang), kpi=name.lower())
    evidence = t["values"].format(a=f"{number(ra * scale, lang, 2)} {unit}",
                                  b=f"{number(rb * scale, lang, 2)} {unit}", na=len(a),
                                  nb=len(b))
    fmt = {"lo": number(lo, lang), "hi": number(hi, lang)}
    if n_min < SOLID_POSTS:
        uncertainty = t["weak_n"].format(n=n_min)
    elif confidence == "weak":
        uncertainty = t["weak_ci"].format(**fmt)
    else:
        uncertainty = t[confidence].format(**fmt)
    return Advice(text, evidence, uncertainty, confidence, kpi, dimension, within, best, other,
                  ra * scale, rb * scale, ra / rb, lo, hi, len(a), len(b))
