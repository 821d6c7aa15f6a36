"""The health report: each rule fires on a campaign that breaks exactly it, at the right line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from campaignworld import healthy, line_of, to_yaml

from coulisses.campaign.health import RULES, check_health, health_data
from coulisses.campaign.load import loads_campaign

Edit = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value
    return edit


def _both(*edits: Edit) -> Edit:
    def edit(d: dict[str, Any]) -> None:
        for e in edits:
            e(d)
    return edit


def _no_bts(d: dict[str, Any]) -> None:
    d["bts"] = []
    d["platforms"] = d["platforms"][:1]
    d["music"] = []


def _second_objective(d: dict[str, Any]) -> None:
    d["objectives"].append({"id": "trust", "goal": "credibility", "summary": "Be trusted"})


def _minor(d: dict[str, Any]) -> None:
    d["people"].append({"id": "kid", "name": "Kid", "role": "talent", "consent": "granted",
                        "minor": True})
    d["bts"][0]["people"].append("kid")


# rule id, edit, (needle, after) for the expected line of the first finding
CASES: list[tuple[str, Edit, tuple[str, str | None]]] = [
    ("bts-missing", _no_bts, ("bts: []", None)),
    ("bts-no-beat", _set(("bts", 0, "beats"), []), ("id: hard-work", None)),
    ("bts-too-long", _set(("bts", 0, "deliverables", 0, "duration_s"), 90),
     ("duration_s: 90", None)),
    ("only-positive", _set(("bts", 0, "kind"), "laughter"), ("bts:", None)),
    ("no-raw-capture", _set(("bts", 0, "style"), "polished"), ("bts:", None)),
    ("objective-no-kpi", _second_objective, ("id: trust", None)),
    ("kpi-no-target", lambda d: d["objectives"][0]["kpis"][0].pop("target"),
     ("id: views-kpi", None)),
    ("bts-no-kpi", _set(("objectives", 0, "kpis", 1, "scope"), "campaign"),
     ("objectives:", None)),
    ("platform-no-native", _set(("platforms", 1, "formats", 0, "native"), False),
     ("- platform: instagram-reels", None)),
    ("reveal-before-teaser", _set(("bts", 1, "deliverables", 0, "publish"), "2026-03-13"),
     ("deliverables:", "id: reveal")),
    ("consent-missing", _set(("people", 0, "consent"), "pending"), ("- ana", "id: ep-1")),
    ("consent-missing", _minor, ("- kid", None)),
    ("release-scope", _set(("people", 0, "release"), {"platforms": ["instagram-reels"]}),
     ("- ana", "id: ep-1")),
    ("music-unlicensed", _set(("music", 0, "licences", 0, "status"), "pending"),
     ("- theme", None)),
    ("cadence-gap", _set(("bts", 0, "deliverables", 0, "publish"), "2026-03-20"),
     ("publish: '2026-03-20'", None)),
    ("cadence-empty", _both(
        lambda d: d["series"][0]["episodes"][0]["deliverables"][0].pop("publish"),
        lambda d: d["bts"][0]["deliverables"][0].pop("publish")), ("cadence:", None)),
    ("published-before-shot", _set(
        ("series", 0, "episodes", 0, "deliverables", 0, "publish"), "2026-03-01"),
     ("publish: '2026-03-01'", "id: ep-1")),
    ("outside-period", _set(("bts", 2, "deliverables", 0, "publish"), "2026-04-02"),
     ("publish: '2026-04-02'", None)),
]


def test_the_healthy_campaign_has_no_finding() -> None:
    assert check_health(loads_campaign(to_yaml(healthy()), "healthy.yaml")) == []


@pytest.mark.parametrize(("rule", "edit", "where"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_fires_alone_at_its_line(rule: str, edit: Edit,
                                           where: tuple[str, str | None]) -> None:
    data = healthy()
    edit(data)
    text = to_yaml(data)
    findings = check_health(loads_campaign(text, "broken.yaml"))
    assert {f.rule for f in findings} == {rule}, [f.message for f in findings]
    needle, after = where
    assert findings[0].line == line_of(text, needle, after=after), (findings[0], text)
    assert findings[0].column is not None and findings[0].column >= 1
    assert findings[0].severity == health_data().rules[rule].severity
    assert findings[0].hint


def test_every_rule_is_tested_and_worded_in_both_languages() -> None:
    assert {c[0] for c in CASES} == set(RULES) == set(health_data().rules)
    for text in health_data().rules.values():
        assert text.en and text.fr and text.hint_en and text.hint_fr and text.why


def test_findings_speak_french() -> None:
    data = healthy()
    data["bts"][0]["beats"] = []
    [finding] = check_health(loads_campaign(to_yaml(data), "c.yaml"), lang="fr")
    assert finding.message == "la séquence de coulisses 'hard-work' n'est reliée à aucun temps fort"


def test_a_teams_own_bts_length_overrides_the_sweet_spot() -> None:
    data = healthy()
    data["bts"][0]["deliverables"][0]["duration_s"] = 90
    data["platforms"][0]["bts_max_seconds"] = 120
    assert check_health(loads_campaign(to_yaml(data), "c.yaml")) == []


def test_sweet_spots_name_registry_platforms_and_their_sources() -> None:
    from coulisses.platforms.registry import Registry

    spots = health_data().sweet_spots
    assert set(spots) - {"default"} <= set(Registry.load())
    for spot in spots.values():
        assert 0 < spot.min < spot.max and spot.source
