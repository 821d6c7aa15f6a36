"""Run ffmpeg: commands are argument lists built as data, run by a ``Runner``.

With the probe, this is the only module that touches ffmpeg. The binary comes from the
``imageio-ffmpeg`` wheel and is resolved lazily, on first use.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

from coulisses.errors import DiskFullError, FFmpegError, InputError, UnwritableOutputError

Progress = Callable[[Fraction], None]  # seconds of output written so far
Side = Literal["input", "output"]


@cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (``COULISSES_FFMPEG`` overrides the wheel's).

    Raises:
        FFmpegError: no usable binary.
    """
    override = os.environ.get("COULISSES_FFMPEG")
    if override:
        return override
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise FFmpegError(f"no ffmpeg binary found: {exc}",
                          hint="pip install imageio-ffmpeg") from exc


@dataclass(frozen=True)
class Command:
    """One ffmpeg invocation: its arguments after the binary, and what to expect of it."""

    args: tuple[str, ...]
    expected_seconds: Fraction | None = None  # for progress; None when unknown
    cwd: Path | None = None
    label: str = "ffmpeg"

    def argv(self, exe: str = "ffmpeg") -> list[str]:
        return [exe, *self.args]


@dataclass(frozen=True)
class RunResult:
    stderr: str
    returncode: int = 0
    extra: dict[str, str] = field(default_factory=dict)


class Runner(Protocol):
    """Runs a ``Command``; a fake one records argv in tests."""

    def run(self, command: Command, progress: Progress | None = None) -> RunResult: ...


BASE_ARGS = ("-hide_banner", "-nostdin", "-y")


class SubprocessRunner:
    """Runs the real ffmpeg binary, reporting progress from ``-progress pipe:1``."""

    def __init__(self, exe: str | None = None, *, stderr_tail_lines: int = 12) -> None:
        self._exe = exe
        self._tail = stderr_tail_lines

    @property
    def exe(self) -> str:
        """The ffmpeg binary this runner starts (resolved on first use)."""
        return self._exe or ffmpeg_exe()

    def run(self, command: Command, progress: Progress | None = None) -> RunResult:
        """Run the command to the end.

        Raises:
            DiskFullError: the disk filled up.
            UnwritableOutputError: an output could not be opened for writing.
            FFmpegError: any other failure, with argv, exit code and the end of stderr.
        """
        exe = self.exe
        argv = [exe, *BASE_ARGS, "-progress", "pipe:1", "-nostats", *command.args]
        with tempfile.TemporaryFile(mode="w+b") as err:
            try:
                proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err,
                                        stdin=subprocess.DEVNULL, cwd=command.cwd)
            except OSError as exc:
                raise FFmpegError(f"cannot start ffmpeg: {exc.strerror}", argv=argv) from exc
            with proc:
                reader = threading.Thread(target=_read_progress, args=(proc, progress),
                                          daemon=True)
                reader.start()
                try:
                    code = proc.wait()
                except BaseException:
                    proc.kill()
                    proc.wait()
                    raise
                finally:
                    reader.join(timeout=5)
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        if code != 0:
            raise classify_failure(argv, code, stderr, self._tail)
        return RunResult(stderr=stderr, returncode=code)


def _read_progress(proc: subprocess.Popen[bytes], progress: Progress | None) -> None:
    assert proc.stdout is not None
    for raw in proc.stdout:
        if progress is None:
            continue
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            progress(Fraction(max(int(value), 0), 1_000_000))


