"""Client review links on SQLite and PostgreSQL: made by the team and shown once (stored as a
hash), an optional argon2 password throttled like sign-in, a per-address budget on the public
routes, CSRF on their posts, the client's name on what they write, and revocation."""

from __future__ import annotations

import re
from typing import Any

from board_world import rendered_cut
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from coulisses.studio.board_tables import ShareLink
from coulisses.studio.sharing import token_hash
from coulisses.studio.tables import Approval, AuditEvent, Comment


def _make_link(client: TestClient, post: Any, workspace_id: int, version_id: int,
               **fields: str) -> tuple[Any, str]:
    made = post(client, f"/w/{workspace_id}/versions/{version_id}/share",
                {"days": "7", "label": "Claire", **fields})
    match = re.search(r'value="(http://testserver/s/([\w-]+))"', made.text)
    assert made.status_code == 201 and match, made.text[:500]
    return made, match.group(2)


def test_a_link_is_shown_once_and_stored_as_a_hash(app: FastAPI, client: TestClient,
                                                   make_user: Any, login: Any,
                                                   post: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    page, token = _make_link(client, post, me.workspace_id, made["versions"][0])
    assert "shown only once" in page.text
    cut_page = client.get(f"/w/{me.workspace_id}/cuts/{made['cut_id']}").text
    assert token not in cut_page and "Claire" in cut_page and "open" in cut_page
    with app.state.sessions() as db:
        link = db.scalars(select(ShareLink)).one()
        assert link.token_hash == token_hash(token) and link.password_hash == ""
        assert all(token not in str(v) for v in vars(link).values())
        assert "share.create" in db.scalars(select(AuditEvent.action)).all()
    for days in ("0", "91", "soon"):
        bad = post(client, f"/w/{me.workspace_id}/versions/{made['versions'][0]}/share",
                   {"days": days})
        assert bad.status_code == 400, days


def test_the_client_comments_and_decides_under_their_name(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, post: Any, csrf: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    _, token = _make_link(client, post, me.workspace_id, made["versions"][0])
    guest = other_client
    page = guest.get(f"/s/{token}")
    assert page.status_code == 200 and "Sign out" not in page.text
    assert "/w/" not in page.text  # no workspace address, nor the server's folders
    assert str(app.state.settings.data_dir) not in page.text
    # no name: refused, what was typed is kept
    refused = guest.post(f"/s/{token}/comments", data={
        "csrf_token": csrf(guest), "name": "  ", "body": "Ciel trop sombre", "t_start": "1"})
    assert refused.status_code == 400 and "Ciel trop sombre" in refused.text
    # no CSRF token: refused before anything is written
    assert guest.post(f"/s/{token}/comments", data={
        "name": "Claire", "body": "forged", "t_start": "1"}).status_code == 403
    sent = guest.post(f"/s/{token}/comments", data={
        "csrf_token": csrf(guest), "name": "Claire <Cliente>", "body": "Ciel trop sombre",
        "t_start": "1,5", "nonce": "n1"})
    assert sent.status_code == 303
    again = guest.post(f"/s/{token}/comments", data={  # a double click posts once
        "csrf_token": csrf(guest), "name": "Claire <Cliente>", "body": "Ciel trop sombre",
        "t_start": "1,5", "nonce": "n1"})
    assert again.status_code == 303
    decided = guest.post(f"/s/{token}/decision", data={
        "csrf_token": csrf(guest), "name": "Claire <Cliente>", "decision": "approved",
        "note": "Parfait"})
    assert decided.status_code == 303
    with app.state.sessions() as db:
        comment = db.scalars(select(Comment)).one()
        assert (comment.guest_name, comment.author_id, comment.t_start) == (
            "Claire <Cliente>", None, 1.5)
        approval = db.scalars(select(Approval)).one()
        assert (approval.guest_name, approval.user_id, approval.decision) == (
            "Claire <Cliente>", None, "approved")
    team_page = client.get(f"/w/{me.workspace_id}/cuts/{made['cut_id']}").text
    assert "Claire &lt;Cliente&gt;" in team_page and "Claire <Cliente>" not in team_page
    assert "Ciel trop sombre" in team_page
    # the time is a time code on both sides, typed either way
    assert "00:01.50" in team_page and "00:01.50" in guest.get(f"/s/{token}").text


def test_a_password_opens_the_link_and_guesses_are_throttled(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, post: Any, csrf: Any) -> None:
    from coulisses.web import ratelimit

    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    _, token = _make_link(client, post, me.workspace_id, made["versions"][0],
                          password="rose des vents 2026")
    with app.state.sessions() as db:
        assert db.scalars(select(ShareLink.password_hash)).one().startswith("$argon2id$")
    guest = other_client
    locked = guest.get(f"/s/{token}")
    assert locked.status_code == 401 and 'name="password"' in locked.text
    video = f"/s/{token}/variants/{made['variants'][0]}/video"
    assert guest.get(video).status_code == 404  # nothing behind the lock
    wrong = guest.post(f"/s/{token}/unlock", data={"csrf_token": csrf(guest),
                                                   "password": "tulipe"})
    assert wrong.status_code == 401 and "Wrong password." in wrong.text
    right = guest.post(f"/s/{token}/unlock", data={"csrf_token": csrf(guest),
                                                   "password": "rose des vents 2026"})
    assert right.status_code == 303
    assert "httponly" in right.headers["set-cookie"].lower()
    assert guest.get(f"/s/{token}").status_code == 200
    assert guest.get(video).content == b"version 1"
    # guesses from one address lock this link for it, the right password included (the test
    # clients share one address: the wrong guess above counts)
    stranger = TestClient(app, follow_redirects=False)
    for _ in range(ratelimit.RULES["share"].limit - 1):
        assert stranger.post(f"/s/{token}/unlock", data={
            "csrf_token": csrf(stranger), "password": "guess"}).status_code == 401
    last = stranger.post(f"/s/{token}/unlock", data={
        "csrf_token": csrf(stranger), "password": "rose des vents 2026"})
    assert last.status_code == 429


def test_the_public_routes_have_a_budget_per_address(app: FastAPI, client: TestClient,
                                                    make_user: Any, login: Any,
                                                    post: Any) -> None:
    from coulisses.web.publiclimit import Budget

    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    _, token = _make_link(client, post, me.workspace_id, made["versions"][0])
    app.state.share_budget = Budget(limit=5, window=60)
    statuses = [client.get(f"/s/{token}").status_code for _ in range(5)]
    assert statuses == [200] * 5
    refused = client.get(f"/s/{token}")
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert client.get("/s/unknown").status_code == 429  # guessing tokens spends it too
    budget = Budget(limit=2, window=60)
    budget.spend("10.0.0.1")
    budget.spend("10.0.0.1")
    budget.spend("10.0.0.2")  # another address has its own


def test_a_revoked_link_closes_at_once(app: FastAPI, client: TestClient,
                                       other_client: TestClient, make_user: Any, login: Any,
                                       post: Any) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    made = rendered_cut(app, me.workspace_id, me.user_id)
    _, token = _make_link(client, post, me.workspace_id, made["versions"][0])
    assert other_client.get(f"/s/{token}").status_code == 200
    with app.state.sessions() as db:
        link_id = db.scalars(select(ShareLink.id)).one()
    assert post(client, f"/w/{me.workspace_id}/shares/{link_id}/revoke").status_code == 303
    assert other_client.get(f"/s/{token}").status_code == 404
    assert "revoked" in client.get(f"/w/{me.workspace_id}/cuts/{made['cut_id']}").text
    assert post(client, f"/w/{me.workspace_id}/shares/{link_id}/revoke").status_code == 303
