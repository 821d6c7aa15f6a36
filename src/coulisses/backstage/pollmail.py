"""E-mail verification for the polls a team marks as high stakes (``Poll.verify_email``).

Such a poll keeps a vote that passed every other check as pending (reason ``unverified``, not
counted) and e-mails its voter a link, signed with the page's secret, naming the vote and the
salted digest of the address. The link expires after ``TTL`` or when the poll closes, whichever
comes first, and works once: the vote is no longer pending afterwards. One vote counts per
address and poll; a second one confirmed from the same address stays excluded
(``email_used``); the burst check runs when a vote would count. A voter may vote again while
their vote waits (a mistyped address, a lost message): the earlier one is retired
(``replaced``) and its link stops working. Only the digest is kept on the vote, blanked by the
poll's purge, which also drops the messages still in the outbox (``forget``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from coulisses.backstage import challenge
from coulisses.backstage.polls import state
from coulisses.backstage.tables import BackstagePage, Poll, Vote
from coulisses.errors import NotFoundError, RateLimitError, UsageError

TTL = timedelta(hours=24)
MAILS_PER_ADDRESS = 3  # confirmation e-mails to one address per poll: nobody is flooded
PENDING, USED, REPLACED = "unverified", "email_used", "replaced"
PATH = "/b/{slug}/polls/{poll}/confirm/"

MAIL = {
    "en": ("Confirm your vote: {question}",
           "You voted on \"{question}\" ({title}).\n\n"
           "Your vote counts once you open this link (it works once, until {until} UTC):\n"
           "{base}{link}\n\n"
           "If you did not vote, ignore this message: nothing will be counted.\n"
           "We keep your address only as a scrambled code, deleted after the poll.\n"),
    "fr": ("Confirmez votre vote : {question}",
           "Vous avez voté sur « {question} » ({title}).\n\n"
           "Votre vote compte dès que vous ouvrez ce lien (une seule fois, jusqu'au {until} "
           "UTC) :\n{base}{link}\n\n"
           "Si vous n'avez pas voté, ignorez ce message : rien ne sera compté.\n"
           "Nous ne gardons votre adresse que sous forme de code brouillé, effacé après le "
           "sondage.\n"),
}


#: mail services where dots in the name are ignored, and the name their addresses share
DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(address: str) -> str:
    """The mailbox a clean address delivers to: ``name+anything@`` is ``name@`` (sub-addressing,
    which most services honour), and Gmail ignores dots, so one person's aliases are one
    voter (the attack simulator's "one person, many addresses")."""
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS:
        local, domain = local.replace(".", "") or local, DOTLESS[domain]
    return f"{local}@{domain}"


def address_digest(poll: Poll, raw: str) -> str:
    """The salted digest of the mailbox a voter's e-mail address delivers to (trimmed,
    lower-cased, aliases folded by ``mailbox``).

    Raises:
        UsageError: no address, or not one.
    """
    from coulisses.challenges.intake import clean_email

    if not (raw or "").strip():
        raise UsageError("This poll counts votes confirmed by e-mail: give your e-mail "
                         "address.", hint="we send you a link to confirm your vote")
    return challenge.digest(poll.salt, "e:" + mailbox(clean_email(raw)))


def sign(page: BackstagePage, vote_id: int, email: str, expires: int) -> str:
    """The token of one vote's confirmation link (``expires``: a UNIX time)."""
    body = f"poll-mail:{vote_id}:{email}:{expires}"
    mac = hmac.new(page.secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:40]
    return f"{expires}.{mac}"


def link(page: BackstagePage, poll: Poll, vote: Vote, now: datetime) -> tuple[str, datetime]:
    """The confirmation link below the public address, and when it expires."""
    until = min(now + TTL, poll.closes_at)
    token = sign(page, vote.id, vote.email, int(until.timestamp()))
    return PATH.format(slug=page.slug, poll=poll.id) + f"{vote.id}?t={token}", until


def hold(db: Session, page: BackstagePage, poll: Poll, vote: Vote, to: str, lang: str,
         now: datetime) -> None:
    """Queue the confirmation e-mail of a pending vote (flushed with the session)."""
    from coulisses.challenges.intake import clean_email, queue_mail

    url, until = link(page, poll, vote, now)
    subject, body = MAIL.get(lang, MAIL["en"])
    values = {"question": poll.question, "title": page.title, "link": url,
              "until": until.strftime("%Y-%m-%d %H:%M"), "base": "{base}"}
    queue_mail(db, clean_email(to), subject.format(**values), body.format(**values))


def confirm(db: Session, page: BackstagePage, poll: Poll, vote_id: int, token: str,
            now: datetime) -> str:
    """Confirm a pending vote from its link (committed): ``""`` when it now counts, else why
    not (``email_used``: a vote confirmed from that address already counts; ``burst``: it
    lands in a sudden wave for its option, checked now that it would count).

    Raises:
        NotFoundError: a forged, altered, expired or already used link, a closed poll, or no
            such vote, all alike: nothing tells a vote exists.
    """
    gone = NotFoundError("No such page.", hint="check the link")
    expires_text, _, _ = (token or "").partition(".")
    vote = db.get(Vote, vote_id)
    if vote is None or vote.poll_id != poll.id or poll.page_id != page.id \
            or not page.published or not vote.email or not expires_text.isdigit() \
            or len(expires_text) > 12:
        raise gone
    expires = int(expires_text)
    if not hmac.compare_digest(sign(page, vote.id, vote.email, expires), token) \
            or now.timestamp() > expires or state(poll, now) != "open":
        raise gone
    # claim it first: the UPDATE takes the writer's lock (SQLite) or the row's (PostgreSQL),
    # so two clicks, or two votes from one address, are confirmed one after the other
    db.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    claimed = db.execute(update(Vote).where(Vote.id == vote.id, Vote.reason == PENDING)
                         .values(counted=True, reason=""))
    if getattr(claimed, "rowcount", 0) != 1:
        db.rollback()
        raise gone
    others = db.scalar(select(func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.email == vote.email, Vote.counted.is_(True),
        Vote.id != vote.id)) or 0
    if others:
        db.execute(update(Vote).where(Vote.id == vote.id).values(counted=False, reason=USED))
    else:
        from coulisses.backstage.votes import exclude_burst  # votes imports this module

        db.refresh(vote)
        exclude_burst(db, poll, vote, now)
    db.commit()
    return USED if others else str(db.scalar(select(Vote.reason).where(Vote.id == vote_id)))


def check_budget(db: Session, poll: Poll, email: str) -> None:
    """Refuse a vote that would e-mail an address already sent ``MAILS_PER_ADDRESS`` links.

    Raises:
        RateLimitError: that many votes of this poll already named the address.
    """
    sent = db.scalar(select(func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.email == email,
        Vote.reason.in_((PENDING, REPLACED)))) or 0
    if sent >= MAILS_PER_ADDRESS:
        raise RateLimitError("Too many confirmation e-mails went to this address for this poll.",
                             hint="open the link in one of them")


def already_counted(db: Session, poll: Poll, email: str) -> bool:
    """Whether a vote confirmed from this address (its digest) already counts in the poll."""
    return bool(db.scalar(select(func.count(Vote.id)).where(
        Vote.poll_id == poll.id, Vote.email == email, Vote.counted.is_(True))))


def forget(db: Session, page: BackstagePage, poll: Poll) -> None:
    """Drop the poll's confirmation messages from the outbox (they hold the addresses)."""
    from coulisses.studio.board_tables import MailOutbox

    prefix = PATH.format(slug=page.slug, poll=poll.id)
    db.execute(delete(MailOutbox).where(MailOutbox.notification_id.is_(None),
                                        MailOutbox.body.contains(prefix, autoescape=True)))
