"""A source file's content fingerprint: the key every cache (analysis, cut manifest, coverage
tags) uses to know a rush it has seen."""

from __future__ import annotations

import hashlib
from pathlib import Path

_SAMPLE = 4 * 1024 * 1024


def source_fingerprint(path: Path) -> str:
    """A content fingerprint: the size and SHA-256 of the first, middle and last 4 MiB.

    Reading whole multi-gigabyte rushes on every run would cost more than the cut; sampled
    content changes whenever a file is replaced, re-exported or trimmed.

    Raises:
        OSError: the file cannot be read.
    """
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        for offset in sorted({0, max(0, size // 2 - _SAMPLE // 2), max(0, size - _SAMPLE)}):
            fh.seek(offset)
            digest.update(fh.read(_SAMPLE))
    return digest.hexdigest()
