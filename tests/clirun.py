"""Run the ``coulisses`` command in-process and check its one-line errors (shared by CLI tests)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest

from coulisses.cli.main import main

PREFIX = "coulisses: error:"
PREFIX_FR = "coulisses: erreur :"  # with COULISSES_LANG=fr


@dataclass(frozen=True)
class Run:
    rc: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | os.PathLike[str]) -> Run:
    """Run ``coulisses ARGV`` in-process and capture what it printed."""
    capsys.readouterr()  # drop anything printed before
    rc = main([os.fspath(a) for a in argv])
    captured = capsys.readouterr()
    return Run(rc, captured.out, captured.err)


def _stage_line() -> re.Pattern[str]:
    from coulisses.cli.progress import STAGES
    from coulisses.i18n import text

    words = {text(lang, stage) for lang in ("en", "fr") for stage in STAGES}
    return re.compile(r"coulisses: (?:" + "|".join(map(re.escape, sorted(words)))
                      + r")(?: [\w-]+)?(?: \d+ ?%)?")


def progress_lines(err: str) -> list[str]:
    """The lines of ``err`` that are ``coulisses cut``'s stage lines (stderr not a terminal)."""
    pattern = _stage_line()
    return [line for line in err.splitlines() if pattern.fullmatch(line)]


def without_progress(err: str) -> str:
    """``err`` without the stage lines a cut prints as it goes."""
    progress = set(progress_lines(err))
    return "".join(line for line in err.splitlines(keepends=True)
                   if line.rstrip("\n") not in progress)


def error_line(run: Run) -> str:
    """The single error line on stderr (asserted to be exactly one, well formed), after the
    stage lines of the work done before the error, if any."""
    assert "Traceback" not in run.err, run.err
    lines = without_progress(run.err).splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {lines!r}"
    line = lines[0]
    prefix = PREFIX_FR if line.startswith(PREFIX_FR) else PREFIX
    assert line.startswith(prefix), line
    assert line[len(prefix):].strip(), f"the error line says nothing: {line!r}"
    return line
