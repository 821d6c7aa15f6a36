"""The purge of a withdrawn entry, within the day: its media file, its derived folder, its rows
in every Parquet checkpoint of the challenge, its entrant fields and contact; then a deletion
receipt, shown on the withdrawal page and e-mailed.

A withdrawal queues a ``challenge_purge`` job (the studio's job system): the job deletes the
files, its finish hook records the rest. The worker's chore ``purge_chore`` catches anything a
job missed (entries of command-line challenges, a failed job) within ``WITHIN``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.entry import challenge_folder, derived_folder
from coulisses.challenges.intake_tables import ChallengeContact, ChallengeReceipt
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.studio.tables import utcnow

if TYPE_CHECKING:
    from coulisses.settings import Settings
    from coulisses.studio.jobs.registry import Progress
    from coulisses.studio.tables import Job

#: what a receipt lists, in words (``results:<checkpoint>`` takes the checkpoint's name)
DELETED: dict[str, dict[str, str]] = {
    "en": {"video": "the video file", "derived": "derived files (thumbnails, contact sheets)",
           "results": "triage results ({name})", "entrant": "your name, contact and e-mail",
           "declared": "your declared city, age band and country", "link": "your link"},
    "fr": {"video": "le fichier vidéo", "derived": "les fichiers dérivés (vignettes, planches)",
           "results": "les résultats du tri ({name})",
           "entrant": "votre nom, votre contact et votre e-mail",
           "declared": "la ville, la tranche d'âge et le pays déclarés", "link": "votre lien"},
}
WITHIN = timedelta(hours=1)  # the chore purges what a job has not after this long
KIND = "challenge_purge"


def checkpoints(folder: Path) -> list[Path]:
    """The Parquet files of a challenge folder that hold one row per entry (``id`` first)."""
    return sorted([*folder.glob("stage-*.parquet"), *folder.glob("verdicts.parquet")])


def drop_rows(path: Path, public_id: str) -> int:
    """Rewrite a Parquet file without the rows of ``public_id`` (atomically: a temporary file
    renamed over it); how many rows were dropped (0: the file is left untouched)."""
    import duckdb

    quoted = str(path).replace("'", "''")
    with duckdb.connect() as con:
        found = con.execute(f"SELECT count(*) FROM read_parquet('{quoted}') WHERE id = ?",
                            [public_id]).fetchone()
        dropped = int(found[0]) if found else 0
        if not dropped:
            return 0
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        target = str(temporary).replace("'", "''")
        try:
            con.execute(f"COPY (SELECT * FROM read_parquet('{quoted}') WHERE id IS DISTINCT "
                        f"FROM $1) TO '{target}' (FORMAT parquet)", [public_id])
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return dropped


def purge_files(folder: Path, public_id: str, media: str) -> list[str]:
    """Delete an entry's media file, derived folder and checkpoint rows; what was deleted, as
    keys (``DELETED``; ``results:<checkpoint>``), each true of this call (a second finds
    nothing)."""
    deleted = []
    path = Path(media)
    # only a file the challenge keeps (an upload, a copy: absolute, under its folder) is
    # deleted; a path ingest recorded relative to the campaign folder is the team's own file
    if media and path.is_absolute() and path.is_file() \
            and path.resolve().is_relative_to(folder.resolve()):
        path.unlink()
        deleted.append("video")
    derived = derived_folder(folder, public_id)
    if derived.is_dir():
        shutil.rmtree(derived)
        deleted.append("derived")
    for checkpoint in checkpoints(folder):
        if drop_rows(checkpoint, public_id):
            deleted.append(f"results:{checkpoint.stem}")
    return deleted


def record(db: Session, entry: ChallengeEntry, deleted: list[str],
           now: datetime | None = None) -> ChallengeReceipt:
    """Blank the entry's entrant fields, mark it purged, delete its contact and issue the
    receipt (e-mailed to the entrant). Idempotent: a purged entry returns its receipt.
    The caller commits."""
    from coulisses.challenges import intake

    existing = receipt_of(db, entry)
    if existing is not None:
        return existing
    when = now or utcnow()
    fields = ["entrant", "declared", "link"]
    entry.entrant, entry.entrant_key, entry.link, entry.original_name = "", "", "", ""
    entry.declared, entry.path = "{}", ""
    entry.status, entry.purged_at, entry.updated_at = "purged", when, when
    receipt = ChallengeReceipt(receipt_id="r" + secrets.token_hex(10), entry_id=entry.id,
                               public_id=entry.public_id,
                               deleted=json.dumps([*deleted, *fields]), issued_at=when)
    db.add(receipt)
    contact = db.get(ChallengeContact, entry.id)
    row = db.get(ChallengeRow, entry.challenge_id)
    if contact is not None:
        if contact.email and row is not None:
            intake.queue_mail(db, contact.email, *receipt_mail(row, entry, receipt,
                                                               contact.lang))
        db.delete(contact)
    db.flush()
    return receipt


def receipt_of(db: Session, entry: ChallengeEntry) -> ChallengeReceipt | None:
    """The entry's deletion receipt, once purged."""
    return db.scalars(select(ChallengeReceipt).where(
        ChallengeReceipt.entry_id == entry.id)).first()


