"""``build_plan(...) -> RenderPlan``: what to render, decided without touching any file.

A plan holds one source span and N variants. Each variant has a ``CropPath``: a window of fixed
size whose position is keyframed over time (one keyframe for a still crop; subject tracking adds
more). ``render.graph`` turns a plan into one ffmpeg command with N outputs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from coulisses.errors import DurationError, UsageError
from coulisses.media.probe import Probe
from coulisses.platforms.spec import PlatformSpec
from coulisses.settings import Encoder, Preset

Fit = Literal["fill", "pad", "blur"]
STANDARD_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001),
                  Fraction(30), Fraction(50), Fraction(60000, 1001), Fraction(60))


@dataclass(frozen=True)
class Rect:
    """A rectangle in display pixels of the normalised source (rotation and SAR applied)."""

    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> Fraction:
        return Fraction(2 * self.x + self.w, 2)

    @property
    def cy(self) -> Fraction:
        return Fraction(2 * self.y + self.h, 2)


@dataclass(frozen=True)
class CropKeyframe:
    """Top-left corner of the crop window at time ``t`` (seconds from the start of the cut)."""

    t: Fraction
    x: int
    y: int


@dataclass(frozen=True)
class CropPath:
    """A crop window of constant size moving linearly between keyframes."""

    width: int
    height: int
    keyframes: tuple[CropKeyframe, ...]

    @property
    def is_static(self) -> bool:
        return len({(k.x, k.y) for k in self.keyframes}) <= 1

    def position_at(self, t: Fraction) -> tuple[Fraction, Fraction]:
        """Window position at ``t``, interpolated linearly, held outside the keyframes."""
        ks = self.keyframes
        if t <= ks[0].t:
            return Fraction(ks[0].x), Fraction(ks[0].y)
        for a, b in itertools.pairwise(ks):
            if t <= b.t:
                u = (t - a.t) / (b.t - a.t) if b.t > a.t else Fraction(1)
                return a.x + (b.x - a.x) * u, a.y + (b.y - a.y) * u
        return Fraction(ks[-1].x), Fraction(ks[-1].y)


@dataclass(frozen=True)
class VideoEncode:
    """How one variant's video is encoded: ``preset`` and ``crf`` are x264's preset and CRF,
    or, with ``encoder`` ``nvenc``, h264_nvenc's preset (p1..p7) and constant-quality level."""

    preset: str
    crf: int
    maxrate_kbps: int
    bufsize_kbps: int
    profile: str
    gop: int  # frames
    bframes: int
    x264_params: str = "open-gop=0"
    encoder: Encoder = "x264"


@dataclass(frozen=True)
class AudioEncode:
    bitrate_kbps: int
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class LoudnessTarget:
    integrated_lufs: float
    true_peak_dbtp: float
    lra_lu: float


@dataclass(frozen=True)
class Variant:
    """One platform output of the cut."""

    platform: str
    width: int
    height: int
    frame_rate: Fraction
    duration: Fraction
    fit: Fit
    crop: CropPath
    video: VideoEncode
    audio: AudioEncode
    loudness: LoudnessTarget
    output: Path  # final file name (relative to the output folder)
    captions_ass: str | None = None  # ASS file name in the work folder, burned in when set
    hold: Fraction = Fraction(0)  # seconds the last frame is held (with silence) to reach a minimum


@dataclass(frozen=True)
class Normalise:
    """What the common chain does to the source before it is split."""

    display_width: int
    display_height: int
    fix_sar: bool  # scale non-square pixels to square
    tonemap: Literal["hlg", "pq"] | None
    rotation: int  # applied by ffmpeg's autorotation; recorded for the report


