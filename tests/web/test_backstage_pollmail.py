"""A high-stakes poll over HTTP: the team marks it in the poll form, a visitor gives an e-mail
address with the vote, is told to open the link, the link arrives through a real SMTP server
(aiosmtpd), opening it makes the vote count once; replayed or forged links answer like any
unknown address; the results say that unconfirmed votes are not counted."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from coulisses.backstage import challenge, page, polls, votes
from coulisses.backstage.tables import Poll
from coulisses.studio import mail
from coulisses.studio.tables import Campaign, utcnow
from smtpbox import Inbox, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def seeded(app: FastAPI, make_user: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from coulisses.campaign.template import example_text

    # tests vote right after loading the page; a person takes longer than the check asks
    monkeypatch.setattr(votes, "LIMITS", dataclasses.replace(votes.LIMITS, min_seconds=0.0))
    owner = make_user("owner@example.org")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        now = utcnow()
        poll = polls.create_poll(db, page_id=the_page.id, question="Which ending?",
                                 options=[polls.OptionSpec("Happy"), polls.OptionSpec("Open")],
                                 opens_at=now - timedelta(hours=1),
                                 closes_at=now + timedelta(days=1), results="live",
                                 verify_email=True)
        db.commit()
        return {"slug": the_page.slug, "poll_id": poll.id, "campaign_id": campaign.id,
                "workspace_id": owner.workspace_id, "owner": owner.email,
                "options": [o.id for o in polls.options_of(db, poll)]}


def _vote(client: TestClient, seeded: dict[str, Any], email: str, option: int = 0,
          lang: str = "en") -> Any:
    html = client.get(f"/b/{seeded['slug']}?lang={lang}").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    found = re.search(r'name="challenge" value="([^"]+)"', html)
    assert token and found, html[:300]
    data = {"csrf_token": token.group(1), "option": str(seeded["options"][option]),
            "challenge": found.group(1), "solution": str(challenge.solve(found.group(1))),
            "email": email}
    return client.post(f"/b/{seeded['slug']}/polls/{seeded['poll_id']}/vote", data=data)


def _deliver(app: FastAPI, port: int) -> int:
    settings = dataclasses.replace(app.state.settings, smtp_host="127.0.0.1", smtp_port=port,
                                   smtp_from="studio@example.org",
                                   public_url="https://studio.example.org")
    return mail.deliver(app.state.sessions, settings)


def _link(inbox: Inbox, to: str) -> str:
    [message] = [m for rcpt, m in inbox.messages if rcpt == [to]]
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https://studio\.example\.org(/b/\S+/confirm/\d+\?t=\S+)", body)
    assert found, body
    return found.group(1)


def test_a_vote_counts_once_its_voter_opens_the_link_that_arrives(
        client: TestClient, app: FastAPI, seeded: dict[str, Any],
        smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    shown = client.get(f"/b/{seeded['slug']}").text
    assert 'type="email" name="email" required' in shown
    assert "Only votes confirmed by e-mail are counted" in shown
    held = _vote(client, seeded, "Zoe@Example.org")
    assert held.status_code == 303 and "m=unverified" in held.headers["location"]
    told = client.get(held.headers["location"]).text
    assert "we sent you an e-mail" in told and "not confirmed by e-mail: 1" in told
    assert _deliver(app, port) == 1
    link = _link(inbox, "zoe@example.org")
    opened = client.get(link)
    assert opened.status_code == 303 and "m=verified" in opened.headers["location"]
    told = client.get(opened.headers["location"]).text
    assert "your vote is confirmed and counts" in told
    assert "100 % (1)" in told and "not confirmed" not in told.split("Results")[1][:400]
    # the same link again, a forged one, and an unknown address answer alike
    unknown = client.get("/b/AAAAAAAAAAAAAAAAAAAAAA")
    replayed = client.get(link)
    forged = client.get(link[:-6] + "000000")
    assert replayed.status_code == forged.status_code == unknown.status_code == 404
    assert replayed.text == forged.text == unknown.text


def test_a_second_address_vote_from_another_browser_does_not_count(
        app: FastAPI, seeded: dict[str, Any], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    phone, laptop = TestClient(app, follow_redirects=False), \
        TestClient(app, follow_redirects=False)
    _vote(phone, seeded, "sam@example.org")
    assert _deliver(app, port) == 1
    assert "m=verified" in phone.get(_link(inbox, "sam@example.org")).headers["location"]
    again = _vote(laptop, seeded, "SAM@example.org", option=1)
    assert "m=email_used" in again.headers["location"]
    assert "already counts in this poll" in laptop.get(again.headers["location"]).text
    assert _deliver(app, port) == 0  # no second message
    with app.state.sessions() as db:
        poll = db.get(Poll, seeded["poll_id"])
        assert poll is not None
        tally = polls.tally(db, poll)
        assert [n for _, n in tally.counts] == [1, 0] and tally.excluded == {"email_used": 1}


def test_without_an_address_the_voter_is_told_in_their_language(
        client: TestClient, seeded: dict[str, Any]) -> None:
    french = client.get(f"/b/{seeded['slug']}?lang=fr").text
    assert "Votre adresse e-mail" in french and "confirmés par e-mail" in french
    client.headers["accept-language"] = "fr"
    missing = _vote(client, seeded, "", lang="fr")
    assert missing.status_code == 400
    assert "donnez votre adresse e-mail" in missing.text


def test_the_team_marks_a_poll_high_stakes_in_its_form(
        client: TestClient, app: FastAPI, seeded: dict[str, Any], login: Any,
        post: Any) -> None:
    login(client, seeded["owner"])
    base = f"/w/{seeded['workspace_id']}/campaigns/{seeded['campaign_id']}/backstage"
    form = client.get(base).text
    assert 'name="verify_email"' in form
    fields = {"opens": "2026-01-01T10:00", "closes": "2030-01-01T10:00", "results": "live",
              "retention": "7", "label_0": "A", "label_1": "B"}
    refused = post(client, base + "/polls", {**fields, "question": "Cover?",
                                             "verify_email": "1"})
    assert refused.status_code == 400 and "set smtp_host, public_url first" in refused.text
    from dataclasses import replace

    app.state.settings = replace(app.state.settings, smtp_host="127.0.0.1",
                                 public_url="http://testserver")
    assert post(client, base + "/polls", {**fields, "question": "Cover?",
                                          "verify_email": "1"}).status_code == 303
    assert post(client, base + "/polls", {**fields, "question": "Place?"}).status_code == 303
    with app.state.sessions() as db:
        marked = dict(db.execute(select(Poll.question, Poll.verify_email)).all())
    assert marked["Cover?"] is True and marked["Place?"] is False
    assert "votes confirmed by e-mail" in client.get(base).text
