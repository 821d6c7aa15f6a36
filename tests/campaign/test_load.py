"""Loading: positions of every key and item, version upgrades, registry platform ids."""

from __future__ import annotations

from typing import Any

import pytest
from campaignworld import healthy, line_of, to_yaml

from coulisses.campaign import load
from coulisses.campaign.load import loads_campaign
from coulisses.campaign.schema import Campaign
from coulisses.errors import CampaignError


def test_where_answers_line_and_column_of_keys_and_items() -> None:
    text = to_yaml(healthy())
    campaign = loads_campaign(text, "c.yaml")
    lines = text.splitlines()

    def at(needle: str) -> tuple[int, int]:
        line = line_of(text, needle)
        return line, lines[line - 1].index(needle.lstrip("- ")) + 1

    assert campaign.where(("bts", 1, "kind")) == at("kind: teaser")
    assert campaign.where(("bts", 2, "after", 0)) == at("- teaser")
    assert campaign.where(("people", 0)) == at("- id: ana")
    # a key that is not written falls back to its nearest written parent
    assert campaign.where(("people", 0, "release")) == campaign.where(("people", 0))
    assert campaign.where(()) == (1, 1)
    assert campaign.source is not None and str(campaign.source.path) == "c.yaml"


def test_a_campaign_built_in_code_has_no_positions() -> None:
    campaign = Campaign.model_validate(loads_campaign(to_yaml(healthy())).model_dump())
    assert campaign.where(("bts", 0)) is None


def test_models_are_frozen() -> None:
    campaign = loads_campaign(to_yaml(healthy()))
    with pytest.raises(ValueError, match="frozen"):
        campaign.name = "other"  # type: ignore[misc]


def test_dates_and_durations_are_typed() -> None:
    campaign = loads_campaign(to_yaml(healthy()))
    assert campaign.shoot_days[0].date.isoformat() == "2026-03-02"
    assert [d.id for _, d in campaign.deliverables()] == [
        "ep-1-tt", "hard-work-tt", "teaser-ig", "reveal-ig"]


def test_registered_upgrades_bring_old_files_to_version_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
        data["name"] = data.pop("title")  # version 0 called the name `title`
        return data

    monkeypatch.setitem(load.UPGRADES, 0, v0_to_v1)
    data = healthy()
    data["version"] = 0
    data["title"] = data.pop("name")
    campaign = loads_campaign(to_yaml(data))
    assert campaign.version == 1 and campaign.name == "Test campaign"


def test_unknown_platforms_use_the_registry_given() -> None:
    data = healthy()
    data["platforms"].append({"platform": "bluesky", "tone": "dry"})
    text = to_yaml(data)
    with pytest.raises(CampaignError, match="unknown platform 'bluesky'"):
        loads_campaign(text)
    extra = {"tiktok", "instagram-reels", "bluesky"}
    assert loads_campaign(text, platform_ids=extra).platforms[-1].platform == "bluesky"


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["series"][0].update(episodes_planned=0), "greater than or equal to 1"),
    (lambda d: d["series"][0].update(max_seconds=40), "more than the series' 40 s"),
    (lambda d: d["series"][0]["episodes"][0].update(number=3), "beyond the 2 planned"),
    (lambda d: d["bts"][0]["deliverables"][0].update(format="ig-reel"),
     "format 'ig-reel' is not planned on tiktok"),
    (lambda d: d["bts"][0]["deliverables"][0].update(platform="youtube"),
     "platform 'youtube' is not in this campaign's platforms"),
    (lambda d: d["period"].update(end="2026-02-01"), "ends (2026-02-01) before it starts"),
    (lambda d: d["people"][0].update(guardian={"name": "X", "consent": "granted"}),
     "a guardian is only for minors"),
    (lambda d: d["bts"][2].update(after=["reveal"]), "cycle: reveal -> reveal"),
])
def test_links_and_counts_are_checked(edit: Any, words: str) -> None:
    data = healthy()
    edit(data)
    with pytest.raises(CampaignError) as info:
        loads_campaign(to_yaml(data), "c.yaml")
    assert any(words in e.message for e in info.value.errors), info.value.errors
    assert all(e.line for e in info.value.errors)
