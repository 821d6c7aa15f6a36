"""Triage a challenge's entries: every stage over every entry not yet triaged (cheap gates
first; later stages skip the entries whose QC failed), then the decisions across entries
(duplicate groups, the shortlist) written as ``verdicts.parquet``.

Resumable: a stage runs only on the entries its checkpoint has no row for. The stages after
``qc`` (``prints``, ``speech``) and the decisions (``duplicates``, ``shortlist``) live in
their own modules, imported only here, inside the functions that use them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.campaign.schema import Challenge
from coulisses.challenges import consent
from coulisses.challenges.entry import (
    Candidate,
    Duplicate,
    Entry,
    Rules,
    Scalar,
    Stage,
    Verdict,
    stage_file,
)
from coulisses.challenges.executor import Progress, StageRun, run_stage
from coulisses.challenges.files import Missing, located, missing
from coulisses.challenges.store import append_rows, done_ids, iter_rows, json_list, read_rows
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow

#: the stages, in the order they run: cheap gates first
STAGES = ("qc", "prints", "speech", "faces")
#: stages that only ever see the entries whose entrant opted in (biometric: ``faces``)
OPT_IN_STAGES = frozenset({"faces"})
VERDICTS = "verdicts.parquet"
BLOCKLIST = "blocklist.parquet"  # prints of known videos entries must not copy
VIDEO_EXTENSIONS = frozenset({"mp4", "mov", "m4v", "webm", "mkv", "avi"})
VERDICT_COLUMNS = ("shortlisted", "rank", "reason", "duplicate_group", "duplicate_of",
                   "blocked", "distance", "same_person_group")
_GONE = ("withdrawn", "purged")
NOT_TRIAGED = "not triaged yet"


@dataclass(frozen=True)
class Facts:
    """What the decisions need of an entry besides its rows: what was declared, and whether it
    may be shortlisted (consent, eligibility, minors) with the reason when not."""

    id: str
    declared: Mapping[str, str]
    eligible: bool
    ineligible_reason: str = ""
    face_matching: bool = False  # the entrant opted in to face matching


@dataclass(frozen=True)
class Decision:
    """The decisions across entries: where each stands among copies, the verdicts, and the
    entries that show the same person as another (opted-in entries only: id -> group)."""

    duplicates: Mapping[str, Duplicate] = field(default_factory=dict)
    verdicts: Sequence[Verdict] = ()
    people: Mapping[str, str] = field(default_factory=dict)


#: ``decide(folder, facts, rules)``: the decisions from the stages' checkpoints
Decide = Callable[[Path, Sequence[Facts], Rules], Decision]


@dataclass(frozen=True)
class TriageReport:
    """One triage run: each stage's run, the entries triaged, and the shortlist's size."""

    runs: tuple[StageRun, ...]
    entries: int
    shortlisted: int
    failed: tuple[tuple[str, str], ...] = ()
    #: entries whose media file is not where it was recorded (left out of every stage)
    missing: tuple[Missing, ...] = ()
    #: opted-in stages not run, with how many entries wait for them (their model is missing)
    waiting: tuple[tuple[str, int], ...] = ()


def default_stages() -> tuple[Stage, ...]:
    """The stages of ``STAGES`` in order, each module's ``STAGE``: the cheap technical gate
    first, then the frame prints, then speech and relevance, then the faces of the entries
    whose entrant opted in to face matching."""
    from coulisses.challenges import faces, prints, qc, speech

    return (qc.STAGE, prints.STAGE, speech.STAGE, faces.STAGE)


def triage(session: Session, row: ChallengeRow, challenge: Challenge, folder: Path, *,
           stages: Sequence[Stage] | None = None, decide: Decide | None = None,
           workers: int = 0, ray_address: str | None = None,
           progress: Progress | None = None, lang: str = "en",
           base: Path | None = None) -> TriageReport:
    """Run every stage on the challenge's entries not yet triaged, then decide. ``base``: the
    campaign file's folder, which relative entry paths are under (``files.located``); an entry
    whose file is missing is left out of every stage and listed in the report.

    Raises:
        UsageError: Ray cannot be reached.
        OutputError: a checkpoint cannot be written.
    """
    rules = Rules.of(challenge)
    chosen = tuple(stages) if stages is not None else default_stages()
    runs: list[StageRun] = []
    waiting: list[tuple[str, int]] = []
    failed: dict[str, str] = {}
    qc_failed: set[str] = set()
    lost = tuple(missing(session, row, base))
    absent = {m.public_id for m in lost}
    for index, stage in enumerate(chosen):
        checkpoint = stage_file(folder, stage.name)
        done = done_ids(checkpoint)
        skip = done | absent | set(failed) | (qc_failed if index else set())
        opt_in = stage.name in OPT_IN_STAGES
        total = sum(1 for _ in _pending(session, row, skip, opted_in=opt_in, base=base))
        if opt_in and total and not _model_ready(stage.name):
            waiting.append((stage.name, total))  # run by a later triage, once installed
            continue
        run = run_stage(stage, _pending(session, row, skip, opted_in=opt_in, base=base), rules,
                        workers=workers,
                        ray_address=ray_address, progress=progress, checkpoint=checkpoint,
                        total=total)
        runs.append(run)
        failed.update(run.failed)
        if stage.name == "qc":
            qc_failed = {str(r["id"]) for r in iter_rows(checkpoint) if not r.get("qc_passed")}
    _mark(session, row, failed, absent)
    facts = list(entry_facts(session, row, challenge))
    decision = (decide or partial(default_decide, lang=lang))(folder, facts, rules)
    write_decision(folder, decision)
    session.commit()
    return TriageReport(tuple(runs), len(facts),
                        sum(1 for v in decision.verdicts if v.shortlisted),
                        tuple(sorted(failed.items())), lost, tuple(waiting))


def _model_ready(stage: str) -> bool:
    """Whether an opted-in stage's model is installed (``faces``: the ``faces`` extra)."""
    from coulisses.challenges.faces import available

    return stage != "faces" or available()


