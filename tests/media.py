"""Test media built from nothing: clips whose properties are known by construction.

The test suite never depends on someone's phone footage or a download. Every clip a test
touches is synthesised here with ffmpeg's ``lavfi`` sources (``testsrc2``, ``color``,
``aevalsrc``), so each property a test asserts (size, rotation, frame timing, colour tags,
loudness, stream layout, brokenness) is true because of how the file was made, and each
function's docstring states that ground truth. ``tests/conftest.py`` builds these once per
test session into a temporary folder; ``tests/test_media_fixtures.py`` checks the ground
truth independently with PyAV, so a test that fails on a fixture points at the tool, not at
the fixture.

Rules kept here: ffmpeg is the binary from ``imageio_ffmpeg.get_ffmpeg_exe()``, always run
with an argv list (never a shell), every clip is small and quick (x264/x265 ``ultrafast``,
2-4 s, 320x180 unless a property needs more), and every function overwrites its output.

This module is plain Python (no pytest) so scripts and benchmarks can reuse it.
"""

from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess
import unicodedata
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Literal

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()

AudioKind = Literal["tone", "speech", "quiet", "clipping", "voice_clap", "room_tone",
                    "music_speech"]
VideoCodec = Literal["h264", "hevc"]

#: Peak amplitude of the "tone" sine: 0.1 = -20 dBFS peak (-23 dBFS RMS). On a stereo clip
#: (both channels identical) this measures about -20.7 LUFS integrated.
TONE_AMPLITUDE = 0.1
TONE_FREQUENCY = 440
#: Peak amplitude of the "quiet" sine: -50 dBFS peak, about -50.7 LUFS on a stereo clip.
QUIET_AMPLITUDE = 10 ** (-50 / 20)
SAMPLE_RATE = 48_000

#: Layout ffmpeg uses for each channel count passed as ``audio_channels``.
CHANNEL_LAYOUTS = {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 6: "5.1", 8: "7.1"}

#: Speech-like audio: voiced phrases of SPEECH_PHRASE s separated by SPEECH_PAUSE s of digital
#: silence, the first phrase starting at SPEECH_LEAD_IN s. See speech_intervals().
SPEECH_LEAD_IN = 0.3
SPEECH_PHRASE = 0.9
SPEECH_PAUSE = 0.5

#: The VFR clip's frame times, in 1/30 s ticks: 30 frames at 30 fps (0..29), 15 frames at
#: 15 fps (30, 32, .., 58), 30 frames at 30 fps (60..89); 75 frames over exactly 3.0 s.
VFR_TICKS: tuple[int, ...] = (
    tuple(range(0, 30)) + tuple(range(30, 60, 2)) + tuple(range(60, 90))
)
VFR_FRAME_TIMES: tuple[Fraction, ...] = tuple(Fraction(t, 30) for t in VFR_TICKS)

#: Names make_hostile_names() creates (those a Windows file system cannot hold are skipped
#: there). Every payload in them is harmless if a buggy tool ever hands it to a shell.
HOSTILE_NAMES: tuple[str, ...] = (
    "clip with  spaces.mp4",
    unicodedata.normalize("NFC", "café é.mp4"),
    "日本語の動画.mp4",
    "party 🎬🎉 clip.mp4",
    "-rf.mp4",
    "it's \"quoted\".mp4",
    "semi;colon; echo pwned.mp4",
    "$(echo x).mp4",
    "`echo y` & more.mp4",
    "colon:name.mp4",
    "percent 100%d.mp4",
    "brackets [1] {2}.mp4",
)


class MediaBuildError(RuntimeError):
    """ffmpeg failed while building a test clip (its stderr is in the message)."""


