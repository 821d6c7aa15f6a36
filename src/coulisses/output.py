"""Writing files: safe names, the output folder, atomic writes. Everything that writes uses it.

A file is written under a temporary name in its target's folder, then moved into place with
``os.replace``; a cut works in a hidden folder inside the output folder (same file system) and
publishes its files together. A crash or a full disk never leaves a file that looks finished;
failures become the ``OutputError`` leaves with the file's name in the message.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from coulisses.errors import (
    DiskFullError,
    OutputError,
    UnsafeOutputError,
    UnwritableOutputError,
)

WORK_PREFIX = ".coulisses-work-"
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)


def safe_stem(name: str, fallback: str = "clip") -> str:
    """A file-name stem that is safe on every file system and never looks like an option."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip("._-")
    text = re.sub(r"_+", "_", text)[:80]
    return text or fallback


def claim_stem(base: str, source: str, owners: Mapping[str, str], names: Iterable[str]) -> str:
    """The stem a source's outputs get in a folder: ``base``, unless another source's outputs
    already use it, then ``base-2``, ``base-3``... Pure.

    ``owners``: which source fingerprint made each stem in this folder (from its manifest);
    ``names``: the files in the folder. A stem nobody recorded is free only while no video
    named ``STEM.PLATFORM.mp4`` is there: a file coulisses did not make is never overwritten.
    """
    present = set(names)
    n = 1
    while True:
        stem = base if n == 1 else f"{base}-{n}"
        owner = owners.get(stem)
        if owner == source:
            return stem
        video = re.compile(re.escape(stem) + r"\.[a-z][a-z0-9-]*\.mp4")
        if owner is None and not any(video.fullmatch(name) for name in present):
            return stem
        n += 1


def safe_child(folder: Path, name: str) -> Path:
    """``folder / name``, refusing names that would resolve outside ``folder``.

    Raises:
        UnsafeOutputError: an absolute name, ``..``, or a link out of the folder.
    """
    base = folder.resolve()
    candidate = (base / name).resolve()
    if Path(name).is_absolute() or (candidate != base and base not in candidate.parents):
        raise UnsafeOutputError(f"{name}: output would be written outside {base}", path=name)
    return candidate


def prepare(folder: Path) -> Path:
    """Create the output folder if needed and prove it can be written.

    Raises:
        UnwritableOutputError: it cannot be created or written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UnwritableOutputError(f"{folder}: exists and is not a folder", path=folder) from None
    except OSError as exc:
        raise UnwritableOutputError(f"{folder}: cannot create the output folder "
                                    f"({exc.strerror})", path=folder) from None
    resolved = folder.resolve()
    try:
        with tempfile.NamedTemporaryFile(dir=resolved, prefix=".coulisses-probe-"):
            pass
    except OSError as exc:
        raise UnwritableOutputError(f"{folder}: cannot write in the output folder "
                                    f"({exc.strerror})", path=folder,
                                    hint="choose another folder with --out") from None
    return resolved


def make_work_dir(folder: Path) -> Path:
    """A fresh hidden work folder inside the output folder."""
    return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=folder))


def remove_work_dir(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)


def write_text(target: Path | str, text: str, *, what: str = "file") -> Path:
    """Write ``text`` as UTF-8, byte for byte (no newline translation), atomically.

    Raises:
        UnwritableOutputError: the folder is missing or read-only.
        DiskFullError: no space left while writing.
    """
    return write_bytes(target, text.encode("utf-8"), what=what)


def write_bytes(target: Path | str, data: bytes, *, what: str = "file") -> Path:
    """Write ``data`` to ``target`` atomically, readable by everyone (0644).

    Raises:
        UnwritableOutputError: the folder is missing or read-only.
        DiskFullError: no space left while writing.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise UnwritableOutputError(f"cannot write the {what} in {folder}: "
                                    f"{exc.strerror or exc}", path=folder) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are for everyone to read
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(f"{target}: the disk is full", path=target) from None
        raise UnwritableOutputError(f"cannot write {target}: {exc.strerror or exc}",
                                    path=target) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A fresh temporary name beside ``target`` (same suffix) for a tool or a stream to write;
    moved onto ``target`` when the block ends without error, removed otherwise.

    Raises:
        OSError: the folder cannot be written (callers map it with ``write_error``).
    """
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                suffix=f".part{target.suffix}")
    os.close(fd)
    os.chmod(name, 0o644)  # as write_bytes: outputs are for everyone to read
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def publish_all(moves: list[tuple[Path, Path]]) -> None:
    """Move every finished file into place; if one move fails, remove those already moved,
    so a failed run leaves nothing of itself behind."""
    done: list[Path] = []
    try:
        for temp, final in moves:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)
            done.append(final)
    except OSError:
        for path in done:
            path.unlink(missing_ok=True)
        raise


def write_error(exc: OSError, folder: Path) -> OutputError:
    """The error of the tree for a failed write in ``folder``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError("the disk is full: nothing was kept", path=folder,
                             hint="free some space and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UnwritableOutputError(f"{folder}: cannot write ({exc.strerror})", path=folder)
    return OutputError(f"{folder}: cannot write {Path(exc.filename or '').name or 'a file'} "
                       f"({exc.strerror})", path=folder)