@dataclass(frozen=True)
class Makeup:
    """The gain and limiter ceiling of one audio chain (loudness target, true-peak limit, and
    the AAC stream it is encoded to), found by encoding that chain on the span and measuring it:
    the limiter takes loudness away and the encoder adds peaks, so both are corrected."""

    target_lufs: float
    true_peak_dbtp: float  # the platform's limit
    channels: int
    bitrate_kbps: int
    duration_s: float  # the output's length, and the held last frame's silence in it
    hold_s: float
    gain_db: float
    ceiling_dbtp: float  # the limiter's ceiling, under the limit by the encoder's overshoot
    limit: bool  # a true-peak limiter follows the gain
    measured_lufs: float  # the last pass's encoded result on the span
    measured_tp_dbtp: float
    passes: int  # audio-only passes run
    converged: bool  # the last pass landed on target and under the limit


@dataclass(frozen=True)
class Loudness:
    """EBU R128 measurement of the source span, and what the cut decided from it."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    # spread (95th - 10th percentile) of the 400 ms momentary loudness over the gated span:
    # a steady noise reads about 1 LU, speech with pauses 6 LU and more; None: not measured
    momentary_spread_lu: float | None = None
    noise_only: str = ""  # why the span is judged noise or room tone only (left quiet)
    makeup: tuple[Makeup, ...] = ()

    @property
    def is_silent(self) -> bool:
        return self.input_i < -60

    @property
    def left_quiet(self) -> bool:
        """Silent, or noise only: no gain is applied and QC accepts a quiet output."""
        return self.is_silent or bool(self.noise_only)

    def makeup_for(self, v: Variant) -> Makeup | None:
        """The measured chain for a variant's target and audio stream, if any."""
        key = (v.loudness.integrated_lufs, v.loudness.true_peak_dbtp, v.audio.channels,
               v.audio.bitrate_kbps, float(v.duration), float(v.hold))
        for m in self.makeup:
            if (m.target_lufs, m.true_peak_dbtp, m.channels, m.bitrate_kbps, m.duration_s,
                    m.hold_s) == key:
                return m
        return None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Loudness:
        """Read back ``dataclasses.asdict(loudness)``.

        Raises:
            TypeError, KeyError: not a loudness record.
        """
        fields = dict(data)
        fields["makeup"] = tuple(Makeup(**m) for m in fields.get("makeup", ()))
        return cls(**fields)


@dataclass(frozen=True)
class RenderPlan:
    source: Path
    start: Fraction
    duration: Fraction
    normalise: Normalise
    video_stream: int  # absolute stream index (attached cover pictures are skipped)
    audio_stream: int | None  # absolute stream index; None: add silence
    loudness: Loudness | None
    preset: Preset
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class CutOptions:
    start: Fraction | None = None
    end: Fraction | None = None
    crop: Rect | Literal["center"] | None = None
    fit: Fit = "fill"
    preset: Preset = "final"
    trim: bool = False  # shorten a span that is too long for a platform instead of refusing
    extend: bool = False  # hold the last frame of a span too short for a platform
    encoder: Encoder = "x264"  # nvenc: h264_nvenc on an NVIDIA GPU, same plan and QC


# x264's own lookahead per preset, in frames: above 20, N 1080p encoders hold N lookaheads
_X264_LOOKAHEAD = {"ultrafast": 0, "superfast": 0, "veryfast": 10, "faster": 20, "fast": 30,
                   "medium": 40, "slow": 50, "slower": 60, "veryslow": 60, "placebo": 60}


# x264 starts its VBV buffer 90% full (its default, kept: a starved buffer spoils the first
# frames) and, without lookahead, spends it early; the mean video bitrate of a cut of D s then
# reaches maxrate + 0.9 x bufsize / D. QC allows the cap plus the audio plus 10 %: the mean is
# held at the cap plus 5 %, by lowering maxrate for short cuts. The buffer stays 2 s: with 1 s
# the frames after each keyframe starve (docs/benchmarks.md, "Encoder presets")
VBV_INIT = 0.9
VBV_SECONDS = 2
BITRATE_SLACK = 1.05


