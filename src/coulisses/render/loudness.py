"""EBU R128 loudness: measure a source span, correct the render's audio chain on it, verify
each output after rendering.

The span is measured once (integrated loudness, true peak, range, and the spread of the
momentary loudness). A span that is quiet, steady and noise-like is left quiet: boosting room
tone by 40 dB only makes hiss. Otherwise each distinct audio chain the render will apply (gain,
then a true-peak limiter when peaks would pass the ceiling) is run on the span in an
audio-only pass and measured; the limiter takes loudness away, so a make-up gain is added and
the chain measured again, at most ``MAX_PASSES`` times. Commands are built here as data and
run by a ``Runner``; parsing and every decision are pure.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from coulisses.errors import FFmpegError
from coulisses.media.ffmpeg import Command, Runner
from coulisses.media.inputs import ffmpeg_input
from coulisses.render.graph import audio_tail, ceiling_dbtp, gain_chain
from coulisses.render.plan import Loudness, Makeup, Variant
from coulisses.timecode import to_seconds_arg

# A span is noise or room tone only when it is quiet, its level steady (speech comes and goes
# with words and pauses), its peaks those of noise rather than of a steady tone, and no words
# were recognised in it.
NOISE_MAX_LUFS = -45.0
NOISE_MAX_SPREAD_LU = 4.0  # steady noise ~1 LU; speech with pauses 6 LU and more
NOISE_MIN_CREST_DB = 6.0  # true peak over loudness: noise 7-14 dB, a steady tone under 4
PASS_TOLERANCE_LU = 0.2  # a measured chain this close to its target needs no other pass
MAX_PASSES = 4
TP_GUARD_DB = 0.1  # encoded true peak kept this far under the platform's limit
MAX_GAIN_DB = 50.0
MAX_STEP_DB = 12.0  # the most one correction moves the gain
_GATE_LUFS = -70.0  # BS.1770 absolute gate
_RELATIVE_GATE_LU = 20.0  # as for the loudness range
_WINDOW_S = 0.4  # momentary loudness is defined from 400 ms of audio on


def measure_command(source: Path, start: Fraction, duration: Fraction,
                    audio_stream: int) -> Command:
    """ebur128 over the span, with true peak and the momentary loudness every 100 ms."""
    return Command(args=("-loglevel", "info", "-ss", to_seconds_arg(start),
                         "-t", to_seconds_arg(duration), *ffmpeg_input(source),
                         "-map", f"0:{audio_stream}", "-vn", "-sn", "-dn",
                         "-af", "ebur128=peak=true:framelog=info", "-f", "null", "-"),
                   expected_seconds=duration, label="loudness")


_FRAME = re.compile(r"\bt:\s*(?P<t>[\d.]+)\s+TARGET:.*?\bM:\s*(?P<m>-?[\d.]+|-inf)")
_THRESHOLD = re.compile(r"Integrated loudness:.*?Threshold:\s*(?P<th>-?[\d.]+|-inf)", re.S)


def momentary_spread(values: Sequence[float], integrated: float) -> float | None:
    """95th minus 10th percentile of the momentary loudness above the absolute gate and 20 LU
    under the integrated loudness (the loudness range's gates, on 400 ms windows so that short
    spans have a value too); None when no window passes the gates."""
    gated = sorted(v for v in values
                   if v > _GATE_LUFS and v > integrated - _RELATIVE_GATE_LU)
    if not gated:
        return None

    def pct(q: float) -> float:
        return gated[min(len(gated) - 1, max(0, math.ceil(q * len(gated)) - 1))]

    return round(pct(0.95) - pct(0.10), 2)


def parse_measurement(stderr: str) -> Loudness:
    """Read ebur128's frame log and summary from ffmpeg's log.

    Raises:
        FFmpegError: no summary in the log.
    """
    summary = parse_ebur128(stderr)
    found = list(_THRESHOLD.finditer(stderr))
    thresh = _num(found[-1]["th"]) if found else _GATE_LUFS
    values = [_num(m["m"]) for m in _FRAME.finditer(stderr) if float(m["t"]) >= _WINDOW_S - 1e-3]
    return Loudness(input_i=summary.integrated_lufs, input_tp=summary.true_peak_dbtp,
                    input_lra=summary.lra_lu, input_thresh=thresh,
                    momentary_spread_lu=momentary_spread(values, summary.integrated_lufs))


def measure(runner: Runner, source: Path, start: Fraction, duration: Fraction,
            audio_stream: int) -> Loudness:
    """Measure the integrated loudness, true peak, range and momentary spread of a span.

    Raises:
        FFmpegError: ffmpeg failed.
    """
    result = runner.run(measure_command(source, start, duration, audio_stream))
    return parse_measurement(result.stderr)


def noise_only_reason(m: Loudness, words: int | None) -> str:
    """Why the span is noise or room tone only, or ``""`` when it is worth bringing to the
    target. ``words``: words recognised in the span, None when speech was not analysed.
    Pure: decided from the measurement alone."""
    if m.is_silent or m.input_i > NOISE_MAX_LUFS or words:
        return ""
    spread = m.momentary_spread_lu
    crest = m.input_tp - m.input_i
    if spread is None or spread > NOISE_MAX_SPREAD_LU or crest < NOISE_MIN_CREST_DB:
        return ""
    speech = "no speech recognised" if words == 0 else "speech not analysed"
    return (f"{m.input_i:g} LUFS, quieter than {NOISE_MAX_LUFS:g}; a steady level, momentary "
            f"spread {spread:g} LU (at most {NOISE_MAX_SPREAD_LU:g}); noise-like peaks "
            f"{crest:.1f} dB over the loudness; {speech}")


def next_gain(history: Sequence[tuple[float, float]], target: float) -> float:
    """The gain to try next from ``(gain dB, measured LUFS)`` pairs of earlier passes.

    One pass: add the shortfall (a limiter takes less than all of it back). Two or more: a
    secant step through the last two, the slope kept between 0.1 and 1 (a limiter never gives
    more than a dB per dB, and may give much less). Each step moves at most ``MAX_STEP_DB``,
    the gain stays under ``MAX_GAIN_DB``. Pure.
    """
    gain, level = history[-1]
    slope = 1.0
    if len(history) >= 2:
        prev_gain, prev_level = history[-2]
        if abs(gain - prev_gain) > 1e-6:
            slope = min(1.0, max(0.1, (level - prev_level) / (gain - prev_gain)))
    step = max(-MAX_STEP_DB, min(MAX_STEP_DB, (target - level) / slope))
    return round(min(MAX_GAIN_DB, gain + step), 2)


def pass_command(source: Path, start: Fraction, duration: Fraction, audio_stream: int,
                 chain: str, v: Variant, target: Path) -> Command:
    """The render's audio chain on the span (audio only), with the variant's tail (silence for
    a held frame, format, length), encoded as its AAC stream to ``target``;
    ``verify_command`` then measures it as QC will."""
    return Command(args=("-loglevel", "error", "-ss", to_seconds_arg(start),
                         "-t", to_seconds_arg(duration), *ffmpeg_input(source),
                         "-map", f"0:{audio_stream}", "-vn", "-sn", "-dn",
                         "-af", f"{chain},{audio_tail(v)}",
                         "-c:a", "aac", "-b:a", f"{v.audio.bitrate_kbps}k",
                         "-f", "adts", "-y", str(target)),
                   expected_seconds=duration, label="loudness pass")


def next_ceiling(ceiling: float, measured_tp: float, limit_dbtp: float) -> float:
    """Lower the limiter's ceiling by what the encoded result overshot the limit (less a
    ``TP_GUARD_DB`` guard), and 0.1 dB more so the next pass lands under it. Pure."""
    return round(ceiling - (measured_tp - (limit_dbtp - TP_GUARD_DB)) - 0.1, 2)


def correct(runner: Runner, source: Path, start: Fraction, duration: Fraction,
            audio_stream: int, m: Loudness, variants: Sequence[Variant]) -> Loudness:
    """Find each distinct chain's gain and ceiling by encoding it on the span and measuring the
    result; chains already in ``m.makeup`` are kept. At most ``MAX_PASSES`` per chain: a pass
    within ``PASS_TOLERANCE_LU`` of the target and under the true-peak limit ends it.

    Raises:
        FFmpegError: ffmpeg failed.
    """
    if m.left_quiet:
        return m
    found = list(m.makeup)
    with tempfile.TemporaryDirectory(prefix="coulisses-loudness-") as folder:
        encoded = Path(folder) / "pass.aac"
        for v in variants:
            if replace(m, makeup=tuple(found)).makeup_for(v) is not None:
                continue
            found.append(_search(runner, source, start, duration, audio_stream, m, v, encoded))
    return replace(m, makeup=tuple(found))


def _search(runner: Runner, source: Path, start: Fraction, duration: Fraction,
            audio_stream: int, m: Loudness, v: Variant, encoded: Path) -> Makeup:
    target, tp_limit = v.loudness.integrated_lufs, v.loudness.true_peak_dbtp
    ceiling = ceiling_dbtp(v)
    gain = round(target - m.input_i, 2)
    limit = m.input_tp + gain > ceiling
    history: list[tuple[float, float]] = []  # on the current chain shape (limit, ceiling)
    out = OutputLoudness(m.input_i, m.input_tp, m.input_lra)
    for n in range(1, MAX_PASSES + 1):
        runner.run(pass_command(source, start, duration, audio_stream,
                                gain_chain(v, gain, ceiling, limit), v, encoded))
        out = verify(runner, encoded)
        history.append((gain, out.integrated_lufs))
        tp_ok = out.true_peak_dbtp <= tp_limit - TP_GUARD_DB
        if tp_ok and abs(out.integrated_lufs - target) <= PASS_TOLERANCE_LU:
            return Makeup(target, tp_limit, v.audio.channels, v.audio.bitrate_kbps,
                          float(v.duration), float(v.hold), gain, ceiling, limit,
                          out.integrated_lufs, out.true_peak_dbtp, n, True)
        shape = (limit, ceiling)
        if not tp_ok:
            ceiling, limit = next_ceiling(ceiling, out.true_peak_dbtp, tp_limit), True
        gain = next_gain(history, target)
        limit = limit or m.input_tp + gain > ceiling
        if (limit, ceiling) != shape:
            history = [history[-1]]  # a new limiter: earlier slopes no longer hold
    return Makeup(target, tp_limit, v.audio.channels, v.audio.bitrate_kbps, float(v.duration),
                  float(v.hold), gain, ceiling, limit, out.integrated_lufs, out.true_peak_dbtp,
                  MAX_PASSES, False)


def makeup_note(m: Loudness, found: Makeup) -> str:
    """One line for the report: what the passes found for a variant's chain."""
    plain = round(found.target_lufs - m.input_i, 2)
    # how far the loudest peak is pushed over the ceiling: what the limiter has to take off
    # there (more than ~15 dB is heard as squashing; ffmpeg's alimiter can also lose loudness
    # as the gain rises, which the passes follow to a larger gain)
    over = m.input_tp + found.gain_db - found.ceiling_dbtp
    limiter = (f", a true-peak limiter at {found.ceiling_dbtp:g} dBTP taking up to {over:.1f} dB "
               "off the peaks" if found.limit else "")
    extra = found.gain_db - plain
    made_up = (f" ({extra:+.2f} dB of make-up over the plain {plain:+.2f} dB)"
               if abs(extra) >= 0.05 else "")
    head = f"loudness: gain {found.gain_db:+.2f} dB{made_up}{limiter}"
    passes = f"{found.passes} audio pass{'es' if found.passes > 1 else ''}"
    if found.converged:
        return (f"{head}: encoded on the span it measured {found.measured_lufs:g} LUFS, "
                f"{found.measured_tp_dbtp:g} dBTP after {passes}")
    return (f"{head}: after {passes} the last measured {found.measured_lufs:g} LUFS, "
            f"{found.measured_tp_dbtp:g} dBTP; the last gain was extrapolated")


def _num(text: str) -> float:
    return -99.0 if text == "-inf" else float(text)


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
