"""The challenge report: the funnel counts, every exclusion with its reason, the shortlist and
the duplicate groups, in one self-contained HTML file, in English and French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jury_world import casting, record, world

from coulisses.challenges.report import funnel, write_report
from coulisses.errors import UsageError


def test_the_funnel_counts_each_step_and_says_where_every_entry_left() -> None:
    f = funnel(world())
    assert f.counts == (13, 10, 8, 6, 4, 3)
    left = {e.id: e.step for e in f.exits}
    assert left == {"e02": "unique", "e03": "unique", "e04": "valid", "e05": "valid",
                    "e06": "valid", "e07": "on_brief", "e08": "on_brief", "e09": "eligible",
                    "e10": "eligible", "e13": "shortlist"}
    why = {e.id: e.reason for e in f.exits}
    assert why["e04"] == "technical checks failed: too short, no audio"
    assert why["e02"] == "a copy of e01"
    assert why["e06"] == "not triaged yet"
    assert why["e13"] == "under 16: hiring authorisations not recorded"  # the shortlist's words
    assert why["e10"] == "withdrawn by the entrant"
    counted = [c for e in f.exits for c in e.counted]
    assert counted.count("too short") == 2  # each failed check counted on its own


def test_the_funnel_never_grows() -> None:
    many = [record(f"x{i:02d}", qc=i % 3 != 0, of="x01" if i % 5 == 0 else None,
                   relevance=(i % 7) / 7, consent="missing" if i % 4 == 0 else "complete",
                   rank=i if i % 11 == 1 else None) for i in range(1, 60)]
    counts = funnel(many).counts
    assert list(counts) == sorted(counts, reverse=True)
    assert counts[0] == 59


def test_the_report_is_one_offline_html_file(tmp_path: Path) -> None:
    out = write_report(world(), casting(), tmp_path / "report.html")
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no third-party assets
    assert "<script" not in html
    for entry in ("e04", "e07", "e09", "e13"):  # every excluded entry is listed
        assert f"<td>{entry}</td>" in html
    assert "under 16: hiring authorisations not recorded" in html
    assert "says the bus line (e11)" in html  # the shortlist's relevance reason
    assert "<td>g1</td><td>e01</td><td>e02, e03</td>" in html  # the duplicate group
    assert "/data/challenges" not in html  # file names, not server paths
    assert not list(tmp_path.glob("*.tmp*"))


def test_the_report_speaks_french(tmp_path: Path) -> None:
    html = write_report(world(), casting(), tmp_path / "rapport.html", lang="fr").read_text(
        "utf-8")
    assert '<html lang="fr">' in html
    assert "Des participations à la présélection" in html
    assert "contrôles techniques échoués : too short, no audio" in html
    assert "une copie de e01" in html
    assert "Casting Cités" in html


def test_an_empty_challenge_still_reports(tmp_path: Path) -> None:
    html = write_report([], casting(), tmp_path / "r.html").read_text("utf-8")
    assert "Nothing is shortlisted yet." in html and "No entry copies another." in html


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="en or fr"):
        write_report(world(), casting(), tmp_path / "r.html", lang="de")