def vbv_maxrate(cap_kbps: int, duration: Fraction,
                buffer_seconds: Fraction | int = VBV_SECONDS) -> int:
    """The x264/NVENC maxrate (kb/s) for a cut of ``duration`` under a ``cap_kbps`` video cap,
    with a VBV buffer of ``buffer_seconds`` of maxrate: the cap itself for long cuts, lower
    for short ones, so that what the full starting buffer adds to the mean,
    ``(VBV_INIT x bufsize + maxrate x duration) / duration``, stays within ``BITRATE_SLACK``
    of the cap. Pure."""
    d = max(float(duration), 1.0)
    return min(cap_kbps,
               int(BITRATE_SLACK * cap_kbps * d / (d + VBV_INIT * float(buffer_seconds))))


def x264_params_for(x264_preset: str) -> str:
    """``-x264-params`` for an x264 preset: closed GOPs, High-profile tools, bounded lookahead.

    ultrafast alone drops CABAC and 8x8 transforms (Main profile): they are put back. A
    20-frame lookahead and 2 threads per encoder keep N 1080p encoders in bounded memory (4
    outputs: 1.0 GB instead of 1.6 GB with medium's 40) and run no slower on 2 cores.
    """
    params = ["open-gop=0"]
    if x264_preset == "ultrafast":
        params += ["cabac=1", "8x8dct=1"]
    if _X264_LOOKAHEAD.get(x264_preset, 0) > 20:
        params.append("rc-lookahead=20")
    return ":".join(params)


PRESETS: dict[str, dict[str, str | int]] = {
    # chosen by bench/bench_presets.py (docs/benchmarks.md, "Encoder presets"): the cheapest
    # point with VMAF >= 95 mean and >= 90 minimum on every canvas of the real clips;
    # platforms re-encode uploads, so bits are spent for quality and CPU is saved. Every
    # variant adds trellis quantisation (``x264_extra``): on the GRID clip, upscaled from
    # 360x288, ultrafast alone scores 94.2 and with trellis 95.6 for about 10 % more encoder
    # CPU. A variant whose cap is tight for its canvas (``TIGHT_BITS_PER_PIXEL``) keeps
    # ultrafast's speed but compresses better still: quarter-pel motion refined twice
    # (``subme=2``; ultrafast's own is full-pel) and 8x8/4x4 intra blocks in predicted frames
    # (``partitions``; ultrafast has none). On Instagram feed's former 5 Mb/s (4.45 for a 10 s
    # cut) the film's VMAF minimum goes from 89.8 (trellis alone) to 91.7 and the noisy source's to
    # 95.6, for about 0.2 CPU s per second more on that variant. Lookahead presets spend the
    # starting buffer early (veryfast with trellis: 90.8 on the film, 83.0 on the noisy
    # source's first second), and superfast's adaptive quantisation lowers VMAF
    # A tight variant of a short cut (``short_and_tight``) gets ``x264_short``, its params
    # and ``crf_short`` instead, with a 0.5 s buffer; its other variants keep their preset at
    # ``crf_short_plain``: GRID lwbsza's 3 s cut, every non-tight canvas from 94.2-94.6 VMAF
    # at CRF 18 to 95.0-95.3 at 16 for about 3 % more render time (docs/benchmarks.md)
    "final": {"x264": "ultrafast", "crf": 18, "scale": 1, "nvenc": "p5", "cq": 21,
              "x264_extra": "trellis=1", "x264_tight": "ultrafast",
              "x264_tight_params": "subme=2:partitions=i8x8,i4x4",
              "x264_short": "slow", "x264_short_params": "aq-mode=0:psy=0", "crf_short": 12,
              "crf_short_plain": 16},
    # the slowest, smallest files, for those who can wait (on the film clip: 15.3 CPU s per
    # second for the render, a 0.13x realtime ceiling on 2 cores, VMAF 96.1 mean / 90.1 min;
    # docs/benchmarks.md, "Encoder presets")
    "master": {"x264": "medium", "crf": 18, "scale": 1, "nvenc": "p7", "cq": 19},
    "draft": {"x264": "ultrafast", "crf": 28, "scale": 2, "nvenc": "p1", "cq": 30},
}


