"""Consent rules: the items an entry needs, where its consent stands, and withdrawal.

French law is the default (research notes, section 6): each item (data processing, image and
voice release, scope of use) is recorded separately with the exact terms shown; under 15 an
entry also waits for a parent's joint consent before anyone sees it; under 16 an entrant is not
shortlisted for casting until the team records the authorisations hiring a minor requires.
Withdrawal takes the entry out of the gallery, the shortlist and any vote at once; the purge of
its derived data follows within the day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.entry import HIRING_AUTHORISATION_BANDS, PARENT_CONSENT_BANDS
from coulisses.challenges.tables import ChallengeConsent, ChallengeEntry
from coulisses.studio.tables import utcnow

#: the states an entry's consent can be in
MISSING, PENDING_PARENT, COMPLETE, WITHDRAWN = "missing", "pending_parent", "complete", "withdrawn"


def terms_hash(text: str) -> str:
    """The SHA-256 of the terms text exactly as shown."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def needs_parent(age_band: str) -> bool:
    """Whether an entrant of this declared age band needs a parent's joint consent."""
    return age_band in PARENT_CONSENT_BANDS


def needs_hiring_authorisation(age_band: str) -> bool:
    """Whether an entrant of this band is held from a casting shortlist until the team records
    the authorisations that hiring a minor requires."""
    return age_band in HIRING_AUTHORISATION_BANDS


def settle(age_band: str, required: Iterable[str], granted: Iterable[str], *,
           withdrawn: bool = False) -> str:
    """Where consent stands from the items granted so far (``parent`` among them for a minor).

    >>> settle("18-24", ["data", "release"], ["data", "release"])
    'complete'
    >>> settle("13-14", ["data"], ["data"])
    'pending_parent'
    """
    if withdrawn:
        return WITHDRAWN
    have = set(granted)
    if not set(required) <= have:
        return MISSING
    if needs_parent(age_band) and "parent" not in have:
        return PENDING_PARENT
    return COMPLETE


def record(session: Session, entry: ChallengeEntry, answers: Mapping[str, bool], *,
           required: Iterable[str], terms_text: str, by: str, scope_json: str = "{}",
           address_hash: str = "", agent_hash: str = "", at: datetime | None = None) -> str:
    """Record one answer per item for ``entry`` (each its own row, with the terms shown and
    their hash), update the entry's consent state and return it. The caller commits."""
    when = at or utcnow()
    digest = terms_hash(terms_text)
    for item, granted in answers.items():
        session.add(ChallengeConsent(
            entry_id=entry.id, item=item, granted=bool(granted), scope=scope_json,
            terms_text=terms_text, terms_hash=digest, by=by, address_hash=address_hash,
            agent_hash=agent_hash, at=when))
    session.flush()
    granted_items = granted_now(session, entry.id)
    entry.consent = settle(entry.age_band, required, granted_items,
                           withdrawn=entry.consent == WITHDRAWN)
    entry.updated_at = when
    return entry.consent


def granted_now(session: Session, entry_id: int) -> set[str]:
    """The items whose latest answer for the entry is a grant."""
    latest: dict[str, bool] = {}
    rows = session.execute(select(ChallengeConsent.item, ChallengeConsent.granted)
                           .where(ChallengeConsent.entry_id == entry_id)
                           .order_by(ChallengeConsent.at, ChallengeConsent.id))
    for item, granted in rows:
        latest[item] = bool(granted)
    return {item for item, granted in latest.items() if granted}


def withdraw(entry: ChallengeEntry, *, at: datetime | None = None) -> None:
    """Take an entry out of everything at once; its purge follows. The caller commits."""
    when = at or utcnow()
    entry.consent = WITHDRAWN
    entry.status = "withdrawn"
    entry.withdrawn_at = when
    entry.updated_at = when


def visible(entry: ChallengeEntry) -> bool:
    """Whether an entry may be seen by anyone (gallery, jury, shortlist, vote)."""
    return entry.consent == COMPLETE and entry.status not in ("withdrawn", "purged")
