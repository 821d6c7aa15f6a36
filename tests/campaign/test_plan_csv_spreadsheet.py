"""The plan's CSV files open as a table in a spreadsheet of the interface language: a UTF-8
byte-order mark, ``;`` and decimal commas in French, ``,`` in English. Read back with ``csv``
the way a spreadsheet splits them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from planworld import CAMPAIGN_YAML, write_campaign

from clirun import run_cli
from coulisses.campaign import calendar, deliverables

BOM = b"\xef\xbb\xbf"
# a fractional duration, so a decimal mark shows
TEXT = CAMPAIGN_YAML.replace("duration_s: 20,", "duration_s: 20.5,")


def plan_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COULISSES_LANG", lang)
    source = write_campaign(tmp_path, TEXT)
    out = tmp_path / f"plan-{lang}"
    run = run_cli(capsys, "plan", source, "--out", out)
    assert run.rc == 0, run.err
    return out


def read_as_spreadsheet(path: Path, separator: str) -> list[list[str]]:
    """What a spreadsheet shows: the mark says UTF-8, the separator splits the cells."""
    raw = path.read_bytes()
    assert raw.startswith(BOM), f"{path.name} has no byte-order mark"
    assert not raw.startswith(BOM * 2)
    return list(csv.reader(io.StringIO(raw[len(BOM):].decode("utf-8")), delimiter=separator))


@pytest.mark.parametrize(("lang", "separator", "other"), [("fr", ";", ","), ("en", ",", ";")])
def test_plan_csv_files_split_into_columns(lang: str, separator: str, other: str,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = plan_folder(tmp_path, capsys, lang, monkeypatch)
    for name, columns in (("deliverables.csv", deliverables.CSV_COLUMNS),
                          ("calendar.csv", calendar.CSV_COLUMNS)):
        rows = read_as_spreadsheet(out / name, separator)
        assert tuple(rows[0]) == columns, name
        assert len(rows) > 2
        assert all(len(r) == len(columns) for r in rows), name
        # split on the other separator, the file is one column: the wrong spreadsheet setting
        wrong = read_as_spreadsheet(out / name, other)
        assert len(wrong[0]) != len(columns)
    matrix = {r[0]: dict(zip(deliverables.CSV_COLUMNS, r, strict=True))
              for r in read_as_spreadsheet(out / "deliverables.csv", separator)[1:]}
    own = matrix["installation-tiktok"]
    assert own["title"] == "Installation du décor"  # accents intact
    assert own["target_seconds"] == ("20,5" if lang == "fr" else "20.5")
    assert matrix["ep-1-tiktok"]["title"].startswith("Saison 1")
    events = read_as_spreadsheet(out / "calendar.csv", separator)
    assert any("Fou rire de l'équipe" in cell for row in events for cell in row)


def test_english_text_is_unchanged_without_the_mark(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the file gains the mark: ``to_csv`` in English is the text it always was (the
    golden matrix of test_deliverables_matrix.py still holds)."""
    from planworld import load_world

    out = plan_folder(tmp_path, capsys, "en", monkeypatch)
    (tmp_path / "again").mkdir()
    _, _, plan = load_world(tmp_path / "again", TEXT)
    assert (out / "deliverables.csv").read_bytes() == BOM + deliverables.to_csv(plan).encode()
    assert not deliverables.to_csv(plan).startswith("\ufeff")