def ffmpeg(*args: str | os.PathLike[str]) -> None:
    """Run ``ffmpeg -hide_banner -loglevel error -nostdin -y ARGS`` (argv list, no shell)."""
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    argv += [os.fspath(a) for a in args]
    try:
        subprocess.run(argv, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    except subprocess.CalledProcessError as exc:
        stderr = exc.stderr.decode("utf-8", "replace").strip()
        raise MediaBuildError(f"ffmpeg failed ({exc.returncode}): {argv}\n{stderr}") from exc


def _prepare(path: str | os.PathLike[str]) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() or out.is_symlink():
        out.unlink()
    return out


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _video_codec_args(codec: VideoCodec, gop: int) -> list[str]:
    if codec == "h264":
        # ultrafast: no B-frames (pts == dts), no scene-cut keyframes, so keyframes fall
        # exactly every `gop` frames.
        return ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-g", str(gop)]
    if codec == "hevc":
        return ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-x265-params", "log-level=error", "-tag:v", "hvc1", "-g", str(gop)]
    raise ValueError(f"unknown codec {codec!r}: use 'h264' or 'hevc'")


def _container_flags(out: Path, faststart: bool = True) -> list[str]:
    if out.suffix.lower() in {".mp4", ".mov", ".m4a", ".m4v"} and faststart:
        return ["-movflags", "+faststart"]
    return []


def speech_intervals(duration: float) -> list[tuple[float, float]]:
    """Voiced (start, end) seconds of the "speech" audio for a clip of ``duration`` s.

    Phrases start at 0.3 s and last 0.9 s, separated by 0.5 s of digital silence, and stop at
    least 0.1 s before the end. Everything outside these intervals is exact zero samples
    (before AAC coding; after decoding it is still below -90 dBFS).
    For 4 s: [(0.3, 1.2), (1.7, 2.6), (3.1, 3.9)].
    """
    out: list[tuple[float, float]] = []
    start = SPEECH_LEAD_IN
    while start < duration - 0.3:
        end = min(start + SPEECH_PHRASE, duration - 0.1)
        out.append((round(start, 6), round(end, 6)))
        start += SPEECH_PHRASE + SPEECH_PAUSE
    return out


def _sine(amplitude: float, freq: float = TONE_FREQUENCY) -> str:
    return f"{amplitude:.8g}*sin(2*PI*{freq}*t)"


def audio_expression(kind: AudioKind, duration: float) -> str:
    """The ``aevalsrc`` expression for an audio kind (same expression on every channel)."""
    if kind == "tone":
        return _sine(TONE_AMPLITUDE)
    if kind == "quiet":
        return _sine(QUIET_AMPLITUDE)
    if kind == "clipping":
        # A 440 Hz sine driven 4x (+12 dB) into hard clipping: a squarish wave sitting at
        # full scale (+-1.0, 0 dBFS) about 84 % of the time.
        return "max(-1,min(1,4*sin(2*PI*440*t)))"
    if kind == "speech":
        return _voice(0.3, duration)
    if kind == "voice_clap":
        # the voice 20 dB down (about -40 LUFS), and one hand clap at CLAP_AT s: 30 ms of
        # noise decaying from full scale
        clap = (f"0.98*exp(-(t-{CLAP_AT})*200)*between(t,{CLAP_AT},{CLAP_AT + 0.03})"
                "*(2*random(0)-1)")
        return f"{_voice(0.03, duration)}+{clap}"
    if kind == "music_speech":
        # a chord bed (A minor, 220/262/330 Hz) swelling from -34 to -12 dBFS over the clip,
        # under the voice: a mix whose level rises through the clip
        swell = f"(0.02+0.2*t/{_fmt(duration)})"
        chord = "(sin(2*PI*220*t)+sin(2*PI*261.6*t)+sin(2*PI*329.6*t))/3"
        return f"{swell}*{chord}+{_voice(0.3, duration)}"
    raise ValueError(f"unknown audio kind {kind!r}")


#: When the voice_clap audio's clap starts (s).
CLAP_AT = 1.5
#: Pink-noise amplitude of the room_tone audio: about -55 LUFS on a stereo clip.
ROOM_TONE_AMPLITUDE = 0.01


def _voice(scale: float, duration: float) -> str:
    # A 150 Hz "voice" with harmonics, syllable envelope at 4 Hz (never zero inside a
    # phrase), gated by phrases with silent pauses.
    f0 = 150
    carrier = (f"(0.5*sin(2*PI*{f0}*t)+0.3*sin(2*PI*{2 * f0}*t)"
               f"+0.2*sin(2*PI*{3 * f0}*t)+0.1*sin(2*PI*{5 * f0}*t))")
    envelope = "(0.6-0.4*cos(2*PI*4*t))"
    gate = "+".join(f"between(t,{_fmt(a)},{_fmt(b)})" for a, b in speech_intervals(duration))
    return f"{scale:g}*{carrier}*{envelope}*({gate or '0'})"


def _audio_source(kind: AudioKind, duration: float, channels: int) -> str:
    layout = CHANNEL_LAYOUTS.get(channels)
    if layout is None:
        raise ValueError(f"unsupported channel count {channels}: {sorted(CHANNEL_LAYOUTS)}")
    if kind == "room_tone":  # pink noise, the same on every channel
        return (f"anoisesrc=color=pink:amplitude={ROOM_TONE_AMPLITUDE}:seed=7"
                f":sample_rate={SAMPLE_RATE}:duration={_fmt(duration)},"
                f"aformat=channel_layouts={layout}")
    expr = audio_expression(kind, duration)
    return (f"aevalsrc=exprs='{expr}':channel_layout={layout}"
            f":sample_rate={SAMPLE_RATE}:duration={_fmt(duration)}")


def make_clip(
    path: str | os.PathLike[str],
    *,
    width: int = 320,
    height: int = 180,
    rate: str = "30",
    duration: float = 3.0,
    audio: AudioKind | None = "tone",
    audio_channels: int = 2,
    codec: VideoCodec = "h264",
    gop: int | None = None,
    faststart: bool = True,
) -> Path:
    """A ``testsrc2`` clip with known properties.

    Ground truth: one video stream, ``codec`` (h264 = libx264 Constrained Baseline, yuv420p,
    no B-frames; hevc = libx265 Main, tag hvc1), coded ``width`` x ``height``, square pixels,
    no rotation, constant ``rate`` fps, ``duration`` s (round(duration*rate) frames), a
    keyframe every ``gop`` frames (default: one second's worth, so at 0, 1, 2 s).
    Then, unless ``audio`` is None (in which case there is NO audio stream at all), one AAC
    stream, 48 kHz, ``audio_channels`` channels (identical content), ``duration`` s:

    - "tone": 440 Hz sine at -20 dBFS peak; stereo measures about -20.7 LUFS integrated.
    - "quiet": 440 Hz sine at -50 dBFS peak; stereo about -50.7 LUFS.
    - "clipping": sine driven 12 dB into hard clipping: sits at 0 dBFS; after AAC the decoded
      peak is slightly above full scale (codec overshoot, up to about +1.5 dBFS at the
      onset, ~+0.3 dBFS later) and ~73 % of samples exceed 0.9 in magnitude.
    - "speech": a harmonic 150 Hz voice with a 4 Hz syllable envelope in phrases given by
      speech_intervals(duration), pure silence in between; peak about -12.7 dBFS, about
      -20 LUFS integrated (gated) for the 4 s stereo clip.
    - "voice_clap": that voice 20 dB quieter (about -40 LUFS) and one clap at CLAP_AT s
      peaking near full scale: quiet speech with a loud peak.
    - "room_tone": pink noise (anoisesrc), about -55 LUFS, steady: a near-silent room.
    - "music_speech": a chord bed swelling from -34 to -12 dBFS under the voice.

    MP4/MOV outputs carry ``+faststart`` (moov before mdat) unless ``faststart`` is False.
    """
    out = _prepare(path)
    fps = Fraction(rate)
    gop_frames = gop if gop is not None else max(1, round(fps))
    args: list[str] = ["-f", "lavfi", "-i",
                       f"testsrc2=size={width}x{height}:rate={rate}:duration={_fmt(duration)}"]
    if audio is not None:
        args += ["-f", "lavfi", "-i", _audio_source(audio, duration, audio_channels)]
    args += ["-map", "0:v"]
    if audio is not None:
        args += ["-map", "1:a"]
    args += _video_codec_args(codec, gop_frames)
    if audio is not None:
        args += ["-c:a", "aac", "-b:a", f"{64 * audio_channels}k"]
    args += _container_flags(out, faststart)
    ffmpeg(*args, out)
    return out


def make_rotated_phone_clip(
    path: str | os.PathLike[str],
    rotation: int = 90,
    *,
    width: int = 320,
    height: int = 180,
    duration: float = 3.0,
    audio: AudioKind | None = "tone",
) -> Path:
    """A clip CODED ``width`` x ``height`` (landscape) carrying a display-matrix rotation.

    Made as make_clip() and then remuxed with ``ffmpeg -display_rotation ROTATION -i tmp
    -c copy``, so the pixels are untouched and only the MP4 track matrix says "rotate".
    For rotation +-90 or 270 it DISPLAYS as ``height`` x ``width`` (default 180x320).

    Sign convention observed (ffmpeg 9, PyAV 18): ``-display_rotation`` is counter-clockwise
    degrees, and decoded frames report the same number in ``frame.rotation`` (so do
    ffprobe's side data "rotation" and ffmpeg's autorotate): rotation=90 gives
    ``frame.rotation == 90`` and ffmpeg's autorotation turns the coded picture 90 degrees
    counter-clockwise (coded top-left lands bottom-left); rotation=-90 gives
    ``frame.rotation == -90`` and a clockwise turn (coded top-left lands top-right). An
    iPhone held upright records rotation -90 (old-style ``rotate`` tag 90). PyAV does not
    rotate frames itself: ``frame.width``/``height`` stay the coded size.
    """
    out = _prepare(path)
    tmp = out.with_name(out.stem + ".unrotated.tmp" + out.suffix)
    try:
        make_clip(tmp, width=width, height=height, duration=duration, audio=audio)
        ffmpeg("-display_rotation", str(rotation), "-i", tmp, "-map", "0", "-c", "copy",
               *_container_flags(out), out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def make_vfr_clip(
    path: str | os.PathLike[str],
    *,
    width: int = 320,
    height: int = 180,
    audio: AudioKind | None = "tone",
) -> Path:
    """A genuinely variable-frame-rate H.264 MP4: 30 fps, then 15 fps, then 30 fps again.

    Ground truth: 75 video frames over exactly 3.0 s, frame times VFR_FRAME_TIMES
    (1/30 s ticks VFR_TICKS): frames 0-29 every 1/30 s (t = 0 .. 0.9667), frames 30-44 every
    1/15 s (t = 1.0 .. 1.9333), frames 45-74 every 1/30 s (t = 2.0 .. 2.9667). In the MP4
    (timescale 15360) packet pts steps are 512 and 1024 ticks. The average frame rate is
    therefore 25 fps while the real base rate (r_frame_rate, PyAV ``base_rate``) is 30.
    No B-frames, keyframes at frames 0, 30, 60 (t = 0, 1.0, 2.5 s). Audio: 3.0 s, as
    make_clip().
    """
    out = _prepare(path)
    # 75 source frames at 30 fps, re-timed by index (N) in 1/30 s ticks (TB = 1/30).
    setpts = "setpts='if(lt(N,30),N,if(lt(N,45),2*N-30,N+15))/30/TB'"
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30:duration=2.5"]
    if audio is not None:
        args += ["-f", "lavfi", "-i", _audio_source(audio, 3.0, 2), "-map", "0:v", "-map", "1:a"]
    args += ["-vf", setpts, "-fps_mode", "vfr", *_video_codec_args("h264", 30)]
    if audio is not None:
        args += ["-c:a", "aac", "-b:a", "128k"]
    ffmpeg(*args, *_container_flags(out), out)
    return out


_MASTER_DISPLAY = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)"


def _make_hdr_clip(
    path: str | os.PathLike[str],
    transfer: str,
    *,
    width: int,
    height: int,
    duration: float,
    audio: AudioKind | None,
    hdr10: bool,
) -> Path:
    out = _prepare(path)
    vf = ("format=yuv420p10le,setparams=color_primaries=bt2020"
          f":color_trc={transfer}:colorspace=bt2020nc:range=tv")
    x265 = "log-level=error"
    if hdr10:
        x265 += f":hdr10=1:master-display={_MASTER_DISPLAY}:max-cll=1000,400"
    args = ["-f", "lavfi", "-i",
            f"testsrc2=size={width}x{height}:rate=30:duration={_fmt(duration)}"]
    if audio is not None:
        args += ["-f", "lavfi", "-i", _audio_source(audio, duration, 2),
                 "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "128k"]
    # The colour tags must be set on the frames (setparams): ffmpeg 7+ lets frame
    # properties override -color_* output options, which alone leave them "unknown".
    args += ["-vf", vf, "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
             "-x265-params", x265, "-tag:v", "hvc1", "-g", "30"]
    ffmpeg(*args, *_container_flags(out), out)
    return out


def make_hlg_clip(
    path: str | os.PathLike[str],
    *,
    width: int = 320,
    height: int = 180,
    duration: float = 2.0,
    audio: AudioKind | None = "tone",
) -> Path:
    """An HLG HDR clip like a phone's: HEVC Main 10 (libx265), yuv420p10le, tag hvc1, MP4.

    Ground truth: colour primaries BT.2020 (AVCOL_PRI 9), transfer arib-std-b67 (HLG,
    AVCOL_TRC 18), matrix bt2020nc (AVCOL_SPC 9), limited ("tv") range, in both the HEVC VUI
    and the MP4 colr box; PyAV shows them as ``codec_context.color_primaries == 9``,
    ``color_trc == 18``, ``colorspace == 9`` (and the same on decoded frames). 30 fps, 2 s,
    320x180, square pixels, AAC tone audio unless ``audio`` is None.
    """
    return _make_hdr_clip(path, "arib-std-b67", width=width, height=height,
                          duration=duration, audio=audio, hdr10=False)


def make_pq_clip(
    path: str | os.PathLike[str],
    *,
    width: int = 320,
    height: int = 180,
    duration: float = 2.0,
    audio: AudioKind | None = "tone",
) -> Path:
    """An HDR10 (PQ) clip: HEVC Main 10 (libx265), yuv420p10le, tag hvc1, MP4.

    Ground truth: primaries BT.2020 (9), transfer smpte2084 (PQ, AVCOL_TRC 16), matrix
    bt2020nc (9), limited range; HDR10 SEI: mastering display (P3-D65 primaries,
    1000-0.0001 cd/m2, so decoded frames carry MASTERING_DISPLAY_METADATA side data) and
    content light level MaxCLL 1000 / MaxFALL 400 (CONTENT_LIGHT_LEVEL side data).
    30 fps, 2 s, 320x180, AAC tone audio unless ``audio`` is None.
    """
    return _make_hdr_clip(path, "smpte2084", width=width, height=height,
                          duration=duration, audio=audio, hdr10=True)


def make_anamorphic_clip(
    path: str | os.PathLike[str],
    *,
    duration: float = 2.0,
    audio: AudioKind | None = "tone",
) -> Path:
    """An anamorphic clip: CODED 240x180 with sample aspect ratio 4:3, DISPLAYS as 320x180.

    Ground truth: H.264 (SAR 4:3 in the SPS VUI and in the MP4 pasp box), PyAV
    ``stream.sample_aspect_ratio == Fraction(4, 3)``, display aspect 16:9, 30 fps, 2 s.
    """
    out = _prepare(path)
    args = ["-f", "lavfi", "-i", f"testsrc2=size=240x180:rate=30:duration={_fmt(duration)}"]
    if audio is not None:
        args += ["-f", "lavfi", "-i", _audio_source(audio, duration, 2),
                 "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "128k"]
    args += ["-vf", "setsar=4/3", *_video_codec_args("h264", 30)]
    ffmpeg(*args, *_container_flags(out), out)
    return out


_SRT = """1
00:00:00,000 --> 00:00:00,900
Hello from the subtitle track

2
00:00:01,100 --> 00:00:01,900
Second cue
"""


def make_extra_tracks_clip(path: str | os.PathLike[str], *, duration: float = 2.0) -> Path:
    """An iPhone-like QuickTime file with extra streams a tool must survive (use ``.mov``).

    Ground truth stream layout (PyAV indices, as ffmpeg 9 writes it):

    0. video: H.264 320x180, 30 fps, 2 s (``timecode`` metadata 01:00:00:00)
    1. audio: AAC stereo 48 kHz, the 440 Hz -20 dBFS tone (default track)
    2. audio: AAC 4 channels (quad) 48 kHz, a 330 Hz sine at -26 dBFS peak
    3. subtitle: mov_text, 2 cues ("Hello from the subtitle track" 0-0.9 s, "Second cue"
       1.1-1.9 s)
    4. data: tmcd timecode track, start 01:00:00:00 (PyAV: type "data", no codec_context)

    Container metadata: creation_time 2024-05-01T12:00:00Z, make "Apple", model "iPhone 15"
    and a GPS ``location`` "+48.8584+002.2945/" (the Eiffel Tower: a privacy-sensitive tag a
    publisher should not leak).
    """
    out = _prepare(path)
    srt = out.with_name(out.stem + ".subs.tmp.srt")
    srt.write_text(_SRT, encoding="utf-8")
    d = _fmt(duration)
    quad = (f"aevalsrc=exprs='0.05*sin(2*PI*330*t)':channel_layout=quad"
            f":sample_rate={SAMPLE_RATE}:duration={d}")
    try:
        ffmpeg(
            "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=30:duration={d}",
            "-f", "lavfi", "-i", _audio_source("tone", duration, 2),
            "-f", "lavfi", "-i", quad,
            "-i", srt,
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
            *_video_codec_args("h264", 30),
            "-c:a", "aac", "-b:a:0", "128k", "-b:a:1", "192k", "-c:s", "mov_text",
            "-timecode", "01:00:00:00",
            "-metadata", "creation_time=2024-05-01T12:00:00Z",
            "-metadata", "make=Apple", "-metadata", "model=iPhone 15",
            "-metadata", "location=+48.8584+002.2945/",
            *_container_flags(out), out,
        )
    finally:
        srt.unlink(missing_ok=True)
    return out


def make_rush(path: str | os.PathLike[str], sound: str | os.PathLike[str], *,
              video: str | os.PathLike[str] | None = None, start: float = 0.0,
              duration: float = 3.0) -> Path:
    """A rush made of a real recording muxed onto a picture.

    Ground truth: ``duration`` s (or less when ``sound`` ends sooner) of ``sound`` from
    ``start`` s, its level untouched (AAC 192 kb/s, the recording's channels), over
    ``video`` (looped when shorter, its own audio dropped) or a 320x180 30 fps ``testsrc2``.
    """
    out = _prepare(path)
    d = _fmt(duration)
    picture: list[str | os.PathLike[str]] = (
        ["-stream_loop", "-1", "-i", video] if video is not None
        else ["-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=30:duration={d}"])
    ffmpeg(*picture, "-ss", _fmt(start), "-t", d, "-i", sound,
           "-map", "0:v:0", "-map", "1:a:0", "-t", d, "-shortest",
           *_video_codec_args("h264", 30), "-c:a", "aac", "-b:a", "192k",
           *_container_flags(out), out)
    return out


def make_audio_only(path: str | os.PathLike[str], *, duration: float = 2.0) -> Path:
    """An audio-only M4A: one AAC stereo 48 kHz stream, 440 Hz -20 dBFS tone, 2 s, no video."""
    out = _prepare(path)
    ffmpeg("-f", "lavfi", "-i", _audio_source("tone", duration, 2),
           "-c:a", "aac", "-b:a", "128k", *_container_flags(out), out)
    return out


def make_image(path: str | os.PathLike[str], *, width: int = 320, height: int = 180) -> Path:
    """A still PNG image, ``width`` x ``height`` RGB (the first testsrc2 frame). Not a video."""
    out = _prepare(path)
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=1",
           "-frames:v", "1", "-pix_fmt", "rgb24", "-update", "1", out)
    return out


def make_text_file(path: str | os.PathLike[str]) -> Path:
    """A UTF-8 text file that is not media at all (whatever its extension)."""
    out = _prepare(path)
    out.write_text("This is not a video.\nIt is a short text file.\n", encoding="utf-8")
    return out


def make_empty(path: str | os.PathLike[str]) -> Path:
    """A zero-byte file."""
    out = _prepare(path)
    out.write_bytes(b"")
    return out


def make_corrupt(path: str | os.PathLike[str], *, size: int = 65_536, seed: int = 1234) -> Path:
    """``size`` pseudo-random bytes (``random.Random(seed)``, reproducible): not a container
    any demuxer recognises, whatever the (usually ``.mp4``) name says."""
    out = _prepare(path)
    out.write_bytes(random.Random(seed).randbytes(size))
    return out


def top_level_boxes(path: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """(type, offset, size) of the top-level ISO-BMFF boxes of an MP4/MOV file."""
    boxes: list[tuple[str, int, int]] = []
    data = Path(path).read_bytes()
    pos = 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        elif size == 0:
            size = len(data) - pos
        if size < 8:
            break
        boxes.append((kind.decode("latin-1"), pos, size))
        pos += size
    return boxes


def make_truncated(
    path: str | os.PathLike[str],
    moov_at_front: bool = True,
    *,
    fraction: float = 0.4,
) -> Path:
    """A valid 3 s 320x180 H.264+AAC MP4 cut to its first ``fraction`` (40 %) of bytes.

    - ``moov_at_front=True`` (+faststart: ftyp, moov, mdat): the header survives whole, so the
      file opens and reports 3 s and 90 frames, but most of the media data is missing; decoding
      stops (or errors) well before the end.
    - ``moov_at_front=False`` (ftyp, free, mdat, moov): the moov box is cut off, so no demuxer
      can open it ("moov atom not found").
    """
    out = _prepare(path)
    tmp = out.with_name(out.stem + ".full.tmp.mp4")
    try:
        make_clip(tmp, duration=3.0, faststart=moov_at_front)
        data = tmp.read_bytes()
        cut = int(len(data) * fraction)
        moov = [off for kind, off, size in top_level_boxes(tmp) if kind == "moov"]
        moov_end = [off + size for kind, off, size in top_level_boxes(tmp) if kind == "moov"]
        if moov_at_front and not (moov and moov_end[0] <= cut):
            raise MediaBuildError(f"moov does not fit before the cut at {cut}: {moov}")
        if not moov_at_front and not (moov and moov[0] >= cut):
            raise MediaBuildError(f"moov is not after the cut at {cut}: {moov}")
        out.write_bytes(data[:cut])
    finally:
        tmp.unlink(missing_ok=True)
    return out


def make_huge_frame_clip(path: str | os.PathLike[str]) -> Path:
    """A 10000x10000 H.264 MP4 holding ONE flat grey frame (1 fps, 1 s), no audio.

    Cheap to make (~0.5 s, ~300 KB; single-threaded x264 keeps ffmpeg's peak memory near
    0.6 GB) because the picture is flat, but decoding it needs ~150 MB (yuv420p) or ~300 MB
    (RGB24) per frame: a tool should refuse it by its declared size before decoding. It
    exceeds every H.264 level limit.
    """
    out = _prepare(path)
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=10000x10000:rate=1:duration=1",
           "-frames:v", "1", *_video_codec_args("h264", 1), "-threads", "1",
           *_container_flags(out), out)
    return out


def _legal_here(name: str) -> bool:
    return os.name != "nt" or not any(c in name for c in '<>:"/\\|?*')


def make_hostile_names(folder: str | os.PathLike[str]) -> list[Path]:
    """Copies of one valid 1 s 320x180 H.264+AAC clip under HOSTILE_NAMES in ``folder``.

    Names with runs of spaces, accents (NFC), CJK, emoji, a leading dash ("-rf.mp4"),
    single and double quotes, semicolons, ``$(echo x)`` and backticks, a colon (looks like
    an ffmpeg protocol prefix), ``%d`` (looks like an image-sequence pattern) and brackets.
    Every copy is byte-identical and valid. Returns the paths in HOSTILE_NAMES order.
    """
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    names = [n for n in HOSTILE_NAMES if _legal_here(n)]
    first = make_clip(base / names[0], duration=1.0)
    paths = [first]
    for name in names[1:]:
        target = _prepare(base / name)
        shutil.copyfile(first, target)
        paths.append(target)
    return paths


def make_playlist(path: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """An HLS media playlist (.m3u8) whose single segment is the local file ``target``
    (absolute path). Valid HLS that ffmpeg would follow: a tool must refuse it as input,
    since playlists can make ffmpeg read arbitrary local files or URLs."""
    out = _prepare(path)
    out.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:3.0,\n{Path(target).resolve()}\n#EXT-X-ENDLIST\n",
        encoding="utf-8",
    )
    return out


def make_concat_list(
    path: str | os.PathLike[str],
    targets: Sequence[str | os.PathLike[str]] | None = None,
) -> Path:
    """An ffconcat script ("ffconcat version 1.0" + ``file '...'`` lines) naming ``targets``
    (absolute paths), or the classic local-file-read payload ``/etc/passwd`` when none are
    given. A tool must refuse it as input."""
    out = _prepare(path)
    items = [str(Path(t).resolve()) for t in targets] if targets else ["/etc/passwd"]
    lines = ["ffconcat version 1.0"]
    lines += ["file '" + item.replace("'", "'\\''") + "'" for item in items]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