def _pending(session: Session, row: ChallengeRow, skip: set[str], *,
             opted_in: bool = False, base: Path | None = None) -> Iterator[Entry]:
    """The entries of the challenge still to run, streamed from the database (``opted_in``:
    only those whose entrant opted in to face matching)."""
    query = (select(ChallengeEntry.public_id, ChallengeEntry.path, ChallengeEntry.declared,
                    ChallengeEntry.face_matching)
             .where(ChallengeEntry.challenge_id == row.id, ChallengeEntry.status.not_in(_GONE))
             .order_by(ChallengeEntry.id).execution_options(yield_per=1000))
    if opted_in:
        query = query.where(ChallengeEntry.face_matching.is_(True))
    for public_id, path, declared, face_matching in session.execute(query):
        if public_id not in skip:
            yield Entry(public_id, located(path, base), json.loads(declared or "{}"),
                        face_matching=bool(face_matching))


def _mark(session: Session, row: ChallengeRow, failed: Mapping[str, str],
          absent: set[str]) -> None:
    """Entries just triaged become ``triaged``; those a stage could not run, ``failed``; those
    whose file is missing keep their status."""
    for entry in session.scalars(select(ChallengeEntry).where(
            ChallengeEntry.challenge_id == row.id, ChallengeEntry.status.not_in(_GONE))):
        if entry.public_id in absent:
            continue
        entry.status = "failed" if entry.public_id in failed else "triaged"


def entry_facts(session: Session, row: ChallengeRow, challenge: Challenge) -> Iterator[Facts]:
    """Each entry's declared fields and whether it may be shortlisted, with the reason's code
    (``shortlist.ineligibility``: worded in either language by the shortlist)."""
    from coulisses.challenges.shortlist import ineligibility

    for entry in session.scalars(select(ChallengeEntry).where(
            ChallengeEntry.challenge_id == row.id).order_by(ChallengeEntry.id)):
        state = consent.WITHDRAWN if entry.status in _GONE else entry.consent
        code = ineligibility(consent=state, age_band=entry.age_band, country=entry.country,
                             minor_cleared=entry.minor_cleared,
                             age_bands=challenge.eligibility.age_bands,
                             countries=challenge.eligibility.countries)
        yield Facts(entry.public_id, json.loads(entry.declared or "{}"), not code, code,
                    face_matching=entry.face_matching and entry.status not in _GONE)


def candidates(folder: Path, facts: Sequence[Facts],
               duplicates: Mapping[str, Duplicate]) -> list[Candidate]:
    """The entries as the shortlist sees them: QC, copies, relevance, quality, eligibility."""
    qc_rows = read_rows(stage_file(folder, "qc"))
    speech = read_rows(stage_file(folder, "speech"))
    out: list[Candidate] = []
    for fact in facts:
        qc_row = qc_rows.get(fact.id, {})
        said = speech.get(fact.id, {})
        relevance = said.get("relevance")
        quality = qc_row.get("quality")
        out.append(Candidate(
            id=fact.id, qc_passed=bool(qc_row.get("qc_passed")),
            qc_reasons=json_list(qc_row.get("qc_reasons")) if qc_row else (NOT_TRIAGED,),
            duplicate=duplicates.get(fact.id, Duplicate()),
            relevance=float(relevance) if isinstance(relevance, int | float) else 0.0,
            relevance_reason=str(said.get("relevance_reason") or ""),
            quality=float(quality) if isinstance(quality, int | float) else 0.0,
            declared=fact.declared, eligible=fact.eligible,
            ineligible_reason=fact.ineligible_reason))
    return out


