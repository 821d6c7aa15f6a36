"""Exact time: parse user time codes into ``Fraction`` seconds and format them back.

Frame rates and timestamps stay rational inside coulisses; floats appear only at the display edge.
"""

from __future__ import annotations

import re
from fractions import Fraction

from coulisses.errors import UsageError

_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d+)?)$")
_SECONDS = re.compile(r"^(?P<s>\d+(?:[.,]\d+)?)s?$")
_FRAMES = re.compile(r"^(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2})[:;](?P<f>\d{2})$")


def parse_time(text: str, *, rate: Fraction | None = None) -> Fraction:
    """Parse ``75``, ``75.5``, ``75.5s``, ``1:15.5``, ``00:01:15.500`` or ``00:01:15:12``.

    The last form (SMPTE, non-drop) needs ``rate``.

    Raises:
        UsageError: the text is not a time code, or is negative.
    """
    raw = text.strip()
    if m := _SECONDS.match(raw):
        return Fraction(m["s"].replace(",", "."))
    if m := _CLOCK.match(raw):
        seconds = Fraction(m["s"].replace(",", "."))
        if int(m["m"]) >= 60 or seconds >= 60:
            raise UsageError(f"time code {text!r} has minutes or seconds of 60 or more")
        return int(m["h"] or 0) * 3600 + int(m["m"]) * 60 + seconds
    if m := _FRAMES.match(raw):
        if rate is None:
            raise UsageError(f"time code {text!r} counts frames; give it as seconds instead")
        frames = int(m["f"])
        if frames >= rate:
            raise UsageError(f"time code {text!r} has a frame number past the frame rate")
        return int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"]) + Fraction(frames) / rate
    raise UsageError(
        f"cannot read time code {text!r}",
        hint="use seconds (75.5) or minutes:seconds (1:15.5) or hh:mm:ss.mmm",
    )


def to_seconds_arg(value: Fraction) -> str:
    """Format exact seconds for an ffmpeg argument (microsecond resolution, no exponent)."""
    micro = round(value * 1_000_000)
    sign = "-" if micro < 0 else ""
    micro = abs(micro)
    return f"{sign}{micro // 1_000_000}.{micro % 1_000_000:06d}"


def format_clock(value: Fraction | float) -> str:
    """Format seconds as ``h:mm:ss.mmm`` for people."""
    millis = round(Fraction(value) * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


def format_timecode(value: Fraction | float) -> str:
    """Format seconds as a review time code: ``mm:ss.ff`` (hundredths), ``hh:mm:ss.ff`` from
    an hour on. ``parse_time`` reads it back, so a shown time can be typed as it is."""
    centis = max(0, round(Fraction(value) * 100))
    h, rest = divmod(centis, 360_000)
    m, rest = divmod(rest, 6_000)
    s, cs = divmod(rest, 100)
    clock = f"{m:02d}:{s:02d}.{cs:02d}"
    return f"{h:02d}:{clock}" if h else clock
