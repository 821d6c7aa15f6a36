"""Campaign pages: import (upload, paste), byte-exact export, conflicts, plan, calendar, health."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coulisses.studio.tables import Campaign

SMALL = """version: 1
id: fete-ete
name: "Fête d'été 🎬"
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
        scope: campaign
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
KPI_LINE = SMALL.splitlines().index("      - id: vues") + 1


@pytest.fixture
def owner(client: TestClient, make_user: Any, login: Any) -> Any:
    made = make_user("owner@example.org", workspace="Maison Æther")
    login(client, made.email)
    return made


def _import(client: TestClient, post: Any, ws: int, **kw: Any) -> Any:
    if "content" in kw:
        return post(client, f"/w/{ws}/campaigns", files={
            "file": (kw.get("name", "fête.yaml"), kw["content"], "application/yaml")})
    return post(client, f"/w/{ws}/campaigns", {"text": kw["text"]})


def test_upload_then_export_is_byte_for_byte(client: TestClient, owner: Any,
                                             post: Any) -> None:
    raw = ("\ufeff" + SMALL.replace("\n", "\r\n")).encode("utf-8")  # BOM and CRLF survive
    response = _import(client, post, owner.workspace_id, content=raw)
    assert response.status_code == 303
    page = response.headers["location"]
    exported = client.get(page + "/export")
    assert exported.status_code == 200
    assert exported.content == raw
    assert "filename*=UTF-8''f%C3%AAte.yaml" in exported.headers["content-disposition"]


def test_paste_import_and_listing(client: TestClient, owner: Any, post: Any) -> None:
    response = _import(client, post, owner.workspace_id, text=SMALL)
    assert response.status_code == 303
    listing = client.get(f"/w/{owner.workspace_id}/campaigns")
    assert "Fête d&#39;été 🎬" in listing.text
    assert client.get(response.headers["location"] + "/export").text == SMALL


def test_health_report_names_each_finding_line(client: TestClient, owner: Any,
                                               post: Any) -> None:
    page = client.get(_import(client, post, owner.workspace_id, text=SMALL)
                      .headers["location"] + "/health")
    assert page.status_code == 200
    row = re.search(r"<tr><td>(\d+)</td><td class=\"sev-error\">error</td><td><code>"
                    r"kpi-no-target</code>", page.text)
    assert row is not None and int(row.group(1)) == KPI_LINE


def test_a_campaign_opens_on_its_board_and_health_is_a_tab(
        client: TestClient, owner: Any, post: Any) -> None:
    from coulisses.campaign.template import starter_text

    base = _import(client, post, owner.workspace_id, text=starter_text("en")) \
        .headers["location"]
    assert re.search(r"/campaigns/\d+$", base)  # the import lands on the campaign itself
    page = client.get(base)
    assert page.status_code == 200
    tabs = re.search(r'<ul class="tabs">(.*?)</ul>', page.text, re.S)
    assert tabs is not None
    current = re.search(r'<a href="([^"]+)" aria-current="page">', tabs.group(1))
    assert current is not None and current.group(1) == base.split("testserver")[-1]
    assert 'class="board"' in page.text  # the deliverables table, not the health report
    assert client.get(base + "/board").text.count("<tr") == page.text.count("<tr")
    health = client.get(base + "/health")
    assert health.status_code == 200 and 'href="' + current.group(1) + '/health" aria-current' \
        in health.text
    # saving the raw YAML lands on the health report, which says what the edit changed
    edited = post(client, base + "/edit", {"text": starter_text("en") + "# note\n",
                                           "version": "1"})
    assert edited.status_code == 303 and edited.headers["location"].endswith("/health")


def test_an_import_sent_twice_makes_one_campaign(client: TestClient, app: FastAPI,
                                                 owner: Any, post: Any) -> None:
    """Issue 12, I1: a double-clicked or re-sent import form lands on the same campaign."""
    first = _import(client, post, owner.workspace_id, text=SMALL)
    again = _import(client, post, owner.workspace_id, text=SMALL)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    other = _import(client, post, owner.workspace_id, text=SMALL + "# another\n")
    assert other.headers["location"] != first.headers["location"]
    # once edited, the same file imported again is a new campaign
    post(client, first.headers["location"] + "/edit", {"text": SMALL + "# v2\n", "version": "1"})
    third = _import(client, post, owner.workspace_id, text=SMALL)
    assert third.headers["location"] not in (first.headers["location"],
                                              other.headers["location"])
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Campaign.id))) == 3


def test_invalid_file_is_refused_with_its_line_and_nothing_is_lost(
        client: TestClient, app: FastAPI, owner: Any, post: Any) -> None:
    broken = SMALL.replace("goal: awareness", "goal: fame")
    response = _import(client, post, owner.workspace_id, text=broken)
    assert response.status_code == 422
    assert re.search(r"campaign\.yaml:\d+:\d+: ", response.text)
    assert "goal: fame" in response.text  # the pasted text is still in the form
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Campaign.id))) == 0


