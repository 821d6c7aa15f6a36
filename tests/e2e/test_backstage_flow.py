"""The backstage page in Chromium at a phone's size (390x844) and a desktop's: a visitor
reads it, votes (the page's script solves the proof of work), is told the vote counted, votes
again and is told it did not, comments and is told it is held; a team member approves it and
replies, and the visitor sees the reply marked as the team's. Every control has a label,
nothing scrolls sideways."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from test_studio_flow import _labelled

pytestmark = pytest.mark.slow
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _seed(database_url: str) -> tuple[str, str, int]:
    """An owner, the example campaign and its published page with an open poll:
    (slug, campaign path in the studio, workspace id)."""
    from coulisses.backstage import page, polls
    from coulisses.campaign.template import example_text
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import Campaign, Membership, User, Workspace, utcnow
    from coulisses.web.security import hash_password

    engine, sessions = open_database(database_url)
    with sessions() as db:
        space = Workspace(name="Cinéquartiers")
        user = User(email="team@example.org", name="Team Zoé",
                    password_hash=hash_password("a long enough pass"), lang="")
        db.add_all([space, user])
        db.flush()
        db.add(Membership(workspace_id=space.id, user_id=user.id, role="owner"))
        campaign = Campaign(workspace_id=space.id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        now = utcnow()
        polls.create_poll(db, page_id=the_page.id, question="Which ending?",
                          options=[polls.OptionSpec("Happy ending"),
                                   polls.OptionSpec("Open ending")],
                          opens_at=now - timedelta(minutes=5),
                          closes_at=now + timedelta(days=1), results="after_vote")
        db.commit()
        out = (the_page.slug, f"/w/{space.id}/campaigns/{campaign.id}/backstage", space.id)
    engine.dispose()
    return out


def _vote(page: Any, label: str) -> None:
    page.get_by_label(label).check()
    page.wait_for_timeout(1700)  # a person reads the options (faster is "too fast")
    with page.expect_navigation():  # the script solves the proof of work, then submits
        page.get_by_role("button", name="Vote").click()


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_visitor_votes_comments_and_the_team_answers(
        server: str, database_url: str, browser: Any, shots: Any,
        screen: dict[str, int]) -> None:
    slug, team_path, _ = _seed(database_url)
    phone = screen is PHONE
    visitor = browser.new_context(viewport=screen, is_mobile=phone,
                                  has_touch=phone).new_page()
    visitor.set_default_timeout(20_000)
    visitor.goto(f"{server}/b/{slug}")
    _labelled(visitor)
    assert visitor.evaluate("document.documentElement.scrollWidth") <= screen["width"]
    shots(visitor, "1-page")
    _vote(visitor, "Happy ending")
    assert "your vote counted" in visitor.get_by_role("status").first.inner_text()
    assert "Results" in visitor.content()
    _vote(visitor, "Open ending")
    assert "already voted" in visitor.get_by_role("status").first.inner_text()
    shots(visitor, "2-voted-twice")

    comment_box = visitor.locator("#body-page")
    comment_box.fill("Can we see the casting day? <b>please</b>")
    visitor.locator("form.bs-comment").last.get_by_role("button", name="Send").click()
    visitor.wait_for_url(re.compile(r"m=comment_held"))
    assert "once the team has read it" in visitor.content()

    team = browser.new_page()
    team.set_default_timeout(20_000)
    team.goto(f"{server}/login")
    team.get_by_label("Email").fill("team@example.org")
    team.get_by_label("Password").fill("a long enough pass")
    team.get_by_role("button", name="Sign in").click()
    team.wait_for_url(re.compile(r"/w/\d+|/workspaces"))
    team.goto(f"{server}{team_path}/moderation")
    _labelled(team)
    assert "Can we see the casting day? <b>please</b>" in team.inner_text("main")
    team.locator("input[name=comment]").first.check()
    team.get_by_role("button", name="Approve").click()
    team.wait_for_url(re.compile(r"/moderation$"))
    team.get_by_label("Reply as the team").first.fill("Yes: Thursday, two interviews.")
    team.get_by_role("button", name="Reply as the team").first.click()
    team.wait_for_url(re.compile(r"/moderation$"))

    visitor.goto(f"{server}/b/{slug}")
    body = visitor.inner_text("main")
    assert "Can we see the casting day? <b>please</b>" in body
    assert "Yes: Thursday, two interviews." in body
    assert visitor.locator(".bs-team").count() == 1
    shots(visitor, "3-answered")


def _listened(database_url: str, slug: str) -> None:
    """What the page shows once people have taken part: a visible comment with the team's
    reply, a live poll with results and a platform's tally, a decision on the timeline."""
    from sqlalchemy import select

    from coulisses.backstage import challenge, comments, decisions, platform_tallies, polls
    from coulisses.backstage.tables import BackstagePage, Vote
    from coulisses.studio.db import open_database
    from coulisses.studio.tables import utcnow

    engine, sessions = open_database(database_url)
    with sessions() as db:
        the_page = db.scalars(select(BackstagePage).where(BackstagePage.slug == slug)).one()
        now = utcnow()
        live = polls.create_poll(db, page_id=the_page.id, question="Which cover?",
                                 options=[polls.OptionSpec("Red"), polls.OptionSpec("Blue")],
                                 opens_at=now - timedelta(minutes=5),
                                 closes_at=now + timedelta(days=1), results="live")
        red = polls.options_of(db, live)[0]
        db.add(Vote(poll_id=live.id, option_id=red.id, voter="someone"))
        platform_tallies.enter(db, live, "instagram_story", {red.id: 120}, estimated=True,
                               user_id=None, now=now)
        said = comments.post(db, page=the_page, visitor=challenge.visitor(the_page.secret, None),
                             address="10.0.0.9", body="More of the casting, please!", now=now)
        comments.moderate(db, page=the_page, comment_ids=[said.id], action="approve",
                          user_id=None, now=now)
        comments.reply(db, page=the_page, parent_id=said.id, body="Coming on Friday.",
                       user_id=None, name="Team", now=now)
        decisions.record(db, the_page, decision="A longer casting scene", poll_id=live.id,
                         option_id=red.id, reason="Most of you asked for it.", now=now)
        db.commit()
    engine.dispose()


