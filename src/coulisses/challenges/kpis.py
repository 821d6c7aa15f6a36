"""A challenge's KPIs for the KPI report: entries, valid entries, entrants, completion of
consent, shortlist and votes, as the team's own measures (``kpi.report.OwnMetric``) named
``<challenge>_<measure>`` so that a campaign KPI such as ``casting_entries`` is met by them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.consent import COMPLETE, WITHDRAWN, visible
from coulisses.challenges.entry import EntryRecord
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.kpi.report import OwnMetric

#: measure -> (unit, English name, French name)
MEASURES: dict[str, tuple[str, str, str]] = {
    "entries": ("count", "Entries", "Participations"),
    "valid_entries": ("count", "Valid entries (technical checks passed)",
                      "Participations valides (contrôles techniques réussis)"),
    "entrants": ("count", "Entrants", "Participants"),
    "consent_completion": ("%", "Completion of consent", "Consentements complets"),
    "shortlist": ("count", "Shortlisted entries", "Participations présélectionnées"),
    "votes": ("count", "Public votes counted", "Votes du public comptés"),
}


@dataclass(frozen=True)
class ChallengeKpis:
    """What a challenge measured; ``consent_completion`` is a share (0 to 1) of the entries
    not withdrawn, None without any; ``valid_entries`` and ``shortlist`` are None before
    triage (never 0 for unknown); ``votes`` is None when there is no public vote."""

    challenge: str
    entries: int
    valid_entries: int | None
    entrants: int
    consent_completion: float | None
    shortlist: int | None
    votes: int | None


def measure(db: Session, challenge: ChallengeRow,
            records: Sequence[EntryRecord] | None) -> ChallengeKpis:
    """Measure a challenge from its entries' rows and its records (``results.entry_records``;
    None when triage's results are not at hand).

    Entrants are counted by their digest (``entrant_key``); an entry without one counts as its
    own entrant. Votes are the counted votes of its public poll (excluded ones never count).
    """
    from coulisses.backstage import polls
    from coulisses.challenges.vote import poll_of

    rows = list(db.scalars(select(ChallengeEntry)
                           .where(ChallengeEntry.challenge_id == challenge.id)))
    keys = {e.entrant_key or f"entry:{e.id}" for e in rows}
    standing = [e for e in rows if e.consent != WITHDRAWN and e.status != "withdrawn"]
    complete = sum(1 for e in standing if e.consent == COMPLETE)
    shown = {e.public_id for e in rows if visible(e)}
    poll = poll_of(db, challenge)
    return ChallengeKpis(
        challenge=challenge.key, entries=len(rows),
        valid_entries=None if records is None else sum(1 for r in records
                                                       if r.qc_passed is True),
        entrants=len(keys),
        consent_completion=complete / len(standing) if standing else None,
        shortlist=None if records is None else sum(1 for r in records
                                                   if r.shortlisted and r.id in shown),
        votes=polls.tally(db, poll).total if poll is not None else None)


def metric_id(challenge: str, measure: str) -> str:
    """The campaign KPI metric a challenge's measure answers to: ``casting_entries``."""
    return f"{challenge.replace('-', '_').lower()}_{measure}"


def own_metrics(kpis: ChallengeKpis) -> tuple[OwnMetric, ...]:
    """The challenge's measures as the KPI report takes them (completion in %)."""
    out = []
    for name, (unit, en, fr) in MEASURES.items():
        raw = getattr(kpis, name)
        value = None if raw is None else (100 * raw if unit == "%" else float(raw))
        out.append(OwnMetric(metric_id(kpis.challenge, name), value, unit,
                             f"{en} ({kpis.challenge})", f"{fr} ({kpis.challenge})",
                             f"challenge {kpis.challenge}"))
    return tuple(out)


def campaign_metrics(db: Session, campaign_key: str,
                     records_of: Callable[[ChallengeRow], Sequence[EntryRecord] | None]
                     ) -> tuple[OwnMetric, ...]:
    """The KPIs of every challenge of a campaign (by the campaign file's id) that took
    entries, for ``kpi.report.build_report(own=...)``; a challenge taken both from the command
    line and in a workspace is counted once per place it took entries."""
    out: list[OwnMetric] = []
    for row in db.scalars(select(ChallengeRow).where(ChallengeRow.campaign_key == campaign_key)
                          .order_by(ChallengeRow.key, ChallengeRow.id)):
        out += own_metrics(measure(db, row, records_of(row)))
    return tuple(out)
