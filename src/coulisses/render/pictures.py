"""Pictures people look at: a cover image per variant and a contact sheet of all variants.

ffmpeg grabs the frames (through the runner); Pillow lays out the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from coulisses.media.ffmpeg import Command
from coulisses.media.inputs import ffmpeg_input
from coulisses.platforms.spec import PlatformSpec
from coulisses.timecode import to_seconds_arg

STRIP_FRAMES = 4
STRIP_HEIGHT = 240
STRIP_END_S = Fraction(1, 10)  # the last strip frame is taken this far before the end at least


def cover_command(video: Path, target: Path, spec: PlatformSpec, duration: Fraction) -> Command:
    """Pick the most representative frame of the first seconds, sized to the cover spec."""
    window = min(Fraction(3), duration)
    w, h = spec.cover.width, spec.cover.height
    quality = ["-q:v", "3"] if spec.cover.format == "jpeg" else []
    return Command(args=("-loglevel", "error", "-t", to_seconds_arg(window),
                         *ffmpeg_input(video),
                         "-vf", f"thumbnail=n=24,scale={w}:{h}:force_original_aspect_ratio="
                                f"increase,crop={w}:{h},setsar=1",
                         "-frames:v", "1", *quality, "-update", "1",
                         "-f", "image2", "-c:v", "mjpeg" if spec.cover.format == "jpeg" else "png",
                         str(target)),
                   label="cover")


def strip_times(duration: Fraction) -> list[Fraction]:
    """When the strip's frames are taken: evenly spaced from 0, each at least ``STRIP_END_S``
    before the end so that a frame is there to seek to. Pure."""
    last = max(Fraction(0), duration - STRIP_END_S)
    return [min(last, duration * k / STRIP_FRAMES) for k in range(STRIP_FRAMES)]


def strip_command(video: Path, target: Path, duration: Fraction) -> Command:
    """Frames evenly spaced over a video, side by side in one PNG.

    Each frame is sought (``-ss`` before its input: the decoder starts at the keyframe before
    it), so a strip decodes at most ``STRIP_FRAMES`` groups of pictures, not the whole video.
    """
    args: list[str] = ["-loglevel", "error"]
    for at in strip_times(duration):
        args += ["-ss", to_seconds_arg(at), *ffmpeg_input(video)]
    chains = [f"[{i}:v]trim=end_frame=1,scale=-2:{STRIP_HEIGHT}[s{i}]"
              for i in range(STRIP_FRAMES)]
    joined = "".join(f"[s{i}]" for i in range(STRIP_FRAMES))
    graph = ";".join([*chains, f"{joined}hstack=inputs={STRIP_FRAMES}"])
    return Command(args=(*args, "-filter_complex", graph, "-frames:v", "1", "-update", "1",
                         "-f", "image2", "-c:v", "png", str(target)),
                   label="contact sheet")


@dataclass(frozen=True)
class SheetRow:
    label: str
    detail: str
    passed: bool
    strip: Path


def contact_sheet(rows: list[SheetRow], target: Path, title: str) -> None:
    """Stack labelled strips into one PNG."""
    from PIL import Image, ImageDraw

    strips = [Image.open(r.strip).convert("RGB") for r in rows]
    pad, label_h, title_h = 16, 44, 56
    width = max([s.width for s in strips] + [900]) + 2 * pad
    height = title_h + sum(s.height + label_h + pad for s in strips) + pad
    sheet = Image.new("RGB", (width, height), (24, 24, 28))
    draw = ImageDraw.Draw(sheet)
    big, small = _font(26), _font(18)
    draw.text((pad, 14), title, fill=(240, 240, 240), font=big)
    y = title_h
    for row, strip in zip(rows, strips, strict=True):
        colour = (90, 200, 120) if row.passed else (230, 80, 70)
        draw.text((pad, y + 8), f"{row.label}  {'PASS' if row.passed else 'FAIL'}",
                  fill=colour, font=big)
        draw.text((pad + 420, y + 14), row.detail, fill=(200, 200, 200), font=small)
        sheet.paste(strip, (pad, y + label_h))
        y += strip.height + label_h + pad
    sheet.save(target, format="PNG")


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    from coulisses.render.captions import font_dir

    folder = font_dir()
    if folder is not None:
        return ImageFont.truetype(str(folder / "DejaVuSans-Bold.ttf"), size)
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default()
