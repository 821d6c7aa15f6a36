"""Resumable uploads of rushes (tus-like): create with a declared size, append at an offset,
ask the offset after a dropped connection, then check the content is video and publish it.

Partial files live in ``data_dir/uploads/ws-<id>/`` beside a small JSON state file; the
finished rush is moved with ``os.replace`` into ``data_dir/media/ws-<id>/rushes/``, so a file
in the media folder is always complete and checked. Nothing here knows about HTTP or the
database: the routes map these calls and errors to requests and rows.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from coulisses.errors import ConflictError, InputError, NotFoundError, UploadError
from coulisses.output import write_text
from coulisses.studio import files

MB = 1024 * 1024
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_DISK = re.compile(r"[^\w.-]+", re.UNICODE)
STALE_SECONDS = 7 * 24 * 3600  # unfinished uploads older than this are swept
# Leading bytes of the containers cameras and phones write (checked on the first chunk so a
# mistyped multi-gigabyte file is refused at once; the probe has the last word).
_SIGNATURES: tuple[tuple[int, bytes], ...] = (
    (4, b"ftyp"), (4, b"moov"), (4, b"mdat"), (4, b"wide"), (4, b"free"), (4, b"skip"),
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska / WebM
    (0, b"RIFF"),  # AVI
    (0, b"\x00\x00\x01\xba"), (0, b"\x00\x00\x01\xb3"),  # MPEG program stream / video
    (0, b"G"), (4, b"G"),  # MPEG-TS, and AVCHD .mts (4-byte timecode first)
    (0, b"\x06\x0e\x2b\x34"),  # MXF
    (0, b"FLV"), (0, b"OggS"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF / WMV
)


@dataclass(frozen=True)
class Upload:
    """One upload in progress: ``offset`` bytes of ``size`` received."""

    id: str
    workspace_id: int
    user_id: int
    name: str  # cleaned display name (unicode kept, no folders, no hidden dots)
    size: int
    offset: int
    created: float

    @property
    def complete(self) -> bool:
        return self.offset == self.size


def clean_name(raw: str) -> str:
    """A display name from a client-supplied file name: the last path part only, NFC,
    without control or bidi characters and leading dots, at most 120 characters.

    Raises:
        UploadError: nothing usable is left (HTTP 400).
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _CONTROL.sub("", text).strip().lstrip(".").strip()
    if len(text) > 120:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: 120 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 8 else text[:120]
    if not text or text in {".", ".."}:
        raise UploadError(f"{raw!r} is not a usable file name", http_status=400,
                          hint="name the file, e.g. interview.mp4")
    return text


def disk_name(name: str, token: str) -> str:
    """The file name on disk: ASCII-safe where it matters, unique by ``token``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "bin"
    safe_stem = _UNSAFE_DISK.sub("_", stem).strip("._-")[:60] or "rush"
    safe_ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:8].lower() or "bin"
    return f"{token[:12]}-{safe_stem}.{safe_ext}"


def looks_like_video(head: bytes) -> bool:
    """True when the first bytes match a video container's signature."""
    return any(head[at:at + len(sig)] == sig for at, sig in _SIGNATURES)


