"""E-mail-verified polls under attack, for ``bench/attack_polls.py --mail``: scripted voters
replayed through the real vote checks and the real confirmation links (``votes.cast`` with an
address, ``pollmail.link`` and ``pollmail.confirm``) on a poll marked high stakes, with a
simulated clock. Rewrites the "## Poll vote fraud, e-mail-verified polls" section only.

The honest crowd gives its own address and opens the link minutes to hours later; one in
twenty mistypes the address first, votes again and confirms the second. The attacks: bots with
throwaway addresses they can read (so the link is no obstacle to them) from one data-centre
network, the same from residential proxies in a burst, one person with many aliases of one
mailbox on a home and a mobile connection with cookies cleared, and link replays (a confirmed
link opened again, and links with a forged signature for other votes).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from coulisses.backstage import challenge, pollmail, votes
from coulisses.errors import CoulissesError, NotFoundError
from pollbench import open_poll  # bench/ is on sys.path when run

SECTION = "## Poll vote fraud, e-mail-verified polls (attack simulator)"
DOMAINS = ("gmail.com", "orange.fr", "outlook.com", "free.fr", "yahoo.fr", "proton.me")


@dataclass
class Voter:
    """One vote attempt: when, from where, which address, and when its link is opened."""

    at: datetime
    visitor: str
    address: str
    option: int
    dwell: float
    fraud: bool
    email: str
    click_after: float | None  # seconds until the link is opened; None: never
    replays: int = 0  # the confirmed link opened again this many times
    forgeries: int = 0  # links for other votes with a made-up signature
    crowd: bool = False  # the scenario's own honest crowd (carrier NAT), apart


@dataclass
class MailResult:
    name: str
    fraud: int = 0
    caught: int = 0
    honest: int = 0
    flagged: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    honest_reasons: Counter[str] = field(default_factory=Counter)
    crowd: int = 0
    crowd_flagged: int = 0
    crowd_reasons: Counter[str] = field(default_factory=Counter)


def honest(rng: random.Random, n: int, start: datetime, span: timedelta,
           ip: object) -> list[Voter]:
    """``n`` people, each with their own address; one in twenty mistypes it first."""
    out = []
    for i in range(n):
        at = start + timedelta(seconds=rng.uniform(60, span.total_seconds() - 7 * 3600))
        dwell = min(max(rng.lognormvariate(math.log(20), 0.8), 2.0), 600)
        click = min(max(rng.lognormvariate(math.log(240), 1.2), 20.0), 6 * 3600)
        email = f"person{i}.{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}"
        address = ip(rng)  # type: ignore[operator]
        option = 0 if rng.random() < 0.55 else 1
        if rng.random() < 0.05:  # a typo: never confirmed, then the right address
            out.append(Voter(at, f"h{i}", address, option, dwell, False,
                             email.replace("@", "@x"), None))
            at += timedelta(seconds=rng.uniform(60, 300))
        out.append(Voter(at, f"h{i}", address, option, dwell, False, email, click))
    return out


def throwaway_bots(rng: random.Random, start: datetime, ip: object) -> list[Voter]:
    """300 bots on one data-centre /24, a throwaway inbox each, a vote every 20 s, each link
    opened 30 s later by the same script."""
    net = (rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255))
    at = start + timedelta(hours=20)
    return [Voter(at + timedelta(seconds=20 * i), f"t{i}", ip(rng, net), 1,  # type: ignore
                  rng.uniform(2, 6), True, f"x{rng.getrandbits(40):x}@tempmail.test", 30.0)
            for i in range(300)]


def throwaway_burst(rng: random.Random, start: datetime, ip: object) -> list[Voter]:
    """300 throwaway inboxes from residential proxies, voting within 30 minutes."""
    at = start + timedelta(hours=12)
    return [Voter(at + timedelta(seconds=rng.uniform(0, 1800)), f"b{i}", ip(rng), 1,  # type: ignore
                  rng.uniform(3, 30), True, f"y{rng.getrandbits(40):x}@tempmail.test",
                  rng.uniform(20, 120)) for i in range(300)]


def aliases(rng: random.Random, start: datetime, ip: object) -> list[Voter]:
    """One person, 40 aliases of one Gmail box (``name+N``, dots moved), cookies cleared, on a
    home and a mobile connection, a vote every 3 minutes, each link opened at once."""
    home, mobile = ip(rng), ip(rng)  # type: ignore[operator]
    at = start + timedelta(hours=30)
    out = []
    for i in range(40):
        name = "camille.durand" if i % 2 else "camilledurand"
        email = f"{name}+{i}@gmail.com" if i % 3 else f"{name[:3]}.{name[3:]}@googlemail.com"
        out.append(Voter(at + timedelta(minutes=3 * i), f"a{i}", home if i % 2 else mobile,
                         1, rng.uniform(5, 20), True, email, 15.0))
    return out


def replays(rng: random.Random, start: datetime, ip: object) -> list[Voter]:
    """One real vote (honest, it counts) whose link is opened 50 more times, and 50 forged
    links for other votes: the 100 attempts are the fraud."""
    return [Voter(start + timedelta(hours=8), "r0", ip(rng), 1, 12.0, False,  # type: ignore
                  "sam@example.org", 40.0, replays=50, forgeries=50)]


def carrier_nat(rng: random.Random, start: datetime, ip: object) -> list[Voter]:
    """300 people on their phones behind three addresses of one carrier /24, within an hour,
    each with their own mailbox, opening the link minutes later, voting like everyone else."""
    a, b, c = rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255)
    shared = [f"{a}.{b}.{c}.{rng.randint(1, 254)}" for _ in range(3)]
    at = start + timedelta(hours=14)
    return [Voter(at + timedelta(seconds=rng.uniform(0, 3600)), f"m{i}", rng.choice(shared),
                  0 if rng.random() < 0.55 else 1,
                  min(max(rng.lognormvariate(math.log(20), 0.8), 2.0), 600), False,
                  f"phone{i}.{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}",
                  min(max(rng.lognormvariate(math.log(240), 1.2), 20.0), 6 * 3600), crowd=True)
            for i in range(300)]


SCENARIOS = [("honest crowd only (e-mail)", None),
             ("throwaway inboxes, one data-centre /24", throwaway_bots),
             ("throwaway inboxes, residential burst (300 in 30 min)", throwaway_burst),
             ("one person, 40 aliases of one mailbox", aliases),
             ("link replays (50) and forged links (50)", replays),
             ("phones behind carrier NAT (300 on 3 IPv4 addresses, 1 h, e-mail)", carrier_nat)]


def run_mail(name: str, people: list[Voter], folder: Path, start: datetime,
             span: timedelta, bits: int) -> MailResult:
    """Replay votes and link openings in time order on a fresh database."""
    from sqlalchemy import select

    from coulisses.backstage.tables import Vote
    from coulisses.studio.db import open_database

    engine, sessions = open_database(f"sqlite:///{folder / ('mail-' + name[:10] + '.sqlite3')}")
    result = MailResult(name)
    with sessions() as db:
        the_page, poll, options = open_poll(db, question="Which ending?", opens_at=start,
                                  closes_at=start + span, verify_email=True)
        events: list[tuple[datetime, int, str, Voter, int, str]] = []
        order = 0
        for p in people:
            order += 1
            heapq.heappush(events, (p.at, order, "vote", p, 0, ""))
        refused: Counter[str] = Counter()  # replays and forgeries: attempts, refusals
        while events:
            at, _, kind, p, vote_id, token = heapq.heappop(events)
            if kind == "vote":
                text = challenge.issue(the_page.secret, poll.id,
                                       at - timedelta(seconds=p.dwell), bits=bits)
                try:
                    told = votes.cast(db, page=the_page, poll=poll, option_id=options[p.option],
                                      challenge_text=text, solution=challenge.solve(text),
                                      visitor=challenge.Visitor(p.visitor), address=p.address,
                                      now=at, email=p.email)
                except CoulissesError:
                    continue
                if told.reason == pollmail.PENDING and p.click_after is not None:
                    vote = db.get(Vote, told.vote_id)
                    assert vote is not None
                    link, _ = pollmail.link(the_page, poll, vote, at)
                    order += 1
                    heapq.heappush(events, (at + timedelta(seconds=p.click_after), order,
                                            "click", p, told.vote_id, link.split("?t=")[1]))
                continue
            try:
                pollmail.confirm(db, the_page, poll, vote_id, token, at)
            except NotFoundError:
                if kind != "click":
                    refused[kind] += 1
                continue
            if kind == "click":
                for k in range(p.replays):
                    order += 1
                    heapq.heappush(events, (at + timedelta(minutes=k + 1), order, "replay", p,
                                            vote_id, token))
                for k in range(p.forgeries):
                    order += 1
                    forged = token.split(".")[0] + "." + f"{rng_hex(k)}"
                    heapq.heappush(events, (at + timedelta(minutes=k + 1), order, "forgery",
                                            p, vote_id + 1 + k, forged))
            else:
                refused[kind + "_accepted"] += 1
        final: dict[str, list[Vote]] = {}
        for v in db.scalars(select(Vote).where(Vote.poll_id == poll.id).order_by(Vote.id)):
            final.setdefault(v.voter, []).append(v)
        seen: dict[str, Voter] = {}
        for p in people:
            seen.setdefault(p.visitor, p)
        for visitor, p in seen.items():
            mine = final.get(challenge.digest(poll.salt, "v:" + visitor), [])
            counted = any(v.counted for v in mine)
            reason = mine[-1].reason if mine else "refused"
            if p.fraud:
                result.fraud += 1
                result.caught += not counted
                result.reasons[reason or "counted"] += 1
            else:
                result.honest += 1
                result.flagged += not counted
                if not counted:
                    result.honest_reasons[reason] += 1
                if p.crowd:
                    result.crowd += 1
                    result.crowd_flagged += not counted
                    if not counted:
                        result.crowd_reasons[reason] += 1
        for kind in ("replay", "forgery"):
            attempts = sum(p.replays if kind == "replay" else p.forgeries for p in people)
            result.fraud += attempts
            result.caught += refused[kind]
            if refused[kind]:
                result.reasons[f"{kind} refused"] += refused[kind]
            if refused[kind + "_accepted"]:
                result.reasons[f"{kind} accepted"] += refused[kind + "_accepted"]
    engine.dispose()
    return result


def rng_hex(k: int) -> str:
    """A made-up signature (40 hex digits), different for each forged link."""
    return f"{(k * 0x9E3779B97F4A7C15) & (2 ** 160 - 1):040x}"[:40]
