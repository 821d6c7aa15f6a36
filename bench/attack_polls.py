"""Attack simulator for backstage polls: replays scripted voters through the real vote checks
(``coulisses.backstage.votes.cast`` on an SQLite studio database, with a simulated clock) and
rewrites the "## Poll vote fraud" section of ``docs/quality.md`` only.

Each scenario is a poll open two days with an honest crowd voting through it, plus one kind
of fraud: one bot (fast, then paced like a person), bots rotating addresses inside a few
data-centre networks, a burst of bought "IP votes" from residential addresses, and a vote-
exchange group (real people on their own connections, told to vote for one option within a
quarter of an hour). One more row, reported apart, is the attack the layers are known not to
stop: bought votes paced over a whole day from residential addresses.

Measured: the share of fraudulent votes caught (refused, or kept and not counted), and the
share of honest votes wrongly not counted. The proof of work is solved for real, at a lower
difficulty than the site's (4 bits instead of 14) to keep the run short: a bot solves it
either way, it costs the bot time, it does not decide what is caught.

    .venv/bin/python bench/attack_polls.py [--doc docs/quality.md] [--honest 1500] [--seed 7]

With ``--mail`` it runs the e-mail-verified poll scenarios of ``bench/attack_pollmail.py``
instead (bots with throwaway inboxes, one person's aliases, link replays) and rewrites their
own section, "## Poll vote fraud, e-mail-verified polls".

    .venv/bin/python bench/attack_polls.py --mail [--mail-honest 800]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coulisses.backstage import challenge, votes
from coulisses.errors import CoulissesError
from coulisses.studio.db import open_database
from docsection import write_section  # bench/ is on sys.path when run
from pollbench import open_poll  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "quality.md"
SECTION = "## Poll vote fraud (attack simulator)"
START = datetime(2026, 6, 1, 8, tzinfo=UTC)
OPEN = timedelta(days=2)
BITS = 4


@dataclass(order=True)
class Attempt:
    at: datetime
    visitor: str = field(compare=False)
    address: str = field(compare=False)
    option: int = field(compare=False)
    dwell: float = field(compare=False)
    fraud: bool = field(compare=False)
    crowd: bool = field(default=False, compare=False)  # the scenario's own honest crowd


def _ip(rng: random.Random, net: tuple[int, int, int] | None = None) -> str:
    a, b, c = net or (rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255))
    return f"{a}.{b}.{c}.{rng.randint(1, 254)}"


def honest(rng: random.Random, n: int, share: float = 0.55) -> list[Attempt]:
    """An honest crowd over the two days: most on their own home or mobile address, some
    households sharing one, mobile users behind carriers' pools, a fifth on IPv6; a person
    looks at the options for 5 s to a minute or two (log-normal, median 20 s)."""
    carriers = [[(rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255))
                 for _ in range(64)] for _ in range(4)]
    v6 = [[f"2a0{k}:{rng.randint(0, 0xffff):x}:{rng.randint(0, 0xffff):x}" for _ in range(50)]
          for k in range(3)]
    out: list[Attempt] = []
    household: list[str] = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.55:
            address = _ip(rng)
        elif kind < 0.65:  # two or three people at one address
            if not household or len(household) >= rng.choice((2, 3)):
                household = [_ip(rng)]
            else:
                household.append(household[0])
            address = household[-1]
        elif kind < 0.80:
            address = _ip(rng, rng.choice(rng.choice(carriers)))
        else:
            address = (f"{rng.choice(rng.choice(v6))}:{rng.randint(0, 0xffff):x}::"
                       f"{rng.randint(1, 0xffff):x}")
        at = START + timedelta(seconds=rng.uniform(60, OPEN.total_seconds() - 60))
        dwell = min(max(rng.lognormvariate(math.log(20), 0.8), 2.0), 600)
        out.append(Attempt(at, f"h{i}", address, 0 if rng.random() < share else 1, dwell,
                           False))
    return out


def _paced(rng: random.Random) -> float:
    """A person's time on the page: 5 s to a minute or two (log-normal, median 20 s)."""
    return min(max(rng.lognormvariate(math.log(20), 0.8), 2.0), 600)


