"""The public vote on a challenge's shortlist: a backstage poll (its engine, its fraud
defences) with one clip per visible shortlisted entry; a withdrawn entry leaves it at once."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jury_seed import seed_challenge

from coulisses.backstage import challenge, page, polls, votes
from coulisses.backstage.tables import BackstagePage, Vote
from coulisses.campaign.schema import Challenge
from coulisses.campaign.template import example_text, load_example
from coulisses.challenges import vote
from coulisses.challenges.consent import withdraw
from coulisses.challenges.entry import EntryRecord
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import ConflictError, UsageError
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, utcnow


def _casting() -> Challenge:
    return next(c for c in load_example("casting-series-fr").challenges if c.id == "casting")


def _records(cid: int) -> list[EntryRecord]:
    out = []
    for rank, name in enumerate(("e2", "e1", "e5", "e3"), start=1):  # e5: no consent
        out.append(EntryRecord(id=f"{name}-{cid}", file=f"{name}.mp4", status="triaged",
                               consent="complete", qc_passed=True, qc_reasons=(),
                               duplicate_group=None, duplicate_of=None, relevance=0.9,
                               relevance_reason="on the brief", shortlisted=True, rank=rank,
                               exclusion="", duration_s=12.5))
    return out


@pytest.fixture
def world(app: FastAPI, make_user: Any, settings: Settings) -> dict[str, Any]:
    owner = make_user("owner@example.org")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        the_page = page.page_for(db, campaign)
        the_page.published = True
        row = seed_challenge(db, owner.workspace_id, settings.data_dir, campaign.id)
        return {"cid": row.id, "page_id": the_page.id, "slug": the_page.slug}


def _open(db: Any, world: dict[str, Any], settings: Settings, rules: Challenge | None = None,
          lang: str = "en") -> Any:
    row = db.get(ChallengeRow, world["cid"])
    now = utcnow()
    return vote.open_vote(db, row, rules or _casting(), _records(world["cid"]),
                          page=db.get(BackstagePage, world["page_id"]),
                          data_dir=settings.data_dir, opens_at=now - timedelta(minutes=1),
                          closes_at=now + timedelta(days=2), lang=lang)


def test_the_vote_is_a_backstage_poll_of_the_visible_shortlist(
        app: FastAPI, world: dict[str, Any], settings: Settings) -> None:
    with app.state.sessions() as db:
        poll = _open(db, world, settings, lang="fr")
        db.commit()
        options = polls.options_of(db, poll)
        assert [o.label for o in options] == ["Candidature 1", "Candidature 2",
                                              "Candidature 3"]
        assert all(o.kind == "clip" and o.t_end == 12.5 for o in options)
        assert [o.media.rsplit("/", 1)[-1] for o in options] == ["e2.mp4", "e1.mp4", "e3.mp4"]
        assert poll.results == "after_close"  # no bandwagon while the vote is open
        assert poll.question.startswith("Qui doit avoir le rôle ?")
        with pytest.raises(ConflictError):
            _open(db, world, settings)


def test_no_vote_unless_the_challenge_says_so(app: FastAPI, world: dict[str, Any],
                                              settings: Settings) -> None:
    with app.state.sessions() as db, pytest.raises(UsageError, match="public_vote"):
        _open(db, world, settings, rules=_casting().model_copy(update={"public_vote": False}))


def test_a_withdrawn_entry_leaves_the_vote_at_once_with_its_votes(
        app: FastAPI, client: TestClient, world: dict[str, Any], settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(votes, "LIMITS", replace(votes.LIMITS, min_seconds=0.0))
    with app.state.sessions() as db:
        poll = _open(db, world, settings)
        db.commit()
        poll_id, first = poll.id, polls.options_of(db, poll)[0].id
    html = client.get(f"/b/{world['slug']}").text  # the page's own vote, its defences
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    found = re.search(r'name="challenge" value="([^"]+)"', html)
    assert token and found
    cast = client.post(f"/b/{world['slug']}/polls/{poll_id}/vote", data={
        "csrf_token": token.group(1), "option": str(first), "challenge": found.group(1),
        "solution": str(challenge.solve(found.group(1)))})
    assert cast.status_code in (200, 303)
    clip = client.get(f"/b/{world['slug']}/options/{first}/media")  # the page plays the entry
    assert clip.status_code == 200 and clip.content.endswith(b"e2")
    with app.state.sessions() as db:
        row = db.get(ChallengeRow, world["cid"])
        assert next((s.public_id, s.votes) for s in vote.results(db, row)) == \
            (f"e2-{world['cid']}", 1)
        e2 = db.query(ChallengeEntry).filter_by(public_id=f"e2-{world['cid']}").one()
        withdraw(e2)
        assert vote.remove_entry(db, e2) == 1
        db.commit()
        left = polls.options_of(db, db.get(type(poll), poll_id))
        assert [o.label for o in left] == ["Entry 2", "Entry 3"]
        assert db.query(Vote).filter_by(poll_id=poll_id).count() == 0
        assert all(s.public_id != e2.public_id for s in vote.results(db, row))