def receipt_mail(row: ChallengeRow, entry: ChallengeEntry, receipt: ChallengeReceipt,
                 lang: str) -> tuple[str, str]:
    """The receipt's message: subject and body."""
    from coulisses.challenges.intake import MAIL

    words = MAIL.get(lang, MAIL["en"])
    values = {"title": row.title, "id": entry.public_id, "receipt": receipt.receipt_id,
              "when": receipt.issued_at.strftime("%Y-%m-%d %H:%M"),
              "deleted": "; ".join(deleted_words(json.loads(receipt.deleted), lang))}
    return words["receipt.subject"].format(**values), words["receipt.body"].format(**values)


def deleted_words(keys: list[str], lang: str) -> list[str]:
    """A receipt's list of what was deleted, in ``lang``."""
    words = DELETED.get(lang, DELETED["en"])
    out = []
    for key in keys:
        head, _, name = str(key).partition(":")
        out.append(words.get(head, head).format(name=name))
    return out


def purge(db: Session, entry: ChallengeEntry, data_dir: Path,
          now: datetime | None = None) -> ChallengeReceipt:
    """Purge one withdrawn entry now: files, checkpoint rows, fields, receipt. The caller
    commits."""
    existing = receipt_of(db, entry)
    if existing is not None:
        return existing
    folder = challenge_folder(data_dir, entry.challenge_id)
    return record(db, entry, purge_files(folder, entry.public_id, entry.path), now)


def purge_due(db: Session, data_dir: Path, now: datetime | None = None) -> int:
    """Purge every entry withdrawn more than ``WITHIN`` ago and not purged yet; how many. The
    caller commits."""
    when = now or utcnow()
    due = db.scalars(select(ChallengeEntry).where(
        ChallengeEntry.status == "withdrawn",
        ChallengeEntry.withdrawn_at <= when - WITHIN)).all()
    for entry in due:
        purge(db, entry, data_dir, when)
    return len(due)


def purge_chore(sessions: Callable[[], Session], data_dir: Path) -> Callable[[], int]:
    """The worker's chore: ``purge_due`` in a session of its own, committed."""

    def chore() -> int:
        with sessions() as db:
            done = purge_due(db, data_dir)
            db.commit()
            return done

    return chore


def run_job(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The ``challenge_purge`` job: delete the entry's files and checkpoint rows (its finish
    hook records the rest)."""
    from coulisses.studio.jobs.registry import current

    settings = current().settings
    folder = challenge_folder(settings.data_dir, int(payload["challenge_id"]))
    progress(0.1, "purging")
    deleted = purge_files(folder, str(payload["public_id"]), str(payload.get("path", "")))
    return {"entry_id": int(payload["entry_id"]), "deleted": deleted}


def apply_job(session: Session, job: Job, settings: Settings) -> None:
    """The finish hook: the entry's fields, its receipt and its message (a failed job leaves
    the entry to the chore)."""
    from coulisses.studio.jobs.queue import payload_of, result_of

    if job.status != "done":
        return
    result = result_of(job)
    entry = session.get(ChallengeEntry, int(payload_of(job)["entry_id"]))
    if entry is None or entry.status != "withdrawn":
        return
    record(session, entry, [str(d) for d in result.get("deleted", [])])
    session.commit()
