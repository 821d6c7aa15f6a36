"""Analytics exports uploaded on a campaign's results page, imported into the workspace's store.

The files are checked before the importer sees them: a known extension (CSV, XLSX, XLS), content
that matches it (a ZIP for XLSX, an OLE2 file for XLS, text for CSV) and a size limit. Each file
is imported by ``coulisses.kpi.store`` in its own transaction, with the campaign's deliverables
as the posts to match, so a file that fails leaves every stored number as it was.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from coulisses.errors import AnalyticsImportError, UploadError

if TYPE_CHECKING:
    from coulisses.campaign.schema import Campaign as CampaignModel
    from coulisses.kpi.store import ImportResult

MAX_EXPORT_MB = 256  # per file: the platforms' exports are far smaller
MAX_FILES = 20
MAX_REQUEST_BYTES = MAX_FILES * MAX_EXPORT_MB * 1024 * 1024  # refused before it is read
KINDS = {".csv": "text", ".xlsx": "zip", ".xls": "ole2"}
_MAGIC = {"zip": b"PK\x03\x04", "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}
_CHUNK = 1024 * 1024
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Upload:
    """One uploaded export: its cleaned name and an open binary file."""

    name: str
    file: BinaryIO


def store_path(data_dir: Path, workspace_id: int) -> Path:
    """The workspace's analytics store (each workspace has its own)."""
    return Path(data_dir) / "workspaces" / str(int(workspace_id)) / "analytics.duckdb"


