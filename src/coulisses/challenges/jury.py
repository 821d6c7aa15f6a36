"""The jury: the entries a juror judges (the shortlist, else every visible entry), each juror's
score (1 to 5) and note, blind mode, and how far the jurors agree.

Only entries ``consent.visible`` allows are ever shown or scored. Blind mode (the default)
hides entrants' names and file names, and hides the other jurors' scores of an entry, even how
many there are, until this juror has scored it, so that no one anchors on the others.

Agreement is Krippendorff's alpha at the ordinal level (the ``krippendorff`` package): scores
are ranks (a 4 is better than a 3, but not by a known amount, which rules out the interval ICC);
alpha takes any number of jurors, tolerates jurors who skipped entries, and is 1 for perfect
agreement and about 0 for agreement no better than chance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.consent import visible
from coulisses.challenges.files import located
from coulisses.challenges.jury_tables import ChallengeJury, ChallengeScore
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import NotFoundError, UsageError
from coulisses.studio.tables import utcnow

MIN_SCORE, MAX_SCORE = 1, 5
NOTE_MAX = 2000
#: the method ``agreement`` reports, for the page and the JSON
METHOD = "krippendorff-alpha-ordinal"


def jury_of(db: Session, challenge: ChallengeRow) -> ChallengeJury:
    """The challenge's jury settings, made (blind) on first use; flushed, not committed."""
    jury = db.get(ChallengeJury, challenge.id)
    if jury is None:
        jury = ChallengeJury(challenge_id=challenge.id, blind=True, updated_at=utcnow())
        db.add(jury)
        db.flush()
    return jury


def set_blind(db: Session, challenge: ChallengeRow, blind: bool) -> None:
    """Turn blind mode on or off for every juror of the challenge. The caller commits."""
    jury = jury_of(db, challenge)
    jury.blind = blind
    jury.updated_at = utcnow()


def shortlisted_ids(folder: Path) -> list[str] | None:
    """The public ids of the shortlist in rank order, from the verdicts triage wrote in the
    challenge's folder (``verdicts.parquet``: ``id``, ``shortlisted``, ``rank``, as
    ``entry.Verdict``); None when there is no shortlist yet."""
    path = folder / "verdicts.parquet"
    if not path.is_file():
        return None
    import duckdb

    with duckdb.connect() as con:
        rows = con.execute("SELECT id FROM read_parquet(?) WHERE shortlisted "
                           "ORDER BY rank NULLS LAST, id", [str(path)]).fetchall()
    return [str(r[0]) for r in rows]


def same_person(folder: Path) -> dict[str, str]:
    """Entries that show the same person as another (public id -> group), from the verdicts
    (only entries whose entrant opted in to face matching are ever grouped)."""
    path = folder / "verdicts.parquet"
    if not path.is_file():
        return {}
    from coulisses.challenges.store import columns_of, read_rows

    if "same_person_group" not in columns_of(path):
        return {}  # verdicts written before face matching
    return {i: str(group) for i, r in read_rows(path).items()
            if (group := r.get("same_person_group")) is not None}


def jury_entries(db: Session, challenge: ChallengeRow,
                 shortlist: Sequence[str] | None = None) -> list[ChallengeEntry]:
    """The entries the jury sees: those of ``shortlist`` (public ids, in its order) when given,
    else every entry of the challenge; never one that ``consent.visible`` hides."""
    rows = db.scalars(select(ChallengeEntry).where(ChallengeEntry.challenge_id == challenge.id)
                      .order_by(ChallengeEntry.id))
    seen = [e for e in rows if visible(e)]
    if shortlist is None:
        return seen
    by_id = {e.public_id: e for e in seen}
    return [by_id[p] for p in shortlist if p in by_id]


def entry_of(db: Session, challenge: ChallengeRow, public_id: str) -> ChallengeEntry:
    """A visible entry of the challenge by its public id.

    Raises:
        NotFoundError: no such entry in this challenge, or it may not be seen.
    """
    entry = db.scalars(select(ChallengeEntry).where(
        ChallengeEntry.challenge_id == challenge.id,
        ChallengeEntry.public_id == public_id[:24])).first()
    if entry is None or not visible(entry):
        raise NotFoundError(f"no entry {public_id[:24]!r} to judge in this challenge")
    return entry


def score(db: Session, challenge: ChallengeRow, public_id: str, juror_id: int, value: int,
          note: str = "") -> ChallengeScore:
    """Record (or replace) a juror's score and note on an entry; flushed, not committed.

    Raises:
        UsageError: a score outside 1 to 5, or a note over 2,000 characters.
        NotFoundError: no such visible entry in the challenge.
    """
    if isinstance(value, bool) or not MIN_SCORE <= value <= MAX_SCORE:
        raise UsageError(f"a score is a whole number from {MIN_SCORE} to {MAX_SCORE}, "
                         f"not {value!r}")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise UsageError(f"a note is at most {NOTE_MAX} characters, not {len(note)}")
    entry = entry_of(db, challenge, public_id)
    row = db.scalars(select(ChallengeScore).where(ChallengeScore.entry_id == entry.id,
                                                  ChallengeScore.juror_id == juror_id)).first()
    if row is None:
        row = ChallengeScore(entry_id=entry.id, juror_id=juror_id)
        db.add(row)
    row.score, row.note, row.at = value, note, utcnow()
    db.flush()
    return row


