"""Atomic writes: a temporary name in the target's folder, then ``os.replace``.

A crash or a full disk never leaves a file that looks finished. Failures become the
``OutputError`` leaves (unwritable folder, full disk) with the file's name in the message.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from coulisses.errors import DiskFullError, UnwritableOutputError


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