def check_export(name: str, head: bytes) -> None:
    """Refuse a file whose name or first bytes are not a CSV, XLSX or XLS export.

    Raises:
        UploadError: 415 with what was expected.
    """
    suffix = Path(name).suffix.lower()
    kind = KINDS.get(suffix)
    if kind is None:
        raise UploadError(f"{name}: not an analytics export (CSV, XLSX or XLS)",
                          http_status=415, hint="download the export again from the platform")
    if kind == "text":
        ok = b"\x00" not in head.replace(b"\xff\xfe", b"").replace(b"\xfe\xff", b"") \
            or head[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 exports (Meta) hold NULs
        ok = ok and not any(head.startswith(m) for m in _MAGIC.values())
    else:
        ok = head.startswith(_MAGIC[kind])
    if not ok:
        raise UploadError(f"{name}: its content is not a {suffix[1:].upper()} file",
                          http_status=415, hint="upload the file as the platform exported it")


def import_exports(data_dir: Path, workspace_id: int, uploads: Iterable[Upload], *,
                   campaign: CampaignModel | None, as_of: date | None = None
                   ) -> list[ImportResult]:
    """Check, then import each upload in turn (one transaction each); the results in order.

    Raises:
        UploadError: a file is too big (413), of the wrong type (415), or there are too many.
        AnalyticsImportError: the importer refused a file (with its sheet, row and column);
            files before it stay imported, nothing of it is stored.
    """
    from coulisses.kpi.campaign_posts import campaign_posts
    from coulisses.kpi.store import open_store

    files = list(uploads)
    if not files:
        raise UploadError("no file was chosen", http_status=400,
                          hint="choose the CSV, XLSX or XLS exports of your platforms")
    if len(files) > MAX_FILES:
        raise UploadError(f"{len(files)} files at once: at most {MAX_FILES}", http_status=413,
                          hint="import them in several goes")
    known = campaign_posts(campaign) if campaign is not None else None
    target = store_path(data_dir, workspace_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    results = []
    with _lock(target), tempfile.TemporaryDirectory(dir=target.parent,
                                                    prefix=".upload-") as folder:
        saved = [_save(item, Path(folder) / f"{i}-{item.name}") for i, item in enumerate(files)]
        with open_store(target) as store:
            for path, item in zip(saved, files, strict=True):
                try:
                    done = store.import_file(path, known_posts=known,
                                             as_of=as_of or date.today())
                    results.append(replace(done, file=item.name))  # not our temporary name
                except AnalyticsImportError as exc:  # located in the user's file, not ours
                    raise AnalyticsImportError(
                        exc.message.replace(str(path), item.name), path=item.name,
                        sheet=exc.sheet, row=exc.row, column=exc.column, hint=exc.hint
                    ) from None
    return results


def _save(item: Upload, path: Path) -> Path:
    """Copy the upload to ``path``, checking its type on the first bytes and its size."""
    limit = MAX_EXPORT_MB * 1024 * 1024
    head = item.file.read(_CHUNK)
    check_export(item.name, head[:4096])
    written = 0
    with path.open("wb") as out:
        chunk = head
        while chunk:
            written += len(chunk)
            if written > limit:
                raise UploadError(f"{item.name}: over the {MAX_EXPORT_MB} MB limit of an "
                                  "export", http_status=413,
                                  hint="export a shorter period, or use `coulisses kpi import`")
            out.write(chunk)
            chunk = item.file.read(_CHUNK)
    if not written:
        raise UploadError(f"{item.name}: the file is empty", http_status=400)
    return path


def _lock(path: Path) -> threading.Lock:
    """One import at a time per store in this process (DuckDB allows one writer)."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(path, threading.Lock())



# --- a file no export signature matches: the guessed mapping, shown, edited, then imported ---

PENDING = "pending-mapping"  # data_dir/workspaces/<id>/pending-mapping/<token>/<file>
PENDING_DAYS = 2  # an abandoned guess is removed when a later one is made
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
POST_FIELDS = ("post_id", "url", "caption", "published_at", "day")


@dataclass(frozen=True)
class MappingRow:
    """One column of the file in the mapping form: what the guess made of it, and why."""

    column: str
    field: str  # "" when left out
    kind: str
    why: str
    sure: bool


@dataclass(frozen=True)
class Pending:
    """An upload kept until its mapping is confirmed."""

    token: str
    name: str
    platform: str
    decimal: str
    date_format: str
    rows: tuple[MappingRow, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]


def metric_names() -> list[str]:
    """Every metric a mapping can name, from headers.yaml (exports and the guess)."""
    from coulisses.kpi.imports.headers import FIELDS, export_specs, guess_vocabulary

    names = {f for spec in export_specs().values() for f in spec.columns}
    names |= set(guess_vocabulary().columns)
    return sorted(n for n in names - FIELDS - {"post", "date"})


def stage_for_mapping(data_dir: Path, workspace_id: int, upload: Upload) -> Pending | None:
    """Keep the upload in the workspace's pending folder and guess its mapping; None (and
    nothing kept) when it is a known export after all (refused for its cells, not its header).

    Raises:
        UploadError: a file of the wrong type or size.
        AnalyticsImportError: no header row in it.
    """
    import secrets

    from coulisses.kpi.imports.propose import propose_mapping, read_sample
    from coulisses.kpi.imports.read import recognises

    root = store_path(data_dir, workspace_id).parent / PENDING
    _sweep(root)
    token = secrets.token_urlsafe(18)
    folder = root / token
    folder.mkdir(parents=True)
    try:
        path = _save(upload, folder / upload.name)
        if recognises(path):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        header, sample = read_sample(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    proposal = propose_mapping(header, sample, name=upload.name)
    guessed = {g.column: g for g in proposal.guesses}
    left = {u.column: u.why for u in proposal.unmapped}
    rows = []
    for cell in header:
        column = str(cell).strip() if cell is not None else ""
        if not column:
            continue
        g = guessed.get(column)
        rows.append(MappingRow(column, g.field if g else "", g.kind if g else "count",
                               g.why if g else left.get(column, ""),
                               bool(g and g.confidence >= 0.75)))
    return Pending(token, upload.name, proposal.platform, proposal.decimal,
                   proposal.date_format or "", tuple(rows), proposal.missing, proposal.notes)


def import_mapped(data_dir: Path, workspace_id: int, token: str, choices: dict[str, str], *,
                  campaign: CampaignModel | None, as_of: date | None = None
                  ) -> list[ImportResult]:
    """Import a pending upload with the mapping the form confirmed (``choices``: platform,
    decimal, date_format, and ``field_<i>``/``kind_<i>`` per column); the pending file is
    removed once imported.

    Raises:
        UploadError: an unknown or expired token (404).
        AnalyticsImportError: a mapping that does not validate, or a cell that cannot be read.
    """
    import yaml

    from coulisses.kpi.campaign_posts import campaign_posts
    from coulisses.kpi.imports.generic import load_mapping
    from coulisses.kpi.imports.propose import read_sample
    from coulisses.kpi.store import open_store

    folder = _pending(data_dir, workspace_id, token)
    files = [p for p in folder.iterdir() if p.name != "mapping.yaml"]
    if len(files) != 1:
        raise UploadError("this guessed mapping is no longer here", http_status=404,
                          hint="upload the file again")
    path = files[0]
    header, _ = read_sample(path)
    data: dict[str, object] = {"version": 1, "platform": choices.get("platform", "other"),
                               "decimal": choices.get("decimal", ".")}
    if choices.get("date_format", "").strip():
        data["date_format"] = choices["date_format"].strip()
    metrics: dict[str, dict[str, str]] = {}
    columns = [str(c).strip() for c in header if c is not None and str(c).strip()]
    keys = {"post_id": "id_column", "url": "url_column", "caption": "caption_column",
            "published_at": "published_column", "day": "date_column"}
    for i, column in enumerate(columns):
        field = choices.get(f"field_{i}", "")
        if not field:
            continue
        if field in keys:
            data[keys[field]] = column
        else:
            metrics[column] = {"metric": field, "kind": choices.get(f"kind_{i}", "count")}
    data["metrics"] = metrics
    mapping = folder / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
    try:
        load_mapping(mapping)
    except AnalyticsImportError as exc:
        raise AnalyticsImportError(f"the mapping: {exc.message}", path=path.name,
                                   hint="choose at least one metric, and the post or "
                                        "the day") from None
    known = campaign_posts(campaign) if campaign is not None else None
    target = store_path(data_dir, workspace_id)
    with _lock(target), open_store(target) as store:
        try:
            done = store.import_file(path, platform="generic", mapping=mapping,
                                     known_posts=known, as_of=as_of or date.today())
        except AnalyticsImportError as exc:
            raise AnalyticsImportError(
                exc.message.replace(str(path), path.name), path=path.name, sheet=exc.sheet,
                row=exc.row, column=exc.column, hint=exc.hint) from None
    shutil.rmtree(folder, ignore_errors=True)
    return [replace(done, file=path.name)]


def pending_again(data_dir: Path, workspace_id: int, choices: dict[str, str]) -> Pending | None:
    """The mapping form as the user left it, to show again with a problem; None when the
    pending file is gone."""
    from coulisses.kpi.imports.propose import read_sample

    try:
        folder = _pending(data_dir, workspace_id, choices.get("token", ""))
        path = next(p for p in folder.iterdir() if p.name != "mapping.yaml")
        header, _ = read_sample(path)
    except (UploadError, AnalyticsImportError, StopIteration, OSError):
        return None
    columns = [str(c).strip() for c in header if c is not None and str(c).strip()]
    rows = tuple(MappingRow(c, choices.get(f"field_{i}", ""), choices.get(f"kind_{i}", "count"),
                            "", True) for i, c in enumerate(columns))
    return Pending(folder.name, path.name, choices.get("platform", "other"),
                   choices.get("decimal", "."), choices.get("date_format", ""), rows, (), ())


def _pending(data_dir: Path, workspace_id: int, token: str) -> Path:
    folder = store_path(data_dir, workspace_id).parent / PENDING / token
    if not _TOKEN.match(token) or not folder.is_dir():
        raise UploadError("this guessed mapping is no longer here", http_status=404,
                          hint="upload the file again")
    return folder


def _sweep(root: Path) -> None:
    """Remove the guesses nobody confirmed within PENDING_DAYS."""
    import time

    if not root.is_dir():
        return
    limit = time.time() - PENDING_DAYS * 86400
    for folder in root.iterdir():
        with contextlib.suppress(OSError):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
