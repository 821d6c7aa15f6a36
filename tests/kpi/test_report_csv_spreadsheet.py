"""``coulisses kpi report --format csv`` opens as a table in a French or English spreadsheet:
a byte-order mark, ``;`` and decimal commas in French, ``,`` and points in English."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_kpis import COMMENTS, FOLLOWERS, LIFETIME, POSTS
from test_report_helpers import build_store

from coulisses.cli.main import main
from coulisses.kpi.report import CSV_COLUMNS, build_report, render

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-csv")
    return build_store(folder / "analytics.duckdb", POSTS, LIFETIME, FOLLOWERS, COMMENTS)


def report_rows(store: Path, tmp_path: Path, lang: str, separator: str) -> list[dict[str, str]]:
    out = tmp_path / f"report-{lang}.csv"
    assert main(["kpi", "report", "--store", str(store), "--format", "csv", "--lang", lang,
                 "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(BOM) and not raw.startswith(BOM * 2)
    rows = list(csv.reader(io.StringIO(raw[len(BOM):].decode("utf-8")), delimiter=separator))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    return [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]


def test_french_report_csv(store: Path, tmp_path: Path) -> None:
    fr = report_rows(store, tmp_path, "fr", ";")
    en = report_rows(store, tmp_path, "en", ",")
    assert len(fr) == len(en)
    overall = {r["kpi"]: r for r in fr if r["section"] == "overall"}
    english = {r["kpi"]: r for r in en if r["section"] == "overall"}
    assert overall["save_rate"]["numerator"] == "34,0"
    assert english["save_rate"]["numerator"] == "34.0"
    # the same numbers, with the other decimal mark
    for kpi, row in overall.items():
        if row["value"]:
            assert float(row["value"].replace(",", ".")) == float(english[kpi]["value"])
            assert "." not in row["value"]


def test_english_text_unchanged(store: Path) -> None:
    """The English table is the one tests and tools read back: no mark, commas, points."""
    text = render(build_report(store), "csv")
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
