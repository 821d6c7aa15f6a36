"""``coulisses challenge report``'s function: the campaign file's challenge, the records given,
the report in the lang setting; a wrong challenge id is one clear line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from jury_world import world

from coulisses.campaign.schema import Campaign, Challenge
from coulisses.challenges.entry import EntryRecord
from coulisses.cli.challenge_report import report
from coulisses.errors import UsageError
from coulisses.settings import Settings

EXAMPLE = (Path(__file__).resolve().parents[2] / "src" / "coulisses" / "campaign" / "data"
           / "examples" / "casting-series-fr.yaml")


def given(settings: Settings, campaign: Campaign, challenge: Challenge) -> Sequence[EntryRecord]:
    assert (campaign.id, challenge.id) == ("cites-casting", "casting")
    return world()


def test_report_writes_the_challenge_report(tmp_path: Path) -> None:
    out = report(EXAMPLE, "casting", tmp_path / "report.html", lang="fr", records=given)
    assert "Rapport du challenge : Casting Cités" in out.read_text("utf-8")


def test_an_unknown_challenge_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no challenge .nope. .*casting"):
        report(EXAMPLE, "nope", tmp_path / "r.html", records=given)
    assert not (tmp_path / "r.html").exists()


def test_stored_records_finds_the_challenge_in_the_studio(tmp_path: Path) -> None:
    from typing import Any

    from coulisses.campaign.load import load_campaign
    from coulisses.challenges.tables import ChallengeRow
    from coulisses.cli.challenge_report import find_challenge, stored_records
    from coulisses.studio.db import default_url, open_database

    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    campaign = load_campaign(EXAMPLE)
    rules = find_challenge(campaign, "casting")
    seen: list[tuple[str, Path]] = []

    def entry_records(db: Any, row: ChallengeRow, folder: Path) -> list[EntryRecord]:
        seen.append((row.key, folder))
        return world()

    with pytest.raises(UsageError, match="no entry taken"):
        stored_records(settings, campaign, rules, entry_records=entry_records)
    engine, sessions = open_database(default_url(settings))
    with sessions() as db:
        db.add(ChallengeRow(campaign_key="cites-casting", key="casting", slug="s1", secret="x",
                            salt="y"))
        db.commit()
    engine.dispose()
    assert len(stored_records(settings, campaign, rules, entry_records=entry_records)) == 13
    assert seen[0][0] == "casting" and seen[0][1].parent == settings.data_dir / "challenges"


def test_the_kpi_report_gets_the_campaign_s_challenge_kpis(tmp_path: Path) -> None:
    from coulisses.campaign.load import load_campaign
    from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
    from coulisses.cli.challenge_report import challenge_metrics
    from coulisses.studio.db import default_url, open_database

    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    campaign = load_campaign(EXAMPLE)
    assert challenge_metrics(settings, campaign) == ()
    assert not (settings.data_dir / "studio.sqlite3").exists()  # not made just to report
    settings.data_dir.mkdir(parents=True)
    engine, sessions = open_database(default_url(settings))
    with sessions() as db:
        row = ChallengeRow(campaign_key="cites-casting", key="casting", slug="s1", secret="x",
                           salt="y")
        db.add(row)
        db.flush()
        for i, consent in enumerate(("complete", "complete", "missing")):
            db.add(ChallengeEntry(challenge_id=row.id, public_id=f"e{i}", path=f"/x/{i}.mp4",
                                  sha256=str(i), entrant_key="same" if i else "",
                                  consent=consent))
        db.commit()
    engine.dispose()
    metrics = {m.id: m.value for m in challenge_metrics(settings, campaign)}
    assert metrics["casting_entries"] == 3
    assert metrics["casting_entrants"] == 2  # two entries of one entrant, one unknown
    assert metrics["casting_consent_completion"] == pytest.approx(200 / 3)
    assert metrics["casting_valid_entries"] is None  # unknown without triage, never 0
    got = {m.id: m.value for m in challenge_metrics(
        settings, campaign, lambda db, row, folder: world())}
    assert (got["casting_valid_entries"], got["casting_shortlist"]) == (10, 0)
