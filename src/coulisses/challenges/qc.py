"""The ``qc`` stage: the cheap gate every entry passes first. Probe, then (only when the probe
says the entry is within the rules) one decode of the picture and the sound: duration,
resolution, audio present, loudness, black, frozen and blurry picture, and a 0-1 quality.

A corrupt, truncated or non-video file is a failed QC with its reason, never a crash; an entry
too long for the rules (a 3-hour file) is refused from the probe, without decoding it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coulisses.challenges.entry import Entry, Rules, Scalar

if TYPE_CHECKING:
    from coulisses.analysis.model import Span

READ_FPS = 2.0  # frames read a second for the picture measures (the gate stays cheap)
SIDE = 256
QUIET_LUFS = -45.0  # integrated loudness below this: inaudible on a phone
FLOOR_LUFS = -70.0  # BS.1770's absolute gate
BAD_SHARE = 0.5  # black, frozen or blurry over more than half the entry fails it
BLUR_SHARPNESS = 4.0  # median Laplacian variance (256 px wide) below this: out of focus
SHARP = 200.0  # a median sharpness at which the picture counts as fully sharp
FULL_SIDE = 1080  # a shorter side at which the resolution counts fully

COLUMNS = ("qc_passed", "qc_reasons", "duration_s", "width", "height", "fps", "has_audio",
           "lufs", "sharpness", "black_s", "frozen_s", "blurry_s", "quality")


@dataclass(frozen=True)
class QcStage:
    """The technical gate (``Stage``): pure, picklable, one row per entry."""

    name: str = "qc"
    columns: tuple[str, ...] = COLUMNS

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        """Check one entry against the rules; never raises for a bad file."""
        return check(entry, rules)


STAGE = QcStage()


def _row(reasons: list[str], **values: Scalar) -> dict[str, Scalar]:
    row: dict[str, Scalar] = dict.fromkeys(COLUMNS)
    row.update(values)
    row["qc_passed"] = not reasons
    row["qc_reasons"] = json.dumps(reasons, ensure_ascii=False)
    return row


def check(entry: Entry, rules: Rules) -> dict[str, Scalar]:
    """The ``qc`` row of one entry (every column; None where a value could not be had)."""
    from coulisses.errors import CoulissesError
    from coulisses.media.probe import probe

    try:
        p = probe(entry.path)
        video = p.require_video()
    except CoulissesError as exc:
        return _row([_strip(exc.message, entry)])
    except Exception as exc:  # a stage never crashes on a bad file
        return _row([f"cannot be read ({type(exc).__name__})"])
    duration = float(p.duration)
    width, height = video.display_width, video.display_height
    head: dict[str, Scalar] = {
        "duration_s": round(duration, 3), "width": width, "height": height,
        "fps": round(float(video.frame_rate), 3), "has_audio": p.main_audio is not None}
    reasons: list[str] = []
    if duration > rules.max_duration_s:
        # refused from the probe: a 3-hour entry is never decoded
        return _row([f"lasts {duration:.0f} s, longer than {rules.max_duration_s:g} s"], **head)
    if duration < rules.min_duration_s:
        reasons.append(f"lasts {duration:.1f} s, shorter than {rules.min_duration_s:g} s")
    if min(width, height) < rules.min_height:
        reasons.append(f"{width}x{height} is below {rules.min_height} px on its shorter side")
    try:
        picture = _picture(entry, duration)
        lufs = _loudness(entry, stereo=bool(p.main_audio and p.main_audio.channels >= 2)) \
            if p.main_audio is not None else None
    except Exception as exc:  # stops decoding part-way: truncated or damaged
        return _row([*reasons, f"stops decoding ({type(exc).__name__})"], **head)
    black, frozen, blurry, sharpness = picture
    if p.main_audio is None:
        reasons.append("has no sound")
    elif lufs is None or lufs < QUIET_LUFS:
        shown = "silent" if lufs is None else f"{lufs:.0f} LUFS"
        reasons.append(f"is almost inaudible ({shown})")
    span = max(duration, 1e-6)
    for what, seconds in (("black", black), ("frozen", frozen), ("blurry", blurry)):
        if seconds > BAD_SHARE * span:
            reasons.append(f"is {what} for {seconds:.1f} of {duration:.1f} s")
    quality = _quality(min(width, height), sharpness, lufs, (black + frozen) / span)
    return _row(reasons, **head, lufs=None if lufs is None else round(lufs, 1),
                sharpness=round(sharpness, 2), black_s=round(black, 2),
                frozen_s=round(frozen, 2), blurry_s=round(blurry, 2), quality=round(quality, 3))


def _strip(message: str, entry: Entry) -> str:
    for prefix in (f"{entry.path}: ", f"{entry.path.name}: "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def _picture(entry: Entry, duration: float) -> tuple[float, float, float, float]:
    """Seconds black, frozen and blurry, and the median sharpness, read ``READ_FPS`` a second.

    Raises:
        av.FFmpegError: the file stops decoding.
    """
    import numpy as np

    from coulisses.analysis.picture import PictureJob
    from coulisses.media.frames import sample_frames

    job = PictureJob(duration=duration)
    for frame in sample_frames(entry.path, fps=READ_FPS, max_side=SIDE):
        job.add(frame)
    measures = job.finish()
    sharp = [s.sharpness for s in measures.samples if s.brightness >= 16.0]
    median = float(np.median(sharp)) if sharp else 0.0

    def total(spans: tuple[Span, ...]) -> float:
        return float(sum(s.duration for s in spans))

    blurry = total(measures.blurry)
    if sharp and median < BLUR_SHARPNESS:
        blurry = duration  # out of focus throughout (the relative spans cannot see it)
    return total(measures.black), total(measures.frozen), blurry, median


def _loudness(entry: Entry, *, stereo: bool) -> float | None:
    """Integrated loudness (LUFS, BS.1770 gating over the 400 ms windows); None when silent.

    Raises:
        av.FFmpegError: the sound stops decoding.
    """
    from coulisses.analysis.audio import measure_audio
    from coulisses.media.audio import audio_blocks

    measures = measure_audio(audio_blocks(entry.path, channels=2 if stereo else 1))
    gated = [v for _, v in measures.loudness if v > FLOOR_LUFS]
    if not gated:
        return None
    mean = sum(10 ** (v / 10) for v in gated) / len(gated)
    relative = 10 * math.log10(mean) - 10.0
    kept = [v for v in gated if v > relative] or gated
    return 10 * math.log10(sum(10 ** (v / 10) for v in kept) / len(kept))


def _quality(side: int, sharpness: float, lufs: float | None, bad_share: float) -> float:
    """Technical quality 0-1: resolution, sharpness, sound level and a clean picture."""
    resolution = min(1.0, side / FULL_SIDE)
    sharp = min(1.0, sharpness / SHARP)
    # full marks within 6 LU of -18 LUFS, none 20 LU further out
    sound = 0.0 if lufs is None else max(0.0, 1.0 - max(0.0, abs(lufs + 18.0) - 6.0) / 20.0)
    clean = max(0.0, 1.0 - bad_share)
    return 0.3 * resolution + 0.3 * sharp + 0.2 * sound + 0.2 * clean
