"""A vote's layered checks: what is refused, what is kept but not counted and why, and the
tally that says how many were excluded for which reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from backstageworld import World
from sqlalchemy import select

from coulisses.backstage import challenge, polls, votes
from coulisses.backstage.tables import SpentChallenge, Vote
from coulisses.errors import ConflictError, NotFoundError, RateLimitError, UsageError

RELAXED = replace(votes.LIMITS, min_seconds=0.0)


def _vote(w: World, option: int = 0, *, who: str = "alice", address: str = "203.0.113.7",
          at: timedelta = timedelta(0), dwell: float = 5.0, limits: votes.Limits = RELAXED,
          forged: bool = False) -> votes.Outcome:
    now = w.now + at
    text = challenge.issue(w.page.secret, w.poll.id, now - timedelta(seconds=dwell), bits=4)
    option_id = polls.options_of(w.db, w.poll)[option].id
    return votes.cast(w.db, page=w.page, poll=w.poll, option_id=option_id, challenge_text=text,
                      solution=challenge.solve(text), address=address, now=now, limits=limits,
                      visitor=challenge.Visitor(who, forged=forged))


def test_a_first_vote_counts_and_a_second_from_the_same_visitor_does_not(world: World) -> None:
    assert _vote(world) == votes.Outcome(1, True, "")
    second = _vote(world, 1, at=timedelta(minutes=1))
    assert (second.counted, second.reason) == (False, "already_voted")
    tally = polls.tally(world.db, world.poll)
    assert [n for _, n in tally.counts] == [1, 0]
    assert tally.excluded == {"already_voted": 1}


def test_a_forged_cookie_and_a_scripted_pace_are_kept_but_not_counted(world: World) -> None:
    assert _vote(world, who="mallory", forged=True).reason == "forged_cookie"
    fast = _vote(world, who="bot", address="198.51.100.1", dwell=0.2, limits=votes.LIMITS)
    assert fast.reason == "too_fast"
    assert world.db.scalar(select(Vote.counted).where(Vote.id == fast.vote_id)) is False
    assert polls.tally(world.db, world.poll).excluded == {"forged_cookie": 1, "too_fast": 1}


def test_a_replayed_proof_of_work_is_refused(world: World) -> None:
    text = challenge.issue(world.page.secret, world.poll.id, world.now - timedelta(seconds=5),
                           bits=4)
    option = polls.options_of(world.db, world.poll)[0].id
    args = dict(page=world.page, poll=world.poll, option_id=option, challenge_text=text,
                solution=challenge.solve(text), address="203.0.113.9", now=world.now,
                limits=RELAXED)
    assert votes.cast(world.db, visitor=challenge.Visitor("a"), **args).counted  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match="already used"):
        votes.cast(world.db, visitor=challenge.Visitor("b"), **args)  # type: ignore[arg-type]
    assert len(world.db.scalars(select(Vote)).all()) == 1


@pytest.mark.parametrize("tamper", ["solution", "signature", "poll", "expired", "garbage"])
def test_a_wrong_or_stale_proof_of_work_is_refused(world: World, tamper: str) -> None:
    now = world.now
    issued = now - (timedelta(hours=1) if tamper == "expired" else timedelta(seconds=5))
    text = challenge.issue(world.page.secret, world.poll.id + (tamper == "poll"), issued,
                           bits=8)
    number = challenge.solve(text)
    if tamper == "solution":
        number = next(n for n in range(number + 1, 10**6)
                      if not challenge.solves(text.split(".")[2], n, 8))
    if tamper == "signature":
        text = text[:-4] + ("0000" if not text.endswith("0000") else "1111")
    if tamper == "garbage":
        text = "<script>alert(1)</script>"
    with pytest.raises(UsageError, match="proof of work"):
        votes.cast(world.db, page=world.page, poll=world.poll,
                   option_id=polls.options_of(world.db, world.poll)[0].id,
                   challenge_text=text, solution=number, visitor=challenge.Visitor("v"),
                   address="203.0.113.1", now=now, limits=RELAXED)
    assert world.db.scalars(select(Vote)).all() == []


def test_votes_on_closed_upcoming_or_unpublished_polls_are_refused(world: World) -> None:
    world.poll.closes_at = world.now - timedelta(minutes=1)
    with pytest.raises(ConflictError, match="not open"):
        _vote(world)
    world.poll.closes_at = world.now + timedelta(days=1)
    world.poll.opens_at = world.now + timedelta(hours=1)
    with pytest.raises(ConflictError, match="not open"):
        _vote(world)
    world.poll.opens_at = world.now - timedelta(hours=1)
    world.page.published = False
    with pytest.raises(NotFoundError):
        _vote(world)
    assert world.db.scalars(select(Vote)).all() == []


def test_a_flood_from_one_address_is_refused_after_the_limit(world: World) -> None:
    limits = replace(RELAXED, flood_per_minute=5)
    outcomes = [_vote(world, who=f"v{i}", limits=limits) for i in range(5)]
    assert [o.reason for o in outcomes] == [""] * 5
    with pytest.raises(RateLimitError):
        _vote(world, who="v6", limits=limits)
    assert len(world.db.scalars(select(Vote)).all()) == 5
    # the refused request's challenge is spent all the same
    assert len(world.db.scalars(select(SpentChallenge)).all()) == 6


def test_a_sudden_wave_for_one_option_is_excluded_with_its_start(world: World) -> None:
    # a steady, mixed crowd first: the baseline
    for i in range(40):
        _vote(world, i % 2, who=f"h{i}", address=f"198.{i}.7.{i}",
              at=timedelta(minutes=i * 3))
    start = timedelta(minutes=200)
    wave = [_vote(world, 1, who=f"b{i}", address=f"100.{i}.{i}.9",
                  at=start + timedelta(seconds=10 * i)) for i in range(30)]
    assert wave[-1].reason == "burst"
    tally = polls.tally(world.db, world.poll)
    assert tally.excluded.get("burst", 0) >= 28  # the wave's start too, not only its end
    assert [n for _, n in tally.counts] == [20, 20 + 30 - tally.excluded["burst"]]


def test_the_purge_blanks_visitor_digests_after_close_and_retention(world: World) -> None:
    _vote(world)
    world.poll.retention_days = 3
    world.db.commit()
    later = world.poll.closes_at + timedelta(days=2)
    assert polls.purge(world.db, later) == 0
    assert polls.purge(world.db, later + timedelta(days=2)) == 1
    row = world.db.scalars(select(Vote)).one()
    assert (row.voter, row.address, row.network, row.counted) == ("", "", "", True)
    assert world.db.scalars(select(SpentChallenge)).all() == []
    assert [n for _, n in polls.tally(world.db, world.poll).counts] == [1, 0]


def test_polls_take_two_to_six_valid_options(world: World) -> None:
    now = world.now
    make = polls.create_poll
    for options in ([polls.OptionSpec("one")], [polls.OptionSpec(str(i)) for i in range(7)],
                    [polls.OptionSpec("a"), polls.OptionSpec("b", kind="clip")],
                    [polls.OptionSpec("a"), polls.OptionSpec("x" * 201)],
                    [polls.OptionSpec("a"), polls.OptionSpec("b", "clip", "f.mp4", "", 5, 2)]):
        with pytest.raises(UsageError):
            make(world.db, page_id=world.page.id, question="q", options=options,
                 opens_at=now, closes_at=now + timedelta(days=1))
    with pytest.raises(UsageError, match="close after"):
        make(world.db, page_id=world.page.id, question="q",
             options=[polls.OptionSpec("a"), polls.OptionSpec("b")], opens_at=now,
             closes_at=now)


def test_the_worker_chore_purges_in_its_own_session(world: World) -> None:
    from sqlalchemy.orm import sessionmaker

    _vote(world)
    world.poll.closes_at = world.now - timedelta(days=40)
    world.poll.opens_at = world.now - timedelta(days=41)
    world.db.commit()
    chore = polls.purge_chore(sessionmaker(world.db.get_bind()))
    assert chore() == 1
    world.db.expire_all()
    assert world.db.scalars(select(Vote.voter)).one() == ""
