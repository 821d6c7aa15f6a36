"""The loader's English lines for pydantic's errors stay as they are (the CLI and the logs read
them; the studio puts them in French from these very words: ``web/pydantic_fr.py``)."""

from __future__ import annotations

import pytest

from coulisses.campaign.load import loads_campaign
from coulisses.errors import CampaignError

CAMPAIGN = """version: 1
id: fete-ete
name: "Fête d'été"
brand:
  name: Maison Æther
period:
  start: 2026-06-01
  end: 2026-06-30
beats:
  - id: idee
    title: L'idée
platforms:
  - platform: tiktok
    tone: vif
    cadence: {posts_per_week: 1}
objectives:
  - {id: etre-vu, goal: awareness, summary: Être découverts.}
"""


@pytest.mark.parametrize(("edit", "line"), [
    (("title: L'idée", 'title: ""'), "c.yaml:11:5: beats[0].title: string should have at least "
                                     "1 character (the beat in a few words)"),
    (("  name: Maison Æther", "  name: [a, b]"),
     "c.yaml:5:3: brand.name: input should be a valid string, not list ['a', 'b'] (the brand's "
     "name as the audience knows it)"),
    (("posts_per_week: 1}", "posts_per_week: 0}"),
     "c.yaml:15:15: platforms[0].cadence.posts_per_week: input should be greater than 0 "
     "(planned rhythm)"),
    (("posts_per_week: 1}", "posts_per_week: 1, max_gap_days: 1.5}"),
     "c.yaml:15:34: platforms[0].cadence.max_gap_days: input should be a valid integer, got a "
     "number with a fractional part (longest silence allowed between two posts; default: twice "
     "the rhythm's interval)"),
    (("cadence: {posts_per_week: 1}", "cadence: 3"),
     "c.yaml:15:5: platforms[0].cadence: input should be a valid dictionary or instance of "
     "Cadence, not int 3 (publishing rhythm)"),
    (("title: L'idée", "title: L'idée\n    after: idee"),
     "c.yaml:12:5: beats[0].after: input should be a valid tuple, not str 'idee' (ids of beats "
     "that come before it)"),
    (("name: \"Fête d'été\"\n", ""), "c.yaml:1:1: the file needs `name` (name: the campaign's "
                                     "name)"),
])
def test_pydantic_problems_keep_their_english_words(edit: tuple[str, str], line: str) -> None:
    assert edit[0] in CAMPAIGN
    with pytest.raises(CampaignError) as caught:
        loads_campaign(CAMPAIGN.replace(*edit, 1), "c.yaml", platform_ids={"tiktok"})
    assert caught.value.errors[0].one_line() == line
