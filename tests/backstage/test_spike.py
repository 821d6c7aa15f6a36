"""A viral spike on the backstage page, on SQLite and (with ``COULISSES_TEST_DATABASE_URL``)
PostgreSQL: first views of a day and votes arriving at the same moment, each on a connection
of its own. No view or vote is lost, none is counted twice, every voter is told the truth."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from backstageworld import World, open_world
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.backstage import challenge, kpis, polls, votes
from coulisses.backstage.tables import BackstagePage, PageViews, Poll, Vote
from studiodb import BACKENDS, fresh_database

AT_ONCE = 24


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with fresh_database(request.param, tmp_path, "spike") as url, \
            open_world(tmp_path, url) as made:
        yield made


def _at_once(sessions: sessionmaker[Session], work: Callable[[Session, int], object],
             n: int = AT_ONCE) -> tuple[list[object], list[BaseException]]:
    """``work(db, i)`` in ``n`` threads released together: (results, errors)."""
    ready = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        with sessions() as db:
            ready.wait()
            try:
                results.append(work(db, i))
            except Exception as exc:  # collected: the test says which ones failed
                errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _sessions(world: World) -> sessionmaker[Session]:
    return sessionmaker(world.db.get_bind(), expire_on_commit=False)


def test_first_views_of_a_day_at_once_are_each_counted_once(world: World) -> None:
    day = world.now.date() + timedelta(days=1)  # no row yet: every view races to create it

    def view(db: Session, _i: int) -> None:
        kpis.count_view(db, db.get_one(BackstagePage, world.page.id), day)

    for _ in range(2):  # the day's row made at once, then added to at once
        _, errors = _at_once(_sessions(world), view)
        assert errors == []
    world.db.expire_all()
    rows = world.db.scalars(select(PageViews).where(PageViews.day == day)).all()
    assert [r.views for r in rows] == [2 * AT_ONCE]


def _cast(db: Session, world: World, i: int, who: str) -> votes.Outcome:
    the_page = db.get_one(BackstagePage, world.page.id)
    poll = db.get_one(Poll, world.poll.id)
    text = challenge.issue(the_page.secret, poll.id, world.now - timedelta(seconds=5), bits=4)
    options = polls.options_of(db, poll)
    return votes.cast(db, page=the_page, poll=poll, option_id=options[i % 2].id,
                      challenge_text=text, solution=challenge.solve(text),
                      visitor=challenge.Visitor(who), address=f"10.{i}.7.1", now=world.now)


def test_votes_at_once_are_each_recorded_once_and_counted_as_told(world: World) -> None:
    told, errors = _at_once(_sessions(world), lambda db, i: _cast(db, world, i, f"v{i}"))
    assert errors == []
    outcomes = [o for o in told if isinstance(o, votes.Outcome)]
    assert len(outcomes) == AT_ONCE and all(o.counted for o in outcomes)
    world.db.expire_all()
    assert world.db.scalar(select(func.count(Vote.id))) == AT_ONCE
    assert sorted(world.db.scalars(select(Vote.id))) == sorted(o.vote_id for o in outcomes)
    tally = polls.tally(world.db, world.poll)
    assert [n for _, n in tally.counts] == [AT_ONCE // 2, AT_ONCE // 2]


def test_one_visitor_voting_from_many_tabs_at_once_counts_once(world: World) -> None:
    told, errors = _at_once(_sessions(world), lambda db, i: _cast(db, world, i, "same"), 8)
    assert errors == []
    outcomes = [o for o in told if isinstance(o, votes.Outcome)]
    assert sorted(o.reason for o in outcomes) == [""] + ["already_voted"] * 7
    assert polls.tally(world.db, world.poll).excluded == {"already_voted": 7}