def carrier_nat(rng: random.Random, share: float = 0.55) -> list[Attempt]:
    """300 people on their phones behind a mobile carrier's NAT: three public IPv4 addresses
    of one carrier /24 shared by all, within an hour, each with their own browser (cookie),
    voting like everyone else (55/45; ``share`` for the first option). Browsers' user agents
    vary too, but the checks do not read them (anyone can send any)."""
    a, b, c = rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255)
    shared = [f"{a}.{b}.{c}.{rng.randint(1, 254)}" for _ in range(3)]
    at = START + timedelta(hours=14)
    return [Attempt(at + timedelta(seconds=rng.uniform(0, 3600)), f"m{i}", rng.choice(shared),
                    0 if rng.random() < share else 1, _paced(rng), False, crowd=True)
            for i in range(300)]


def carrier_nat_70(rng: random.Random) -> list[Attempt]:
    """The same phones leaning more than everyone else: 70/30."""
    return carrier_nat(rng, 0.70)


def carrier_nat_80(rng: random.Random) -> list[Attempt]:
    """The same phones leaning far more than everyone else: 80/20."""
    return carrier_nat(rng, 0.80)


def office(rng: random.Random) -> list[Attempt]:
    """40 colleagues behind their office's one address, within 10 minutes of the link going
    round, voting like everyone else (55/45)."""
    address, at = _ip(rng), START + timedelta(hours=27)
    return [Attempt(at + timedelta(seconds=rng.uniform(0, 600)), f"o{i}", address,
                    0 if rng.random() < 0.55 else 1, _paced(rng), False, crowd=True)
            for i in range(40)]


def one_bot_fast(rng: random.Random) -> list[Attempt]:
    """A script on one address, no cookies kept, a vote every 2 s for 10 minutes."""
    address, at = _ip(rng), START + timedelta(hours=20)
    return [Attempt(at + timedelta(seconds=2 * i), f"bf{i}", address, 1, 0.3, True)
            for i in range(300)]


def one_bot_paced(rng: random.Random) -> list[Attempt]:
    """The same script paced like a person: a vote every 40 s for 3 hours, 4 s on the page."""
    address, at = _ip(rng), START + timedelta(hours=20)
    return [Attempt(at + timedelta(seconds=40 * i), f"bp{i}", address, 1,
                    rng.uniform(3, 8), True) for i in range(270)]


def rotating_v6(rng: random.Random) -> list[Attempt]:
    """One IPv6 host paced like a person, a new address of its own /64 for each vote (a
    vote every 40 s for 3 hours): every address is new, the /64 is one subscriber's."""
    prefix = "2a01:" + ":".join(f"{rng.randint(0, 0xffff):x}" for _ in range(3))
    at = START + timedelta(hours=22)
    return [Attempt(at + timedelta(seconds=40 * i), f"s{i}",
                    f"{prefix}:{rng.randint(0, 0xffff):x}:{rng.randint(0, 0xffff):x}::"
                    f"{rng.randint(1, 0xffff):x}", 1, rng.uniform(3, 8), True)
            for i in range(270)]


def rotating(rng: random.Random) -> list[Attempt]:
    """Bots rotating through the addresses of four data-centre /24s, a vote every 5 s."""
    nets = [(rng.randint(11, 223), rng.randint(0, 255), rng.randint(0, 255)) for _ in range(4)]
    at = START + timedelta(hours=30)
    return [Attempt(at + timedelta(seconds=5 * i), f"r{i}", _ip(rng, rng.choice(nets)), 1,
                    rng.uniform(1.6, 4), True) for i in range(500)]


def bought_burst(rng: random.Random) -> list[Attempt]:
    """300 bought "IP votes": each from another residential address, in 30 minutes."""
    at = START + timedelta(hours=12)
    return [Attempt(at + timedelta(seconds=rng.uniform(0, 1800)), f"b{i}", _ip(rng), 1,
                    rng.uniform(3, 30), True) for i in range(300)]


def group_spike(rng: random.Random) -> list[Attempt]:
    """A vote-exchange group: 80 people on their own connections, within 15 minutes."""
    at = START + timedelta(hours=26)
    return [Attempt(at + timedelta(seconds=rng.uniform(0, 900)), f"g{i}", _ip(rng), 1,
                    min(max(rng.lognormvariate(math.log(15), 0.6), 2.0), 300), True)
            for i in range(80)]


