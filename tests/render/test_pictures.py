"""The contact sheet's strips: evenly spaced frames, sought rather than decoded from the start."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image
from tests.media import FFMPEG

from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.render import pictures

RATE = 10
LEVEL_PER_S = 40  # the clip's luma rises by this much each second


def _ramp(path: Path, seconds: float) -> Path:
    """A grey clip whose luma is 16 + 40 x t (t in s), keyframes every 2 s: a strip frame
    taken at t has that luma, whichever frame the decoder started from."""
    subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                    "-f", "lavfi", "-i", f"color=gray:s=64x48:r={RATE}:d={seconds}",
                    "-vf", f"geq=lum='16+{LEVEL_PER_S}*T':cb=128:cr=128",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", str(2 * RATE),
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def _tile_lumas(png: Path) -> list[float]:
    with Image.open(png) as opened:
        image = opened.convert("L")
    width = image.width // pictures.STRIP_FRAMES
    means = []
    for i in range(pictures.STRIP_FRAMES):
        tile = image.crop((i * width + 4, 4, (i + 1) * width - 4, image.height - 4))
        pixels = list(tile.getdata())
        means.append(sum(pixels) / len(pixels))
    return means


def test_strip_times_are_evenly_spaced_and_before_the_end() -> None:
    assert pictures.strip_times(Fraction(8)) == [0, 2, 4, 6]
    short = pictures.strip_times(Fraction(1, 5))
    assert short[0] == 0 and max(short) <= Fraction(1, 5) - pictures.STRIP_END_S
    assert pictures.strip_times(Fraction(1, 20)) == [0, 0, 0, 0]


@pytest.mark.parametrize("seconds", [4.0, 0.3])
def test_a_strip_shows_the_frames_at_its_times(seconds: float, tmp_path: Path) -> None:
    clip = _ramp(tmp_path / "ramp.mp4", seconds)
    duration = Fraction(seconds).limit_denominator(100)
    target = tmp_path / "strip.png"
    SubprocessRunner().run(pictures.strip_command(clip, target, duration))
    with Image.open(target) as image:
        size = image.size
    assert size == (pictures.STRIP_FRAMES * pictures.STRIP_HEIGHT * 64 // 48,
                    pictures.STRIP_HEIGHT)
    # full-range PNG from limited-range video: 255/219 per level; one frame's slack (1/RATE s)
    want = [(16 + LEVEL_PER_S * float(t) - 16) * 255 / 219
            for t in pictures.strip_times(duration)]
    for got, expected in zip(_tile_lumas(target), want, strict=True):
        assert abs(got - expected) <= LEVEL_PER_S / RATE * 255 / 219 + 3
