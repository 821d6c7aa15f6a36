"""Rewrite one ``## `` section of a Markdown report, keeping every other section as it is.

Each bench script owns one section of docs/quality.md or docs/benchmarks.md and regenerates
only that block (from its heading to the next ``## `` heading), atomically.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

QUALITY_HEADER = ("# Quality\n\nMeasured quality of coulisses on real footage. Each section "
                  "is written by the script it names.\n")


def write_section(doc: Path, heading: str, section: str, header: str = QUALITY_HEADER) -> None:
    """Replace the block that starts with the line ``heading`` (or append it) in ``doc``."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else header
    lines = text.split("\n")
    try:
        begin = lines.index(heading)
    except ValueError:
        new = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(begin + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        rest = "\n".join(lines[end:])
        new = "\n".join(lines[:begin]) + "\n" + section.rstrip("\n") + "\n" + (
            "\n" + rest if rest.strip() else "")
    doc.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=doc.parent, prefix=f".{doc.stem}.", suffix=".md.part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new.rstrip("\n") + "\n")
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is for everyone to read
        os.replace(tmp, doc)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