class UploadStore:
    """Uploads of every workspace under ``data_dir``; safe across threads and processes
    (each append holds an exclusive lock on the partial file)."""

    def __init__(self, data_dir: Path, max_bytes: int) -> None:
        self.root = Path(data_dir)
        self.max_bytes = max_bytes

    # --- layout -------------------------------------------------------------------------
    def partial_dir(self, workspace_id: int) -> Path:
        return files.uploads_dir(self.root, workspace_id)

    def media_dir(self, workspace_id: int) -> Path:
        return files.rushes_dir(self.root, workspace_id)

    def _paths(self, workspace_id: int, upload_id: str) -> tuple[Path, Path]:
        if not _ID.match(upload_id):
            raise NotFoundError("no such upload", hint="start the upload again")
        folder = self.partial_dir(workspace_id)
        return folder / f"{upload_id}.part", folder / f"{upload_id}.json"

    # --- operations ---------------------------------------------------------------------
    def create(self, workspace_id: int, user_id: int, name: str, size: int) -> Upload:
        """Start an upload of ``size`` bytes.

        Raises:
            UploadError: the size is over the limit (413) or not positive (400), or the name
                is unusable (400).
        """
        display = clean_name(name)
        self._check_size(size, display)
        if size <= 0:
            raise UploadError(f"{display}: the file is empty", http_status=400)
        upload = Upload(id=secrets.token_urlsafe(18), workspace_id=int(workspace_id),
                        user_id=int(user_id), name=display, size=int(size), offset=0,
                        created=time.time())
        part, state = self._paths(workspace_id, upload.id)
        part.parent.mkdir(parents=True, exist_ok=True)
        part.touch(exist_ok=False)
        _write_json(state, asdict(upload))
        return upload

    def get(self, workspace_id: int, upload_id: str, user_id: int | None = None) -> Upload:
        """The upload and its current offset (what a client asks after a dropped connection);
        with ``user_id``, only that user's (an upload belongs to whoever started it).

        Raises:
            NotFoundError: no such upload in this workspace (for this user).
        """
        part, state = self._paths(workspace_id, upload_id)
        try:
            data = json.loads(state.read_text(encoding="utf-8"))
            offset = part.stat().st_size
        except (OSError, ValueError):
            raise NotFoundError("no such upload", hint="start the upload again") from None
        if int(data["workspace_id"]) != int(workspace_id) or (
                user_id is not None and int(data["user_id"]) != int(user_id)):
            raise NotFoundError("no such upload", hint="start the upload again")
        return Upload(**{**data, "offset": offset})

    def append(self, workspace_id: int, upload_id: str, offset: int,
               chunks: Iterable[bytes]) -> Upload:
        """Write ``chunks`` at ``offset``, which must equal the bytes already received.

        A chunk cut short by a dropped connection keeps what arrived; the client asks the
        offset and sends the rest.

        Raises:
            NotFoundError: no such upload.
            ConflictError: ``offset`` is not where the upload stands (409).
            UploadError: more bytes than declared (413), or the start is not video (415: the
                upload is discarded).
        """
        upload = self.get(workspace_id, upload_id)
        part, state = self._paths(workspace_id, upload_id)
        with _locked(part) as fh:
            current = os.fstat(fh.fileno()).st_size
            if offset != current:
                raise ConflictError(f"{upload.name}: upload is at byte {current}, not {offset}",
                                    hint="ask the offset (HEAD) and resume from it")
            head = fh.read(64) if current < 12 else b""
            checked = current >= 12
            fh.seek(current)
            written = current
            for chunk in chunks:
                if not chunk:
                    continue
                if written + len(chunk) > upload.size:
                    raise UploadError(f"{upload.name}: more bytes than the {upload.size} "
                                      "declared", http_status=413)
                if not checked:
                    head = (head + chunk)[:64]
                    if len(head) >= 12 or written + len(chunk) == upload.size:
                        checked = True
                        if not looks_like_video(head):
                            _remove(part, state)  # under the lock already
                            raise UploadError(
                                f"{upload.name}: not a video file (its content is not a video "
                                "container)", http_status=415,
                                hint="upload a video such as MP4 or MOV")
                fh.write(chunk)
                written += len(chunk)
            fh.flush()
        return Upload(**{**asdict(upload), "offset": written})

    def finish(self, workspace_id: int, upload_id: str) -> tuple[Upload, Path]:
        """Check the complete file is a readable video and move it into the media folder.

        Raises:
            NotFoundError: no such upload.
            ConflictError: bytes are still missing (409).
            UploadError: the content is not a video (415); the upload is discarded.
        """
        from coulisses.media.inputs import is_playlist_name
        from coulisses.media.probe import probe

        upload = self.get(workspace_id, upload_id)
        if not upload.complete:
            raise ConflictError(f"{upload.name}: {upload.size - upload.offset} bytes still "
                                "missing", hint="send the rest, then finish")
        part, state = self._paths(workspace_id, upload_id)
        # under the lock, a second finish or a cancel at the same moment waits, then finds
        # the file gone (404) instead of failing half-way
        with _locked(part):
            if not part.exists():
                raise NotFoundError("no such upload", hint="start the upload again")
            problem = None
            if is_playlist_name(upload.name):  # checked before the move: nothing is left
                problem = "playlists and file lists are not accepted"
            else:
                try:
                    probe(part).require_video()
                except InputError as exc:
                    problem = f"not a video file ({exc.message.replace(str(part), 'file')})"
            if problem is not None:
                _remove(part, state)
                raise UploadError(f"{upload.name}: {problem}", http_status=415,
                                  hint="upload a video such as MP4 or MOV")
            target_dir = self.media_dir(workspace_id)
            target_dir.mkdir(parents=True, exist_ok=True)
            target = target_dir / disk_name(upload.name, upload.id)
            os.replace(part, target)
            state.unlink(missing_ok=True)
        return upload, target

    def discard(self, workspace_id: int, upload_id: str) -> None:
        """Forget an upload and its bytes (missing ones are fine); waits for a finish."""
        part, state = self._paths(workspace_id, upload_id)
        try:
            with _locked(part):
                _remove(part, state)
        except NotFoundError:
            state.unlink(missing_ok=True)

    def state_files(self) -> list[Path]:
        """The state file of every unfinished upload this store keeps."""
        return sorted(files.uploads_root(self.root).glob("ws-*/*.json"))

    def sweep(self, now: float | None = None) -> int:
        """Delete unfinished uploads older than a week; returns how many were removed."""
        limit = (now or time.time()) - STALE_SECONDS
        removed = 0
        for state in self.state_files():
            try:
                created = float(json.loads(state.read_text(encoding="utf-8"))["created"])
            except (OSError, ValueError, KeyError):
                continue
            if created < limit:
                state.with_suffix(".part").unlink(missing_ok=True)
                state.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- checks -------------------------------------------------------------------------
    def _check_size(self, size: int, name: str) -> None:
        if size > self.max_bytes:
            raise UploadError(
                f"{name}: {size / MB:.1f} MB is over the {self.max_bytes / MB:.0f} MB limit",
                http_status=413, hint="trim the rush or raise the upload_max_mb setting")



def _remove(part: Path, state: Path) -> None:
    part.unlink(missing_ok=True)
    state.unlink(missing_ok=True)


@contextmanager
def _locked(path: Path) -> Iterator[BinaryIO]:
    """The partial file opened for reading and writing, under an exclusive lock."""
    try:
        fh = path.open("r+b")
    except OSError:
        raise NotFoundError("no such upload", hint="start the upload again") from None
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield fh
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_json(path: Path, data: dict[str, object]) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False))
