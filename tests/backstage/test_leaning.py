"""Many votes from one address or network count as long as they vote like everyone else (an
office, phones behind a carrier's NAT); a script voting from one address, one IPv6 /64 or one
network is excluded, its earlier votes for the option with it."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

from backstageworld import World
from sqlalchemy import select

from coulisses.backstage import challenge, leaning, polls, votes
from coulisses.backstage.tables import Vote

# the burst check off: what is seen here is the address and network test alone
ALONE = replace(votes.LIMITS, min_seconds=0.0, burst_min=10**6)
# 11 of 20 for the first option, like the audience below; a fixed order, no luck involved
SPLIT = [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1]


def _vote(w: World, option: int, who: str, address: str, at: timedelta,
          limits: votes.Limits = ALONE) -> votes.Outcome:
    now = w.now + at
    text = challenge.issue(w.page.secret, w.poll.id, now - timedelta(seconds=12), bits=4)
    option_id = polls.options_of(w.db, w.poll)[option].id
    return votes.cast(w.db, page=w.page, poll=w.poll, option_id=option_id, challenge_text=text,
                      solution=challenge.solve(text), address=address, now=now, limits=limits,
                      visitor=challenge.Visitor(who))


def _audience(w: World, n: int = 60) -> None:
    """``n`` people on their own addresses over the first hours, 55/45."""
    for i in range(n):
        _vote(w, SPLIT[i % 20], f"h{i}", f"198.{i}.7.{i + 1}", timedelta(minutes=3 * i))


def test_an_office_on_one_address_counts_and_a_script_on_another_does_not(
        world: World) -> None:
    _audience(world)
    start = timedelta(hours=4)
    office = [_vote(world, SPLIT[i % 20], f"o{i}", "203.0.113.50",
                    start + timedelta(seconds=15 * i)) for i in range(40)]
    assert [o.reason for o in office] == [""] * 40  # 40 colleagues in 10 minutes
    # a script on one address, paced like a person, cookies cleared: its first votes count
    # while they prove nothing, then the address's lean excludes them all
    script = [_vote(world, 1, f"s{i}", "192.0.2.66", start + timedelta(minutes=20, seconds=40 * i))
              for i in range(30)]
    assert script[0].counted and script[-1].reason == "address"
    rows = world.db.scalars(select(Vote).where(Vote.voter.in_(
        [challenge.digest(world.poll.salt, f"v:s{i}") for i in range(30)]))).all()
    assert {(v.counted, v.reason) for v in rows} == {(False, "address")}
    tally = polls.tally(world.db, world.poll)
    assert tally.excluded == {"address": 30}
    assert [n for _, n in tally.counts] == [33 + 22, 27 + 18]


def test_phones_behind_a_carrier_nat_count_and_a_data_centre_network_does_not(
        world: World) -> None:
    _audience(world)
    shared = ["80.215.10.4", "80.215.10.77", "80.215.10.190"]  # one carrier /24
    start = timedelta(hours=4)
    phones = [_vote(world, SPLIT[i % 20], f"m{i}", shared[i % 3],
                    start + timedelta(seconds=12 * i)) for i in range(300)]
    assert sum(o.counted for o in phones) == 300  # 300 phones, 3 addresses, one hour
    # bots on one data-centre /24, each vote from another address of it
    bots = [_vote(world, 1, f"b{i}", f"203.0.113.{i + 1}",
                  start + timedelta(hours=2, seconds=20 * i)) for i in range(40)]
    assert bots[0].counted and bots[-1].reason == "network"
    assert polls.tally(world.db, world.poll).excluded == {"network": 40}


def test_an_ipv6_host_is_one_address_per_64(world: World) -> None:
    _audience(world)
    start = timedelta(hours=4)
    rotating = [_vote(world, 1, f"s{i}", f"2001:db8:7:1:{i:x}:{3 * i:x}::{i + 9:x}",
                      start + timedelta(seconds=40 * i)) for i in range(20)]
    assert rotating[-1].reason == "address"  # a new address for each vote, one /64
    assert polls.tally(world.db, world.poll).excluded == {"address": 20}
    assert challenge.subscriber("2001:db8:7:1:ab:cd::9") == "2001:db8:7:1::/64"
    assert challenge.subscriber("::ffff:192.0.2.8") == "192.0.2.8"
    assert challenge.network("2001:db8:7:1:ab:cd::9") == "2001:db8:7::/48"


def test_one_persons_repeated_votes_cannot_tilt_a_shared_address(world: World) -> None:
    _audience(world)
    start = timedelta(hours=4)
    # someone behind the office's address votes 30 times for the first option with one cookie
    for i in range(30):
        _vote(world, 0, "pest", "203.0.113.50", start + timedelta(seconds=5 * i))
    office = [_vote(world, SPLIT[i % 20], f"o{i}", "203.0.113.50",
                    start + timedelta(minutes=5, seconds=15 * i)) for i in range(20)]
    assert [o.reason for o in office] == [""] * 20
    assert polls.tally(world.db, world.poll).excluded == {"already_voted": 29}


def test_the_binomial_tail_is_exact() -> None:
    assert math.isclose(leaning.tail(3, 3, 0.5), 0.125)
    assert leaning.tail(0, 10, 0.3) == 1.0
    assert leaning.tail(11, 10, 0.3) == 0.0
    n, p = 12, 0.45
    expected = sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(7, n + 1))
    assert math.isclose(leaning.tail(7, n, p), expected, rel_tol=1e-12)


def test_a_burst_one_address_sends_is_that_address_alone(world: World) -> None:
    _audience(world)
    # the lean test off: the burst check finds the wave and whose it is
    limits = replace(votes.LIMITS, min_seconds=0.0, lean_min=10**6)
    start = timedelta(hours=4)
    script = [_vote(world, 1, f"s{i}", "192.0.2.66", start + timedelta(seconds=20 * i), limits)
              for i in range(30)]
    people = [_vote(world, 1, f"p{i}", f"100.{i}.8.1", start + timedelta(seconds=20 * i + 7),
                    limits) for i in range(0, 30, 5)]
    assert [o.reason for o in people] == [""] * 6  # the same option, in the same minutes
    excluded = polls.tally(world.db, world.poll).excluded
    assert set(excluded) == {"address"} and excluded["address"] >= 15, excluded
    assert "address" in {o.reason for o in script}
