"""A challenge's KPIs: entries, valid entries, entrants (by digest), completion of consent
(withdrawn entries aside), the visible shortlist and the counted public votes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from jury_seed import seed_challenge

from coulisses.backstage import page, polls
from coulisses.backstage.tables import Vote
from coulisses.campaign.template import example_text, load_example
from coulisses.challenges import kpis, vote
from coulisses.challenges.entry import EntryRecord
from coulisses.settings import Settings
from coulisses.studio.tables import Campaign, utcnow


def _record(public_id: str, *, qc: bool, rank: int | None) -> EntryRecord:
    return EntryRecord(id=public_id, file="x.mp4", status="triaged", consent="complete",
                       qc_passed=qc, qc_reasons=(), duplicate_group=None, duplicate_of=None,
                       relevance=0.9, relevance_reason="", shortlisted=rank is not None,
                       rank=rank, exclusion="", duration_s=10.0)


def test_a_challenge_s_kpis(app: FastAPI, make_user: Any, settings: Settings) -> None:
    owner = make_user("owner@example.org")
    with app.state.sessions() as db:
        campaign = Campaign(workspace_id=owner.workspace_id, name="Cités", filename="c.yaml",
                            source=example_text("casting-series-fr"), version_id=1)
        db.add(campaign)
        db.flush()
        row = seed_challenge(db, owner.workspace_id, settings.data_dir, campaign.id)
        c = row.id
        records = [_record(f"e1-{c}", qc=True, rank=1), _record(f"e2-{c}", qc=True, rank=2),
                   _record(f"e3-{c}", qc=False, rank=None),
                   _record(f"e5-{c}", qc=True, rank=3),  # no consent: not in the shortlist
                   _record(f"e6-{c}", qc=True, rank=None)]
        before = kpis.measure(db, row, records)
        assert before == kpis.ChallengeKpis("casting", entries=6, valid_entries=4, entrants=6,
                                            consent_completion=4 / 5, shortlist=2, votes=None)
        rules = next(x for x in load_example("casting-series-fr").challenges
                     if x.id == "casting")
        now = utcnow()
        poll = vote.open_vote(db, row, rules, records, page=page.page_for(db, campaign),
                              data_dir=settings.data_dir, opens_at=now - timedelta(hours=1),
                              closes_at=now + timedelta(days=1))
        first, second = (o.id for o in polls.options_of(db, poll))
        db.add_all([Vote(poll_id=poll.id, option_id=first), Vote(poll_id=poll.id,
                                                                  option_id=second),
                    Vote(poll_id=poll.id, option_id=first, counted=False, reason="burst")])
        db.commit()
        after = kpis.measure(db, row, records)
        assert after.votes == 2  # the excluded vote never counts
        metrics = {m.id: m.value for m in kpis.own_metrics(after)}
        assert metrics["casting_entries"] == 6.0  # the example campaign's own KPI
        assert metrics["casting_consent_completion"] == 80.0
        assert set(metrics) == {f"casting_{k}" for k in kpis.MEASURES}
