"""The guided mapping: ``coulisses kpi import FILE --platform generic`` without ``--mapping``
guesses a mapping from the header names and sample values, writes it as commented YAML next
to the file and stops non-zero; the same command with ``--mapping`` imports. A team's own
Instagram Insights sheet (English or French, CSV or XLSX) imports with no hand editing, and
the real YouTube Studio exports under tests/kpi/real are guessed right."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from coulisses.cli.main import main
from coulisses.errors import OutputError
from coulisses.kpi.imports.generic import Mapping, load_mapping
from coulisses.kpi.imports.proposal_file import (
    mapping_path,
    next_command,
    proposal_yaml,
    write_proposal,
)
from coulisses.kpi.imports.propose import CONFIDENT, propose_mapping, read_sample
from coulisses.kpi.sample import write_csv, write_xlsx

REAL = Path(__file__).parent / "real"
AS_OF = "2026-11-01"

# A team's Instagram sheet, typed from what Insights shows on each post.
INSTAGRAM_EN = [
    ["Post", "Date", "Reach", "Likes", "Comments", "Saves", "Shares", "Plays", "Notes"],
    ["https://www.instagram.com/reel/C9z8y7x6w5A/", "2026-10-03", "12,400", "610", "57", "230",
     "88", "15,000", "good hook"],
    ["https://www.instagram.com/p/C1a2b3c4d5E/", "2026-10-07", "9100", "402", "12", "80", "30",
     "", ""],
    ["https://www.instagram.com/reel/DAbc1234xyz/", "2026-10-12", "30,050", "1,204", "75", "310",
     "140", "41,200", "collab"],
]
INSTAGRAM_FR = [
    ["Publication", "Date de publication", "Couverture", "J\u2019aime", "Commentaires",
     "Enregistrements", "Partages", "Lectures", "Taux d'engagement"],
    ["https://www.instagram.com/reel/C9z8y7x6w5A/", "13/10/2026 18:05", "12\u202f400", "610",
     "57", "230", "88", "15\u202f000", "4,5"],
    ["https://www.instagram.com/p/C1a2b3c4d5E/", "07/10/2026 09:00", "9\u202f100", "402", "12",
     "80", "30", "", "3,25"],
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def stored(store: Path) -> dict[tuple[str, str], float]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT post_id, metric, value FROM metrics").fetchall()
    return {(p, m): v for p, m, v in rows}


def published(store: Path) -> dict[str, datetime]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT post_id, published_at FROM posts").fetchall()
    return {p: d for p, d in rows}


def guess_then_import(path: Path, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, Path]:
    store = tmp_path / "analytics.duckdb"
    code, out, err = run(["kpi", "import", str(path), "--platform", "generic", "--store",
                          str(store), "--as-of", AS_OF], capsys)
    target = mapping_path(path)
    assert code == 3
    assert target.is_file()
    assert f"written to {target}" in err and "--mapping" in err  # one line: where and what next
    assert not store.exists()  # nothing imported yet
    code, _, err = run(["kpi", "import", str(path), "--platform", "generic", "--mapping",
                        str(target), "--store", str(store), "--as-of", AS_OF], capsys)
    assert code == 0, err
    return target, out, store


def test_a_teams_instagram_sheet_imports_through_the_guess_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "insights.csv", INSTAGRAM_EN)
    target, out, store = guess_then_import(path, tmp_path, capsys)
    assert "unambiguous" in out
    mapping = load_mapping(target)
    assert mapping.platform == "instagram"
    assert mapping.url_column == "Post" and mapping.published_column == "Date"
    assert {h: m.metric for h, m in mapping.metrics.items()} == {
        "Reach": "reach", "Likes": "likes", "Comments": "comments", "Saves": "saves",
        "Shares": "shares", "Plays": "views"}
    values = stored(store)
    for row in INSTAGRAM_EN[1:]:
        for header, metric in (("Reach", "reach"), ("Likes", "likes"), ("Plays", "views")):
            cell = row[INSTAGRAM_EN[0].index(header)]
            if cell:
                assert values[(row[0], metric)] == float(cell.replace(",", ""))
    assert (INSTAGRAM_EN[2][0], "views") not in values  # an empty cell is missing, not 0
    assert published(store)[INSTAGRAM_EN[3][0]] == datetime(2026, 10, 12)


def test_a_french_sheet_with_decimal_commas_and_day_first_dates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "stats instagram.csv", INSTAGRAM_FR, delimiter=";")
    target, _, store = guess_then_import(path, tmp_path, capsys)
    mapping = load_mapping(target)
    assert mapping.decimal == "," and mapping.date_format is None  # day first follows the comma
    assert mapping.metrics["Taux d'engagement"].kind == "percent"
    assert mapping.metrics["J\u2019aime"].metric == "likes"
    values = stored(store)
    first = INSTAGRAM_FR[1][0]
    assert values[(first, "reach")] == 12400
    assert values[(first, "views")] == 15000
    assert values[(first, "engagement_rate")] == pytest.approx(0.045)
    assert published(store)[first] == datetime(2026, 10, 13, 18, 5)


def test_a_spreadsheet_with_real_dates_and_numbers(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[list[Any]] = [["Post ID", "Caption", "Posted", "Views", "Watch time",
                              "Engagement rate"],
                             ["17912345678901234", "Spring teaser, take two of five",
                              datetime(2026, 10, 3, 18, 0), 18400, "0:01:02", 0.052],
                             ["17912345678905678", "Behind the scenes at the fitting",
                              datetime(2026, 10, 5, 12, 30), 950, "0:00:41", 0.031]]
    path = write_xlsx(tmp_path / "tiktok tracking.xlsx", {"Posts": rows})
    target, _, store = guess_then_import(path, tmp_path, capsys)
    mapping = load_mapping(target)
    assert mapping.platform == "tiktok"  # from the file's name: nothing else says it
    assert mapping.id_column == "Post ID" and mapping.caption_column == "Caption"
    assert mapping.metrics["Watch time"].kind == "duration"
    assert mapping.metrics["Engagement rate"].kind == "fraction"
    values = stored(store)
    assert values[("17912345678901234", "watch_time_s")] == 62
    assert values[("17912345678905678", "engagement_rate")] == pytest.approx(0.031)


def test_the_written_yaml_is_the_proposal_with_its_reasons(tmp_path: Path) -> None:
    header, rows = INSTAGRAM_EN[0], INSTAGRAM_EN[1:]
    proposal = propose_mapping(header, rows, name="insights.csv")
    assert proposal.unambiguous
    text = proposal_yaml(proposal, "insights.csv", next_command("insights.csv", "m.yaml"))
    assert yaml.safe_load(text) == proposal.mapping()
    assert Mapping.model_validate(yaml.safe_load(text))
    for guess in proposal.guesses:
        assert guess.why in text
    assert '"Notes"' in text and text.count("\n#   ") >= 1  # what was left out, and why
    assert "coulisses kpi import insights.csv --platform generic --mapping m.yaml" in text


def test_never_overwrites_a_mapping_without_force(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "insights.csv", INSTAGRAM_EN)
    target = mapping_path(path)
    target.write_text("# my edits\n", encoding="utf-8")
    code, _, err = run(["kpi", "import", str(path), "--platform", "generic"], capsys)
    assert code != 0 and "already exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# my edits\n"
    code, _, _ = run(["kpi", "import", str(path), "--platform", "generic", "--force"], capsys)
    assert code == 3 and load_mapping(target).platform == "instagram"
    with pytest.raises(OutputError):
        write_proposal(target, "x: 1\n")


def test_two_columns_for_one_metric_are_a_tie_to_check() -> None:
    header = ["Link", "Views", "Plays", "Likes"]
    rows = [["https://www.tiktok.com/@a/video/1", "10", "12", "1"],
            ["https://www.tiktok.com/@a/video/2", "20", "22", "2"]]
    proposal = propose_mapping(header, rows)
    assert not proposal.unambiguous
    views = proposal.get("views")
    assert views is not None and views.column == "Views" and views.confidence < CONFIDENT
    assert [u.column for u in proposal.unmapped] == ["Plays"]
    assert any("'Views' and 'Plays'" in n for n in proposal.notes)
    assert proposal.platform == "tiktok"


def test_what_cannot_be_found_is_said_and_the_file_does_not_import(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "notes.csv", [["Who", "Remark"], ["Ana", "liked it"],
                                              ["Bo", "too long"]])
    code, out, err = run(["kpi", "import", str(path), "--platform", "generic"], capsys)
    assert code == 3
    assert "Could not find: a column of numbers" in out
    assert "Could not find: the post" in out
    code, _, err = run(["kpi", "import", str(path), "--platform", "generic", "--mapping",
                        str(mapping_path(path)), "--store", str(tmp_path / "s.duckdb")], capsys)
    assert code != 0 and "metrics" in err


def test_a_date_is_the_day_of_the_numbers_when_posts_repeat_or_are_absent() -> None:
    daily = propose_mapping(["Date", "Followers", "Profile visits"],
                            [["2026-10-01", "1200", "30"], ["2026-10-02", "1210", "41"]])
    day = daily.get("day")
    assert day is not None and day.column == "Date"
    assert daily.get("follows") is None and daily.get("profile_views") is not None
    per_post = propose_mapping(["Post ID", "Date", "Views"],
                               [["111111111", "2026-10-01", "5"], ["111111111", "2026-10-02", "9"],
                                ["222222222", "2026-10-02", "3"]])
    assert per_post.get("day") is not None and per_post.get("published_at") is None


def test_day_first_dates_in_an_english_file_get_a_date_format() -> None:
    proposal = propose_mapping(["Link", "Date", "Views"],
                               [["https://instagram.com/p/a", "25/10/2026 08:31", "5"],
                                ["https://instagram.com/p/b", "03/11/2026 18:00", "7"]])
    assert proposal.decimal == "." and proposal.date_format == "%d/%m/%Y %H:%M"
    ambiguous = propose_mapping(["Link", "Date", "Views"],
                                [["https://instagram.com/p/a", "03/04/2026", "5"]])
    assert ambiguous.date_format is None
    assert any("day or month first" in n for n in ambiguous.notes)


def test_read_sample_finds_the_header_below_title_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "report.csv", [["My report"], [""], *INSTAGRAM_EN])
    header, rows = read_sample(path)
    assert header == INSTAGRAM_EN[0]
    assert len(rows) == 3


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("*.csv")))
def test_real_youtube_exports_are_guessed_right(name: str) -> None:
    """What the guess makes of real Studio downloads, had detection not known them."""
    header, rows = read_sample(REAL / name)
    proposal = propose_mapping(header, rows, name=name)
    post = proposal.get("post_id")
    assert post is not None and post.column in ("Content", "Video")
    title = proposal.get("caption")
    assert title is not None and title.column == "Video title"
    assert proposal.get("published_at") is not None
    views = proposal.get("views")
    assert views is not None and views.column in ("Views", "Video views")
    assert any("'Total' row" in n for n in proposal.notes)
    for guess in proposal.guesses:
        column = header.index(guess.column)
        assert guess.column == header[column]
    if "Watch time (hours)" in header:
        watch = proposal.get("watch_time_s")
        assert watch is not None and watch.kind == "hours"
    if "Impressions click-through rate (%)" in header:
        ctr = proposal.get("ctr")
        assert ctr is not None and ctr.kind == "percent"


def test_real_export_imports_through_its_guess(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A real YouTube table, run through the guided path after deleting its Total row as the
    mapping file asks: every video's views as written."""
    with (REAL / "youtube-table-data-2021.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and r[0] != "Total"]
    path = write_csv(tmp_path / "youtube videos.csv", rows)
    _, _, store = guess_then_import(path, tmp_path, capsys)
    values = stored(store)
    for row in rows[1:]:
        assert values[(row[0], "views")] == float(row[4])
        assert values[(row[0], "ctr")] == pytest.approx(float(row[8]) / 100)


def test_the_guess_is_told_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_LANG", "fr")
    path = write_csv(tmp_path / "stats.csv", INSTAGRAM_FR, delimiter=";")
    code, out, _ = run(["kpi", "import", str(path), "--platform", "generic"], capsys)
    assert code == 3
    assert "Mapping deviné pour stats.csv" in out and "plateforme : instagram" in out
    assert "Rien d'ambigu" in out
    assert "Lectures" in out and "-> views" in out


def test_a_total_row_or_an_undecided_date_order_is_not_unambiguous() -> None:
    header, rows = read_sample(REAL / "youtube-table-data-2021.csv")
    assert not propose_mapping(header, rows).unambiguous  # the Total row is to delete
    undecided = propose_mapping(["Link", "Date", "Views"],
                                [["https://instagram.com/p/a", "03/04/2026", "5"]])
    assert undecided.get("views") is not None and not undecided.unambiguous


def test_a_known_export_is_pointed_out(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Table data.csv"
    path.write_bytes((REAL / "youtube-table-data-2021.csv").read_bytes())
    code, out, _ = run(["kpi", "import", str(path), "--platform", "generic"], capsys)
    assert code == 3 and "reads without a mapping" in out
