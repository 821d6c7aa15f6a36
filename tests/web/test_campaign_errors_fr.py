"""A French studio shows a campaign file's validation problems in French, at their line:
pydantic's own messages by error type (``web/pydantic_fr.py``), with their values."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

CAMPAIGN = """version: 1
id: fete-ete
name: "Fête d'été"
language: fr
brand:
  name: Maison Æther
period:
  start: 2026-06-01
  end: 2026-06-30
objectives:
  - id: etre-vu
    goal: awareness
    summary: Être découverts.
    kpis:
      - id: vues
        metric: views
        unit: count
beats:
  - id: idee
    title: L'idée
platforms:
  - platform: tiktok
    tone: vif
    formats:
      - {id: tt-bts, name: coulisses brutes}
    cadence: {posts_per_week: 1}
"""

# (what pydantic reports, the edit, the line it is found at, where, the French, English gone)
CASES = [
    ("string_too_short", ("title: L'idée", 'title: ""'), 20, "beats[0].title",
     "le texte doit compter au moins 1 caractère (le temps fort en quelques mots)",
     "should have at least"),
    ("string_type", ("  name: Maison Æther", "  name: [a, b]"), 6, "brand.name",
     "un texte est attendu, pas la liste ['a', 'b']", "valid string"),
    ("string_too_long", ("unit: count", "unit: " + "x" * 40), 17,
     "objectives[0].kpis[0].unit", "le texte doit compter au plus 32 caractères", "at most"),
    ("string_pattern_mismatch", ("metric: views", "metric: Views!"), 16,
     "objectives[0].kpis[0].metric", "le texte doit suivre le motif '^[a-z][a-z0-9_]*$'",
     "should match"),
    ("float_parsing", ("posts_per_week: 1}", "posts_per_week: lots}"), 26,
     "platforms[0].cadence.posts_per_week", "un nombre est attendu : ce texte n'en est pas un",
     "valid number"),
    ("greater_than", ("posts_per_week: 1}", "posts_per_week: 0}"), 26,
     "platforms[0].cadence.posts_per_week", "la valeur doit dépasser 0", "greater than"),
    ("less_than_equal", ("posts_per_week: 1}", "posts_per_week: 99}"), 26,
     "platforms[0].cadence.posts_per_week", "la valeur doit être au plus 50", "less than"),
    ("int_parsing", ("posts_per_week: 1}", "posts_per_week: 1, max_gap_days: abc}"), 26,
     "platforms[0].cadence.max_gap_days", "un nombre entier est attendu : ce texte n'en est pas",
     "valid integer"),
    ("bool_parsing", ("brutes}", "brutes, native: maybe}"), 25,
     "platforms[0].formats[0].native", "true ou false est attendu", "valid boolean"),
    ("tuple_type", ("title: L'idée", "title: L'idée\n    after: idee"), 21, "beats[0].after",
     "une liste est attendue, pas le texte 'idee'", "valid tuple"),
    ("model_type", ("cadence: {posts_per_week: 1}", "cadence: 3"), 26,
     "platforms[0].cadence", "une table de clés est attendue, pas le nombre entier 3",
     "valid dictionary"),
    ("literal_error", ("goal: awareness", "goal: fame"), 12, "objectives[0].goal",
     "'fame' n'est pas parmi 'awareness', 'acquisition', 'conversion', 'retention' ou "
     "'credibility'", "is not one of"),
    ("missing", ("name: \"Fête d'été\"\n", ""), 1, "le fichier",
     "demande `name` (name : le nom de la campagne)", "needs"),
    ("date_parsing", ("end: 2026-06-30", "end: 2026-02-30"), 9, "period.end",
     "'2026-02-30' n'est pas une date qui existe", "exists"),
]


@pytest.fixture
def workspace(client: TestClient, make_user: Any, login: Any) -> int:
    made = make_user("ana@example.org")
    login(client, made.email)
    return int(made.workspace_id)


@pytest.mark.parametrize(("code", "edit", "line", "where", "french", "english"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_french_upload_names_each_problem_in_french_at_its_line(
        client: TestClient, workspace: int, post: Any, code: str, edit: tuple[str, str],
        line: int, where: str, french: str, english: str) -> None:
    assert edit[0] in CAMPAIGN
    broken = CAMPAIGN.replace(*edit, 1)
    response = post(client, f"/w/{workspace}/campaigns?lang=fr", files={
        "file": ("fête.yaml", broken.encode("utf-8"), "application/yaml")})
    assert response.status_code == 422
    page = html.unescape(response.text)
    sep = " " if where == "le fichier" else " : "
    shown = re.search(rf"f[^\s:]*\.yaml:{line}:\d+: {re.escape(where + sep)}(.+)", page)
    assert shown is not None, page[:3000]
    assert shown[1].startswith(french), (code, shown[1])
    assert english not in shown[1].split(" (")[0]
    # the hint, the field's description, is in French too (web/campaign_fields_fr.py)
    from coulisses.web.campaign_fields_fr import DESCRIPTIONS

    assert not [en for en in DESCRIPTIONS if len(en) > 12 and f"({en}" in shown[1]], shown[1]


def test_the_yaml_editor_shows_the_french_problem_at_its_line(
        client: TestClient, workspace: int, post: Any) -> None:
    base = post(client, f"/w/{workspace}/campaigns", {"text": CAMPAIGN}).headers["location"]
    broken = CAMPAIGN.replace("posts_per_week: 1}", "posts_per_week: 0}")
    edited = post(client, base + "/edit?lang=fr", {"text": broken, "version": "1"})
    assert edited.status_code == 422
    page = html.unescape(edited.text)
    assert page.count("la valeur doit dépasser 0") >= 2  # the line above, and at line 26
    assert "greater than" not in page