def default_decide(folder: Path, facts: Sequence[Facts], rules: Rules, *,
                   lang: str = "en") -> Decision:
    """The decisions from the checkpoints: duplicate groups from the ``prints`` rows
    (``duplicates.group_duplicates``, the entries whose QC failed left out) and the shortlist
    (``shortlist.shortlist``), its reasons in ``lang``."""
    from coulisses.challenges.shortlist import shortlist

    groups = duplicate_groups(folder)
    pool = candidates(folder, facts, groups)
    return Decision(groups, shortlist(pool, rules.shortlist, rules.diversity, lang=lang,
                                      min_relevance=rules.min_relevance),
                    same_people(folder, {f.id for f in facts if f.face_matching}))


def same_people(folder: Path, opted_in: set[str]) -> Mapping[str, str]:
    """The entries (of ``opted_in`` only: an entrant may have opted out since) that show the
    same person as another, each with its group (``faces.same_person_groups``)."""
    from coulisses.challenges.faces import same_person_groups

    found = {i: data for i, r in read_rows(stage_file(folder, "faces")).items()
             if i in opted_in and isinstance(data := r.get("face"), bytes)}
    return same_person_groups(found) if len(found) > 1 else {}


def duplicate_groups(folder: Path, *, memory_mb: int | None = None) -> Mapping[str, Duplicate]:
    """Copies among the entries that passed QC and have a print, and copies of the challenge's
    blocklist (``blocklist.parquet``, from ``coulisses challenge triage --blocklist``). The
    prints are streamed from their checkpoints into ``duplicates.group_prints`` (its scratch
    folder beside them), so memory does not grow with the entries but by a few numbers each.

    Raises:
        OutputError: the scratch folder cannot be written.
    """
    from coulisses.challenges.dupindex import MEMORY_MB
    from coulisses.challenges.duplicates import group_prints

    prints, blocklist = stage_file(folder, "prints"), folder / BLOCKLIST
    passed = {str(r["id"]) for r in iter_rows(stage_file(folder, "qc"),
                                              columns=("id", "qc_passed")) if r["qc_passed"]}
    entries = sorted(i for r in iter_rows(prints, columns=("id",), present="print")
                     if (i := str(r["id"])) in passed)
    if not entries:
        return {}
    blocked = sorted(str(r["id"]) for r in iter_rows(blocklist, columns=("id",),
                                                     present="print"))
    del passed
    places = ({key: n for n, key in enumerate(blocked)},
              {key: n for n, key in enumerate(entries, len(blocked))})

    def rows() -> Iterator[tuple[int, bytes]]:
        for path, at in zip((blocklist, prints), places, strict=True):
            for r in iter_rows(path, columns=("id", "print"), present="print", batch=256):
                n = at.get(str(r["id"]))
                if n is not None and isinstance(data := r["print"], bytes):
                    yield n, data

    return group_prints(blocked + entries, len(blocked), rows(), scratch=folder,
                        memory_mb=memory_mb or MEMORY_MB)


def keep_blocklist(folder: Path, paths: Sequence[Path]) -> int:
    """Print the known videos under ``paths`` (files, or folders searched for videos) into the
    challenge's blocklist, added to what is there; return how many it holds.

    Raises:
        UsageError: a path does not exist.
        OutputError: the blocklist cannot be written.
    """
    from coulisses.challenges.duplicates import blocklist_prints
    from coulisses.errors import UsageError

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower().lstrip(".")
                            in VIDEO_EXTENSIONS and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"--blocklist {path}: no such file or folder")
    found = blocklist_prints(files)
    rows: list[dict[str, Scalar]] = [{"id": name, "print": data} for name, data in found.items()]
    append_rows(folder / BLOCKLIST, rows, ("print",))
    return len(read_rows(folder / BLOCKLIST))


def write_decision(folder: Path, decision: Decision) -> None:
    """Write the verdicts, duplicate groups and same-person groups as ``verdicts.parquet``
    (replaced whole).

    Raises:
        OutputError: it cannot be written.
    """
    rows: list[dict[str, Scalar]] = []
    for verdict in decision.verdicts:
        copy = decision.duplicates.get(verdict.id, Duplicate())
        rows.append({"id": verdict.id, "shortlisted": verdict.shortlisted, "rank": verdict.rank,
                     "reason": verdict.reason, "duplicate_group": copy.group,
                     "duplicate_of": copy.original, "blocked": copy.blocked,
                     "distance": copy.distance,
                     "same_person_group": decision.people.get(verdict.id)})
    append_rows(folder / VERDICTS, rows, VERDICT_COLUMNS, replace=True)
