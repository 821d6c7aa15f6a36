"""One person's e-mail aliases are one voter on a high-stakes poll: sub-addresses
(``name+tag@``) and Gmail's dots fold into one mailbox, so a second vote confirmed from an
alias stays excluded (``email_used``)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from backstageworld import World
from sqlalchemy import select

from coulisses.backstage import challenge, pollmail, polls, votes
from coulisses.studio.board_tables import MailOutbox

LINK = re.compile(r"/b/[\w-]+/polls/(\d+)/confirm/(\d+)\?t=([\w.]+)")


def test_aliases_fold_into_one_mailbox() -> None:
    assert pollmail.mailbox("ana+poll1@example.org") == "ana@example.org"
    assert pollmail.mailbox("a.n.a+x@googlemail.com") == "ana@gmail.com"
    assert pollmail.mailbox("a.na@example.org") == "a.na@example.org"  # dots count elsewhere
    assert pollmail.mailbox("+only@example.org") == "+only@example.org"


def test_a_second_vote_from_an_alias_is_not_counted(world: World) -> None:
    world.poll.verify_email = True
    world.db.commit()
    relaxed = replace(votes.LIMITS, min_seconds=0.0)
    results = []
    for who, email, address in (("p1", "Ana.B+one@gmail.com", "203.0.113.7"),
                                ("p2", "anab+two@googlemail.com", "198.51.100.9")):
        text = challenge.issue(world.page.secret, world.poll.id,
                               world.now - timedelta(seconds=5), bits=4)
        cast = votes.cast(world.db, page=world.page, poll=world.poll,
                          option_id=polls.options_of(world.db, world.poll)[0].id,
                          challenge_text=text, solution=challenge.solve(text), address=address,
                          now=world.now, limits=relaxed, visitor=challenge.Visitor(who),
                          email=email)
        results.append(cast.reason)
        mails = [m for m in world.db.scalars(select(MailOutbox).order_by(MailOutbox.id))
                 if f"/confirm/{cast.vote_id}?" in m.body]
        for mail in mails:
            found = LINK.search(mail.body)
            assert found is not None
            results.append(pollmail.confirm(world.db, world.page, world.poll, int(found[2]),
                                            found[3], world.now))
    # the alias is known at once: no second link is even sent
    assert results == ["unverified", "", "email_used"]
    assert polls.tally(world.db, world.poll).total == 1
