"""Measured results back into the cut engine: weights for the kinds of BTS moments that performed.

A post coulisses published carries its real moment kinds (``published.moment_kinds``, written
by ``coulisses publish sync`` from what the post was cut from); a post imported from an export
without them has its kinds read from its caption with the cue words of
``coulisses.analysis.moments`` (plus laughter words). A kind's weight is its
default weight in the ``bts`` ranking times how its posts' engagement compares with all BTS
posts, clamped to [0.5, 2]; kinds seen on fewer than ``min_posts`` posts keep their default
(they are left out of the result). ``find_moments(..., weights=moment_weights(store))``.
"""

from __future__ import annotations

from pathlib import Path

from coulisses.kpi.compute import Period, PostTable, open_posts

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


def _published_kinds(table: PostTable) -> dict[tuple[str, str], tuple[str, ...]]:
    """Real moment kinds of the posts coulisses published (none in a store made before)."""
    import duckdb

    try:
        rows = table.rows("SELECT platform, post_id, moment_kinds FROM s.published "
                          "WHERE moment_kinds IS NOT NULL")
    except duckdb.CatalogException:
        return {}
    return {(r[0], r[1]): tuple(k for k in str(r[2]).split(",") if k) for r in rows}


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
        rows = table.rows(f"SELECT platform, post_id, caption, {num}, {den} FROM kpi_rates "
                          f"WHERE dim_kind = 'bts' AND {num} IS NOT NULL AND {den} > 0")
        known = _published_kinds(table)
    rows = [r for r in rows if r[2] is not None or (r[0], r[1]) in known]
    total_num = sum(float(r[3]) for r in rows)
    total_den = sum(float(r[4]) for r in rows)
    if not total_den or not total_num:
        return {}
    overall = total_num / total_den
    sums: dict[str, list[float]] = {}
    for platform, post_id, caption, n, d in rows:
        kinds = known.get((platform, post_id))
        if kinds is None:  # imported without its kinds: read them from the caption
            kinds = tuple(_kinds(str(caption), cues)) if caption is not None else ()
        for kind in kinds:
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
