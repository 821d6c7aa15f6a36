"""EBU R128 loudness: measure a source span once, verify each output after rendering.

Commands are built here as data and run by a ``Runner``; parsing is pure.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from coulisses.errors import FFmpegError
from coulisses.media.ffmpeg import Command, Runner
from coulisses.media.inputs import ffmpeg_input
from coulisses.render.plan import Loudness
from coulisses.timecode import to_seconds_arg


def measure_command(source: Path, start: Fraction, duration: Fraction,
                    audio_stream: int) -> Command:
    """loudnorm's first pass over the span: prints a JSON measurement."""
    return Command(args=("-loglevel", "info", "-ss", to_seconds_arg(start),
                         "-t", to_seconds_arg(duration), *ffmpeg_input(source),
                         "-map", f"0:{audio_stream}", "-vn", "-sn", "-dn",
                         "-af", "loudnorm=I=-14:TP=-1:LRA=11:print_format=json",
                         "-f", "null", "-"),
                   expected_seconds=duration, label="loudness")


def parse_loudnorm(stderr: str) -> Loudness:
    """Read loudnorm's JSON block from ffmpeg's log.

    Raises:
        FFmpegError: no measurement in the log.
    """
    start = stderr.rfind("{")
    end = stderr.rfind("}")
    if start < 0 or end < start:
        raise FFmpegError("loudness measurement printed no result",
                          stderr_tail=stderr[-2000:])
    data = json.loads(stderr[start:end + 1])

    def num(key: str) -> float:
        value = float(data[key])
        return -99.0 if math.isinf(value) or math.isnan(value) else value

    return Loudness(input_i=num("input_i"), input_tp=num("input_tp"),
                    input_lra=num("input_lra"), input_thresh=num("input_thresh"))


def measure(runner: Runner, source: Path, start: Fraction, duration: Fraction,
            audio_stream: int) -> Loudness:
    """Measure the integrated loudness, true peak and range of a span.

    Raises:
        FFmpegError: ffmpeg failed.
    """
    result = runner.run(measure_command(source, start, duration, audio_stream))
    return parse_loudnorm(result.stderr)


@dataclass(frozen=True)
class OutputLoudness:
    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float


def verify_command(path: Path) -> Command:
    """ebur128 with true peak over a rendered file's first audio stream."""
    return Command(args=("-loglevel", "info", *ffmpeg_input(path), "-map", "0:a:0",
                         "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"),
                   label="loudness check")


_SUMMARY = re.compile(
    r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf)\s*LUFS.*?"
    r"Loudness range:\s*LRA:\s*(?P<lra>-?[\d.]+)\s*LU.*?"
    r"True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf)\s*dBFS", re.S)


def parse_ebur128(stderr: str) -> OutputLoudness:
    """Read the summary ebur128 prints at the end.

    Raises:
        FFmpegError: no summary in the log.
    """
    found = list(_SUMMARY.finditer(stderr))
    if not found:
        raise FFmpegError("loudness check printed no summary", stderr_tail=stderr[-2000:])
    m = found[-1]

    def num(text: str) -> float:
        return -99.0 if text == "-inf" else float(text)

    return OutputLoudness(num(m["i"]), num(m["tp"]), num(m["lra"]))


def verify(runner: Runner, path: Path) -> OutputLoudness:
    """Measure a rendered file.

    Raises:
        FFmpegError: ffmpeg failed.
    """
    return parse_ebur128(runner.run(verify_command(path)).stderr)
