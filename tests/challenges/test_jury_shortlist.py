"""The jury reads the shortlist from triage's verdicts (``verdicts.parquet``), in rank order."""

from __future__ import annotations

from pathlib import Path

from coulisses.challenges.jury import shortlisted_ids


def test_the_shortlist_comes_from_the_verdicts_in_rank_order(tmp_path: Path) -> None:
    import duckdb

    assert shortlisted_ids(tmp_path) is None  # no triage yet: every visible entry is judged
    with duckdb.connect() as con:
        con.execute("CREATE TABLE v AS SELECT * FROM (VALUES ('e3', TRUE, 2, ''), "
                    "('e1', TRUE, 1, ''), ('e2', FALSE, NULL, 'a copy of e1')) "
                    "AS t(id, shortlisted, rank, reason)")
        con.execute(f"COPY v TO '{tmp_path / 'verdicts.parquet'}' (FORMAT parquet)")
    assert shortlisted_ids(tmp_path) == ["e1", "e3"]