def bought_paced(rng: random.Random) -> list[Attempt]:
    """Bought votes paced under the caps: 300 residential addresses spread over a day."""
    at = START + timedelta(hours=6)
    return [Attempt(at + timedelta(seconds=rng.uniform(0, 86400)), f"p{i}", _ip(rng), 1,
                    rng.uniform(5, 40), True) for i in range(300)]


SCENARIOS = [("honest crowd only", None), ("one bot, fast", one_bot_fast),
             ("one bot, paced like a person", one_bot_paced),
             ("bots rotating addresses (4 data-centre /24s)", rotating),
             ("bought-vote burst (300 residential addresses, 30 min)", bought_burst),
             ("group spike (80 people, 15 min)", group_spike),
             ("phones behind carrier NAT (300 on 3 IPv4 addresses, 1 h)", carrier_nat),
             ("an office (40 colleagues on one address, 10 min)", office),
             ("one bot, a new address of its IPv6 /64 for each vote", rotating_v6)]
KNOWN_GAP = ("bought votes paced over a day (not in the target)", bought_paced)
#: the rows reported apart, after the targets: the known gap, and the limit of the lean test
#: (a crowd on shared addresses that leans far more than everyone else looks like a script)
REPORTED = [KNOWN_GAP,
            ("phones behind carrier NAT voting 70/30 (reported, not in the target)",
             carrier_nat_70),
            ("phones behind carrier NAT voting 80/20 (reported, not in the target)",
             carrier_nat_80)]
#: each scenario's random seed (seed * 100 + this): the rows added later keep the earlier
#: rows' seeds, so their numbers compare with the earlier runs'
SEED_INDEX = {name: k for k, (name, _) in enumerate([*SCENARIOS[:6], *REPORTED[:1],
                                                     *SCENARIOS[6:], *REPORTED[1:]])}


@dataclass
class Result:
    name: str
    fraud: int = 0
    caught: int = 0
    honest: int = 0
    flagged: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    honest_reasons: Counter[str] = field(default_factory=Counter)
    crowd: int = 0  # the scenario's own honest crowd (carrier NAT, office), apart
    crowd_flagged: int = 0
    crowd_reasons: Counter[str] = field(default_factory=Counter)


def run(name: str, attempts: list[Attempt], folder: Path) -> Result:
    """Replay ``attempts`` in time order through the vote checks on a fresh database."""
    engine, sessions = open_database(f"sqlite:///{folder / (name[:12] + '.sqlite3')}")
    result = Result(name)
    with sessions() as db:
        the_page, poll, options = open_poll(db, question="Which cover?", opens_at=START,
                                  closes_at=START + OPEN)
        outcome: dict[str, tuple[bool, str]] = {}
        for a in sorted(attempts):
            text = challenge.issue(the_page.secret, poll.id,
                                   a.at - timedelta(seconds=a.dwell), bits=BITS)
            try:
                told = votes.cast(db, page=the_page, poll=poll, option_id=options[a.option],
                                  challenge_text=text, solution=challenge.solve(text),
                                  visitor=challenge.Visitor(a.visitor), address=a.address,
                                  now=a.at)
                outcome[a.visitor] = (told.counted, told.reason)
            except CoulissesError as exc:
                outcome[a.visitor] = (False, type(exc).__name__)
        # the final record: a burst found later also excludes votes told "counted" at first
        from sqlalchemy import select

        from coulisses.backstage.tables import Vote

        ids = {}
        for a in sorted(attempts):
            ids.setdefault(a.visitor, a)
        final = {v.voter: (v.counted, v.reason) for v in db.scalars(
            select(Vote).where(Vote.poll_id == poll.id))}
        for visitor, a in ids.items():
            digest = challenge.digest(poll.salt, "v:" + visitor)
            counted, reason = final.get(digest, outcome[visitor])
            if a.fraud:
                result.fraud += 1
                result.caught += not counted
                result.reasons[reason or "counted"] += 1
            else:
                result.honest += 1
                result.flagged += not counted
                if not counted:
                    result.honest_reasons[reason] += 1
                if a.crowd:
                    result.crowd += 1
                    result.crowd_flagged += not counted
                    if not counted:
                        result.crowd_reasons[reason] += 1
    engine.dispose()
    return result


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


BEFORE_MAIL = ("Before the lean test (same seeds, 2026-12-04), the flat caps excluded 272 of the "
               "300 phones behind carrier NAT (90.7 %: address 233, velocity 39), and the "
               "data-centre /24's burst took 25 honest voters with it (3.1 %).")