@pytest.mark.parametrize(("content", "status", "message"), [
    (b"a: 1\n" + b"#" * (1024 * 1024 + 10), 413, "over the 1 MB"),
    ("name: caf\u00e9\n".encode("latin-1"), 415, "not UTF-8"),
    (b"", 422, "empty"),
])
def test_bad_uploads_get_a_clear_error(client: TestClient, owner: Any, post: Any,
                                       content: bytes, status: int, message: str) -> None:
    response = _import(client, post, owner.workspace_id, content=content)
    assert response.status_code == status
    assert message in response.text


def test_path_tricks_in_the_file_name_are_removed(client: TestClient, owner: Any,
                                                  post: Any) -> None:
    response = _import(client, post, owner.workspace_id, content=SMALL.encode(),
                       name="../../etc/.passwd.yaml")
    exported = client.get(response.headers["location"] + "/export")
    assert 'filename="passwd.yaml"' in exported.headers["content-disposition"]


def test_plan_and_calendar_pages_and_ics(client: TestClient, owner: Any, post: Any) -> None:
    from icalendar import Calendar

    from coulisses.campaign.template import starter_text

    base = _import(client, post, owner.workspace_id, text=starter_text("en")) \
        .headers["location"]
    plan = client.get(base + "/plan")
    assert plan.status_code == 200
    assert "tiktok" in plan.text and "1080x1920" in plan.text
    calendar = client.get(base + "/calendar")
    assert calendar.status_code == 200 and "calendar.ics" in calendar.text
    ics = client.get(base + "/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) >= 1
    # the month calendar (issue 12) holds every event of this one-month plan on its day
    assert calendar.text.count('<li class="cal-') == len(events)


def test_two_editors_conflict_and_nothing_is_overwritten(
        client: TestClient, other_client: TestClient, app: FastAPI, make_user: Any,
        owner: Any, login: Any, post: Any, csrf: Any) -> None:
    editor = make_user("editor@example.org", workspace="Maison Æther", role="editor")
    login(other_client, editor.email)
    base = _import(client, post, owner.workspace_id, text=SMALL).headers["location"]
    # both open the edit form at version 1
    for browser in (client, other_client):
        form = browser.get(base + "/edit")
        assert 'name="version" value="1"' in form.text
    mine = SMALL.replace("vif", "très vif")
    theirs = SMALL.replace("vif", "calme")
    first = post(client, base + "/edit", {"text": mine, "version": "1"})
    assert first.status_code == 303
    second = post(other_client, base + "/edit", {"text": theirs, "version": "1"})
    assert second.status_code == 409
    assert "très vif" in second.text and "calme" in second.text
    assert client.get(base + "/export").text == mine
    # the same form submitted twice (double click) after a save is a conflict, not a loss
    again = post(client, base + "/edit", {"text": mine + "# more\n", "version": "1"})
    assert again.status_code == 409
    assert client.get(base + "/export").text == mine
    with app.state.sessions() as db:
        assert db.scalars(select(Campaign)).one().version_id == 2


def test_edit_keeps_line_endings_and_refuses_invalid_text(client: TestClient, owner: Any,
                                                          post: Any) -> None:
    base = _import(client, post, owner.workspace_id, text=SMALL).headers["location"]
    edited = SMALL.replace("vif", "rapide").replace("\n", "\r\n")  # as a browser sends it
    assert post(client, base + "/edit", {"text": edited, "version": "1"}).status_code == 303
    assert client.get(base + "/export").text == SMALL.replace("vif", "rapide")
    bad = post(client, base + "/edit", {"text": "version: [", "version": "2"})
    assert bad.status_code == 422 and "version: [" in bad.text
    assert client.get(base + "/export").text == SMALL.replace("vif", "rapide")


def test_roles_on_campaigns(client: TestClient, other_client: TestClient, make_user: Any,
                            owner: Any, login: Any, post: Any) -> None:
    base = _import(client, post, owner.workspace_id, text=SMALL).headers["location"]
    for role in ("reviewer", "client"):
        other_client.cookies.clear()
        made = make_user(f"{role}@example.org", workspace="Maison Æther", role=role)
        login(other_client, made.email)
        assert other_client.get(base).status_code == 200
        assert other_client.get(base + "/export").text == SMALL
        assert other_client.get(base + "/edit").status_code == 403
        refused = post(other_client, base + "/edit", {"text": "x", "version": "1"})
        assert refused.status_code == 403
        assert post(other_client, f"/w/{owner.workspace_id}/campaigns",
                    {"text": SMALL}).status_code == 403
    assert client.get(base + "/export").text == SMALL


@pytest.mark.parametrize("token_in", ["form", "header"])
def test_pasted_text_over_the_limit_gets_the_campaign_limit_message(
        client: TestClient, owner: Any, csrf: Any, token_in: str) -> None:
    """Audit I5: 1.5 MB of pasted text got Starlette's 400 "Field exceeded maximum size"."""
    token = csrf(client)
    data = {"text": "# " + "x" * (1536 * 1024)}
    headers = {}
    if token_in == "form":
        data["csrf_token"] = token
    else:
        headers["x-csrf-token"] = token
    response = client.post(f"/w/{owner.workspace_id}/campaigns", data=data, headers=headers,
                           files={"file": ("", b"", "application/octet-stream")})
    assert response.status_code == 413
    assert "over the 1 MB a campaign file may be" in response.text
