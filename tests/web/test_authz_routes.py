"""Every route with a workspace or an item in its path refuses other workspaces' users.

The routes are enumerated from the app's router tree (and its OpenAPI schema), so a route added
later without a membership check fails here automatically, even one left out of the schema.
Workspace A's items are created first (they hold the low ids);
user B, owner of workspace B, tries each route with A's ids, for reading and for writing (with
a valid CSRF token), and A's data is unchanged afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from board_world import rendered_cut
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coulisses.publish.tables import Post, PublishAccount, now_ms
from coulisses.studio import sharing
from coulisses.studio.board_tables import ShareLink
from coulisses.studio.jobs import submit
from coulisses.studio.tables import Campaign, Comment, CutVersion, Job, Membership

PUBLIC = {"/", "/login", "/signup", "/logout", "/api/health", "/api/openapi.json"}
SHARE = "/s/"  # client review links: public by design, each reaching one version only
#: the published backstage pages (issue 14): open to anyone, found only by an unguessable
#: slug; an unknown or unpublished one answers 404 (tests/web/test_backstage.py)
PUBLIC_PREFIX = "/b/"
SMALL = "version: 1\nid: a\nname: A\n"


def _walk(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str, bool]]:
    """(method, path, in schema) of every API route, through included routers: recent FastAPI
    includes them lazily, so ``app.routes`` holds the routers, not their routes."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in route.methods:
                yield method, prefix + route.path, route.include_in_schema
            continue
        included = getattr(route, "original_router", None)  # FastAPI's lazy include
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(included.routes, prefix + str(getattr(context, "prefix", "")))


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route: the router tree's, and the schema's for good measure."""
    found = {(m.upper(), path) for path, ops in app.openapi()["paths"].items() for m in ops}
    found |= {(m, path) for m, path, _ in _walk(app.routes)}
    assert len(found) > 20
    return sorted(found)


def test_the_route_walk_sees_hidden_routes_in_included_routers() -> None:
    inner = APIRouter(prefix="/inner")

    @inner.get("/w/{workspace_id}/hidden", include_in_schema=False)
    def hidden(workspace_id: int) -> None: ...

    outer = APIRouter()
    outer.include_router(inner, prefix="/outer")
    app = FastAPI()
    app.include_router(outer)
    assert ("GET", "/outer/inner/w/{workspace_id}/hidden", False) in set(_walk(app.routes))
    assert app.openapi()["paths"] == {}  # the schema alone would have missed it


def _seed_a(app: FastAPI, make_user: Any) -> dict[str, Any]:
    a = make_user("a@example.org", workspace="Workspace A")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=a.workspace_id, name="A's campaign", filename="a.yaml",
                            source=SMALL)
        db.add(campaign)
        db.flush()
        job = submit(db, a.workspace_id, "sleep", {"seconds": 0})
        membership = db.scalars(select(Membership)).one()
        account = PublishAccount(workspace_id=a.workspace_id, platform="tiktok", name="a",
                                 channel="manual")
        db.add(account)
        db.flush()
        post = Post(account_id=account.id, platform="tiktok", video_path="/a/cut.mp4",
                    video_sha256="0" * 64, size_bytes=1, due_ms=now_ms() + 86_400_000,
                    state="draft", caption="A's post")
        db.add(post)
        db.commit()
        ids = {"workspace_id": a.workspace_id, "campaign_id": campaign.id, "job_id": job.id,
               "membership_id": membership.id, "post_id": post.id}
    made = rendered_cut(app, a.workspace_id, a.user_id)
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        link, _ = sharing.create_link(db=db, version=version, user_id=a.user_id, days=3)
        return ids | {"cut_id": made["cut_id"], "version_id": version.id,
                      "variant_id": made["variants"][0], "rush_id": made["rush_id"],
                      "link_id": link.id}


def _fill(path: str, ids: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(ids.get(m.group(1), 1)), path)


def _counts(app: FastAPI) -> tuple[Any, ...]:
    with app.state.sessions() as db:
        return (db.scalar(select(func.count(Campaign.id))),
                db.scalars(select(Campaign.source)).all(),
                db.scalar(select(func.count(Membership.id))),
                db.scalars(select(Job.status)).all(),
                db.scalars(select(ShareLink.revoked_at)).all(),
                db.scalar(select(func.count(Comment.id))),
                db.scalars(select(CutVersion.decision)).all(),
                db.execute(select(Post.state, Post.due_ms, Post.caption)).all(),
                db.scalar(select(func.count(PublishAccount.id))))


def test_no_route_lets_workspace_b_reach_workspace_a(app: FastAPI, client: TestClient,
                                                     make_user: Any, login: Any,
                                                     csrf: Any) -> None:
    ids = _seed_a(app, make_user)
    b = make_user("b@example.org", workspace="Workspace B")
    before = _counts(app)
    login(client, b.email)
    token = csrf(client)
    checked = []
    for method, path in _routes(app):
        if "{" not in path:
            continue
        url = _fill(path, ids)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.request(method, url, data={"csrf_token": token},
                                      headers={"x-csrf-token": token})
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
        checked.append((method, path))
    with_parameters = {(m, path) for m, path, _ in _walk(app.routes) if "{" in path}
    assert with_parameters <= set(checked), "routes with a parameter were not checked"
    assert ("GET", "/w/{workspace_id}/campaigns/{campaign_id}") in checked
    assert ("POST", "/w/{workspace_id}/members/{membership_id}/remove") in checked
    assert ("GET", "/api/jobs/{job_id}") in checked
    assert ("POST", "/w/{workspace_id}/publishing/posts/{post_id}/approve") in checked
    assert ("POST", "/w/{workspace_id}/publishing/posts/{post_id}/move") in checked
    assert ("POST", "/w/{workspace_id}/publishing/accounts") in checked
    assert _counts(app) == before
    # the same ids are real: A's owner reaches them
    client.cookies.clear()
    login(client, "a@example.org")
    assert client.get(_fill("/w/{workspace_id}/campaigns/{campaign_id}", ids)).status_code == 200
    assert client.get(_fill("/api/jobs/{job_id}", ids)).status_code == 200
    assert client.get(_fill("/w/{workspace_id}/publishing/posts/{post_id}", ids)
                      ).status_code == 200


def test_b_own_ids_do_not_open_a_items_through_b_workspace(app: FastAPI, client: TestClient,
                                                           make_user: Any, login: Any,
                                                           csrf: Any) -> None:
    """B is a member of B: A's item ids under B's workspace id must not resolve."""
    ids = _seed_a(app, make_user)
    b = make_user("b@example.org", workspace="Workspace B")
    before = _counts(app)
    login(client, b.email)
    token = csrf(client)
    crossed = {**ids, "workspace_id": b.workspace_id}
    for method, path in _routes(app):
        if "{workspace_id}" not in path or path.count("{") < 2:
            continue
        url = _fill(path, crossed)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.request(method, url, data={"csrf_token": token},
                                      headers={"x-csrf-token": token})
        assert 400 <= response.status_code < 500, f"{method} {path}: {response.status_code}"
        if response.status_code not in (403, 404):  # refused for another reason: nothing done
            assert _counts(app) == before, f"{method} {path} changed A's data"
    assert _counts(app) == before


def test_signed_out_visitors_reach_only_public_routes(app: FastAPI, client: TestClient,
                                                      make_user: Any, csrf: Any) -> None:
    ids = _seed_a(app, make_user)
    token = csrf(client)
    for method, path in _routes(app):
        if path in PUBLIC or path.startswith(("/static", SHARE)):
            continue
        url = _fill(path, ids)
        if path.startswith(PUBLIC_PREFIX):  # no such page: the same 404 signed in or not
            response = client.request(method, url, data={"csrf_token": token},
                                      headers={"x-csrf-token": token})
            assert response.status_code == 404, f"{method} {path}: {response.status_code}"
            continue
        if method == "GET":
            response = client.get(url)
            assert response.status_code in (303, 401), f"{method} {path}"
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login")
        else:
            response = client.request(method, url, data={"csrf_token": token},
                                      headers={"x-csrf-token": token})
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"


# --- client review links ---------------------------------------------------------------------

def _share_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = [(m, p) for m, p in _routes(app) if p.startswith(SHARE)]
    assert ("GET", "/s/{token}") in found and ("POST", "/s/{token}/decision") in found
    return found


def _walk_link(client: TestClient, app: FastAPI, token: str, ids: dict[str, Any],
               csrf_token: str) -> list[int]:
    """Every public link route with ``token``: the statuses."""
    statuses = []
    for method, path in _share_routes(app):
        url = _fill(path, ids | {"token": token})
        if method == "GET":
            response = client.get(url)
        else:
            response = client.request(method, url, data={
                "csrf_token": csrf_token, "name": "Mallory", "body": "x", "t_start": "1",
                "decision": "approved", "password": "guess"})
        statuses.append(response.status_code)
    return statuses


def test_a_share_link_reaches_its_own_version_only(app: FastAPI, client: TestClient,
                                                    make_user: Any, csrf: Any) -> None:
    a = make_user("a@example.org", workspace="Workspace A")
    made = rendered_cut(app, a.workspace_id, a.user_id, versions=2)
    other = rendered_cut(app, a.workspace_id, a.user_id)  # another cut of the same workspace
    with app.state.sessions() as db:
        v1 = db.get(CutVersion, made["versions"][0])
        _, token = sharing.create_link(db=db, version=v1, user_id=a.user_id, days=3)
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert f"/s/{token}/variants/{made['variants'][0]}/video" in page.text
    assert client.get(f"/s/{token}/variants/{made['variants'][0]}/video").content == \
        b"version 1"
    for variant in (made["variants"][1], other["variants"][0]):  # v2, and another cut
        assert client.get(f"/s/{token}/variants/{variant}/video").status_code == 404
    token_csrf = csrf(client)
    sent = client.post(f"/s/{token}/comments", data={
        "csrf_token": token_csrf, "name": "Claire (client)", "body": "Logo later",
        "t_start": "2.5", "version_id": str(made["versions"][1])})
    assert sent.status_code == 303
    decided = client.post(f"/s/{token}/decision", data={
        "csrf_token": token_csrf, "name": "Claire (client)", "decision": "changes"})
    assert decided.status_code == 303
    with app.state.sessions() as db:
        comments = db.scalars(select(Comment)).all()
        assert [(c.version_id, c.guest_name, c.author_id) for c in comments] == \
            [(made["versions"][0], "Claire (client)", None)]
        decisions = {v.id: v.decision for v in db.scalars(select(CutVersion))}
    assert decisions[made["versions"][0]] == "changes"
    assert decisions[made["versions"][1]] == "pending"
    # without the token, nothing: a near-miss token, an empty one, a huge one
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "y" * 5000):
        assert client.get(f"/s/{bad}").status_code == 404


def test_revoked_expired_and_unknown_links_are_refused_on_every_route(
        app: FastAPI, client: TestClient, other_client: TestClient, make_user: Any,
        login: Any, csrf: Any) -> None:
    from datetime import timedelta

    from coulisses.studio.tables import utcnow

    a = make_user("a@example.org", workspace="Workspace A")
    made = rendered_cut(app, a.workspace_id, a.user_id)
    ids = {"variant_id": made["variants"][0]}
    with app.state.sessions() as db:
        version = db.get(CutVersion, made["versions"][0])
        revoked, revoked_token = sharing.create_link(db=db, version=version, user_id=a.user_id,
                                                     days=3)
        expired, expired_token = sharing.create_link(db=db, version=version, user_id=a.user_id,
                                                     days=3)
        expired.expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
        revoked_id = revoked.id
    assert client.get(f"/s/{revoked_token}").status_code == 200  # live until revoked
    login(other_client, a.email)
    revoke = other_client.post(f"/w/{a.workspace_id}/shares/{revoked_id}/revoke",
                               data={"csrf_token": csrf(other_client)})
    assert revoke.status_code == 303
    before = _counts(app)
    token_csrf = csrf(client)
    for token in (revoked_token, expired_token, "no-such-token"):
        statuses = _walk_link(client, app, token, ids, token_csrf)
        assert set(statuses) == {404}, (token, statuses)
        page = client.get(f"/s/{token}")
        assert "revoked" not in page.text.lower() and "expired" not in page.text.lower()
    assert _counts(app) == before


def test_another_workspace_cannot_make_or_revoke_links(app: FastAPI, client: TestClient,
                                                       make_user: Any, login: Any,
                                                       csrf: Any) -> None:
    ids = _seed_a(app, make_user)
    b = make_user("b@example.org", workspace="Workspace B")
    login(client, b.email)
    token = csrf(client)
    with app.state.sessions() as db:
        links = db.scalar(select(func.count(ShareLink.id)))
    for url in (f"/w/{b.workspace_id}/versions/{ids['version_id']}/share",
                f"/w/{ids['workspace_id']}/versions/{ids['version_id']}/share",
                f"/w/{b.workspace_id}/shares/{ids['link_id']}/revoke",
                f"/w/{ids['workspace_id']}/shares/{ids['link_id']}/revoke"):
        assert client.post(url, data={"csrf_token": token, "days": "3"}).status_code == 404
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(ShareLink.id))) == links
        assert db.scalars(select(ShareLink.revoked_at)).all() == [None]
