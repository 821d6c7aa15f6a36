"""Measured results back into the cut engine: weights for the kinds of BTS moments that performed.

Posts carry no moment kind in the store, so a BTS post's kinds are read from its caption with
the cue words of ``coulisses.analysis.moments`` (plus laughter words). A kind's weight is its
default weight in the ``bts`` ranking times how its posts' engagement compares with all BTS
posts, clamped to [0.5, 2]; kinds seen on fewer than ``min_posts`` posts keep their default
(they are left out of the result). ``find_moments(..., weights=moment_weights(store))``.
"""

from __future__ import annotations

from pathlib import Path

from coulisses.kpi.compute import Period, open_posts

LAUGHTER = ("haha", "lol", "laugh", "laughing", "funny", "blooper", "bloopers", "mdr", "rire",
            "fou rire", "fous rires", "bêtisier", "drôle")
KPI = "engagement_rate"


def _kinds(caption: str, cues: dict[str, tuple[str, ...]]) -> set[str]:
    words = f" {' '.join(caption.lower().split())} "
    found = {kind for kind, phrases in cues.items()
             if any(f" {p} " in words or f" {p}," in words or f" {p}!" in words
                    or f" {p}." in words for p in phrases)}
    if "😂" in caption or "🤣" in caption:
        found.add("laughter")
    return found


def moment_weights(store: Path, period: Period = Period(), min_posts: int = 3,
                   kpi: str = KPI) -> dict[str, float]:
    """Weights for ``find_moments(kind="bts")`` from how BTS posts of each moment kind performed.

    Raises:
        AnalyticsImportError: no analytics store at ``store``.
    """
    from coulisses.analysis.moments import BTS_CUES, WEIGHTS

    cues = {**BTS_CUES, "laughter": LAUGHTER}
    with open_posts(store, period) as table:
        table.defs.get(kpi)  # KeyError for a KPI that does not exist
        num, den = f"n_{kpi}", f"d_{kpi}"
        rows = table.rows(f"SELECT caption, {num}, {den} FROM kpi_rates WHERE dim_kind = 'bts' "
                          f"AND caption IS NOT NULL AND {num} IS NOT NULL AND {den} > 0")
    total_num = sum(float(r[1]) for r in rows)
    total_den = sum(float(r[2]) for r in rows)
    if not total_den or not total_num:
        return {}
    overall = total_num / total_den
    sums: dict[str, list[float]] = {}
    for caption, n, d in rows:
        for kind in _kinds(str(caption), cues):
            entry = sums.setdefault(kind, [0.0, 0.0, 0.0])
            entry[0] += float(n)
            entry[1] += float(d)
            entry[2] += 1
    weights = {}
    for kind, (n, d, count) in sorted(sums.items()):
        if count < min_posts or not d:
            continue
        factor = min(2.0, max(0.5, (n / d) / overall))
        weights[kind] = round(WEIGHTS["bts"].get(kind, 1.0) * factor, 3)
    return weights
