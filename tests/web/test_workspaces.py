"""Workspaces: members and roles (owners only, never without an owner), and every page in
English and French."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from coulisses.studio.jobs import submit
from coulisses.studio.tables import Campaign, Membership
from coulisses.web import roles
from coulisses.web.i18n_web import EN, FR

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "coulisses" / "web" / "templates"


def test_owner_adds_changes_and_removes_members(client: TestClient, other_client: TestClient,
                                                app: FastAPI, make_user: Any, login: Any,
                                                post: Any) -> None:
    owner = make_user("owner@example.org", workspace="Ñandú & Co")
    invited = make_user("rev@example.org", workspace="Elsewhere")
    login(client, owner.email)
    base = f"/w/{owner.workspace_id}/members"
    # known, known again and unknown emails get the same answer (audit L7: no lookup)
    answers = [post(client, base, {"email": email, "role": role}) for email, role in
               (("REV@example.org", "reviewer"), ("rev@example.org", "editor"),
                ("ghost@example.org", "editor"))]
    assert {(a.status_code, a.headers["location"]) for a in answers} == \
        {(303, base + "?notice=invited")}
    assert "ghost" not in client.get(base).text and "rev@example.org" not in \
        client.get(base).text  # an invitation is not listed: it would tell
    # the invited user sees the invitation, not the workspace, until they accept
    login(other_client, invited.email)
    assert other_client.get(f"/w/{owner.workspace_id}").status_code == 404
    listed = other_client.get("/workspaces").text
    assert "Ñandú &amp; Co, as Reviewer" in listed
    with app.state.sessions() as db:
        invite = db.scalars(select(Membership).where(
            Membership.user_id == invited.user_id,
            Membership.workspace_id == owner.workspace_id)).one()
    assert invite.status == "invited"
    assert post(client, f"/invitations/{invite.id}/accept").status_code == 404  # not theirs
    accepted = post(other_client, f"/invitations/{invite.id}/accept")
    assert accepted.headers["location"] == f"/w/{owner.workspace_id}"
    assert other_client.get(f"/w/{owner.workspace_id}").status_code == 200
    bad_role = post(client, base, {"email": "rev@example.org", "role": "admin"})
    assert bad_role.status_code == 400
    with app.state.sessions() as db:
        rev = db.scalars(select(Membership).where(Membership.role == "reviewer",
                                                  Membership.workspace_id ==
                                                  owner.workspace_id)).one()
        mine = db.scalars(select(Membership).where(Membership.role == "owner",
                                                   Membership.workspace_id ==
                                                   owner.workspace_id)).one()
    assert post(client, f"{base}/{rev.id}/role", {"role": "editor"}).status_code == 303
    last = post(client, f"{base}/{mine.id}/role", {"role": "editor"})
    assert last.status_code == 409 and "at least one owner" in last.text
    assert post(client, f"{base}/{mine.id}/remove").status_code == 409
    asked = post(client, f"{base}/{rev.id}/remove")  # a removal asks first
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.text
    assert post(client, f"{base}/{rev.id}/remove", {"confirm": "yes"}).status_code == 303
    with app.state.sessions() as db:
        left = db.scalars(select(Membership.role).where(
            Membership.workspace_id == owner.workspace_id)).all()
    assert left == ["owner"]


@pytest.mark.parametrize("role", ["editor", "reviewer", "client"])
def test_only_owners_manage_members(client: TestClient, make_user: Any, login: Any,
                                    post: Any, role: str) -> None:
    make_user("owner@example.org")
    made = make_user(f"{role}@example.org", role=role)
    login(client, made.email)
    page = client.get(f"/w/{made.workspace_id}/members")
    assert page.status_code == 200 and "Add a member" not in page.text
    response = post(client, f"/w/{made.workspace_id}/members",
                    {"email": "owner@example.org", "role": "owner"})
    assert response.status_code == 403


def test_permission_table_is_consistent() -> None:
    assert set(roles.PERMISSIONS) == set(roles.ROLES)
    assert roles.PERMISSIONS["client"] <= roles.PERMISSIONS["reviewer"] \
        < roles.PERMISSIONS["editor"] < roles.PERMISSIONS["owner"]
    assert roles.allowed("reviewer", "cut.approve") and roles.allowed("reviewer",
                                                                      "comment.create")
    assert not roles.allowed("reviewer", "campaign.edit")
    # a client reviews (issue 12): comments and approves, but never edits, shares or tags
    assert roles.allowed("client", "comment.create") and roles.allowed("client", "cut.approve")
    assert not roles.allowed("client", "cut.share") and not roles.allowed("client", "rush.tag")
    assert not roles.allowed("client", "cut.render")
    with pytest.raises(KeyError):
        roles.allowed("owner", "no.such.action")


def test_english_and_french_tables_have_the_same_keys_and_placeholders() -> None:
    assert set(EN) == set(FR)
    for key in EN:
        assert re.findall(r"\{(\w+)\}", EN[key]) == re.findall(r"\{(\w+)\}", FR[key]), key


def test_every_key_used_in_core_templates_exists() -> None:
    mine = ("base", "auth", "workspaces", "campaigns", "results", "jobs")
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        if path.name.startswith(mine):
            used |= set(re.findall(r"""t\(\s*["']([\w.]*\w)["']""", path.read_text("utf-8")))
    used |= {f"role.{r}" for r in roles.ROLES}  # built as "role." ~ m.role
    used |= {f"status.{s}" for s in ("queued", "running", "done", "failed")}
    assert len(used) > 50
    assert used - set(EN) == set()


def test_every_core_page_renders_in_english_and_french(client: TestClient, app: FastAPI,
                                                       make_user: Any, login: Any) -> None:
    from coulisses.campaign.template import starter_text

    made = make_user("ana@example.org")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=made.workspace_id, name="Spring", filename="s.yaml",
                            source=starter_text("en"))
        db.add(campaign)
        db.flush()
        job = submit(db, made.workspace_id, "sleep", {"seconds": 0})
        db.commit()
        cid, jid = campaign.id, job.id
    w = f"/w/{made.workspace_id}"
    public = ["/login", "/signup"]
    private = ["/workspaces", "/account", w, f"{w}/members", f"{w}/campaigns",
               f"{w}/campaigns/{cid}", f"{w}/campaigns/{cid}/health", f"{w}/campaigns/{cid}/plan",
               f"{w}/campaigns/{cid}/calendar", f"{w}/campaigns/{cid}/edit", f"{w}/jobs",
               f"{w}/jobs/{jid}", f"{w}/results", f"{w}/results/{cid}", f"{w}/nope"]
    words = {"en": ("Sign in", "Campaigns"), "fr": ("Se connecter", "Campagnes")}
    for lang in ("en", "fr"):
        for url in public:
            page = client.get(f"{url}?lang={lang}")
            assert page.status_code == 200, url
            assert f'<html lang="{lang}">' in page.text
            assert words[lang][0] in page.text
    login(client, made.email)
    for lang in ("en", "fr"):
        client.get(f"/account?lang={lang}")  # the choice is remembered in a cookie
        for url in private:
            page = client.get(url)
            assert page.status_code == (404 if url.endswith("/nope") else 200), url
            assert f'<html lang="{lang}">' in page.text, url
            if url.endswith("/nope"):
                assert {"en": "This page does not exist here.",
                        "fr": "Cette page n&#39;existe pas ici."}[lang] in page.text
            elif url.startswith(w):
                assert words[lang][1] in page.text, url


def test_accept_language_and_user_preference(client: TestClient, make_user: Any,
                                             login: Any, post: Any) -> None:
    assert '<html lang="fr">' in client.get(
        "/login", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
    made = make_user("ana@example.org")
    login(client, made.email)
    assert post(client, "/account", {"lang": "fr"}).status_code == 303
    client.cookies.delete("coulisses_lang")
    assert '<html lang="fr">' in client.get(f"/w/{made.workspace_id}").text


def test_keyboard_and_labels_basics(client: TestClient) -> None:
    page = client.get("/signup").text
    assert 'class="skip" href="#main"' in page
    for field in re.findall(r'<input id="([\w-]+)"', page):
        assert f'<label for="{field}">' in page, field