def crowd_cell(n: int, flagged: int, reasons: Counter[str]) -> str:
    """A scenario's own honest crowd: how many of it were not counted, and why."""
    if not n:
        return "-"
    why = ", ".join(f"{k} {c}" for k, c in reasons.most_common())
    return f"{flagged} of {n} ({pct(flagged, n)})" + (f": {why}" if why else "")


#: the same seeds through the checks before the lean test (2026-12-04: 5 counted votes per
#: address, 25 per /24 or /48, 5 a minute per network, flat), kept for comparison
BEFORE = ("Before the lean test (same seeds, 2026-12-04), the flat caps (5 counted votes per "
          "address, 25 per /24 or /48, 5 a minute per network) excluded 285 of the 300 phones "
          "behind carrier NAT (95.0 %: address 260, velocity 25) and 35 of the 40 colleagues "
          "(87.5 %: address 35), and caught 90.7 % of the IPv6 bot (25 of its votes counted; "
          "19 honest votes excluded by its burst). With the lean test, the two crowd "
          "scenarios run again with seeds 1 to 5 (`--seed N --only`, 2026-12-04) lost none of "
          "their 300 and 40 votes either.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--honest", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mail", action="store_true",
                        help="run the e-mail-verified poll scenarios (their own section)")
    parser.add_argument("--mail-honest", type=int, default=800)
    parser.add_argument("--only", default="",
                        help="run only the scenarios whose name holds one of these "
                             "comma-separated texts; print, write nothing")
    args = parser.parse_args()
    if args.mail:
        main_mail(args)
        return
    load = os.getloadavg()
    began = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, attack in [*SCENARIOS, *REPORTED]:
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            rng = random.Random(args.seed * 100 + SEED_INDEX[name])
            attempts = honest(rng, args.honest) + (attack(rng) if attack else [])
            results.append(run(name, attempts, Path(tmp)))
            print(f"{name}: {results[-1]}", flush=True)
    took = time.perf_counter() - began
    if args.only:
        return
    target = [r for r in results if r.name in dict(SCENARIOS)]
    fraud = sum(r.fraud for r in target)
    caught = sum(r.caught for r in target)
    honest_n = sum(r.honest for r in target)
    flagged = sum(r.flagged for r in target)
    crowd = sum(r.crowd for r in target)
    crowd_flagged = sum(r.crowd_flagged for r in target)
    lines = [SECTION, "",
             f"Written by `bench/attack_polls.py --honest {args.honest} --seed {args.seed}` on "
             f"{datetime.now(UTC):%Y-%m-%d}: scripted voters replayed through the real vote "
             "checks (`backstage/votes.py`, default `Limits`) on SQLite, with a simulated "
             "clock; each scenario is a two-day poll with its own honest crowd of "
             f"{args.honest} voters (55/45 split; home, shared, carrier-pool and IPv6 "
             "addresses; 5 s to a few minutes on the page). Two scenarios add an honest crowd "
             "on shared addresses (phones behind a carrier's NAT, an office), counted apart "
             "in the last column. The attackers are the ones we scripted; an attacker who "
             "knows these thresholds can stay under them (the first row after them).", "",
             "| scenario | fraudulent votes | caught | honest votes | honest not counted "
             "| how fraud was caught | the shared-address crowd not counted |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        how = ", ".join(f"{k} {n}" for k, n in r.reasons.most_common())
        lines.append(f"| {r.name} | {r.fraud} | {pct(r.caught, r.fraud)} | {r.honest} | "
                     f"{r.flagged} ({pct(r.flagged, r.honest)}) | {how or '-'} | "
                     f"{crowd_cell(r.crowd, r.crowd_flagged, r.crowd_reasons)} |")
    honest_why = Counter[str]()
    for r in target:
        honest_why.update(r.honest_reasons)
    lines += ["", f"**Targets (the first {len(target)} rows): fraud caught "
              f"{pct(caught, fraud)} (target >= 90 %), honest votes not counted "
              f"{pct(flagged, honest_n)} (target <= 1 %), of them the crowds on shared "
              f"addresses {crowd_flagged} of {crowd} ({pct(crowd_flagged, crowd)}; target "
              "<= 1 %).** Honest votes not counted, by reason: "
              + (", ".join(f"{k} {n}" for k, n in honest_why.most_common()) or "none") + ".",
              "",
              "Caught means refused (`RateLimitError`: a flood from one address) or kept and "
              "not counted; a burst also un-counts the votes of its start, once it is seen, "
              "and an address or network found leaning to one option un-counts its earlier "
              "votes for it. The known gap: bought votes from residential proxies paced over a "
              "day look, vote by vote, like the honest crowd; e-mail verification "
              "(`verify_email`, its own section below) is the layer meant for it.",
              "",
              "The two phone rows after the targets show where the lean test stops: a crowd on "
              "shared addresses that chooses one option far more than everyone else cannot be "
              "told from a script on those addresses, and past the thresholds its votes for "
              "that option are not counted (the last column).",
              "", BEFORE, "",
              f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
              f"shared (load average {load[0]:.1f} at the start); the run took {took:.0f} s."]
    write_section(args.doc, SECTION, "\n".join(lines) + "\n")
    print(f"wrote {SECTION!r} in {args.doc}")


def main_mail(args: argparse.Namespace) -> None:
    """The e-mail-verified poll scenarios (``attack_pollmail``), in their own section."""
    import attack_pollmail as am

    load = os.getloadavg()
    began = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, (name, attack) in enumerate(am.SCENARIOS):
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            rng = random.Random(args.seed * 1000 + index)
            people = am.honest(rng, args.mail_honest, START, OPEN, _ip)
            people += attack(rng, START, _ip) if attack else []
            results.append(am.run_mail(name, people, Path(tmp), START, OPEN, BITS))
            print(f"{name}: {results[-1]}", flush=True)
    took = time.perf_counter() - began
    if args.only:
        return
    fraud = sum(r.fraud for r in results)
    caught = sum(r.caught for r in results)
    honest_n = sum(r.honest for r in results)
    flagged = sum(r.flagged for r in results)
    lines = [am.SECTION, "",
             f"Written by `bench/attack_polls.py --mail --mail-honest {args.mail_honest} "
             f"--seed {args.seed}` on {datetime.now(UTC):%Y-%m-%d}: a two-day poll marked high "
             "stakes (`verify_email`), scripted voters replayed through the real vote checks "
             "and the real confirmation links (`votes.cast` with an address, "
             "`pollmail.link`, `pollmail.confirm`; default `Limits`) on SQLite, with a "
             f"simulated clock. Each scenario has its own honest crowd of {args.mail_honest} "
             "people (55/45 split, their own addresses, links opened 20 s to 6 h later, one "
             "in twenty mistyping the address first and voting again). A bot with a throwaway "
             "inbox it can read passes the e-mail step: the other layers must catch it. "
             "The last row adds phones behind a carrier's NAT, counted apart in the last "
             "column.", "",
             "| scenario | fraudulent attempts | caught | honest voters | honest not counted "
             "| how fraud was caught | the shared-address crowd not counted |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        how = ", ".join(f"{k} {n}" for k, n in r.reasons.most_common())
        lines.append(f"| {r.name} | {r.fraud} | {pct(r.caught, r.fraud)} | {r.honest} | "
                     f"{r.flagged} ({pct(r.flagged, r.honest)}) | {how or '-'} | "
                     f"{crowd_cell(r.crowd, r.crowd_flagged, r.crowd_reasons)} |")
    honest_why = Counter[str]()
    for r in results:
        honest_why.update(r.honest_reasons)
    lines += ["", f"**All rows: fraud caught {pct(caught, fraud)} (target >= 90 %), honest "
              f"voters not counted {pct(flagged, honest_n)} (target <= 1 %).** Honest voters "
              "not counted, by reason: " + (", ".join(f"{k} {n}" for k, n in
                                                      honest_why.most_common()) or "none")
              + ".", "",
              "`email_used`: the address's mailbox already has a counted vote (aliases fold: "
              "`name+tag@`, Gmail's dots); `unverified`: the link was never opened; a replayed "
              "or forged link is refused like a missing page. Not simulated: bots that open "
              "each link hours later and pace themselves over the day (the known gap of the "
              "section above, which a throwaway inbox does not close).", "", BEFORE_MAIL, "",
              f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
              f"shared (load average {load[0]:.1f} at the start); the run took {took:.0f} s."]
    write_section(args.doc, am.SECTION, "\n".join(lines) + "\n")
    print(f"wrote {am.SECTION!r} in {args.doc}")


if __name__ == "__main__":
    main()
