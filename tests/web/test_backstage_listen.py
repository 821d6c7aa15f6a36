"""Listening over HTTP: the team records a decision that closes a poll and it shows on the
public page's timeline (team-only ones do not); the conversation map groups the comments;
reviewers read both but record nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.backstage import challenge, comments, page, polls
from coulisses.backstage.tables import BackstagePage, Poll
from coulisses.studio.tables import Campaign, utcnow


@pytest.fixture
def seeded(app: FastAPI, make_user: Any) -> dict[str, Any]:
    from coulisses.campaign.template import example_text

    owner = make_user("owner@example.org")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        now = utcnow()
        poll = polls.create_poll(db, page_id=the_page.id, question="Which cover?",
                                 options=[polls.OptionSpec("Red"), polls.OptionSpec("Blue")],
                                 opens_at=now - timedelta(hours=1),
                                 closes_at=now + timedelta(days=1), results="after_close")
        db.commit()
        return {"slug": the_page.slug, "poll_id": poll.id, "campaign_id": campaign.id,
                "owner": owner.email, "options": [o.id for o in polls.options_of(db, poll)],
                "base": f"/w/{owner.workspace_id}/campaigns/{campaign.id}/backstage"}


def test_a_decision_closes_its_poll_and_shows_on_the_public_timeline(
        client: TestClient, other_client: TestClient, app: FastAPI, seeded: dict[str, Any],
        login: Any, post: Any) -> None:
    team = login(other_client, seeded["owner"])
    form = team.get(seeded["base"] + "/decisions")
    assert form.status_code == 200 and "Which cover?" in form.text
    made = post(team, seeded["base"] + "/decisions", {
        "option_id": f"{seeded['poll_id']}:{seeded['options'][0]}",
        "decision": "The <b>red</b> cover it is", "reason": "You chose it.", "public": "1"})
    assert made.status_code == 303
    assert post(team, seeded["base"] + "/decisions", {"decision": "Budget talk"}
                ).status_code == 303  # not public: the box was not ticked
    with app.state.sessions() as db:
        poll = db.get(Poll, seeded["poll_id"])
        assert poll is not None and poll.closes_at <= utcnow()
    shown = client.get(f"/b/{seeded['slug']}").text
    assert "The &lt;b&gt;red&lt;/b&gt; cover it is" in shown and "You chose it." in shown
    assert "“Red” won" in shown and "Budget talk" not in shown
    assert "Budget talk" in team.get(seeded["base"] + "/decisions").text
    french = client.get(f"/b/{seeded['slug']}?lang=fr").text
    assert "« Red » l’a emporté" in french
    bad = post(team, seeded["base"] + "/decisions", {"decision": ""})
    assert bad.status_code == 400


def test_the_map_groups_the_comments_and_offers_a_decision_per_group(
        other_client: TestClient, app: FastAPI, seeded: dict[str, Any], login: Any,
        make_user: Any, post: Any) -> None:
    pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
    with app.state.sessions() as db:
        the_page = db.query(BackstagePage).one()
        for i, body in enumerate(["The music is great", "Love this song and music",
                                  "Happy ending please", "The ending must be happy"]):
            comments.post(db, page=the_page, visitor=challenge.visitor(the_page.secret, None),
                          address=f"10.1.{i}.1", body=body, now=utcnow())
    team = login(other_client, seeded["owner"])
    shown = team.get(seeded["base"] + "/map")
    assert shown.status_code == 200
    assert "4 comments, 4 not answered yet, in 2 groups." in shown.text
    assert len(re.findall(r'name="comment" value="\d+"', shown.text)) == 4
    assert "music" in shown.text and "ending" in shown.text
    french = team.get(seeded["base"] + "/map?lang=fr")
    assert "De quoi les gens parlent" in french.text
    make_user("rev@example.org", role="reviewer")
    other_client.cookies.clear()
    login(other_client, "rev@example.org")
    assert other_client.get(seeded["base"] + "/map").status_code == 200
    assert post(other_client, seeded["base"] + "/decisions", {"decision": "x"}
                ).status_code == 403


def test_public_views_are_counted_and_reach_the_campaigns_kpi_report(
        client: TestClient, other_client: TestClient, app: FastAPI, seeded: dict[str, Any],
        login: Any, settings: Any) -> None:
    from coulisses.backstage.tables import PageViews
    from coulisses.kpi.store import open_store

    for _ in range(3):
        assert client.get(f"/b/{seeded['slug']}").status_code == 200
    assert not any(c.startswith("coulisses_visitor") for c in client.cookies)  # no cookie
    team = login(other_client, seeded["owner"])
    assert team.get(seeded["base"] + "/preview").status_code == 200  # the team's: not counted
    with app.state.sessions() as db:
        assert [r.views for r in db.query(PageViews).all()] == [3]
    workspace_id = seeded["base"].split("/")[2]
    store = settings.data_dir / "workspaces" / workspace_id / "analytics.duckdb"
    open_store(store).close()
    report = team.get(f"/w/{workspace_id}/results/{seeded['campaign_id']}/report")
    assert report.status_code == 200
    assert "Backstage page" in report.text and "Page views" in report.text
    assert re.search(r"Page views</td><td class=\"num\">3<", report.text)


def test_the_page_may_be_framed_only_by_the_sites_the_team_lists(
        client: TestClient, other_client: TestClient, seeded: dict[str, Any], login: Any,
        post: Any) -> None:
    from coulisses.web.error_text import french

    shown = client.get(f"/b/{seeded['slug']}")
    assert "frame-ancestors 'none'" in shown.headers["content-security-policy"]
    assert shown.headers["x-frame-options"] == "DENY"
    team = login(other_client, seeded["owner"])
    form = {"title": "Cités", "lang": "en", "moderation": "pre"}
    saved = post(team, seeded["base"] + "/settings",
                 {**form, "embed": "https://brand.example\nhttps://fans.example"})
    assert saved.status_code == 303
    framed = client.get(f"/b/{seeded['slug']}")
    csp = framed.headers["content-security-policy"]
    assert "frame-ancestors https://brand.example https://fans.example" in csp
    assert "script-src 'self'" in csp
    refused = post(team, seeded["base"] + "/settings", {**form, "embed": "https://x.example/p"})
    assert refused.status_code == 400 and "not a site&#39;s origin" in refused.text
    assert french("'x' is not a site's origin") == "'x' n'est pas l'origine d'un site"


def test_platform_tallies_typed_by_the_team_show_beside_the_pages_own(
        client: TestClient, other_client: TestClient, seeded: dict[str, Any], login: Any,
        post: Any) -> None:
    team = login(other_client, seeded["owner"])
    red, blue = seeded["options"]
    url = seeded["base"] + f"/polls/{seeded['poll_id']}/platform"
    sent = post(team, url, {"channel": "instagram_story", f"votes_{red}": "1 200",
                            f"votes_{blue}": "800", "estimated": "1"})
    assert sent.status_code == 303
    assert "Instagram story: Red 1200 · Blue 800 (estimated)" in team.get(
        seeded["base"] + "/decisions").text
    assert post(team, url, {"channel": "instagram", f"votes_{red}": "-3"}).status_code == 400
    hidden = client.get(f"/b/{seeded['slug']}").text  # results only after the poll closes
    assert "Instagram story" not in hidden
    post(team, seeded["base"] + "/decisions", {"option_id": f"{seeded['poll_id']}:{red}",
                                               "decision": "Red", "public": "1"})
    shown = client.get(f"/b/{seeded['slug']}").text
    assert "On other platforms" in shown and "typed in by the team" in shown
    assert "Instagram story: Red 1200 · Blue 800 (estimated)" in shown
    french = client.get(f"/b/{seeded['slug']}?lang=fr").text
    assert "Story Instagram : " not in french and "Story Instagram: Red 1200" in french
    assert "(estimé)" in french


def test_the_map_says_what_most_agree_on_and_what_divides_them(
        other_client: TestClient, app: FastAPI, seeded: dict[str, Any], login: Any) -> None:
    pytest.importorskip("sentence_transformers", reason="needs coulisses[embeddings]")
    from coulisses.backstage.tables import Vote

    music = ["I love the music", "The music is amazing", "Great music, love it",
             "Such a beautiful song", "Love this track so much", "The song is perfect"]
    with app.state.sessions() as db:
        the_page = db.query(BackstagePage).one()
        for i, body in enumerate(music):
            comments.post(db, page=the_page, visitor=challenge.visitor(the_page.secret, None),
                          address=f"10.2.{i}.1", body=body, now=utcnow())
        red, blue = seeded["options"]
        db.add_all([Vote(poll_id=seeded["poll_id"], option_id=red if i % 2 else blue,
                         voter=f"v{i}") for i in range(20)])  # 10 to 10: a split
        db.commit()
    team = login(other_client, seeded["owner"])
    shown = team.get(seeded["base"] + "/map").text
    agreed = shown.split("What most people agree on")[1].split("What divides them")[0]
    # the six may form one group or two; a group of five or more is needed to say anything
    assert re.search(r"music[^<]*: 100 % of the [56] who took a side are for it", agreed)
    divided = shown.split("What divides them")[1].split("What people talk about")[0]
    assert "“Which cover?”: “Red” 50 %, “Blue” 50 % (20 votes)" in divided
    french = team.get(seeded["base"] + "/map?lang=fr").text
    assert "Ce sur quoi la plupart s’accordent" in french
    assert re.search(r"100 % des [56] qui ont pris parti sont pour", french)
    assert "« Which cover? » : « Red » 50 %, « Blue » 50 % (20 votes)" in french
