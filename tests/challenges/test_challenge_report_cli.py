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