# A video cap that leaves fewer bits per pixel than this is tight for its canvas: at 30 fps
# no platform's own ceiling is (LinkedIn landscape's 12 Mb/s at 1920x1080: 0.19; Instagram
# feed's 5 Mb/s at 1080x1350, 0.11, was until its ceiling became the Reels' 25 Mb/s), but a
# short cut's lowered maxrate at 1920x1080 (7.9 Mb/s at 3 s), the 1080p caps of 12 to 16 Mb/s
# at 60 fps, and a long cut held by its file-size limit are (LinkedIn's 200 MB: 4.6 Mb/s for
# 5 min). Without lookahead, x264 ultrafast starves the frames after each keyframe there
# (VMAF minimum 88 on the film clip). Such a variant gets the preset's ``x264_tight`` preset
# and params: sub-pel motion and small intra blocks spend those few bits better
# (docs/benchmarks.md, "Encoder presets")
TIGHT_BITS_PER_PIXEL = 0.15


# A cut shorter than this is short. Its maxrate is lowered most (66 % of the cap at 3 s with a
# 2 s buffer: ``vbv_maxrate``), and its encode costs few CPU seconds in all, so a variant that
# is also tight (``TIGHT_BITS_PER_PIXEL``) is worth more effort. It gets x264 ``slow``
# (lookahead, adaptive B-frames, sub-pel motion and RD, more references), without adaptive
# quantisation or psychovisual tuning (both lower VMAF), at CRF 12, and a buffer of
# ``SHORT_VBV_SECONDS``. The buffer matters as much as the preset: x264's lookahead keeps its
# buffer about half full, so a cut of D s spends about maxrate + (0.9 - 0.5) x bufsize / D
# while the worst case held under QC's ceiling is maxrate + 0.9 x bufsize / D; half a second
# of buffer leaves a higher maxrate (87 % of the cap at 3 s) and more of it spent. On GRID's
# 3 s Instagram feed cuts (360x288 upscaled to 1080x1350), VMAF mean / min of every frame:
# bbaf2n 94.6 / 90.3 with ultrafast and the 2 s buffer, 95.3 / 92.8 with medium, 95.4 / 92.3
# with slow; lbax4n 94.5 / 91.1, 95.2, 95.4; swwp2s 94.3 / 91.3, 94.9, 95.1. Slow costs
# about 4.7x that variant's ultrafast render (9.3 CPU s instead of 2.0 for 3 s); cuts of 10 s
# or more are not touched (docs/benchmarks.md, "Encoder presets")
SHORT_CUT_SECONDS = 10
SHORT_VBV_SECONDS = Fraction(1, 2)


def bits_per_pixel(maxrate_kbps: int, width: int, height: int, rate: Fraction) -> float:
    """Bits per pixel per frame that a ``maxrate_kbps`` cap leaves a canvas. Pure."""
    return maxrate_kbps * 1000 / (width * height * float(rate))


def short_and_tight(settings: dict[str, str | int], maxrate_kbps: int, width: int,
                    height: int, rate: Fraction, duration: Fraction) -> bool:
    """Whether a variant gets the preset's ``x264_short`` settings: the cut is shorter than
    ``SHORT_CUT_SECONDS`` and the variant's maxrate (with the usual 2 s buffer) leaves fewer
    than ``TIGHT_BITS_PER_PIXEL`` bits per pixel. Pure."""
    return ("x264_short" in settings and duration < SHORT_CUT_SECONDS
            and bits_per_pixel(maxrate_kbps, width, height, rate) < TIGHT_BITS_PER_PIXEL)


