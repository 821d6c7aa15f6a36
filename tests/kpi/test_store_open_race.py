"""Opening the analytics store from several connections of one process at once (a studio page
reading numbers while a metrics sync job opens the same new store): each opens, where running
the schema's ``ALTER TABLE`` statements side by side failed with DuckDB's "Catalog write-write
conflict"; and a store already at the schema's version is only read."""

from __future__ import annotations

import threading
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from coulisses.kpi.store import open_store


def _schema() -> str:
    return resources.files("coulisses.kpi").joinpath("schema.sql").read_text()


def test_two_schema_runs_side_by_side_conflict_in_duckdb(tmp_path: Path) -> None:
    """Why opening must not run the schema side by side: DuckDB refuses the second."""
    con = duckdb.connect(str(tmp_path / "raw.duckdb"))
    con.execute("CREATE TABLE imports (import_id VARCHAR)")
    first, second = con.cursor(), con.cursor()
    first.execute("BEGIN")
    first.execute("ALTER TABLE imports ADD COLUMN IF NOT EXISTS warnings VARCHAR")
    with pytest.raises(duckdb.TransactionException, match="write-write conflict"):
        second.execute("ALTER TABLE imports ADD COLUMN IF NOT EXISTS warnings VARCHAR")
    first.execute("COMMIT")
    con.close()


def test_a_new_store_opened_by_eight_threads_at_once_opens_for_each(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    barrier, failures, counts = threading.Barrier(8), [], []

    def open_and_read() -> None:
        barrier.wait()
        try:
            with open_store(path) as store:
                counts.append(store.con.execute("SELECT count(*) FROM imports").fetchone())
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_and_read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == [] and counts == [(0,)] * 8


def test_a_store_made_before_the_version_table_is_upgraded_once(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE imports (import_id VARCHAR PRIMARY KEY, file VARCHAR NOT NULL, "
                "platform VARCHAR NOT NULL, adapter VARCHAR NOT NULL, imported_at TIMESTAMP "
                "NOT NULL, rows_read BIGINT NOT NULL, rows_stored BIGINT NOT NULL)")
    old.close()
    with open_store(path) as store:
        columns = {r[0] for r in store.con.execute("DESCRIBE imports").fetchall()}
        assert {"as_of", "warnings"} <= columns  # the ALTERs ran on the old store
        version = store.con.execute("SELECT version FROM store_schema").fetchall()
    with open_store(path) as store:
        assert store.con.execute("SELECT version FROM store_schema").fetchall() == version
