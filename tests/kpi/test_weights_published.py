"""Moment weights use the real moment kinds of the posts coulisses published, and keep reading
the captions of posts imported without them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from test_report_helpers import build_store

from coulisses.analysis.moments import WEIGHTS
from coulisses.kpi.published import ApiPost, ApiValue, record_api
from coulisses.kpi.store import open_store
from coulisses.kpi.weights import moment_weights


def test_published_posts_weigh_by_their_real_kinds_imported_ones_by_their_captions(
        tmp_path: Path) -> None:
    imported = [{"platform": "tiktok", "post_id": f"i{i}", "kind": "bts",
                 "caption": "Oops, a problem", "published_at": datetime(2026, 11, 1 + i)}
                for i in range(3)]
    store = build_store(tmp_path / "s.duckdb", imported,
                        {("tiktok", f"i{i}"): {"views": 1000, "likes": 100, "comments": 0,
                                               "shares": 0} for i in range(3)})
    # captions that read as "preparation", but the cut was made of laughter moments
    published = [ApiPost("tiktok", f"p{i}", i + 1, caption="Rehearsal day",
                         published_at=datetime(2026, 11, 10 + i), campaign="spring",
                         deliverable=f"bts-{i}", kind="bts", moment_kinds=("laughter",))
                 for i in range(3)]
    values = [ApiValue(f"p{i}", f, m, v) for i in range(3)
              for f, m, v in (("view_count", "views", 1000.0), ("like_count", "likes", 300.0),
                              ("comment_count", "comments", 0.0),
                              ("share_count", "shares", 0.0))]
    with open_store(store) as db:
        record_api(db, platform="tiktok", endpoint="http://sandbox/tiktok/v2/video/query/",
                   at=datetime(2026, 12, 1, 12), posts=published, values=values)
    weights = moment_weights(store)
    overall = (3 * 100 + 3 * 300) / 6000
    assert weights == pytest.approx({
        "laughter": round(WEIGHTS["bts"]["laughter"] * min(2.0, (900 / 3000) / overall), 3),
        "trouble": round(WEIGHTS["bts"]["trouble"] * max(0.5, (300 / 3000) / overall), 3)},
        abs=1e-3)
    assert "preparation" not in weights  # the captions of published posts are not read
