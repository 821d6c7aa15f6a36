"""The team's own measures in the KPI report (a challenge's entries, votes...): shown in their
own section, in every format, and meeting a campaign KPI that names them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_kpis import COMMENTS, FOLLOWERS, LIFETIME, POSTS
from test_report import CAMPAIGN
from test_report_helpers import build_store

from coulisses.campaign.load import loads_campaign
from coulisses.kpi.report import OwnMetric, build_report, render

OWN = (OwnMetric("casting_entries", 120.0, "count", "Entries (casting)",
                 "Participations (casting)", "challenge casting"),
       OwnMetric("casting_consent_completion", 87.5, "%", "Completion of consent (casting)",
                 "Consentements complets (casting)", "challenge casting"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("own")
    return build_store(folder / "analytics.duckdb", POSTS, LIFETIME, FOLLOWERS, COMMENTS)


def test_an_own_measure_meets_the_campaign_kpi_that_names_it(store: Path) -> None:
    report = build_report(store, campaign=loads_campaign(CAMPAIGN), own=OWN)
    entries = next(c for c in report.targets if c.kpi == "entries")
    assert entries.measured_as == "casting_entries" and entries.status == "met"
    assert entries.value is not None and entries.value.value == 120.0
    without = build_report(store, campaign=loads_campaign(CAMPAIGN))
    assert next(c for c in without.targets if c.kpi == "entries").status == "not_measurable"


def test_own_measures_show_in_html_csv_and_both_languages(store: Path) -> None:
    html = render(build_report(store, own=OWN), "html")
    assert "The team&#39;s own measures" in html and "Entries (casting)" in html
    assert "87.5 %" in html
    french = render(build_report(store, own=OWN, lang="fr"), "html")
    assert "Participations (casting)" in french and "87,5 %" in french
    rows = list(csv.DictReader(io.StringIO(render(build_report(store, own=OWN), "csv"))))
    own = {r["kpi"]: r["value"] for r in rows if r["section"] == "own"}
    assert own == {"casting_entries": "120.0", "casting_consent_completion": "87.5"}
    assert "Entries (casting)" not in render(build_report(store), "html")
