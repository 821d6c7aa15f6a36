"""``to_command(plan) -> Command``: one decode, one filter graph, N encoded outputs.

The source is decoded once; a common chain normalises it (rotation by ffmpeg's autorotation,
square pixels, HDR tone-mapping to SDR BT.709, constant frame rate when every variant shares
one) and ``split`` feeds one branch per variant: crop (static or keyframed), scale, pad or blur,
captions, pixel format. Audio is split the same way, each branch normalised to its target with
the one loudness measurement.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

from coulisses.media.ffmpeg import Command, quote_filter_value
from coulisses.media.inputs import ffmpeg_input
from coulisses.render.plan import CropPath, RenderPlan, Variant, VideoEncode
from coulisses.timecode import to_seconds_arg

TONEMAP = ("zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
           "tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p")
_TAGS = {"hlg": "arib-std-b67", "pq": "smpte2084"}
# AAC encoding raises inter-sample peaks (more at lower bitrates): aim under the ceiling
TP_MARGIN_DB = 0.5
TP_MARGIN_LOW_BITRATE_DB = 1.0  # under 192 kb/s
# ffmpeg's AAC encoder primes each stream with 1024 samples; with no edit list they count
# in the file's length, so each audio branch ends that much earlier to keep the planned one
AAC_PRIMING = 1024


def _rate(r: Fraction) -> str:
    return f"{r.numerator}/{r.denominator}"


def common_chain(plan: RenderPlan) -> list[str]:
    """Filters applied once to the decoded source, before the split."""
    n = plan.normalise
    chain: list[str] = []
    if n.tonemap:
        chain.append(f"setparams=color_primaries=bt2020:color_trc={_TAGS[n.tonemap]}"
                     ":colorspace=bt2020nc:range=tv")
        chain.append(TONEMAP)
    if n.fix_sar:
        chain.append(f"scale={n.display_width}:{n.display_height}")
    chain.append("setsar=1")
    rates = {v.frame_rate for v in plan.variants}
    if len(rates) == 1:
        chain.append(f"fps={_rate(rates.pop())}")
    return chain


def crop_filter(crop: CropPath) -> str:
    """A crop of fixed size; its position follows the keyframes linearly in time."""
    if crop.is_static:
        k = crop.keyframes[0]
        return f"crop={crop.width}:{crop.height}:{k.x}:{k.y}"
    x = _piecewise(crop, "x")
    y = _piecewise(crop, "y")
    return f"crop={crop.width}:{crop.height}:x='{x}':y='{y}'"


def _piecewise(crop: CropPath, axis: str) -> str:
    ks = crop.keyframes
    values = [k.x if axis == "x" else k.y for k in ks]
    expr = str(values[-1])
    for i in range(len(ks) - 2, -1, -1):
        t0, t1 = float(ks[i].t), float(ks[i + 1].t)
        v0, v1 = values[i], values[i + 1]
        seg = str(v0) if t1 <= t0 or v0 == v1 else (
            f"{v0}+({v1 - v0})*(t-{t0:.6f})/{t1 - t0:.6f}")
        expr = f"if(lt(t\\,{t1:.6f})\\,{seg}\\,{expr})"
    first = float(ks[0].t)
    return f"if(lt(t\\,{first:.6f})\\,{values[0]}\\,{expr})" if first > 0 else expr


def output_frames(v: Variant) -> int:
    """Frames of a variant's video: its planned duration rounded up to whole output frames,
    so the file lasts at least what was planned (a held output reaches the platform's minimum
    as the container reports it)."""
    return math.ceil(v.duration * v.frame_rate)


def variant_chain(v: Variant, label_in: str, label_out: str, common_rate: bool) -> list[str]:
    """Filter-graph statements for one variant's video branch."""
    pre = [] if common_rate else [f"fps={_rate(v.frame_rate)}"]
    # the last frame is held for --extend, and also where the picture ends before the span
    # (audio longer than video, the last frame's own time): cloned up to the planned length,
    # which the trim then ends on a whole frame
    pre += [f"tpad=stop_mode=clone:stop_duration={to_seconds_arg(v.duration)}",
            f"trim=end_frame={output_frames(v)}"]
    scale = f"scale={v.width}:{v.height}:flags=bicubic:out_color_matrix=bt709:out_range=tv"
    tail = ["setsar=1"]
    if v.captions_ass:
        tail.append(f"ass=filename={quote_filter_value(v.captions_ass)}:fontsdir=fonts")
    tail.append("format=yuv420p")
    # ffmpeg 9 writes colour tags from the frames, not from -color_* options alone
    tail.append("setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv")
    if v.fit == "fill":
        body = [*pre, crop_filter(v.crop), scale, *tail]
        return [f"[{label_in}]{','.join(body)}[{label_out}]"]
    fit_scale = (f"scale={v.width}:{v.height}:force_original_aspect_ratio=decrease:"
                 "flags=bicubic:out_color_matrix=bt709:out_range=tv")
    if v.fit == "pad":
        body = [*pre, fit_scale, f"pad={v.width}:{v.height}:(ow-iw)/2:(oh-ih)/2:black", *tail]
        return [f"[{label_in}]{','.join(body)}[{label_out}]"]
    # blur: the picture fitted over a blurred, filled copy of itself
    small_w, small_h = max(2, v.width // 8 // 2 * 2), max(2, v.height // 8 // 2 * 2)
    bg, fg = f"{label_out}bg", f"{label_out}fg"
    return [
        f"[{label_in}]{','.join([*pre, 'split=2'])}[{bg}0][{fg}0]",
        f"[{bg}0]scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
        f"crop={small_w}:{small_h},boxblur=8:2,scale={v.width}:{v.height}[{bg}]",
        f"[{fg}0]{fit_scale}[{fg}]",
        f"[{bg}][{fg}]overlay=(W-w)/2:(H-h)/2,{','.join(tail)}[{label_out}]",
    ]


def ceiling_dbtp(v: Variant) -> float:
    """The limiter's ceiling: the platform's true peak less the AAC margin of its bitrate."""
    margin = TP_MARGIN_DB if v.audio.bitrate_kbps >= 192 else TP_MARGIN_LOW_BITRATE_DB
    return v.loudness.true_peak_dbtp - margin


def _layout(channels: int) -> str:
    return "stereo" if channels == 2 else "mono"


def gain_chain(v: Variant, gain_db: float, ceiling: float, limit: bool) -> str:
    """The variant's channel layout, a linear gain, then (``limit``) a true-peak limiter run at
    192 kHz, so sample peaks are true peaks; a 5 ms look-ahead, since the AAC encoder
    overshoots the sharper edges of a 1 ms one by over a dB at 128 kb/s. The layout comes
    first: a mono source upmixed to stereo has its peaks 3 dB lower on each channel, which a
    limiter run before would take off for nothing. The loudness passes measure this text."""
    chain = [f"aformat=channel_layouts={_layout(v.audio.channels)}", f"volume={gain_db:.2f}dB"]
    if limit:
        chain += ["aresample=192000",
                  f"alimiter=limit={10 ** (ceiling / 20):.4f}:attack=5:release=50"
                  ":level=false:latency=true"]
    return ",".join(chain)


def audio_head(plan: RenderPlan, v: Variant) -> str:
    """Loudness to the variant's target: a linear gain, then a true-peak limiter only when the
    gain would push peaks over the ceiling. Unlike loudnorm's dynamic fallback, this keeps the
    mix's dynamics. When the chain was measured on the span (``Loudness.makeup``), its gain
    includes the make-up for what the limiter took. Silence and noise-only sources are left
    as they are."""
    t = v.loudness
    m = plan.loudness
    if m is None or m.left_quiet:
        return "anull"
    found = m.makeup_for(v)
    if found is not None:
        return gain_chain(v, found.gain_db, found.ceiling_dbtp, found.limit)
    ceiling = ceiling_dbtp(v)
    gain = t.integrated_lufs - m.input_i
    return gain_chain(v, gain, ceiling, m.input_tp + gain > ceiling)


def delivery_format(sample_rate: int, channels: int) -> str:
    """Resample and lay out the channels as delivered (the pre-pass measures after it too)."""
    return f"aresample={sample_rate},aformat=sample_fmts=fltp:channel_layouts={_layout(channels)}"


def audio_tail(v: Variant) -> str:
    """Silence up to the planned length, then the delivery format and exact length.

    The padding fills a held last frame, and also a source whose audio decodes shorter than its
    container says (codec priming, a sound that stops before the picture): the file then still
    lasts what was planned. It comes after the gain, so it is silence.
    """
    parts = [f"apad=whole_dur={to_seconds_arg(v.duration)}",
             delivery_format(v.audio.sample_rate, v.audio.channels)]
    samples = round(v.duration * v.audio.sample_rate) - AAC_PRIMING
    parts.append(f"atrim=end_sample={max(samples, 1)}")
    return ",".join(parts)


def _split(kind: str, n: int) -> str:
    return f"{kind}={n}" if n > 1 else ("null" if kind == "split" else "anull")


def filter_graph(plan: RenderPlan) -> str:
    """The whole ``-filter_complex`` text."""
    n = len(plan.variants)
    statements = []
    common = common_chain(plan)
    shared_rate = any(c.startswith("fps=") for c in common)
    split = f"split={n}" if n > 1 else "null"
    outs = "".join(f"[s{i}]" for i in range(n))
    statements.append(f"[0:{plan.video_stream}]{','.join([*common, split])}{outs}")
    for i, v in enumerate(plan.variants):
        statements.extend(variant_chain(v, f"s{i}", f"v{i}", shared_rate))
    audio_in = f"[0:{plan.audio_stream}]" if plan.audio_stream is not None else "[1:a]"
    # each distinct loudness chain runs once; its output is split among the variants using it
    heads = [audio_head(plan, v) for v in plan.variants]
    unique = list(dict.fromkeys(heads))
    groups = [[i for i, h in enumerate(heads) if h == u] for u in unique]
    if len(unique) == 1:
        statements.append(f"{audio_in}{unique[0]},{_split('asplit', n)}"
                          + "".join(f"[ah{i}]" for i in range(n)))
    else:
        statements.append(f"{audio_in}asplit={len(unique)}"
                          + "".join(f"[au{j}]" for j in range(len(unique))))
        for j, (head, members) in enumerate(zip(unique, groups, strict=True)):
            statements.append(f"[au{j}]{head},{_split('asplit', len(members))}"
                              + "".join(f"[ah{i}]" for i in members))
    statements.extend(f"[ah{i}]{audio_tail(v)}[a{i}]" for i, v in enumerate(plan.variants))
    return ";\n".join(statements)


def video_codec_args(e: VideoEncode) -> list[str]:
    """The video encoder's options. x264 and NVENC get the same bitrate cap, profile, pixel
    format, fixed GOP without scene-cut keyframes, and B-frames, so QC checks both alike."""
    common = ["-maxrate", f"{e.maxrate_kbps}k", "-bufsize", f"{e.bufsize_kbps}k",
              "-profile:v", e.profile, "-pix_fmt", "yuv420p", "-g", str(e.gop)]
    if e.encoder == "nvenc":
        # constant quality (-cq with -b:v 0) under the cap; keyframes every GOP only
        return ["-c:v", "h264_nvenc", "-preset", e.preset, "-tune", "hq", "-rc", "vbr",
                "-cq", str(e.crf), "-b:v", "0", *common, "-no-scenecut", "1",
                "-strict_gop", "1", "-bf", str(e.bframes), "-spatial-aq", "1"]
    return ["-c:v", "libx264", "-preset", e.preset, "-crf", str(e.crf), "-threads", "2",
            *common, "-keyint_min", str(e.gop), "-sc_threshold", "0", "-bf", str(e.bframes),
            "-x264-params", e.x264_params]


def output_args(plan: RenderPlan, v: Variant, index: int, target: Path) -> list[str]:
    """Encoder and muxer options for one output."""
    return [
        # no -t: the filters end each stream (trim, atrim); -t would also cut the AAC stream's
        # last packets, counted from its priming, and leave the sound 35 ms short
        "-map", f"[v{index}]", "-map", f"[a{index}]",
        *video_codec_args(v.video),
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-color_range", "tv",
        "-c:a", "aac", "-b:a", f"{v.audio.bitrate_kbps}k", "-ar", str(v.audio.sample_rate),
        "-ac", str(v.audio.channels),
        # no edit lists (Meta, YouTube); negative CTS offsets keep B-frames from delaying
        # the video start, so the file lasts exactly the planned duration
        "-movflags", "+faststart+negative_cts_offsets", "-use_editlist", "0",
        "-map_metadata", "-1",
        "-metadata", "encoder=coulisses", "-f", "mp4", str(target),
    ]


def to_command(plan: RenderPlan, targets: list[Path], work_dir: Path | None = None) -> Command:
    """The single ffmpeg command that renders every variant of the plan.

    ``targets`` are the paths written (temporary names; the caller renames them when done).
    """
    args: list[str] = ["-loglevel", "error", "-ss", to_seconds_arg(plan.start),
                       "-t", to_seconds_arg(plan.duration), *ffmpeg_input(plan.source)]
    if plan.audio_stream is None:
        args += ["-f", "lavfi", "-t", to_seconds_arg(plan.duration),
                 "-i", "anullsrc=r=48000:cl=stereo"]
    args += ["-filter_complex", filter_graph(plan), "-dn", "-sn"]
    for i, (v, target) in enumerate(zip(plan.variants, targets, strict=True)):
        args += output_args(plan, v, i, target)
    return Command(args=tuple(args), expected_seconds=max(v.duration for v in plan.variants),
                   cwd=work_dir, label="render")