@dataclass(frozen=True)
class Card:
    """One entry as a juror sees it. ``entrant`` and ``file`` are None in blind mode;
    ``others`` (the other jurors' scores) is None while they are hidden from this juror."""

    public_id: str
    entrant: str | None
    file: str | None
    declared: dict[str, str]
    mine: int | None
    my_note: str
    others: tuple[int, ...] | None
    same_person_as: tuple[str, ...] = ()  # other entries that show the same person
    file_missing: bool = False  # the entry's video is not where it was recorded


    @property
    def others_mean(self) -> float | None:
        """The mean of the others' scores, when shown and any."""
        return sum(self.others) / len(self.others) if self.others else None


def cards(db: Session, challenge: ChallengeRow, juror_id: int,
          entries: Sequence[ChallengeEntry],
          people: Mapping[str, str] | None = None) -> list[Card]:
    """The entries as ``juror_id`` sees them, blind or not; ``people`` (``same_person``)
    names, on each card, the other entries the jury sees that show the same person."""
    blind = jury_of(db, challenge).blind
    ids = [e.id for e in entries]
    scores: dict[int, list[ChallengeScore]] = {i: [] for i in ids}
    if ids:
        for s in db.scalars(select(ChallengeScore).where(ChallengeScore.entry_id.in_(ids))
                            .order_by(ChallengeScore.id)):
            scores[s.entry_id].append(s)
    groups = people or {}
    seen = [e.public_id for e in entries]
    out = []
    for e in entries:
        group = groups.get(e.public_id)
        twins = tuple(p for p in seen if group is not None and p != e.public_id
                      and groups.get(p) == group)
        mine = next((s for s in scores[e.id] if s.juror_id == juror_id), None)
        others = tuple(s.score for s in scores[e.id] if s.juror_id != juror_id)
        shown = not blind or mine is not None
        declared = {k: str(v) for k, v in json.loads(e.declared or "{}").items()
                    if k not in ("name", "email", "phone", "handle")}
        out.append(Card(e.public_id, None if blind else e.entrant,
                        None if blind else (e.original_name or Path(e.path).name), declared,
                        mine.score if mine else None, mine.note if mine else "",
                        others if shown else None, twins,
                        not e.path or not located(e.path, None).is_file()))
    return out


@dataclass(frozen=True)
class Standing:
    """An entry's scores from every juror: how many, their mean and their spread."""

    public_id: str
    jurors: int
    mean: float | None
    low: int | None
    high: int | None


def standings(db: Session, entries: Sequence[ChallengeEntry]) -> list[Standing]:
    """The jury's result per entry, best mean first (unscored entries last), for those who run
    the jury: a wide spread (``high - low``) is worth a discussion before deciding."""
    ids = {e.id: e.public_id for e in entries}
    got: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for entry_id, value in db.execute(select(ChallengeScore.entry_id, ChallengeScore.score)
                                          .where(ChallengeScore.entry_id.in_(list(ids)))):
            got[entry_id].append(value)
    out = [Standing(ids[i], len(v), sum(v) / len(v) if v else None, min(v, default=None),
                    max(v, default=None)) for i, v in got.items()]
    return sorted(out, key=lambda s: (s.mean is None, -(s.mean or 0), -s.jurors, s.public_id))


@dataclass(frozen=True)
class Agreement:
    """How far the jurors agree: ``alpha`` (None when it cannot be had, ``why`` says why)."""

    alpha: float | None
    jurors: int
    entries: int  # entries scored by at least two jurors
    scores: int
    method: str = METHOD
    why: str = ""


def agreement(db: Session, challenge: ChallengeRow) -> Agreement:
    """Krippendorff's ordinal alpha over the scores of the challenge's visible entries."""
    rows = db.execute(select(ChallengeScore.juror_id, ChallengeScore.entry_id,
                             ChallengeScore.score, ChallengeEntry)
                      .join(ChallengeEntry, ChallengeEntry.id == ChallengeScore.entry_id)
                      .where(ChallengeEntry.challenge_id == challenge.id)).all()
    kept = [(j, e, s) for j, e, s, entry in rows if visible(entry)]
    return alpha_of(kept)


def alpha_of(scores: Sequence[tuple[int, int, int]]) -> Agreement:
    """Krippendorff's ordinal alpha of (juror, entry, score) triples."""
    jurors = sorted({j for j, _, _ in scores})
    per_entry: dict[int, int] = {}
    for _, e, _ in scores:
        per_entry[e] = per_entry.get(e, 0) + 1
    paired = sorted(e for e, n in per_entry.items() if n >= 2)
    if len(jurors) < 2 or not paired:
        return Agreement(None, len(jurors), len(paired), len(scores),
                         why="needs two jurors scoring the same entries")
    if len({s for _, e, s in scores if e in set(paired)}) < 2:
        return Agreement(None, len(jurors), len(paired), len(scores),
                         why="every score is the same: agreement is not measurable")
    import krippendorff
    import numpy as np

    matrix = np.full((len(jurors), len(paired)), np.nan)
    row, col = {j: i for i, j in enumerate(jurors)}, {e: i for i, e in enumerate(paired)}
    for j, e, s in scores:
        if e in col:
            matrix[row[j], col[e]] = s
    value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal",
                                     value_domain=list(range(MIN_SCORE, MAX_SCORE + 1))))
    return Agreement(value, len(jurors), len(paired), len(scores))
