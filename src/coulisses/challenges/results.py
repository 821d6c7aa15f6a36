"""What a challenge's triage says of each entry: the entry's row joined with every stage's
checkpoint and the verdicts, as ``EntryRecord``s (``challenge entries``, the report, the jury)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.entry import EntryRecord, Scalar, stage_file
from coulisses.challenges.files import located
from coulisses.challenges.store import json_list, read_rows
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.challenges.triage import VERDICTS


def _number(value: Scalar) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def entry_records(session: Session, challenge: ChallengeRow, folder: Path,
                  base: Path | None = None) -> list[EntryRecord]:
    """One record per entry of the challenge, in intake order; an entry not triaged yet has
    ``qc_passed`` None. ``file`` is where the entry's file is (relative paths read under
    ``base``, the campaign file's folder), ``file_missing`` whether it is not there."""
    qc_rows = read_rows(stage_file(folder, "qc"))
    speech = read_rows(stage_file(folder, "speech"))
    verdicts = read_rows(folder / VERDICTS)
    records: list[EntryRecord] = []
    for entry in session.scalars(select(ChallengeEntry).where(
            ChallengeEntry.challenge_id == challenge.id).order_by(ChallengeEntry.id)):
        qc = qc_rows.get(entry.public_id)
        said = speech.get(entry.public_id, {})
        verdict = verdicts.get(entry.public_id, {})
        shortlisted = bool(verdict.get("shortlisted"))
        rank = verdict.get("rank")
        language = said.get("language")
        if not verdict and qc is not None:
            exclusion = "not decided yet: run triage again"
        else:
            exclusion = "" if shortlisted else str(verdict.get("reason") or "not triaged yet")
        where = located(entry.path, base) if entry.path else None
        records.append(EntryRecord(
            id=entry.public_id, file=str(where or ""), status=entry.status,
            consent=entry.consent,
            qc_passed=None if qc is None else bool(qc.get("qc_passed")),
            qc_reasons=json_list(qc.get("qc_reasons")) if qc else (),
            duplicate_group=_text(verdict.get("duplicate_group")),
            duplicate_of=_text(verdict.get("duplicate_of")),
            relevance=_number(said.get("relevance")),
            relevance_reason=str(said.get("relevance_reason") or ""),
            shortlisted=shortlisted, rank=int(rank) if isinstance(rank, int) else None,
            exclusion=exclusion, declared=json.loads(entry.declared or "{}"),
            language=_text(language),
            duration_s=_number(qc.get("duration_s")) if qc else None,
            same_person_group=_text(verdict.get("same_person_group")),
            file_missing=where is not None and entry.status not in ("withdrawn", "purged")
            and not where.is_file()))
    return records


def _text(value: Scalar) -> str | None:
    return None if value is None else str(value)


def record_json(record: EntryRecord) -> dict[str, object]:
    """A record as ``challenge entries --json`` prints it: the issue's fields first (``qc``
    with passed and reasons, ``relevance`` with its reason)."""
    return {
        "id": record.id, "file": record.file, "status": record.status,
        "consent": record.consent,
        "qc": {"passed": record.qc_passed, "reasons": list(record.qc_reasons)},
        "duplicate_group": record.duplicate_group, "duplicate_of": record.duplicate_of,
        "relevance": None if record.relevance is None else
        {"score": round(record.relevance, 3), "reason": record.relevance_reason},
        "shortlisted": record.shortlisted, "rank": record.rank, "exclusion": record.exclusion,
        "declared": dict(record.declared), "language": record.language,
        "duration_s": record.duration_s, "same_person_group": record.same_person_group,
        "file_missing": record.file_missing,
    }
