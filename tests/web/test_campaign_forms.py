"""Campaigns edited as forms: each form writes the campaign file itself (comments and layout
kept), is validated by the loader before saving, meets the conflict page on a concurrent edit;
the YAML editor numbers its lines and shows located problems at their lines."""

from __future__ import annotations

import difflib
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coulisses.campaign.template import example_text


@pytest.fixture
def campaign(client: TestClient, make_user: Any, login: Any, post: Any) -> str:
    """The packaged example ``casting-series-fr`` imported by an editor; its page's URL."""
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    r = post(client, f"/w/{me.workspace_id}/campaigns", {"text": example_text("casting-series-fr")})
    assert r.status_code == 303
    return str(r.headers["location"])


def _version(page: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match
    return match.group(1)


def test_a_form_edit_writes_the_file_and_keeps_its_comments(
        client: TestClient, campaign: str, post: Any) -> None:
    original = client.get(campaign + "/export").text
    page = client.get(campaign + "/forms/people")
    assert page.status_code == 200 and 'value="lea-minor"' in page.text
    assert "People and consent" in page.text
    index = re.findall(r'name="f.id" value="([^"]+)"', page.text).index("ines")
    r = post(client, campaign + "/forms/people", {
        "version": _version(page.text), "list": "people", "index": str(index), "op": "save",
        "f.id": "ines", "f.name": "Inès K.", "f.role": "talent", "f.consent": "pending"})
    assert r.status_code == 303 and r.headers["location"].endswith("/forms/people")
    saved = client.get(campaign + "/export").text
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in saved.splitlines() if line.lstrip().startswith("#")] == comments
    changed = [x for x in difflib.ndiff(original.splitlines(), saved.splitlines())
               if x[:1] in "+-"]
    assert 0 < len(changed) <= 4 and "Inès K." in saved, changed
    assert "Inès K." in client.get(campaign + "/forms/people").text
    # a KPI target, in the list of the second objective
    kpis = client.get(campaign + "/forms/kpis").text
    assert 'name="list" value="objectives.1.kpis"' in kpis
    r = post(client, campaign + "/forms/kpis", {
        "version": _version(kpis), "list": "objectives.1.kpis", "index": "0", "op": "save",
        "f.target": "25000"})
    assert r.status_code == 303
    assert "casting_entries, target: 25000" in client.get(campaign + "/export").text


def test_an_invalid_form_is_refused_with_its_line_and_nothing_is_saved(
        client: TestClient, campaign: str, post: Any) -> None:
    before = client.get(campaign + "/export").text
    page = client.get(campaign + "/forms/episodes").text
    r = post(client, campaign + "/forms/episodes", {
        "version": _version(page), "list": "series.0.episodes", "index": "0", "op": "save",
        "f.shoot_day": "jour-99"})
    assert r.status_code == 422 and "jour-99" in r.text
    assert re.search(r'href="[^"]+/edit#L\d+">Line \d+</a>', r.text)
    assert client.get(campaign + "/export").text == before
    bad = post(client, campaign + "/forms/shoot_days", {
        "version": _version(page), "list": "shoot_days", "index": "0", "op": "save",
        "f.call": "7h"})
    assert bad.status_code == 400 and "HH:MM" in bad.text


def test_add_then_remove_asks_first(client: TestClient, campaign: str, post: Any) -> None:
    page = client.get(campaign + "/forms/beats").text
    r = post(client, campaign + "/forms/beats", {
        "version": _version(page), "list": "beats", "op": "add", "f.id": "epilogue",
        "f.title": "Épilogue", "f.after": "final"})
    assert r.status_code == 303
    page = client.get(campaign + "/forms/beats").text
    assert 'value="epilogue"' in page
    index = str(re.findall(r'name="f.id" value="([^"]+)"', page).index("epilogue"))
    form = {"version": _version(page), "list": "beats", "index": index, "op": "remove"}
    asked = post(client, campaign + "/forms/beats", form)
    assert asked.status_code == 200 and "epilogue" in asked.text
    assert 'name="op" value="remove"' in asked.text
    assert "epilogue" in client.get(campaign + "/export").text
    assert post(client, campaign + "/forms/beats", form | {"confirm": "yes"}).status_code == 303
    assert "epilogue" not in client.get(campaign + "/export").text
    assert client.get(campaign + "/export").text == example_text("casting-series-fr")