def x264_for(settings: dict[str, str | int], maxrate_kbps: int, width: int, height: int,
             rate: Fraction) -> tuple[str, str]:
    """``(x264 preset, -x264-params)`` of a variant: the preset's own x264 preset and params,
    plus its ``x264_extra``; or its ``x264_tight`` preset with ``x264_tight_params`` added
    too when the variant's cap leaves fewer than ``TIGHT_BITS_PER_PIXEL`` bits per pixel.
    Pure."""
    tight = ("x264_tight" in settings
             and bits_per_pixel(maxrate_kbps, width, height, rate) < TIGHT_BITS_PER_PIXEL)
    preset = str(settings["x264_tight" if tight else "x264"])
    params = [x264_params_for(preset), str(settings.get("x264_extra", "")),
              str(settings.get("x264_tight_params", "")) if tight else ""]
    return preset, ":".join(p for p in params if p)


def resolve_span(probe: Probe, start: Fraction | None, end: Fraction | None) -> tuple[
        Fraction, Fraction]:
    """``(start, duration)`` of the requested span inside the source.

    Raises:
        UsageError: the span is empty or outside the source.
    """
    s = start or Fraction(0)
    e = probe.duration if end is None else end
    if s < 0 or s >= probe.duration:
        raise UsageError(f"--start {float(s):.3f} s is outside the source "
                         f"(0 to {float(probe.duration):.3f} s)")
    if e <= s:
        raise UsageError(f"--end {float(e):.3f} s must come after --start {float(s):.3f} s")
    return s, min(e, probe.duration) - s


def fit_duration(spec: PlatformSpec, duration: Fraction, trim: bool,
                 extend: bool = False) -> tuple[Fraction, Fraction]:
    """``(duration, hold)`` this platform gets, refusing rather than changing the span silently.

    ``hold`` is how long the last frame is held to reach the platform's minimum (``extend``).

    Raises:
        DurationError: the span is too short and ``extend`` is off, or too long and ``trim`` is off.
    """
    limit = Fraction(spec.duration.max_seconds).limit_denominator(1000)
    if duration > limit:
        if not trim:
            raise DurationError(
                f"{spec.id}: the span lasts {float(duration):.2f} s but {spec.name} takes at most "
                f"{float(limit):g} s", platform=spec.id,
                hint=f"choose a shorter span with --start/--end, or pass --trim to keep the "
                     f"first {float(limit):g} s")
        return limit, Fraction(0)
    minimum = Fraction(spec.duration.min_seconds).limit_denominator(1000)
    if duration < minimum:
        if extend:
            return minimum, minimum - duration
        raise DurationError(
            f"{spec.id}: the span lasts {float(duration):.2f} s but {spec.name} needs at least "
            f"{spec.duration.min_seconds:g} s", platform=spec.id,
            hint="choose a longer span with --start/--end, or pass --extend to hold the last "
                 "frame")
    return duration, Fraction(0)


def choose_rate(source_rate: Fraction, spec: PlatformSpec) -> Fraction:
    """Keep the source's rate when the platform allows it, snapped to a standard rate.

    Above the platform's range: a whole divisor of it (120 -> 60). Below: the smallest whole
    multiple inside the range, so every source frame is repeated the same number of times
    (12 -> 24, 7.5 -> 30, 12000/1001 -> 24000/1001). Otherwise the platform's default.
    """
    snapped = min(STANDARD_RATES, key=lambda r: abs(r - source_rate))
    if abs(snapped - source_rate) > Fraction(1, 2):
        snapped = source_rate
    low = Fraction(spec.frame_rate.min).limit_denominator(1001)
    high = Fraction(spec.frame_rate.max).limit_denominator(1001)
    if low <= snapped <= high:
        return snapped
    if snapped > high:
        for divisor in (2, 3, 4):
            if low <= snapped / divisor <= high:
                return snapped / divisor
    elif snapped > 0:
        multiple = snapped * math.ceil(low / snapped)
        if multiple <= high:
            return multiple
    return Fraction(spec.frame_rate.default)


