"""Where an entry's media file is. ``challenge ingest`` records a file under the campaign
file's folder relative to that folder (the folder, or the drive it is on, can move), any other
file by its absolute path, and with ``--copy`` a copy in the challenge's own ``entries/``
store (where the web uploads go). Triage and the jury read the path back with ``located``;
``missing`` lists the entries whose file is not there, for one line each.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import InputError, OutputError

ENTRIES = "entries"  # a challenge folder's store of entry files (uploads and copies)
_CHUNK = 1024 * 1024
_GONE = ("withdrawn", "purged")


def recorded(path: Path, base: Path | None) -> str:
    """The path ingest records for a file: relative to ``base`` (the campaign file's folder,
    POSIX separators) when the file is under it, else absolute."""
    resolved = path.resolve()
    if base is not None:
        try:
            return PurePosixPath(resolved.relative_to(base.resolve())).as_posix()
        except ValueError:
            pass
    return str(resolved)


def located(stored: str, base: Path | None) -> Path:
    """Where a recorded path points: an absolute one as it is, a relative one under ``base``
    (the campaign file's folder; the working folder when None)."""
    path = Path(stored)
    if path.is_absolute() or not stored:
        return path
    return (base if base is not None else Path.cwd()) / path


@dataclass(frozen=True)
class Missing:
    """An entry whose media file is not where it was recorded."""

    public_id: str
    name: str  # the file's original name
    expected: Path  # where it was looked for


def missing(session: Session, row: ChallengeRow, base: Path | None) -> Iterator[Missing]:
    """The entries of the challenge (withdrawn and purged ones left out) whose file is not
    there, in intake order."""
    query = (select(ChallengeEntry.public_id, ChallengeEntry.original_name, ChallengeEntry.path)
             .where(ChallengeEntry.challenge_id == row.id, ChallengeEntry.status.not_in(_GONE))
             .order_by(ChallengeEntry.id))
    for public_id, name, stored in session.execute(query):
        where = located(stored, base)
        if not where.is_file():
            yield Missing(public_id, name or where.name, where)


def copy_in(folder: Path, source: Path, public_id: str, sha256: str) -> Path:
    """Copy an entry's file into the challenge's ``entries/`` store as ``<public_id><suffix>``,
    atomically (a temporary name renamed), checking the copy's SHA-256 against ``sha256``.

    Raises:
        InputError: the file changed while it was copied (its SHA-256 differs).
        OutputError: the store cannot be written.
    """
    store = folder / ENTRIES
    target = store / f"{public_id}{source.suffix.lower()}"
    temporary = store / f".{target.name}.part"
    digest = hashlib.sha256()
    try:
        store.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as src, temporary.open("wb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise InputError(f"{source}: the file changed while it was copied",
                             hint="take it in again once it is complete")
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(f"{store}: cannot copy the entry in ({exc.strerror})") from None
    finally:
        temporary.unlink(missing_ok=True)
    return target
