"""The decision log: a decision on a poll keeps the tally of that moment and closes the poll;
one on a conversation group answers its comments; only public ones reach the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from backstageworld import World

from coulisses.backstage import challenge, comments, decisions, polls
from coulisses.backstage.tables import Vote
from coulisses.errors import NotFoundError, UsageError
from coulisses.studio.tables import Cut, Rush


def _votes(w: World, counts: list[int]) -> None:
    for option, n in zip(polls.options_of(w.db, w.poll), counts, strict=True):
        for i in range(n):
            w.db.add(Vote(poll_id=w.poll.id, option_id=option.id, voter=f"v{option.id}-{i}"))
    w.db.commit()


def test_a_decision_on_a_poll_keeps_its_tally_names_the_winner_and_closes_it(
        world: World) -> None:
    _votes(world, [3, 1])
    red = polls.options_of(world.db, world.poll)[0]
    made = decisions.record(world.db, world.page, decision="The red cover it is.",
                            reason="Three of you out of four chose it.", poll_id=world.poll.id,
                            option_id=red.id, now=world.now)
    world.db.commit()
    assert polls.state(world.poll, world.now + timedelta(seconds=1)) == "closed"
    _votes(world, [0, 5])  # later votes do not change what was decided on
    [entry] = decisions.timeline(world.db, world.page)
    assert entry.id == made.id and entry.winner == "Red"
    assert entry.counts == (("Red", 3), ("Blue", 1)) and entry.total == 4
    assert entry.question == "Which cover?"


def test_only_public_decisions_reach_the_page_and_a_cut_links_them(world: World) -> None:
    rush = Rush(workspace_id=world.page.workspace_id, name="r.mp4", path="rushes/r.mp4")
    world.db.add(rush)
    world.db.flush()
    cut = Cut(workspace_id=world.page.workspace_id, rush_id=rush.id, title="Red cover cut")
    world.db.add(cut)
    world.db.flush()
    decisions.record(world.db, world.page, decision="Shorter intro", cut_id=cut.id,
                     now=world.now)
    decisions.record(world.db, world.page, decision="Internal only", public=False,
                     now=world.now + timedelta(minutes=1))
    world.db.commit()
    assert [e.decision for e in decisions.timeline(world.db, world.page)] == ["Shorter intro"]
    everything = decisions.timeline(world.db, world.page, public_only=False)
    assert [e.decision for e in everything] == ["Internal only", "Shorter intro"]
    assert everything[1].cut_title == "Red cover cut"


def test_a_decision_on_a_group_answers_its_comments(world: World) -> None:
    visitor = challenge.visitor(world.page.secret, None)
    said = comments.post(world.db, page=world.page, visitor=visitor, address="10.0.0.1",
                         body="Please shoot at night", now=world.now)
    decisions.record(world.db, world.page, decision="We add a night scene.",
                     theme="night · scene", comment_ids=[said.id, said.id], now=world.now)
    world.db.commit()
    assert decisions.answered_ids(world.db, world.page) == {said.id}
    assert decisions.timeline(world.db, world.page)[0].answered == 1


def test_bad_decisions_are_refused(world: World) -> None:
    other = polls.create_poll(world.db, page_id=world.page.id, question="Other?",
                              options=[polls.OptionSpec("A"), polls.OptionSpec("B")],
                              opens_at=world.now, closes_at=world.now + timedelta(days=1))
    foreign = polls.options_of(world.db, other)[0].id
    with pytest.raises(UsageError, match="1 to"):
        decisions.record(world.db, world.page, decision="  ", now=world.now)
    with pytest.raises(UsageError, match="not one of the poll's"):
        decisions.record(world.db, world.page, decision="x", poll_id=world.poll.id,
                         option_id=foreign, now=world.now)
    with pytest.raises(UsageError, match="needs its poll"):
        decisions.record(world.db, world.page, decision="x", option_id=foreign, now=world.now)
    for kwargs in ({"poll_id": 10**6}, {"comment_ids": [10**6]}, {"cut_id": 10**6}):
        with pytest.raises(NotFoundError):
            decisions.record(world.db, world.page, decision="x", now=world.now,
                             **kwargs)  # type: ignore[arg-type]