def test_a_form_based_on_an_old_version_meets_the_conflict_page(
        client: TestClient, campaign: str, post: Any) -> None:
    page = client.get(campaign + "/forms/beats").text
    old = _version(page)
    form = {"version": old, "list": "beats", "index": "0", "op": "save", "f.title": "A"}
    assert post(client, campaign + "/forms/beats", form).status_code == 303
    late = post(client, campaign + "/forms/beats", form | {"f.title": "B"})
    assert late.status_code == 409 and "Someone else saved this campaign" in late.text
    assert re.search(r"title: \"?A\"?,", client.get(campaign + "/export").text)


def test_the_yaml_editor_numbers_lines_and_shows_problems_at_them(
        client: TestClient, campaign: str, post: Any) -> None:
    page = client.get(campaign + "/edit").text
    text = example_text("casting-series-fr")
    count = len(text.splitlines())
    assert f"<span>{count}</span>" in page and 'class="yaml-gutter"' in page
    broken = text.replace("shoot_day: jour-1,", "shoot_day: jour-42,", 1)
    line = next(n for n, x in enumerate(broken.splitlines(), 1) if "jour-42" in x)
    r = post(client, campaign + "/edit", {"text": broken, "version": _version(page)})
    assert r.status_code == 422
    assert f'<span class="flagged">{line}</span>' in r.text
    flagged = re.search(rf'<li value="{line}" id="L{line}" class="flagged">(.*?)</li>', r.text,
                        re.S)
    assert flagged and "jour-42" in flagged.group(1) and 'data-goto-line="' in flagged.group(1)
    fr = client.get(campaign + "/edit?lang=fr").text
    assert "Problèmes à leur ligne" in fr


def test_every_form_the_trash_and_the_confirmations_render_in_english_and_french(
        client: TestClient, campaign: str) -> None:
    from coulisses.campaign import edit

    ws = campaign.split("/campaigns")[0]
    pages = [f"{campaign}/forms/{name}" for name in edit.SECTIONS]
    pages += [f"{ws}/trash", f"{campaign}/delete", f"{campaign}/edit"]
    for lang, word in (("en", "Campaigns"), ("fr", "Campagnes")):
        client.get(f"/account?lang={lang}")
        for url in pages:
            page = client.get(url)
            assert page.status_code == 200, url
            assert f'<html lang="{lang}">' in page.text and word in page.text, url
    assert client.get(f"{campaign}/forms/nothing").status_code == 404


def test_nested_deliverables_have_their_own_forms_under_each_parent(
        client: TestClient, campaign: str, post: Any) -> None:
    page = client.get(campaign + "/forms/deliverables?lang=fr")
    assert page.status_code == 200
    assert 'name="list" value="series.0.episodes.1.deliverables"' in page.text
    assert 'name="list" value="bts.0.deliverables"' in page.text
    assert "cites › ep-02" in page.text and ">en relecture</option>" in page.text
    original = client.get(campaign + "/export").text
    added = post(client, campaign + "/forms/deliverables", {
        "version": _version(page.text), "list": "bts.0.deliverables", "op": "add",
        "f.id": "challenge-ig", "f.platform": "tiktok", "f.format": "coulisses",
        "f.duration_s": "20", "f.publish": "2026-01-07", "f.status": "planned"})
    assert added.status_code == 303, added.text[-2000:]
    saved = client.get(campaign + "/export").text
    changed = [x for x in difflib.ndiff(original.splitlines(), saved.splitlines())
               if x[:1] in "+-"]
    assert 0 < len(changed) <= 4 and all("challenge" in x for x in changed), changed
    again = client.get(campaign + "/forms/deliverables")
    assert 'value="challenge-ig"' in again.text
    # a row removed from its parent's list only
    index = re.findall(r'name="f.id" value="([^"]+)"', again.text).index("challenge-ig")
    assert index > 0
    removed = post(client, campaign + "/forms/deliverables", {
        "version": _version(again.text), "list": "bts.0.deliverables", "index": "1",
        "op": "remove", "confirm": "yes"})
    assert removed.status_code == 303
    assert "challenge-ig" not in client.get(campaign + "/export").text
