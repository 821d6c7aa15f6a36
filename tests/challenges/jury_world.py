"""Entry records built by hand for the report, KPI and jury tests: a small challenge whose
funnel is known by construction (the real records come from triage, tested by its owners)."""

from __future__ import annotations

from coulisses.campaign.schema import Challenge
from coulisses.campaign.template import load_example
from coulisses.challenges.entry import EntryRecord


def casting() -> Challenge:
    """The example campaign's casting challenge."""
    return next(c for c in load_example("casting-series-fr").challenges if c.id == "casting")


def record(id: str, *, qc: bool | None = True, reasons: tuple[str, ...] = (),
           group: str | None = None, of: str | None = None, relevance: float | None = 0.8,
           consent: str = "complete", status: str = "triaged", rank: int | None = None,
           exclusion: str = "", declared: dict[str, str] | None = None) -> EntryRecord:
    return EntryRecord(
        id=id, file=f"/data/challenges/1/{id}.mp4", status=status, consent=consent,
        qc_passed=qc, qc_reasons=reasons, duplicate_group=group, duplicate_of=of,
        relevance=relevance, relevance_reason=f"says the bus line ({id})",
        shortlisted=rank is not None, rank=rank,
        exclusion="" if rank is not None else exclusion,
        declared=declared or {"city": "Lyon", "age_band": "18-24"}, duration_s=30.0)


def world() -> list[EntryRecord]:
    """13 entries: 2 fail QC (one with two reasons), 1 not triaged, 2 copies of e01, 2 off the
    brief, 1 without consent, 1 withdrawn, 1 held by the shortlist, 3 shortlisted (e01
    first)."""
    return [
        record("e01", group="g1", rank=1),
        record("e02", group="g1", of="e01"),
        record("e03", group="g1", of="e01"),
        record("e04", qc=False, reasons=("too short", "no audio")),
        record("e05", qc=False, reasons=("too short",)),
        record("e06", qc=None, relevance=None, status="received"),
        record("e07", relevance=0.1),
        record("e08", relevance=0.2),
        record("e09", consent="missing"),
        record("e10", consent="withdrawn", status="withdrawn"),
        record("e11", rank=2, declared={"city": "Marseille", "age_band": "16-17"}),
        record("e12", rank=3, relevance=0.6),
        record("e13", exclusion="under 16: hiring authorisations not recorded",
               declared={"city": "Lille", "age_band": "15"}),
    ]
