"""Analytics exports uploaded on a campaign's results page, imported into the workspace's store.

The files are checked before the importer sees them: a known extension (CSV, XLSX, XLS), content
that matches it (a ZIP for XLSX, an OLE2 file for XLS, text for CSV) and a size limit. Each file
is imported by ``coulisses.kpi.store`` in its own transaction, with the campaign's deliverables
as the posts to match, so a file that fails leaves every stored number as it was.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from coulisses.errors import AnalyticsImportError, UploadError
from coulisses.studio.files import analytics_store

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
    target = analytics_store(data_dir, workspace_id)
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