def crop_window(src_w: int, src_h: int, canvas_w: int, canvas_h: int,
                focus: Rect | None) -> CropPath:
    """The largest window of the canvas's aspect inside the source, centred on ``focus``.

    With no focus, the window is centred in the frame.
    """
    aspect = Fraction(canvas_w, canvas_h)
    if Fraction(src_w, src_h) > aspect:
        h = src_h
        w = min(src_w, _even(h * aspect))
    else:
        w = src_w
        h = min(src_h, _even(w / aspect))
    cx = focus.cx if focus else Fraction(src_w, 2)
    cy = focus.cy if focus else Fraction(src_h, 2)
    x = _clamp(round(cx - Fraction(w, 2)), 0, src_w - w)
    y = _clamp(round(cy - Fraction(h, 2)), 0, src_h - h)
    return CropPath(width=w, height=h, keyframes=(CropKeyframe(Fraction(0), x, y),))


def region_crop(src_w: int, src_h: int, region: Rect) -> Rect:
    """Validate a user crop region against the source.

    Raises:
        UsageError: the region is empty or outside the frame.
    """
    if region.w <= 0 or region.h <= 0:
        raise UsageError("--crop needs a positive width and height")
    if region.x < 0 or region.y < 0 or region.x + region.w > src_w or region.y + region.h > src_h:
        raise UsageError(f"--crop {region.x},{region.y},{region.w},{region.h} goes outside the "
                         f"{src_w}x{src_h} picture")
    return region


def _even(v: Fraction | int) -> int:
    n = int(v)
    return max(2, n - n % 2)


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, v))


def build_plan(probe: Probe, specs: list[PlatformSpec], options: CutOptions,
               loudness: Loudness | None, output_stem: str) -> RenderPlan:
    """Decide every variant of a cut. Pure: reads nothing, writes nothing.

    Raises:
        NoVideoError: the source has no video.
        UsageError: a bad span or crop.
        DurationError: the span does not fit a platform.
    """
    video = probe.require_video()
    start, span = resolve_span(probe, options.start, options.end)
    src_w, src_h = video.display_width, video.display_height
    focus: Rect | None = None
    if isinstance(options.crop, Rect):
        focus = region_crop(src_w, src_h, options.crop)
    norm = Normalise(display_width=src_w, display_height=src_h,
                     fix_sar=video.sample_aspect not in (0, 1),
                     tonemap=None if video.transfer == "sdr" else video.transfer,
                     rotation=video.rotation)
    scale = int(PRESETS[options.preset]["scale"])
    variants = []
    for spec in specs:
        duration, hold = fit_duration(spec, span, options.trim, options.extend)
        width, height = spec.canvas.width // scale, spec.canvas.height // scale
        width, height = width - width % 2, height - height % 2
        rate = choose_rate(video.frame_rate, spec)
        crop = crop_window(src_w, src_h, width, height, focus)
        if options.fit != "fill":
            crop = CropPath(src_w, src_h, (CropKeyframe(Fraction(0), 0, 0),))
        variants.append(Variant(
            platform=spec.id, width=width, height=height, frame_rate=rate, duration=duration,
            fit=options.fit, crop=crop,
            video=_video_encode(spec, options.preset, rate, duration, options.encoder),
            audio=AudioEncode(spec.audio.bitrate_kbps, spec.audio.sample_rate,
                              spec.audio.channels),
            loudness=LoudnessTarget(spec.loudness.integrated_lufs, spec.loudness.true_peak_dbtp,
                                    spec.loudness.lra_lu),
            output=Path(f"{output_stem}.{spec.id}.mp4"), hold=hold,
        ))
    main_audio = probe.main_audio
    return RenderPlan(source=probe.path, start=start, duration=span, normalise=norm,
                      video_stream=video.index,
                      audio_stream=main_audio.index if main_audio else None,
                      loudness=loudness if main_audio else None, preset=options.preset,
                      variants=tuple(variants))


