"""E-mail verification of a high-stakes poll: a vote is held until its voter opens the link
e-mailed to them, counts once per address, and its links are signed, single-use and expiring;
the address is kept only as a digest, purged with the poll's other personal data."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from backstageworld import World
from sqlalchemy import select

from coulisses.backstage import challenge, pollmail, polls, votes
from coulisses.backstage.tables import SpentChallenge, Vote
from coulisses.errors import NotFoundError, RateLimitError, UsageError
from coulisses.studio.board_tables import MailOutbox

RELAXED = replace(votes.LIMITS, min_seconds=0.0)
LINK = re.compile(r"/b/[\w-]+/polls/(\d+)/confirm/(\d+)\?t=([\w.]+)")


@pytest.fixture
def high(world: World) -> World:
    world.poll.verify_email = True
    world.db.commit()
    return world


def _vote(w: World, email: str, *, who: str, option: int = 0,
          address: str = "203.0.113.7", lang: str = "en") -> votes.Outcome:
    text = challenge.issue(w.page.secret, w.poll.id, w.now - timedelta(seconds=5), bits=4)
    option_id = polls.options_of(w.db, w.poll)[option].id
    return votes.cast(w.db, page=w.page, poll=w.poll, option_id=option_id, challenge_text=text,
                      solution=challenge.solve(text), address=address, now=w.now,
                      limits=RELAXED, visitor=challenge.Visitor(who), email=email, lang=lang)


def _mails(w: World) -> list[MailOutbox]:
    return list(w.db.scalars(select(MailOutbox).order_by(MailOutbox.id)))


def _link(mail: MailOutbox) -> tuple[int, int, str]:
    found = LINK.search(mail.body)
    assert found is not None, mail.body
    return int(found[1]), int(found[2]), found[3]


def _confirm(w: World, vote_id: int, token: str, at: timedelta = timedelta(0)) -> bool:
    """Whether the vote counts once its link is opened."""
    return pollmail.confirm(w.db, w.page, w.poll, vote_id, token, w.now + at) == ""


def test_a_vote_is_pending_until_its_link_is_opened_and_then_counts(high: World) -> None:
    held = _vote(high, " Alice@Example.org ", who="alice")
    assert (held.counted, held.reason) == (False, "unverified")
    tally = polls.tally(high.db, high.poll)
    assert tally.total == 0 and tally.excluded == {"unverified": 1}
    [mail] = _mails(high)
    assert mail.to_addr == "alice@example.org" and mail.status == "pending"
    assert high.poll.question in mail.subject and "{base}/b/" in mail.body
    poll_id, vote_id, token = _link(mail)
    assert (poll_id, vote_id) == (high.poll.id, held.vote_id)
    # only the digest is on the vote, never the address
    stored = high.db.get(Vote, held.vote_id)
    assert stored is not None and "alice" not in stored.email and len(stored.email) == 64
    assert _confirm(high, vote_id, token) is True
    tally = polls.tally(high.db, high.poll)
    assert [n for _, n in tally.counts] == [1, 0] and tally.excluded == {}


def test_replayed_forged_expired_and_foreign_links_all_answer_alike(high: World) -> None:
    first = _vote(high, "bob@example.org", who="bob")
    _vote(high, "carol@example.org", who="carol", address="198.51.100.4")
    (_, bob_id, bob_token), (_, carol_id, carol_token) = map(_link, _mails(high))
    expires, _, mac = bob_token.partition(".")
    forged = [(bob_id, f"{int(expires) + 3600}.{mac}"), (bob_id, f"{expires}.{'0' * 40}"),
              (bob_id, ""), (bob_id, "x.y"), (carol_id, bob_token), (9999, bob_token)]
    lines = set()
    for vote_id, token in forged:
        with pytest.raises(NotFoundError) as caught:
            _confirm(high, vote_id, token)
        lines.add(str(caught.value))
    with pytest.raises(NotFoundError) as late:  # past its 24 hours
        _confirm(high, bob_id, bob_token, pollmail.TTL + timedelta(seconds=1))
    lines.add(str(late.value))
    assert _confirm(high, bob_id, bob_token)
    with pytest.raises(NotFoundError) as replayed:
        _confirm(high, bob_id, bob_token)
    lines.add(str(replayed.value))
    assert len(lines) == 1  # nothing tells a forged link from a used or unknown one
    assert high.db.get(Vote, first.vote_id).counted  # type: ignore[union-attr]
    assert _confirm(high, carol_id, carol_token)
    assert polls.tally(high.db, high.poll).total == 2


def test_one_counted_vote_per_address_whatever_the_cookie(high: World) -> None:
    _vote(high, "dan@example.org", who="dan-phone")
    _vote(high, "DAN@example.org", who="dan-laptop", option=1, address="198.51.100.9")
    (_, phone, t1), (_, laptop, t2) = map(_link, _mails(high))
    assert _confirm(high, phone, t1) is True
    assert _confirm(high, laptop, t2) is False  # the link works, the vote does not count
    tally = polls.tally(high.db, high.poll)
    assert [n for _, n in tally.counts] == [1, 0] and tally.excluded == {"email_used": 1}
    # once one counts, a third vote from that address is told at once and gets no e-mail
    third = _vote(high, "dan@example.org", who="dan-tablet", address="192.0.2.1")
    assert (third.counted, third.reason) == (False, "email_used")
    assert len(_mails(high)) == 2


def test_a_missing_or_bad_address_is_refused_before_the_proof_of_work_is_spent(
        high: World) -> None:
    for bad, line in (("", "confirmed by e-mail"), ("not-an-address", "not an e-mail")):
        with pytest.raises(UsageError, match=line):
            _vote(high, bad, who="eve")
    assert high.db.scalars(select(SpentChallenge)).all() == []
    assert high.db.scalars(select(Vote)).all() == [] and _mails(high) == []


def test_a_vote_failing_another_check_sends_no_mail(high: World) -> None:
    text = challenge.issue(high.page.secret, high.poll.id, high.now, bits=4)
    fast = votes.cast(high.db, page=high.page, poll=high.poll,
                      option_id=polls.options_of(high.db, high.poll)[0].id, challenge_text=text,
                      solution=challenge.solve(text), address="203.0.113.8", now=high.now,
                      visitor=challenge.Visitor("fay"), email="fay@example.org")
    assert fast.reason == "too_fast" and _mails(high) == []


def test_the_mail_speaks_the_voters_language_and_expires_with_the_poll(high: World) -> None:
    high.poll.closes_at = high.now + timedelta(hours=2)
    high.db.commit()
    _vote(high, "gil@example.org", who="gil", lang="fr")
    [mail] = _mails(high)
    assert mail.subject.startswith("Confirmez votre vote") and "une seule fois" in mail.body
    _, vote_id, token = _link(mail)
    assert int(token.partition(".")[0]) == int(high.poll.closes_at.timestamp())
    with pytest.raises(NotFoundError):
        _confirm(high, vote_id, token, timedelta(hours=2, seconds=1))


def test_the_purge_blanks_the_address_digest_and_drops_the_mails(high: World) -> None:
    _vote(high, "hal@example.org", who="hal")
    other = polls.create_poll(high.db, page_id=high.page.id, question="Which ending?",
                              options=[polls.OptionSpec("A"), polls.OptionSpec("B")],
                              opens_at=high.now - timedelta(hours=1),
                              closes_at=high.now + timedelta(days=9), verify_email=True)
    high.db.commit()
    _vote(replace(high, poll=other), "ivy@example.org", who="ivy")
    high.poll.retention_days = 0
    high.db.commit()
    assert polls.purge(high.db, high.poll.closes_at + timedelta(seconds=1)) == 1
    high.db.commit()
    emails = {p: e for p, e in high.db.execute(select(Vote.poll_id, Vote.email))}
    assert emails[high.poll.id] == "" and len(emails[other.id]) == 64
    assert [m.to_addr for m in _mails(high)] == ["ivy@example.org"]


def test_a_voter_who_mistyped_the_address_votes_again_and_only_the_last_link_works(
        high: World) -> None:
    typo = _vote(high, "jo@exmaple.org", who="jo")
    again = _vote(high, "jo@example.org", who="jo", option=1)
    assert again.reason == "unverified" and again.vote_id != typo.vote_id
    (_, old_id, old_token), (_, new_id, new_token) = map(_link, _mails(high))
    with pytest.raises(NotFoundError):
        _confirm(high, old_id, old_token)
    assert _confirm(high, new_id, new_token)
    tally = polls.tally(high.db, high.poll)
    assert [n for _, n in tally.counts] == [0, 1] and tally.excluded == {"replaced": 1}
    # confirmed, the cookie's next vote is a second vote as on any poll
    assert _vote(high, "jo2@example.org", who="jo").reason == "already_voted"
    assert votes.voted(high.db, high.poll, challenge.Visitor("jo")).id == new_id  # type: ignore[union-attr]


def test_a_wave_of_confirmed_votes_for_one_option_is_caught_when_they_would_count(
        high: World) -> None:
    for i in range(15):  # 15 bought mailboxes, 15 networks, all for "Red" within minutes
        _vote(high, f"buyer{i}@example.org", who=f"b{i}", address=f"198.51.{i}.1")
    reasons = [pollmail.confirm(high.db, high.page, high.poll, vote_id, token, high.now)
               for _, vote_id, token in map(_link, _mails(high))]
    assert reasons == [""] * 14 + ["burst"]
    tally = polls.tally(high.db, high.poll)
    assert tally.total == 0 and tally.excluded == {"burst": 15}


def test_one_address_gets_at_most_a_few_confirmation_mails_per_poll(high: World) -> None:
    for i in range(pollmail.MAILS_PER_ADDRESS):  # someone keeps voting in a victim's name
        _vote(high, "victim@example.org", who="prank", address=f"198.51.{i}.2")
    with pytest.raises(RateLimitError, match="Too many confirmation e-mails"):
        _vote(high, "Victim@example.org", who="prank2", address="192.0.2.77")
    assert len(_mails(high)) == pollmail.MAILS_PER_ADDRESS
    assert len(high.db.scalars(select(SpentChallenge)).all()) == pollmail.MAILS_PER_ADDRESS


def test_throwaway_inboxes_from_one_network_stop_waiting_once_it_leans(high: World) -> None:
    # bots on one data-centre /24, a throwaway inbox each, all for "Blue"
    told = [_vote(high, f"x{i}@tempmail.test", who=f"t{i}", option=1,
                  address=f"203.0.113.{i + 1}") for i in range(20)]
    assert told[0].reason == "unverified" and told[-1].reason == "network"
    assert {o.reason for o in told[-3:]} == {"network"}
    # the e-mails already sent: their links no longer make a vote count
    for _, vote_id, token in map(_link, _mails(high)):
        with pytest.raises(NotFoundError):
            _confirm(high, vote_id, token)
    # someone on another network still votes as usual
    mine = _vote(high, "sam@example.org", who="sam", address="192.0.2.5")
    assert mine.reason == "unverified"
    assert _confirm(high, *_link(_mails(high)[-1])[1:])
    tally = polls.tally(high.db, high.poll)
    assert [n for _, n in tally.counts] == [1, 0] and tally.excluded == {"network": 20}
