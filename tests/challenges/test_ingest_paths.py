"""Where ingested entries' files are recorded: relative to the campaign file's folder (which can
then move), absolute elsewhere, or copied into the challenge's store (``--copy``); a missing
file gets one line at triage and on the jury's card, and taking it in again from its new place
repairs the entry (matched by its SHA-256)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from core_world import campaign_file, db, entry_clip, other_clip  # noqa: F401
from sqlalchemy import select
from sqlalchemy.orm import Session

from clirun import run_cli
from coulisses.challenges import qc
from coulisses.challenges.entry import challenge_folder, stage_file
from coulisses.challenges.files import ENTRIES, located, recorded
from coulisses.challenges.ingest import ingest
from coulisses.challenges.purge import purge_files
from coulisses.challenges.results import entry_records
from coulisses.challenges.store import open_challenge, read_rows
from coulisses.challenges.tables import ChallengeEntry
from coulisses.challenges.triage import triage
from coulisses.i18n import text


def _project(tmp_path: Path, campaign: Path, *clips: Path) -> Path:
    """A campaign folder: the campaign file and an ``entries/`` folder of clips."""
    project = tmp_path / "project"
    (project / "entries").mkdir(parents=True)
    shutil.copyfile(campaign, project / "casting.yaml")
    for clip in clips:
        shutil.copyfile(clip, project / "entries" / clip.name)
    return project


def test_a_campaign_folder_moved_elsewhere_still_triages(
        tmp_path: Path, db: Session, campaign_file: Path,  # noqa: F811
        entry_clip: Path, other_clip: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, campaign_file, entry_clip)
    outside = tmp_path / "elsewhere" / "entry-b.mp4"
    outside.parent.mkdir()
    shutil.copyfile(other_clip, outside)
    row, challenge = open_challenge(db, project / "casting.yaml", "casting")
    report = ingest(db, row, challenge, [project / "entries", outside], base=project)
    assert len(report.taken) == 2 and not report.refused
    stored = {e.original_name: e.path for e in db.scalars(select(ChallengeEntry))}
    assert stored == {"entry.mp4": "entries/entry.mp4", "entry-b.mp4": str(outside.resolve())}

    moved = tmp_path / "drive" / "project"  # the folder moves (another drive, another name)
    moved.parent.mkdir()
    shutil.move(project, moved)
    folder = tmp_path / "challenge"
    ran = triage(db, row, challenge, folder, stages=(qc.STAGE,), workers=1, base=moved)
    assert not ran.missing and ran.runs[0].done == 2
    assert all(r["qc_passed"] for r in read_rows(stage_file(folder, "qc")).values())
    files = {Path(r.file).name: r for r in entry_records(db, row, folder, moved)}
    assert files["entry.mp4"].file == str(moved / "entries" / "entry.mp4")
    assert not any(r.file_missing for r in files.values())
    # a purge never deletes the team's own file, wherever the command runs from
    monkeypatch.chdir(moved)
    entry = next(e for e in db.scalars(select(ChallengeEntry)) if not Path(e.path).is_absolute())
    assert "video" not in purge_files(moved / "entries", entry.public_id, entry.path)
    assert (moved / "entries" / "entry.mp4").is_file()


def test_copy_takes_the_file_into_the_challenge_store_checked_by_its_sha256(
        tmp_path: Path, db: Session, campaign_file: Path,  # noqa: F811
        entry_clip: Path) -> None:  # noqa: F811
    project = _project(tmp_path, campaign_file, entry_clip)
    row, challenge = open_challenge(db, project / "casting.yaml", "casting")
    folder = tmp_path / "data" / "challenges" / "1"
    report = ingest(db, row, challenge, [project / "entries"], base=project, copy_to=folder)
    entry = db.scalars(select(ChallengeEntry)).one()
    copy = Path(entry.path)
    assert copy == folder / ENTRIES / f"{report.taken[0].public_id}.mp4"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == entry.sha256
    assert not list((folder / ENTRIES).glob(".*"))  # no temporary file left
    shutil.rmtree(project)  # the originals may go: the entry has its own copy
    ran = triage(db, row, challenge, folder, stages=(qc.STAGE,), workers=1, base=project)
    assert not ran.missing and ran.runs[0].done == 1
    assert "video" in purge_files(folder, entry.public_id, entry.path)  # a purge deletes it
    assert not copy.exists()


def test_recorded_paths_read_back_under_the_campaign_folder(tmp_path: Path) -> None:
    inside = tmp_path / "camp" / "a" / "b.mp4"
    assert recorded(inside, tmp_path / "camp") == "a/b.mp4"
    assert recorded(tmp_path / "other.mp4", tmp_path / "camp") == str(tmp_path / "other.mp4")
    assert located("a/b.mp4", tmp_path / "moved") == tmp_path / "moved" / "a" / "b.mp4"
    assert located(str(inside), tmp_path / "moved") == inside


def test_a_missing_file_gets_one_line_at_triage_and_taking_it_again_repairs_it(
        tmp_path: Path, campaign_file: Path, entry_clip: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    project = _project(tmp_path, campaign_file, entry_clip)
    campaign = project / "casting.yaml"
    taken = run_cli(capsys, "challenge", "ingest", campaign, "casting", project / "entries")
    assert taken.rc == 0, taken.err
    public_id = json.loads(run_cli(capsys, "challenge", "entries", campaign, "casting",
                                   "--json").out)[0]["id"]
    new_home = tmp_path / "usb" / "renamed.mp4"
    new_home.parent.mkdir()
    shutil.move(project / "entries" / "entry.mp4", new_home)

    triaged = run_cli(capsys, "challenge", "triage", campaign, "casting", "--workers", "1")
    assert triaged.rc == 3 and "Traceback" not in triaged.err
    lines = [ln for ln in triaged.err.splitlines() if ln.startswith("coulisses:")]
    assert lines == [text("en", "challenge_file_missing", id=public_id, name="entry.mp4",
                          path=str(project.resolve() / "entries" / "entry.mp4"),
                          campaign=str(campaign), challenge="casting")]
    listed = json.loads(run_cli(capsys, "challenge", "entries", campaign, "casting",
                                "--json").out)
    assert listed[0]["file_missing"] is True and listed[0]["status"] == "received"
    plain = run_cli(capsys, "challenge", "entries", campaign, "casting")
    assert "entry.mp4 (file missing)" in plain.out

    again = run_cli(capsys, "challenge", "ingest", campaign, "casting", new_home)
    assert again.rc == 0, again.err
    assert "found again:" in again.out and public_id in again.out
    listed = json.loads(run_cli(capsys, "challenge", "entries", campaign, "casting",
                                "--json").out)
    assert listed[0]["file_missing"] is False and listed[0]["file"] == str(new_home.resolve())


def test_the_jury_card_says_a_video_is_missing(
        tmp_path: Path, db: Session, campaign_file: Path,  # noqa: F811
        entry_clip: Path) -> None:  # noqa: F811
    from coulisses.challenges import jury

    project = _project(tmp_path, campaign_file, entry_clip)
    row, challenge = open_challenge(db, project / "casting.yaml", "casting")
    ingest(db, row, challenge, [project / "entries"],
           copy_to=challenge_folder(tmp_path / "data", row.id))
    entries = list(db.scalars(select(ChallengeEntry)))
    assert [c.file_missing for c in jury.cards(db, row, 1, entries)] == [False]
    Path(entries[0].path).unlink()
    assert [c.file_missing for c in jury.cards(db, row, 1, entries)] == [True]
