"""What to make next: a known effect is found with its evidence, tiny data is called weak,
a single post never drives a recommendation; moment weights from BTS captions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_report_helpers import build_store

from coulisses.analysis.moments import WEIGHTS
from coulisses.kpi.compute import open_posts
from coulisses.kpi.recommend import Advice, ratio_interval, recommend
from coulisses.kpi.weights import moment_weights


def _store(path: Path, bts: list[int], campaign: list[int]) -> Path:
    """TikTok posts of 1,000 views each; the numbers are each post's comments."""
    posts: list[dict[str, Any]] = []
    lifetime = {}
    for kind, comments in (("bts", bts), ("campaign", campaign)):
        for i, c in enumerate(comments):
            pid = f"{kind}{i}"
            posts.append({"platform": "tiktok", "post_id": pid, "kind": kind,
                          "published_at": datetime(2024, 6, 1 + i, 12)})
            lifetime[("tiktok", pid)] = {"views": 1000, "likes": 50, "comments": c,
                                         "shares": 5}
    return build_store(path, posts, lifetime)


def _kind_advice(store: Path, lang: str = "en") -> list[Advice]:
    with open_posts(store) as table:
        return [a for a in recommend(table, lang) if a.dimension == "kind"
                and a.kpi == "conversation_rate"]


def test_known_effect_is_found_with_evidence(tmp_path: Path) -> None:
    bts = [21, 25, 22, 24, 23, 20, 26, 23, 22, 24, 23, 25, 21, 23]  # Σ 322 over 14 posts
    campaign = [9, 11, 10, 10, 12, 8, 10, 11, 9, 10, 10, 10]  # Σ 120 over 12 posts
    [advice] = _kind_advice(_store(tmp_path / "s.duckdb", bts, campaign))
    assert (advice.best, advice.other, advice.within) == ("bts", "campaign", "tiktok")
    assert advice.ratio == pytest.approx((322 / 14000) / (120 / 12000))
    assert advice.value_best == pytest.approx(322 / 14000 * 1000)
    assert (advice.n_best, advice.n_other) == (14, 12)
    assert advice.confidence == "strong" and 1 < advice.ci_low < advice.ratio < advice.ci_high
    assert advice.text == ("Make more behind-the-scenes posts on tiktok: they get 2.3x the "
                           "conversation rate of campaign posts")
    assert advice.evidence == "23.00 ‰ vs 10.00 ‰, n=14 vs 12"
    assert advice.uncertainty.startswith("strong evidence: 90% interval")
    french = _kind_advice(tmp_path / "s.duckdb", "fr")[0]
    assert french.text.startswith("Faites plus de publications coulisses sur tiktok : 2,3x")


def test_tiny_dataset_is_weak_evidence(tmp_path: Path) -> None:
    [advice] = _kind_advice(_store(tmp_path / "s.duckdb", [30, 20], [10, 10]))
    assert advice.confidence == "weak"
    assert advice.uncertainty == "weak evidence: only 2 posts on one side"


def test_never_from_a_single_post(tmp_path: Path) -> None:
    assert _kind_advice(_store(tmp_path / "s.duckdb", [90], [10, 10, 10])) == []


def test_no_difference_no_advice(tmp_path: Path) -> None:
    assert _kind_advice(_store(tmp_path / "s.duckdb", [10] * 6, [10] * 6)) == []


def test_interval_is_deterministic_and_brackets_the_ratio() -> None:
    a = [(20.0 + i % 3, 1000.0) for i in range(30)]
    b = [(10.0 + i % 2, 1000.0) for i in range(30)]
    lo, hi = ratio_interval(a, b)
    assert (lo, hi) == ratio_interval(a, b)
    assert lo < (sum(x for x, _ in a) / sum(x for x, _ in b)) < hi


def test_moment_weights_from_bts_captions(tmp_path: Path) -> None:
    posts, lifetime = [], {}
    captions = ["Rehearsal day", "Rehearsal before the shoot", "Rehearsal, take two",
                "Oops, a problem", "Oops, a problem again", "Oops, that was a problem"]
    for i, caption in enumerate(captions):
        posts.append({"platform": "tiktok", "post_id": str(i), "kind": "bts",
                      "caption": caption})
        lifetime[("tiktok", str(i))] = {"views": 1000, "likes": 200 if i < 3 else 100,
                                        "comments": 0, "shares": 0}
    store = build_store(tmp_path / "s.duckdb", posts, lifetime)
    weights = moment_weights(store)
    overall = (3 * 200 + 3 * 100) / 6000
    assert weights == pytest.approx({
        "preparation": WEIGHTS["bts"]["preparation"] * (600 / 3000) / overall,
        "trouble": WEIGHTS["bts"]["trouble"] * (300 / 3000) / overall}, abs=1e-3)
    assert moment_weights(store, min_posts=4) == {}  # too few posts of each kind