def classify_failure(argv: Sequence[str], code: int, stderr: str, tail: int = 12) -> Exception:
    """Turn an ffmpeg failure into the most precise error of the tree."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    tail_text = "\n".join(lines[-tail:])
    lowered = stderr.lower()
    if "no space left on device" in lowered:
        return DiskFullError("the disk is full: nothing was kept",
                             hint="free some space and run again")
    if "read-only file system" in lowered:
        named = _named_path(lines, "output")
        return UnwritableOutputError(
            f"ffmpeg cannot write {_shown(named, 'the output')}: read-only file system",
            path=named)
    if "permission denied" in lowered:
        side, named = denied_side(argv, lines)
        if side == "input":
            return InputError(f"ffmpeg cannot read {_shown(named, 'an input')}: permission "
                              "denied", path=named, hint="check the file's permissions")
        return UnwritableOutputError(
            f"ffmpeg cannot write {_shown(named, 'the output')}: permission denied", path=named)
    last = lines[-1] if lines else f"exit code {code}"
    return FFmpegError(f"ffmpeg failed: {last[:300]}", argv=argv, returncode=code,
                       stderr_tail=tail_text)


_CONTEXT = re.compile(r"^\[([a-z]*)[^\]]*@ 0x[0-9a-f]+\]\s*")  # "[out#0/mp4 @ 0x55..] "
_DENIED = re.compile(r"^(?:error opening (input|output)(?: files)?\s*)?(.*?):\s*permission denied",
                     re.IGNORECASE)
_NAMING = (re.compile(r"^error opening (input|output) file (.+)\.$", re.IGNORECASE),
           re.compile(r"could not (open) file : (.+)$", re.IGNORECASE))  # image2 outputs


def denied_side(argv: Sequence[str], lines: Sequence[str]) -> tuple[Side, str | None]:
    """Whether a "permission denied" is about an input or an output, and the path ffmpeg named.

    ffmpeg 6+ says ``[in#0 @ ..] Error opening input: Permission denied`` then ``Error opening
    input file PATH.`` (``out#``, ``vost#``... and ``output`` for outputs); older ones say
    ``PATH: Permission denied``, so a path is an input when it follows ``-i`` in argv.
    Anything else is an output.
    """
    inputs = {_bare(argv[i + 1]) for i, a in enumerate(argv[:-1]) if a == "-i"}
    known = {_bare(a) for a in argv}
    for line in lines:
        if "permission denied" not in line.lower():
            continue
        context = _CONTEXT.match(line)
        match = _DENIED.match(line[context.end():] if context else line)
        named = _bare(match.group(2).strip()) if match else ""
        named = named if named in known else ""
        word = (match.group(1) or "").lower() if match else ""
        tag = context.group(1) if context else ""
        side: Side | None = (
            "input" if word == "input" or tag in _INPUT_TAGS
            else "output" if word == "output" or tag in _OUTPUT_TAGS
            else None if not named
            else "input" if named in inputs else "output")
        if side is not None:
            return side, named or _named_path(lines, side) or _only(inputs, side)
    return "output", _named_path(lines, "output")


_INPUT_TAGS = frozenset({"in", "ist", "vist", "aist", "sist", "dist"})
_OUTPUT_TAGS = frozenset({"out", "ost", "vost", "aost", "sost", "dost"})


def _named_path(lines: Sequence[str], side: Side) -> str | None:
    for line in lines:
        for pattern in _NAMING:
            match = pattern.search(line.strip())
            if match and match.group(1).lower() in (side, "open" if side == "output" else ""):
                return _bare(match.group(2).strip())
    return None


def _only(inputs: set[str], side: Side) -> str | None:
    return next(iter(inputs)) if side == "input" and len(inputs) == 1 else None


def _bare(path: str) -> str:
    """The path without the ``file:`` protocol prefix our inputs are given with."""
    return path.removeprefix("file:")


def _shown(path: str | None, fallback: str) -> str:
    return Path(path).name or path if path else fallback


def quote_filter_value(value: str) -> str:
    """Escape a value for use inside a filter graph option (two levels of escaping)."""
    level1 = value.replace("\\", "\\\\").replace("'", "\\'").replace(":", "\\:")
    level2 = "".join("\\" + c if c in "\\'[],;" else c for c in level1)
    return level2
