"""Build analytics stores by hand: kpi/schema.sql executed in a DuckDB file, rows inserted as
written in the test, so every expected KPI can be computed by hand from the same numbers.

Imported by the KPI and report tests (``from test_report_helpers import ...``); it holds no
tests of its own besides checking that the builder writes what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

Post = Mapping[str, Any]


def build_store(path: Path, posts: Iterable[Post] = (),
                lifetime: Mapping[tuple[str, str], Mapping[str, float]] | None = None,
                daily: Iterable[tuple[str, str, date, str, float]] = (),
                comments: Iterable[Mapping[str, Any]] = ()) -> Path:
    """Write a store at ``path``.

    posts: dicts with platform, post_id and any posts column.
    lifetime: {(platform, post_id): {metric: value}}, as of 2024-06-30.
    daily: (platform, post_id or '', day, metric, value).
    comments: dicts with platform, comment_id, post_id, author, by_brand, created_at, parent_id.
    """
    schema = (resources.files("coulisses.kpi") / "schema.sql").read_text("utf-8")
    con = duckdb.connect(str(path))
    try:
        con.execute(schema)
        stamp = datetime(2024, 7, 1)
        con.execute("INSERT INTO imports (import_id, file, platform, adapter, imported_at, "
                    "rows_read, rows_stored) VALUES ('imp', 'test', 'generic', 'test', ?, 0, 0)",
                    [stamp])
        for i, p in enumerate(posts):
            row = {"url": None, "caption": None, "published_at": None, "duration_s": None,
                   "format": None, "campaign": None, "variant": None, "kind": None,
                   "match_rule": None, "source_file": "test", "source_sheet": None,
                   "source_row": i, "import_id": "imp", **p}
            cols = ", ".join(row)
            con.execute(f"INSERT INTO posts ({cols}) VALUES ({', '.join('?' * len(row))})",
                        list(row.values()))
        metric_rows: list[tuple[Any, ...]] = []
        for (platform, post_id), values in (lifetime or {}).items():
            metric_rows += [(platform, post_id, "lifetime", date(2024, 6, 30), m, float(v))
                            for m, v in values.items()]
        metric_rows += [(p, pid, "daily", d, m, float(v)) for p, pid, d, m, v in daily]
        if metric_rows:
            con.executemany(
                "INSERT INTO metrics (platform, post_id, scope, day, metric, value, source_file, "
                "source_sheet, source_row, source_column, import_id, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'test', NULL, 0, 'col', 'imp', ?)",
                [(*r, stamp) for r in metric_rows])
        for i, c in enumerate(comments):
            row = {"parent_id": None, "text": None, "source_file": "test", "source_row": i,
                   "import_id": "imp", **c}
            cols = ", ".join(row)
            con.execute(f"INSERT INTO comments ({cols}) VALUES ({', '.join('?' * len(row))})",
                        list(row.values()))
    finally:
        con.close()
    return path


def test_builder_writes_what_it_is_given(tmp_path: Path) -> None:
    store = build_store(
        tmp_path / "s.duckdb", [{"platform": "tiktok", "post_id": "1"}],
        {("tiktok", "1"): {"views": 10}},
        [("tiktok", "", date(2024, 6, 1), "followers", 100)])
    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (1,)
    assert con.execute("SELECT sum(value) FROM metrics").fetchone() == (110.0,)
    con.close()
