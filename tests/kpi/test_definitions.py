"""KPI definitions as data: validation, aliases for campaign files, the docs table."""

from __future__ import annotations

from pathlib import Path

import pytest

from coulisses.errors import InputError
from coulisses.kpi.definitions import load_definitions, markdown_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kpi.md"


def test_packaged_definitions_cover_the_issue() -> None:
    defs = load_definitions()
    ids = {k.id for k in defs.kpis}
    assert ids >= {"engagement_rate", "er_reach", "er_impressions", "er_followers", "er_views",
                   "conversation_rate", "amplification_rate", "applause_rate", "save_rate",
                   "completion_rate", "avg_pct_watched", "follower_growth", "response_rate",
                   "response_time_h", "returning_commenters"}
    for k in defs.kpis:
        assert k.source.startswith("https://") and k.name.fr and k.aggregation == "weighted"
    er = defs.get("engagement_rate")
    assert er.formulas[0].denominator == ("reach", "impressions", "views")
    assert defs.get("completion_rate").formulas[1].estimated


@pytest.mark.parametrize(("name", "kpi"), [
    ("engagement_rate", "engagement_rate"), ("Engagement Rate", "engagement_rate"),
    ("ERR", "er_reach"), ("completion_rate", "completion_rate"), ("reply-rate", "response_rate"),
    ("Taux de conversation", "conversation_rate")])
def test_campaign_names_resolve(name: str, kpi: str) -> None:
    found = load_definitions().resolve(name)
    assert found is not None and found.id == kpi


def test_unknown_name_is_none() -> None:
    assert load_definitions().resolve("casting_entries") is None


@pytest.mark.parametrize(("text", "message"), [
    ("version: 1\nkpis: [{id: x}]\n", "kpis.0.name"),
    ("version: 1\nkpis:\n  - {id: x, name: {en: a, fr: b}, description: {en: a, fr: b}, "
     "scope: post, unit: '%', source: 'https://a', formulas: [{numerator: [likez]}]}\n",
     "unknown metric 'likez'"),
    ("version: 1\nkpis: []\nsurprise: 1\n", "surprise"),
    ("version: [1\n", "cannot read KPI definitions"),
])
def test_bad_definitions_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "defs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_definitions(path)
    assert "\n" not in info.value.one_line()


def test_docs_show_the_generated_table() -> None:
    assert markdown_table() in DOCS.read_text(encoding="utf-8"), \
        "docs/kpi.md ## KPIs is stale: paste coulisses.kpi.definitions.markdown_table()"
