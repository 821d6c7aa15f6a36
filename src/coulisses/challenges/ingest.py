"""Bulk intake from files: entries collected elsewhere taken into a challenge, each with its
entrant and consent record from a consents CSV.

The media files stay where they are: a file under the campaign file's folder is recorded
relative to it (the folder or its drive can move), any other by its absolute path, always with
its SHA-256 (``challenges.files``); with ``copy`` they are copied into the challenge's own
store instead. The same file taken twice into a challenge (same SHA-256) is reported as already
taken, so a re-run is harmless; if the entry's recorded file is missing, the file's new place
is recorded (``moved``): taking a moved folder in again repairs its entries. A file that
cannot be taken (empty, unreadable, a playlist) gets one line and the others are still taken.

The consents CSV (UTF-8, a header row) has one row per entry file: ``file`` (its name or path),
``entrant`` (name or handle shown), ``contact`` (kept only as a salted digest), ``age_band``,
``country``, ``city``, ``data``, ``release``, ``scope``, ``parent`` (each ``yes``/``no``/
``oui``/``non``/``1``/``0``, empty: not answered), ``terms`` (the terms text shown),
``face_matching`` (yes: the entrant opted in to face matching; empty or no: not) and any other
column, kept as a declared field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.campaign.schema import Challenge
from coulisses.challenges import consent, files
from coulisses.challenges.entry import new_entry_id
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import CoulissesError, InputError
from coulisses.media.inputs import check_source, read_text_file

#: columns of the consents CSV that are not declared fields
CSV_COLUMNS = ("file", "entrant", "contact", "age_band", "country", "city", "data", "release",
               "scope", "terms", "parent", "face_matching")
CONSENT_ITEMS = ("data", "release", "scope", "parent")
_YES = frozenset({"yes", "y", "oui", "o", "true", "1", "x"})
_NO = frozenset({"no", "n", "non", "false", "0"})
MAX_CSV_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Taken:
    """A file taken in as an entry, or found already taken (``already``)."""

    path: Path
    public_id: str
    consent: str
    already: bool = False
    moved: bool = False  # already taken, its recorded file missing: this place recorded


@dataclass(frozen=True)
class Refused:
    """A file not taken: skipped (not an accepted format) or failed (unreadable), with why."""

    path: Path
    reason: str
    failed: bool  # True: an error (non-zero exit); False: skipped on purpose


@dataclass(frozen=True)
class IngestReport:
    """What one ``challenge ingest`` did, file by file."""

    taken: tuple[Taken, ...] = ()
    refused: tuple[Refused, ...] = ()
    unmatched: tuple[str, ...] = field(default=())  # CSV rows naming no ingested file

    @property
    def failed(self) -> bool:
        """Whether any file failed (the command then exits non-zero)."""
        return any(r.failed for r in self.refused)


def shown(path: Path | str) -> str:
    """A path as one safe line: control characters escaped, nothing else changed."""
    text = str(path)
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def read_consents(path: Path) -> dict[str, dict[str, str]]:
    """The consents CSV as rows keyed by their ``file`` column (and by its bare name).

    Raises:
        InputError: the file cannot be read, has no ``file`` column, or names a file twice.
    """
    text = read_text_file(path, "consents CSV", MAX_CSV_BYTES)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "file" not in fields:
        raise InputError(f"{path}: the consents CSV has no 'file' column",
                         hint="columns: " + ", ".join(CSV_COLUMNS))
    rows: dict[str, dict[str, str]] = {}
    for line, raw in enumerate(reader, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        name = row.get("file", "")
        if not name:
            raise InputError(f"{path}, line {line}: no file named")
        if name in rows:
            raise InputError(f"{path}, line {line}: {name} is named twice")
        rows[name] = row
    return rows


def answer(value: str, where: str) -> bool | None:
    """A consent cell as granted (True), refused (False) or not answered (None).

    Raises:
        InputError: neither yes nor no.
    """
    word = value.strip().lower()
    if not word:
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise InputError(f"{where}: {value!r} is not yes or no")


def candidates(paths: Iterable[Path], formats: Sequence[str]) -> Iterator[Path | Refused]:
    """The files named, folders walked recursively (sorted); a folder's files of another format
    are ``Refused`` (skipped) with the reason; a file named itself in another format, and a
    missing path, are ``Refused`` (failed)."""
    accepted = {f".{f.lower().lstrip('.')}" for f in formats}
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if not p.is_dir()):
                if child.suffix.lower() in accepted:
                    yield child
                elif not child.name.startswith("."):
                    yield Refused(child, f"not an accepted format ({', '.join(formats)})",
                                  failed=False)
        elif not path.exists():
            yield Refused(path, "no such file or folder", failed=True)
        elif path.suffix.lower() not in accepted:  # named by the user: an error, not a skip
            yield Refused(path, f"not an accepted format ({', '.join(formats)})", failed=True)
        else:
            yield path


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time.

    Raises:
        OSError: the file cannot be read.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def ingest(session: Session, row: ChallengeRow, challenge: Challenge, paths: Sequence[Path], *,
           consents: Mapping[str, Mapping[str, str]] | None = None, base: Path | None = None,
           copy_to: Path | None = None) -> IngestReport:
    """Take files and folders into a challenge as entries (``source="ingest"``), each with its
    consent record from ``consents`` (``read_consents``) when it names the file; an entry
    without one is ``missing``. Commits after each entry, so an interrupted intake keeps what
    it took.

    ``base``: the campaign file's folder, files under it recorded relative to it; ``copy_to``:
    the challenge's folder, files copied into its store (``files.copy_in``) and recorded there.
    A file whose consent cells are neither yes nor no is refused (failed) with that reason.

    Raises:
        OutputError: a file cannot be copied into the challenge's store.
    """
    known: dict[str, tuple[str, int]] = {
        sha: (public_id, entry_id) for sha, public_id, entry_id in session.execute(
            select(ChallengeEntry.sha256, ChallengeEntry.public_id, ChallengeEntry.id)
            .where(ChallengeEntry.challenge_id == row.id))}
    table = dict(consents or {})
    used: set[str] = set()
    taken: list[Taken] = []
    refused: list[Refused] = []
    for item in candidates(paths, challenge.formats):
        if isinstance(item, Refused):
            key = _csv_key(table, item.path)
            if key is not None and not item.failed:  # the consents call it an entry
                used.add(key)
                item = Refused(item.path, f"{item.reason}, yet the consents CSV names it",
                               failed=True)
            refused.append(item)
            continue
        try:
            path = check_source(item)
            digest = sha256_of(path)
        except CoulissesError as exc:
            refused.append(Refused(item, _reason(exc.message, item), failed=True))
            continue
        except OSError as exc:
            refused.append(Refused(item, f"cannot be read ({exc.strerror})", failed=True))
            continue
        key = _csv_key(table, item)
        if key is not None:
            used.add(key)
        if digest in known:
            public_id, entry_id = known[digest]
            taken.append(Taken(path, public_id, "", already=True,
                               moved=_moved(session, entry_id, path, digest, base, copy_to)))
            continue
        csv_row = table.get(key) if key is not None else None
        try:
            answers = _answers(csv_row, where=item.name)
            faces = answer((csv_row or {}).get("face_matching", ""),
                           f"consents for {item.name}, column face_matching")
        except InputError as exc:
            refused.append(Refused(item, exc.message, failed=True))
            continue
        entry = _entry(row, path, item.name, digest, csv_row or {})
        entry.face_matching = bool(faces)
        try:
            entry.path = _place(path, entry.public_id, digest, base, copy_to)
        except InputError as exc:
            refused.append(Refused(item, _reason(exc.message, path), failed=True))
            continue
        session.add(entry)
        session.flush()
        state = entry.consent
        if answers:
            state = consent.record(session, entry, answers, required=challenge.consents,
                                   terms_text=(csv_row or {}).get("terms", ""), by="import")
        session.commit()
        known[digest] = (entry.public_id, entry.id)
        taken.append(Taken(path, entry.public_id, state))
    unmatched = tuple(k for k in table if k not in used and Path(k).name not in used)
    return IngestReport(tuple(taken), tuple(refused), unmatched)


def _place(path: Path, public_id: str, digest: str, base: Path | None,
           copy_to: Path | None) -> str:
    """The path recorded for an entry's file: its copy in the store (``copy_to``), else the
    file itself (relative to ``base`` when under it).

    Raises:
        InputError: the file changed while it was copied.
        OutputError: the store cannot be written.
    """
    if copy_to is not None:
        return str(files.copy_in(copy_to, path, public_id, digest))
    return files.recorded(path, base)


def _moved(session: Session, entry_id: int, path: Path, digest: str, base: Path | None,
           copy_to: Path | None) -> bool:
    """Record ``path`` (or its copy) as the file of an entry already taken whose recorded file
    is missing (the same SHA-256: the same file, moved); whether it did."""
    entry = session.get(ChallengeEntry, entry_id)
    if entry is None or entry.status in ("withdrawn", "purged") or not entry.path \
            or files.located(entry.path, base).is_file():
        return False
    try:
        entry.path = _place(path, entry.public_id, digest, base, copy_to)
    except InputError:
        return False
    session.commit()
    return True


def _reason(message: str, path: Path) -> str:
    """An error message without the path it starts with (the line shows the path)."""
    for prefix in (f"{path}: ", f"{path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _csv_key(table: Mapping[str, Mapping[str, str]], path: Path) -> str | None:
    for key in (str(path), path.name):
        if key in table:
            return key
    return next((k for k in table if Path(k).name == path.name and str(path).endswith(k)), None)


def _entry(row: ChallengeRow, path: Path, name: str, digest: str,
           declared_row: Mapping[str, str]) -> ChallengeEntry:
    declared = {k: v for k, v in declared_row.items()
                if k not in CSV_COLUMNS or k == "city"}
    declared = {k: v for k, v in declared.items() if v}
    age_band = declared_row.get("age_band", "")
    if age_band:
        declared["age_band"] = age_band
    contact = declared_row.get("contact", "")
    entrant_key = hashlib.sha256(f"{row.salt}:{contact.lower()}".encode()).hexdigest() \
        if contact else ""
    return ChallengeEntry(
        challenge_id=row.id, public_id=new_entry_id(), source="ingest",
        path=str(path), original_name=name[:255], sha256=digest, size_bytes=path.stat().st_size,
        entrant=declared_row.get("entrant", "")[:200], entrant_key=entrant_key,
        declared=json.dumps(declared, ensure_ascii=False, sort_keys=True), age_band=age_band[:8],
        country=declared_row.get("country", "").upper()[:2], consent=consent.MISSING)


def _answers(csv_row: Mapping[str, str] | None, *, where: str) -> dict[str, bool]:
    """The consent items a CSV row answers (granted or refused); none without a row.

    Raises:
        InputError: a cell is neither yes nor no.
    """
    answers: dict[str, bool] = {}
    for item in CONSENT_ITEMS:
        value = answer((csv_row or {}).get(item, ""), f"consents for {where}, column {item}")
        if value is not None:
            answers[item] = value
    return answers
