"""Bad exports through the real CLI: exit code 3, one line naming the file, row and column,
and nothing already stored is lost."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from exports import (
    TIKTOK_CONTENT,
    Video,
    write_generic_csv,
    write_linkedin_posts_xlsx,
    write_mapping,
    write_tiktok_content,
    write_tiktok_daily,
    write_youtube_table,
)

from conftest import AS_OF
from coulisses.cli.main import main
from coulisses.kpi.store import open_store

Case = Callable[[Path, list[Video]], tuple[list[str], list[str]]]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def wrong_platform(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_youtube_table(tmp / "Table data.csv", videos)
    return [str(path), "--platform", "tiktok"], ["Table data.csv", "row 1",
                                                 "looks like a YouTube Studio", "not TikTok"]


def missing_column(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_content(tmp / "content.csv", videos)
    keep = [i for i, h in enumerate(TIKTOK_CONTENT["en"]) if h != "Total views"]
    lines = [",".join(line.split(",")[i] for i in keep)
             for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    return [str(path)], ["content.csv", "TikTok Studio content export", "'Total views'",
                         "missing"]


def negative_views(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    rows = [videos[0], dataclasses.replace(videos[1], views=-5)]
    path = write_tiktok_content(tmp / "neg.csv", rows)
    return [str(path)], ["neg.csv", "row 3", "column 'Total views'", "negative"]


def impossible_fraction(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_content(tmp / "ratio.csv", [dataclasses.replace(videos[0],
                                                                        completion="250")])
    return [str(path)], ["ratio.csv", "row 2", "column 'Watched full video'", "fraction"]


def not_a_number(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_content(tmp / "text.csv", [dataclasses.replace(videos[0],
                                                                       likes="many")])
    return [str(path)], ["text.csv", "row 2", "column 'Total likes'", "'many' is not a number"]


def empty_file(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return [str(path)], ["empty.csv", "empty"]


def header_only(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_content(tmp / "header.csv", [])
    return [str(path)], ["header.csv", "no data rows"]


def unknown_export(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_generic_csv(tmp / "budget.csv", ["Line", "Amount", "Owner"], [[1, 2, 3]])
    return [str(path)], ["budget.csv", "not an analytics export", "--platform generic"]


def formula(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_content(tmp / "edited.xlsx", [dataclasses.replace(
        videos[0], views="=SUM(D2:F2)")], fmt="xlsx")
    return [str(path)], ["edited.xlsx", "sheet Sheet1", "row 2", "G2 is a formula"]


def merged_cells(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_linkedin_posts_xlsx(tmp / "merged.xlsx", videos, merges=["J3:K3"])
    return [str(path)], ["merged.xlsx", "sheet All posts", "row 3", "merged cells J3:K3"]


def corrupt_xlsx(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = tmp / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return [str(path)], ["broken.xlsx", "cannot be read as an XLSX workbook"]


def year_ambiguous(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_tiktok_daily(tmp / "Overview.csv", "overview",
                              [(date(2025, 10, 1), [1, 1, 1, 1, 1]),
                               (date(2026, 10, 1), [1, 1, 1, 1, 1])])
    return [str(path), "--as-of", "2026-10-20"], [
        "Overview.csv", "column 'Date'", "more than one matching year"]


def generic_without_mapping(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_generic_csv(tmp / "data.csv", ["Day", "Views"], [["2026-10-01", 3]])
    return [str(path), "--platform", "generic"], [
        "data.csv", "no --mapping: a guessed mapping is written to", "data.mapping.yaml"]


def mapping_bad_key(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_generic_csv(tmp / "data.csv", ["Day", "Views"], [["2026-10-01", 3]])
    mapping = write_mapping(tmp / "map.yaml", {"platform": "tiktok", "date_column": "Day",
                                               "metrics": {"Views": "views"}, "colour": "red"})
    return [str(path), "--mapping", str(mapping)], ["map.yaml", "row 5", "colour",
                                                    "Extra inputs"]


def mapping_missing_column(tmp: Path, videos: list[Video]) -> tuple[list[str], list[str]]:
    path = write_generic_csv(tmp / "data.csv", ["Day", "Views"], [["2026-10-01", 3]])
    mapping = write_mapping(tmp / "map.yaml", {"platform": "tiktok", "date_column": "Day",
                                               "metrics": {"Plays": "views"}})
    return [str(path), "--mapping", str(mapping)], ["data.csv", "row 1", "'Plays'",
                                                    "not in the header"]


CASES: dict[str, Case] = {f.__name__: f for f in (
    wrong_platform, missing_column, negative_views, impossible_fraction, not_a_number,
    empty_file, header_only, unknown_export, formula, merged_cells, corrupt_xlsx,
    year_ambiguous, generic_without_mapping, mapping_bad_key, mapping_missing_column)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_export_one_line_exit_3_nothing_lost(name: str, tmp_path: Path,
                                                 videos: list[Video],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "analytics.duckdb"
    good = write_tiktok_content(tmp_path / "good.csv", videos)
    assert run(["kpi", "import", str(good), "--store", str(store), "--as-of",
                AS_OF.isoformat()], capsys)[0] == 0
    with open_store(store) as db:
        before = db.con.execute("SELECT * FROM metrics ORDER BY ALL").fetchall()
    argv, expected = CASES[name](tmp_path, videos)
    code, _, err = run(["kpi", "import", *argv, "--store", str(store)], capsys)
    lines = err.strip().splitlines()
    assert code == 3, err
    assert len(lines) == 1 and lines[0].startswith("coulisses: error: "), err
    for part in expected:
        assert part in lines[0], lines[0]
    with open_store(store) as db:
        assert db.con.execute("SELECT * FROM metrics ORDER BY ALL").fetchall() == before
        assert db.con.execute("SELECT count(*) FROM imports").fetchone() == (1,)


def test_extra_columns_are_reported_not_fatal(tmp_path: Path, videos: list[Video],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiktok_content(tmp_path / "content.csv", videos)
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",Mood"] + [line + ",happy" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run(["kpi", "import", str(path), "--store", str(tmp_path / "s.duckdb"),
                          "--as-of", AS_OF.isoformat()], capsys)
    assert code == 0, err
    assert "columns not imported" in err and "Mood" in err
    assert "tiktok.content" in out


def test_cli_summary_reimport_and_unmatched(tmp_path: Path, videos: list[Video],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write_tiktok_content(tmp_path / "content.csv", videos)
    store = ["--store", str(tmp_path / "s.duckdb")]
    known = write_mapping(tmp_path / "known.yaml", {"version": 1, "posts": [
        {"platform": "tiktok", "post_id": videos[0].id, "campaign": "spring",
         "variant": "tiktok-bts", "kind": "bts"}]})
    code, out, err = run(["kpi", "import", str(path), "--campaign", str(known),
                          "--as-of", AS_OF.isoformat(), *store], capsys)
    assert code == 0, err
    assert "2 post(s) not matched" in out
    code, out, _ = run(["kpi", "import", str(path), *store], capsys)
    assert code == 0 and "already imported, nothing changed" in out
    code, out, _ = run(["kpi", "posts", "--unmatched", *store], capsys)
    assert code == 0
    assert videos[1].id in out and videos[2].id in out and videos[0].id not in out


def test_bad_platform_option_is_a_usage_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["kpi", "import", str(tmp_path / "x.csv"), "--platform", "myspace",
                        "--store", str(tmp_path / "s.duckdb")], capsys)
    assert code == 2 and "myspace" in err




def test_a_failed_first_import_leaves_no_store(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing was stored, so nothing is left: no empty store that looks like a real one."""
    store = tmp_path / "new" / "analytics.duckdb"
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run(["kpi", "import", str(wrong), "--store", str(store)], capsys)
    assert code == 3 and "not an analytics export" in err, err
    assert sorted(p.name for p in store.parent.iterdir()) == []
