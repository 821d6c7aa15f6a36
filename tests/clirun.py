"""Run the ``coulisses`` command in-process and check its one-line errors (shared by CLI tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from coulisses.cli.main import main

PREFIX = "coulisses: error:"


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


def error_line(run: Run) -> str:
    """The single error line on stderr (asserted to be exactly one, well formed)."""
    assert "Traceback" not in run.err, run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line, got {lines!r}"
    line = lines[0]
    assert line.startswith(PREFIX), line
    assert line[len(PREFIX):].strip(), f"the error line says nothing: {line!r}"
    return line