def video_cap_kbps(spec: PlatformSpec, duration: Fraction) -> int:
    """The video bitrate cap (kb/s) of a cut of ``duration`` for ``spec``: the platform's
    ceiling, lowered so that the whole file, audio included, stays within 90 % of its size
    limit (500 kb/s at the least). Pure."""
    size_cap_kbps = int(spec.file.max_bytes * 8 * 0.9 / 1000 / max(float(duration), 1.0))
    return max(500, min(spec.video.max_kbps, size_cap_kbps - spec.audio.bitrate_kbps))


def _video_encode(spec: PlatformSpec, preset: Preset, rate: Fraction,
                  duration: Fraction, encoder: Encoder = "x264") -> VideoEncode:
    """Encoder settings: quality-targeted, capped so the file fits the platform's size limit.

    NVENC gets the same cap, profile, GOP and B-frames: only the encoder's own knobs differ.
    """
    settings = PRESETS[preset]
    cap = video_cap_kbps(spec, duration)
    maxrate = vbv_maxrate(cap, duration)
    gop = max(1, round(rate * Fraction(spec.video.gop_seconds).limit_denominator(100)))
    if encoder == "nvenc":
        return VideoEncode(preset=str(settings["nvenc"]), crf=int(settings["cq"]),
                           maxrate_kbps=maxrate, bufsize_kbps=maxrate * VBV_SECONDS,
                           profile=spec.video.profile, gop=gop, bframes=2, x264_params="",
                           encoder="nvenc")
    width, height = spec.canvas.width, spec.canvas.height
    if short_and_tight(settings, maxrate, width, height, rate, duration):
        x264 = str(settings["x264_short"])
        params = ":".join(p for p in (x264_params_for(x264), str(settings["x264_short_params"]))
                          if p)
        maxrate = vbv_maxrate(cap, duration, SHORT_VBV_SECONDS)
        return VideoEncode(preset=x264, crf=int(settings["crf_short"]),
                           maxrate_kbps=maxrate, bufsize_kbps=int(maxrate * SHORT_VBV_SECONDS),
                           profile=spec.video.profile, gop=gop, bframes=2, x264_params=params)
    x264, params = x264_for(settings, maxrate, width, height, rate)
    short = "crf_short_plain" in settings and duration < SHORT_CUT_SECONDS
    return VideoEncode(preset=x264, crf=int(settings["crf_short_plain" if short else "crf"]),
                       maxrate_kbps=maxrate, bufsize_kbps=maxrate * VBV_SECONDS,
                       profile=spec.video.profile, gop=gop, bframes=2, x264_params=params)


def as_preset(value: str) -> Preset:
    """A preset name checked against ``PRESETS``.

    Raises:
        UsageError: not a preset.
    """
    if value == "draft":
        return "draft"
    if value == "master":
        return "master"
    if value == "final":
        return "final"
    raise UsageError(f"preset {value!r} is not final, master or draft")


def as_encoder(value: str) -> Encoder:
    """An encoder name: ``x264`` (CPU) or ``nvenc`` (NVIDIA GPU).

    Raises:
        UsageError: anything else.
    """
    if value in ("x264", "nvenc"):
        return "nvenc" if value == "nvenc" else "x264"
    raise UsageError(f"encoder {value!r} is not x264 or nvenc")


def with_captions(plan: RenderPlan, ass_names: dict[str, str]) -> RenderPlan:
    """The same plan with caption files attached to the named platforms."""
    variants = tuple(replace(v, captions_ass=ass_names.get(v.platform)) for v in plan.variants)
    return replace(plan, variants=variants)


def with_loudness(plan: RenderPlan, loudness: Loudness | None) -> RenderPlan:
    """The same plan with the source span's measured loudness (none without a main audio
    stream), as ``build_plan`` would have set it."""
    return replace(plan, loudness=loudness if plan.audio_stream is not None else None)


def with_stem(plan: RenderPlan, output_stem: str) -> RenderPlan:
    """The same plan writing ``STEM.PLATFORM.mp4``, as ``build_plan`` names its outputs."""
    variants = tuple(replace(v, output=Path(f"{output_stem}.{v.platform}.mp4"))
                     for v in plan.variants)
    return replace(plan, variants=variants)
