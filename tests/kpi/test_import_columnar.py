"""The column-wise reader of mapped CSVs agrees with the row engine cell for cell, locates bad
cells by row and column, and the staged merge keeps one value per key."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from exports import write_generic_csv, write_mapping

from conftest import AS_OF
from coulisses.errors import AnalyticsImportError
from coulisses.kpi.imports import columnar
from coulisses.kpi.store import open_store

# Every spelling a number, duration or fraction can take; SQL decides some, Python the rest.
CELLS_EN = ["18,400", "1234", "1.5", "12.5%", "1.2K", "3,4 M", "", "--", "undefined", "0",
            "1 234", "-", "1,234,567", "7.25", "N/A", "1,5", "+3", "5.", " 42 "]
CELLS_FR = ["1 234,5", "1\u202f234", "2,5", "12,5 %", "1.234", "1,2K", "", "--", "0",
            "1.234.567", "3,4 M", "non défini", "1.5", "7"]
DURATIONS = ["0:09", "1:02:03", "11.5", "11,5 s", "", "3", "0:00:31", "12:5"]
FRACTIONS = ["0.25", "12.5%", "1", "0", "", "45 %"]


def _import(tmp_path: Path, name: str, rows: list[list[Any]], mapping: dict[str, Any],
            fast: bool, monkeypatch: pytest.MonkeyPatch,
            delimiter: str = ",") -> list[tuple[Any, ...]]:
    header = ["Day", "Post", *mapping["metrics"]]
    path = write_generic_csv(tmp_path / f"{name}.csv", header, rows, delimiter=delimiter)
    spec = write_mapping(tmp_path / f"{name}.yaml", {
        "version": 1, "platform": "instagram", "id_column": "Post", "date_column": "Day",
        **mapping})
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(columnar, "eligible", lambda *args: False)
        used: list[bool] = []
        real = columnar.read_mapped
        patch.setattr(columnar, "read_mapped",
                      lambda *a, **k: (used.append(True), real(*a, **k))[1])
        with open_store(tmp_path / f"{name}-{fast}.duckdb") as store:
            store.import_file(path, mapping=spec, as_of=AS_OF)
            got = store.con.execute(
                "SELECT post_id, day, metric, value, source_row, source_column FROM metrics "
                "ORDER BY ALL").fetchall()
        assert bool(used) == fast
    return got


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sql_and_python_read_every_spelling_alike(lang: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cells = CELLS_EN if lang == "en" else CELLS_FR
    width = max(len(cells), len(DURATIONS), len(FRACTIONS))
    rows = [[f"2026-10-{i % 9 + 1:02d}", f"p{i}", cells[i % len(cells)],
             DURATIONS[i % len(DURATIONS)], FRACTIONS[i % len(FRACTIONS)]]
            for i in range(width)]
    mapping = {"decimal": "." if lang == "en" else ",", "metrics": {
        "Views": "views", "Watch": {"metric": "avg_watch_time_s", "kind": "duration"},
        "Done": {"metric": "completion_rate", "kind": "fraction"}}}
    fast = _import(tmp_path, "a", rows, mapping, True, monkeypatch,
                   delimiter=";" if lang == "fr" else ",")
    slow = _import(tmp_path, "b", rows, mapping, False, monkeypatch,
                   delimiter=";" if lang == "fr" else ",")
    assert fast == slow
    views = {r[0]: r[3] for r in fast if r[2] == "views"}
    if lang == "en":
        assert views["p0"] == 18400 and views["p4"] == 1200 and views["p5"] == 3.4e6
    else:
        assert views["p0"] == 1234.5 and views["p4"] == 1234 and views["p2"] == 2.5
    assert "p6" not in views  # an empty cell stores nothing, never 0


def test_a_bad_cell_is_located_on_the_fast_path(tmp_path: Path) -> None:
    rows = [[f"2026-10-0{i + 1}", "p1", str(100 + i)] for i in range(6)]
    rows[4][2] = "lots"
    path = write_generic_csv(tmp_path / "big.csv", ["Day", "Post", "Views"], rows)
    spec = write_mapping(tmp_path / "map.yaml", {"platform": "tiktok", "id_column": "Post",
                                                 "date_column": "Day",
                                                 "metrics": {"Views": "views"}})
    with open_store(tmp_path / "s.duckdb") as store, \
            pytest.raises(AnalyticsImportError) as caught:
        store.import_file(path, mapping=spec, as_of=AS_OF)
    assert (caught.value.row, caught.value.column) == (6, "Views")
    assert "'lots' is not a number" in caught.value.one_line()
    assert "big.csv" in caught.value.one_line()


def test_a_short_row_and_a_negative_count_are_located(tmp_path: Path) -> None:
    spec = write_mapping(tmp_path / "map.yaml", {"platform": "tiktok", "id_column": "Post",
                                                 "metrics": {"Views": "views"}})
    short = tmp_path / "short.csv"
    short.write_text("Post,Views\np1,3\np2,4\np3,5,6\n", encoding="utf-8")
    negative = write_generic_csv(tmp_path / "neg.csv", ["Post", "Views"],
                                 [["p1", 3], ["p2", -4]])
    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(AnalyticsImportError) as caught:
            store.import_file(short, mapping=spec, as_of=AS_OF)
        assert caught.value.row == 4 and "3 cells, the header 2" in caught.value.message
        with pytest.raises(AnalyticsImportError) as caught:
            store.import_file(negative, mapping=spec, as_of=AS_OF)
        assert (caught.value.row, caught.value.column) == (3, "Views")
        assert store.con.execute("SELECT count(*) FROM metrics").fetchone() == (0,)


def test_blank_lines_fall_back_to_the_row_engine_with_exact_rows(tmp_path: Path) -> None:
    spec = write_mapping(tmp_path / "map.yaml", {"platform": "tiktok", "id_column": "Post",
                                                 "metrics": {"Views": "views"}})
    path = tmp_path / "gaps.csv"
    path.write_text("Post,Views\np1,3\n\np2,4\n", encoding="utf-8")
    with open_store(tmp_path / "s.duckdb") as store:
        store.import_file(path, mapping=spec, as_of=AS_OF)
        rows = store.con.execute("SELECT post_id, source_row FROM metrics ORDER BY 1").fetchall()
    assert rows == [("p1", 2), ("p2", 4)]


def test_staged_merge_keeps_one_value_per_key(tmp_path: Path) -> None:
    spec = write_mapping(tmp_path / "map.yaml", {"platform": "tiktok", "id_column": "Post",
                                                 "date_column": "Day",
                                                 "metrics": {"Views": "views", "Likes": "likes"}})
    days = [f"2026-10-{d:02d}" for d in range(1, 11)]
    first = write_generic_csv(tmp_path / "a.csv", ["Day", "Post", "Views", "Likes"],
                              [[d, f"p{i}", 10 * i, i] for d in days for i in range(5)])
    second = write_generic_csv(tmp_path / "b.csv", ["Day", "Post", "Views", "Likes"],
                               [[d, f"p{i}", 10 * i + (d == days[0]), i]
                                for d in days for i in range(7)])
    with open_store(tmp_path / "s.duckdb") as store:
        store.import_file(first, mapping=spec, as_of=AS_OF)
        result = store.import_file(second, mapping=spec, as_of=AS_OF)
        dupes = store.con.execute(
            "SELECT count(*) FROM (SELECT platform, post_id, scope, day, metric FROM metrics "
            "GROUP BY ALL HAVING count(*) > 1)").fetchone()
        total = store.con.execute("SELECT count(*) FROM metrics").fetchone()
        source = store.con.execute(
            "SELECT value, source_file FROM metrics WHERE post_id = 'p1' AND metric = 'views' "
            "AND day = ?", [date(2026, 10, 1)]).fetchone()
    assert dupes == (0,) and total == (140,)
    assert (result.values_new, result.values_changed, result.values_unchanged) == (40, 5, 95)
    assert source == (11.0, str(second))
