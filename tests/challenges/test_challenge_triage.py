"""Triage: the stages in order with the QC gate, resumable, then the decisions written as
``verdicts.parquet`` and read back as entry records."""

from __future__ import annotations

import shutil
from pathlib import Path

from core_world import SeenStage, campaign_file, db, entry_clip, other_clip  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session

import media
from coulisses.challenges import consent, qc
from coulisses.challenges.entry import Duplicate, Verdict, stage_file
from coulisses.challenges.ingest import ingest
from coulisses.challenges.results import entry_records, record_json
from coulisses.challenges.store import open_challenge, read_rows
from coulisses.challenges.tables import ChallengeEntry
from coulisses.challenges.triage import (
    STAGES,
    Decision,
    Facts,
    default_stages,
    triage,
)


def _ingest(tmp_path: Path, session: Session, campaign: Path, *clips: Path) -> dict[str, str]:
    """Take the clips in (complete consent for all but the last), by file name -> id."""
    row, challenge = open_challenge(session, campaign, "casting")
    folder = tmp_path / "entries"
    folder.mkdir()
    for clip in clips:
        shutil.copyfile(clip, folder / clip.name)
    table = {c.name: {"file": c.name, "age_band": "18-24", "country": "FR", "city": city,
                      "data": "oui", "release": "oui", "scope": "oui"}
             for c, city in zip(clips[:-1], ("Lille", "Lyon", "Nice"), strict=False)}
    report = ingest(session, row, challenge, [folder], consents=table)
    return {t.path.name: t.public_id for t in report.taken}


def test_triage_gates_on_qc_resumes_and_records_every_entry(
        tmp_path: Path, db: Session, campaign_file: Path,  # noqa: F811
        entry_clip: Path, other_clip: Path) -> None:  # noqa: F811
    small = media.make_clip(tmp_path / "small.mp4", duration=3.5)  # fails QC: 320x180
    unconsented = tmp_path / "late.mp4"
    shutil.copyfile(entry_clip, unconsented)
    with unconsented.open("ab") as fh:  # other bytes, same picture
        fh.write(b"\x00")
    ids = _ingest(tmp_path, db, campaign_file, entry_clip, other_clip, small, unconsented)
    row, challenge = open_challenge(db, campaign_file, "casting")
    # no speech stage here: a challenge whose relevance does not exclude (min_relevance 0)
    challenge = challenge.model_copy(update={"min_relevance": 0.0})
    folder = tmp_path / "challenge"
    report = triage(db, row, challenge, folder, stages=(qc.STAGE, SeenStage()), workers=2)
    assert [r.stage for r in report.runs] == ["qc", "seen"]
    assert [r.done for r in report.runs] == [4, 3]  # the QC failure is not seen again
    assert set(read_rows(stage_file(folder, "seen"))) == \
        {ids["entry.mp4"], ids["entry-b.mp4"], ids["late.mp4"]}
    # the shortlist: by merit (relevance, quality), every exclusion with its reason
    assert report.shortlisted == 2 and report.entries == 4
    records = {r.file.rsplit("/", 1)[-1]: r for r in entry_records(db, row, folder)}
    assert records["small.mp4"].qc_passed is False
    assert records["small.mp4"].exclusion.startswith("technical check failed: 320x180")
    assert records["late.mp4"].consent == consent.MISSING
    assert records["late.mp4"].exclusion == "not eligible: consent not recorded"
    assert {records["entry.mp4"].rank, records["entry-b.mp4"].rank} == {1, 2}
    assert all(r.status == "triaged" for r in records.values())
    shown = record_json(records["entry.mp4"])
    assert shown["qc"] == {"passed": True, "reasons": []}
    assert shown["duplicate_group"] is None and shown["shortlisted"] is True
    assert set(shown) >= {"id", "file", "status", "qc", "duplicate_group", "relevance",
                          "shortlisted"}

    # again: nothing left to run; the decisions are made again
    again = triage(db, row, challenge, folder, stages=(qc.STAGE, SeenStage()), workers=1)
    assert [r.done for r in again.runs] == [0, 0] and again.shortlisted == 2


def test_a_decide_function_is_given_the_facts_and_its_groups_are_recorded(
        tmp_path: Path, db: Session, campaign_file: Path,  # noqa: F811
        entry_clip: Path, other_clip: Path) -> None:  # noqa: F811
    ids = _ingest(tmp_path, db, campaign_file, entry_clip, other_clip, entry_clip.parent
                  / "entry.mp4")
    row, challenge = open_challenge(db, campaign_file, "casting")
    given: list[Facts] = []

    def decide(folder: Path, facts: list[Facts], rules: object) -> Decision:
        given.extend(facts)
        first, second = ids["entry.mp4"], ids["entry-b.mp4"]
        group = Duplicate(group="g1", original=first, distance=3.0)
        return Decision({second: group, first: Duplicate(group="g1")},
                        [Verdict(first, True, 1, ""),
                         Verdict(second, False, None, f"a copy of {first}")])

    folder = tmp_path / "challenge"
    triage(db, row, challenge, folder, stages=(qc.STAGE,), decide=decide, workers=1)
    assert {f.id for f in given} == set(ids.values())
    assert next(f for f in given if f.id == ids["entry.mp4"]).declared == \
        {"age_band": "18-24", "city": "Lille"}
    records = {r.id: r for r in entry_records(db, row, folder)}
    assert records[ids["entry-b.mp4"]].duplicate_group == "g1"
    assert records[ids["entry-b.mp4"]].duplicate_of == ids["entry.mp4"]
    assert records[ids["entry-b.mp4"]].exclusion == f"a copy of {ids['entry.mp4']}"


def test_withdrawn_entries_are_not_triaged_and_the_stage_list_is_ordered(
        tmp_path: Path, db: Session, campaign_file: Path, entry_clip: Path) -> None:  # noqa: F811
    ids = _ingest(tmp_path, db, campaign_file, entry_clip)
    entry = db.scalars(select(ChallengeEntry)).one()
    consent.withdraw(entry)
    db.commit()
    row, challenge = open_challenge(db, campaign_file, "casting")
    report = triage(db, row, challenge, tmp_path / "c", stages=(qc.STAGE,), workers=1)
    assert report.runs[0].done == 0
    records = entry_records(db, row, tmp_path / "c")
    assert records[0].id == ids["entry.mp4"] and records[0].exclusion == \
        "not eligible: withdrawn by the entrant"
    assert STAGES == ("qc", "prints", "speech", "faces")
    assert [s.name for s in default_stages()] == list(STAGES)
