"""``coulisses challenge ingest``: files and folders taken in as entries with their consent
records; re-ingesting is harmless; bad files get one line each and a non-zero exit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from core_world import campaign_file, db, entry_clip, other_clip  # noqa: F401
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import media
from clirun import run_cli
from coulisses.challenges.ingest import ingest, read_consents
from coulisses.challenges.store import open_challenge
from coulisses.challenges.tables import ChallengeConsent, ChallengeEntry
from coulisses.errors import InputError

TERMS = "J'accepte la diffusion de mon image et de ma voix sur TikTok pendant douze mois."


def _world(tmp_path: Path, entry: Path, other: Path) -> Path:
    folder = tmp_path / "entries"
    (folder / "deep" / "er").mkdir(parents=True)
    shutil.copyfile(entry, folder / "adult.mp4")
    shutil.copyfile(other, folder / "deep" / "er" / "young.MOV")
    shutil.copyfile(entry, folder / "deep" / "same-again.mp4")  # the same bytes again
    media.make_hostile_names(folder / "hostile")
    media.make_empty(folder / "empty.mp4")
    (folder / "notes.txt").write_text("not an entry", "utf-8")
    (folder / "line\nbreak.mp4").write_bytes(b"\x00" * 64)
    return folder


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "consents.csv"
    path.write_text(
        "file,entrant,contact,age_band,country,city,data,release,scope,parent,terms,instagram\n"
        f"adult.mp4,Inès,Ines@Example.org,18-24,fr,Marseille,oui,oui,oui,,\"{TERMS}\",@ines\n"
        f"young.MOV,Léo,leo@example.org,13-14,FR,Lille,yes,yes,yes,,\"{TERMS}\",\n"
        "gone.mp4,Nobody,,25-34,FR,Lyon,oui,oui,oui,,,\n", "utf-8")
    return path


def test_files_and_folders_become_entries_with_their_consents(
        tmp_path: Path, campaign_file: Path, db: Session,  # noqa: F811
        entry_clip: Path, other_clip: Path) -> None:  # noqa: F811
    folder = _world(tmp_path, entry_clip, other_clip)
    row, challenge = open_challenge(db, campaign_file, "casting")
    report = ingest(db, row, challenge, [folder], consents=read_consents(_csv(tmp_path)))
    names = {t.path.name: t for t in report.taken}
    new = [t for t in report.taken if not t.already]
    # adult, young, one of the 12 byte-identical hostile names (the rest: already taken) and
    # the file with a line break in its name (taken: the QC stage judges its content)
    assert len(new) == 4
    assert names["same-again.mp4"].already
    assert names["same-again.mp4"].public_id == names["adult.mp4"].public_id
    assert sum(1 for t in report.taken if t.path.parent.name == "hostile") == 12
    assert names["adult.mp4"].consent == "complete"
    assert names["young.MOV"].consent == "pending_parent"
    refused = {r.path.name: r for r in report.refused}
    assert refused["notes.txt"].failed is False and "accepted format" in refused["notes.txt"].reason
    assert refused["empty.mp4"].failed and "empty" in refused["empty.mp4"].reason
    assert report.failed and report.unmatched == ("gone.mp4",)
    entries = {e.original_name: e for e in db.scalars(select(ChallengeEntry))}
    adult = entries["adult.mp4"]
    assert adult.public_id.startswith("e") and len(adult.public_id) == 21
    int(adult.public_id[1:], 16)
    assert adult.sha256 == __import__("hashlib").sha256(entry_clip.read_bytes()).hexdigest()
    assert adult.size_bytes == entry_clip.stat().st_size and adult.source == "ingest"
    assert adult.country == "FR" and adult.age_band == "18-24" and adult.entrant == "Inès"
    assert json.loads(adult.declared) == {"age_band": "18-24", "city": "Marseille",
                                          "instagram": "@ines"}
    assert adult.entrant_key and "ines" not in adult.entrant_key.lower()
    hostile = next(e for n, e in entries.items() if n in media.HOSTILE_NAMES)
    assert hostile.consent == "missing"  # no row in the CSV
    items = db.scalars(select(ChallengeConsent).where(ChallengeConsent.entry_id == adult.id))
    recorded = {c.item: c for c in items}
    assert sorted(recorded) == ["data", "release", "scope"]
    assert all(c.by == "import" and c.granted and c.terms_text == TERMS for c in recorded.values())

    # again: nothing new, everything already taken
    again = ingest(db, row, challenge, [folder], consents=None)
    assert all(t.already for t in again.taken) and len(again.taken) == len(report.taken)
    assert db.scalar(select(func.count()).select_from(ChallengeEntry)) == 4


def test_a_consent_cell_that_is_neither_yes_nor_no_refuses_that_file(
        tmp_path: Path, campaign_file: Path, db: Session, entry_clip: Path) -> None:  # noqa: F811
    shutil.copyfile(entry_clip, tmp_path / "a.mp4")
    csv = tmp_path / "c.csv"
    csv.write_text("file,data,release,scope\na.mp4,oui,maybe,oui\n", "utf-8")
    row, challenge = open_challenge(db, campaign_file, "casting")
    report = ingest(db, row, challenge, [tmp_path / "a.mp4"], consents=read_consents(csv))
    assert not report.taken and report.failed
    assert "'maybe' is not yes or no" in report.refused[0].reason
    bad = tmp_path / "nofile.csv"
    bad.write_text("name,data\nx,oui\n", "utf-8")
    with pytest.raises(InputError, match="no 'file' column"):
        read_consents(bad)


def test_the_command_prints_one_line_per_file_and_fails_when_one_failed(
        tmp_path: Path, campaign_file: Path, entry_clip: Path, other_clip: Path,  # noqa: F811
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COULISSES_DATA_DIR", str(tmp_path / "data"))
    folder = _world(tmp_path, entry_clip, other_clip)
    run = run_cli(capsys, "challenge", "ingest", campaign_file, "casting", folder,
                  "--consents", _csv(tmp_path))
    assert run.rc == 3
    assert "not taken: " in run.err and "empty.mp4: " in run.err
    # the name with a line break stays on one line, escaped
    assert "line\\nbreak.mp4" in run.out + run.err
    lines = (run.out + run.err).splitlines()
    assert len(lines) == 16 + 2 + 1 + 1  # 16 taken or already, 2 refused, unmatched, summary
    assert "4 entries taken, 12 already taken, 2 not taken" in run.out
    again = run_cli(capsys, "challenge", "ingest", campaign_file, "casting",
                    folder / "adult.mp4")
    assert again.rc == 0 and again.out.startswith("already taken: ")
    monkeypatch.setenv("COULISSES_LANG", "fr")
    french = run_cli(capsys, "challenge", "ingest", campaign_file, "casting",
                     folder / "adult.mp4")
    assert french.out.startswith("déjà pris : ")


def test_a_file_the_consents_call_an_entry_or_named_itself_is_not_skipped_quietly(
        tmp_path: Path, campaign_file: Path, db: Session,  # noqa: F811
        entry_clip: Path) -> None:  # noqa: F811
    """GRID's .mpg clips in a folder, with a consents row each: the format is refused, and
    since the consents say they are entries, that is a failure (non-zero exit), not a skip."""
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "take1.mpg").write_bytes(entry_clip.read_bytes())
    (folder / "readme.txt").write_text("notes", "utf-8")
    named = tmp_path / "take2.mpg"
    named.write_bytes(entry_clip.read_bytes())
    consents = tmp_path / "c.csv"
    consents.write_text("file,entrant,data,release,scope\ntake1.mpg,A,yes,yes,yes\n", "utf-8")
    row, challenge = open_challenge(db, campaign_file, "casting")
    report = ingest(db, row, challenge, [folder, named], consents=read_consents(consents))
    refused = {r.path.name: r for r in report.refused}
    assert refused["take1.mpg"].failed and "consents CSV names it" in refused["take1.mpg"].reason
    assert refused["take2.mpg"].failed and "accepted format" in refused["take2.mpg"].reason
    assert refused["readme.txt"].failed is False  # a folder's other files are skipped
    assert not report.taken and report.failed and report.unmatched == ()