def test_the_public_page_a_poll_and_the_listening_pages_pass_axe(
        server: str, database_url: str, browser: Any, shots: Any) -> None:
    from test_studio_pages import _axe

    slug, team_path, _ = _seed(database_url)
    _listened(database_url, slug)
    visitor = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    visitor.set_default_timeout(20_000)
    found: list[str] = []
    for lang in ("en", "fr"):
        visitor.goto(f"{server}/b/{slug}?lang={lang}")
        found += _axe(visitor)
        assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shots(visitor, f"axe-page-{lang}")
    visitor.goto(f"{server}/b/{slug}?lang=en")
    visitor.get_by_label("Happy ending").check()  # a poll as a voter sees it: told, results
    visitor.wait_for_timeout(1700)
    with visitor.expect_navigation():
        visitor.get_by_role("group", name="Which ending?").get_by_role("button").click()
    assert "your vote counted" in visitor.get_by_role("status").first.inner_text()
    found += _axe(visitor)
    shots(visitor, "axe-voted")
    team = browser.new_page(viewport=DESKTOP)
    team.set_default_timeout(20_000)
    team.goto(f"{server}/login")
    team.get_by_label("Email").fill("team@example.org")
    team.get_by_label("Password").fill("a long enough pass")
    team.get_by_role("button", name="Sign in").click()
    team.wait_for_url(re.compile(r"/w/\d+|/workspaces"))
    for name in ("decisions", "map"):
        team.goto(f"{server}{team_path}/{name}", timeout=90_000)  # the map loads its model
        _labelled(team)
        found += _axe(team)
        shots(team, f"axe-{name}")
    assert found == []
