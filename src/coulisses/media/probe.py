"""``probe(path) -> Probe``: what a media file holds, read with PyAV.

One of the two places that touch ffmpeg's libraries (the other is ``media.ffmpeg``). The probe
decodes the first video frame: that reads the display rotation and proves the file decodes.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from coulisses.errors import (
    AbsurdMediaError,
    CorruptMediaError,
    MediaError,
    NoVideoError,
    UnsafeInputError,
)
from coulisses.media.inputs import PLAYLIST_FORMATS, PROTOCOL_WHITELIST, check_source

Transfer = Literal["sdr", "hlg", "pq"]
MAX_SIDE = 8192  # pixels; larger frames are refused (8K is the largest a platform takes)
MAX_PIXELS = 8192 * 4320
MAX_DURATION = Fraction(24 * 3600)
_VFR_SAMPLE = 240  # packets looked at to tell constant from variable frame rate
# codec names ffmpeg cannot decode (e.g. iPhone 16 spatial audio), never mapped
_UNDECODABLE = frozenset({"none", "apac", ""})
# AVColorTransferCharacteristic values
_TRC_PQ, _TRC_HLG = 16, 18
_TRC_NAMES = {1: "bt709", 2: "unknown", 6: "smpte170m", 13: "iec61966-2-1", 14: "bt2020-10",
              15: "bt2020-12", 16: "smpte2084", 18: "arib-std-b67"}
_PRIMARIES_NAMES = {1: "bt709", 2: "unknown", 5: "bt470bg", 6: "smpte170m", 9: "bt2020"}


@dataclass(frozen=True)
class VideoStream:
    """The first video stream, as it will be displayed."""

    index: int
    codec: str
    profile: str | None
    coded_width: int
    coded_height: int
    sample_aspect: Fraction
    rotation: int  # display rotation in degrees, counter-clockwise, as the display matrix says
    frame_rate: Fraction  # nominal rate (r_frame_rate): what a constant-rate output should use
    average_rate: Fraction | None
    is_vfr: bool
    pix_fmt: str
    bit_depth: int
    transfer: Transfer
    color_trc: str
    color_primaries: str
    frames: int | None
    start_time: Fraction | None = None  # seconds: stream.start_time x time_base; None: unset

    @property
    def display_width(self) -> int:
        """Width a viewer sees: rotation and non-square pixels applied."""
        w, h = self._unrotated_display()
        return h if self.rotation % 180 else w

    @property
    def display_height(self) -> int:
        w, h = self._unrotated_display()
        return w if self.rotation % 180 else h

    def _unrotated_display(self) -> tuple[int, int]:
        w = self.coded_width
        if self.sample_aspect not in (0, 1):
            w = round(self.coded_width * self.sample_aspect)
        return w + (w % 2), self.coded_height


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    layout: str
    sample_rate: int
    decodable: bool
    start_time: Fraction | None = None  # seconds: stream.start_time x time_base; None: unset


@dataclass(frozen=True)
class OtherStream:
    index: int
    kind: str
    codec: str


@dataclass(frozen=True)
class Probe:
    """Everything the planner needs to know about one source file."""

    path: Path
    size_bytes: int
    container: str
    duration: Fraction
    bit_rate: int | None
    video: VideoStream | None
    audio: tuple[AudioStream, ...] = ()
    other: tuple[OtherStream, ...] = field(default_factory=tuple)

    @property
    def main_audio(self) -> AudioStream | None:
        """The first decodable audio stream (phones add tracks ffmpeg cannot decode)."""
        return next((a for a in self.audio if a.decodable and a.channels > 0), None)

    def require_video(self) -> VideoStream:
        """The video stream.

        Raises:
            NoVideoError: the file has no moving picture.
        """
        if self.video is None:
            kind = "audio-only" if self.audio else "has no video stream"
            raise NoVideoError(f"{self.path.name}: {kind}; coulisses cuts video",
                               path=self.path, hint="give a video file")
        return self.video

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: fractions as ``"num/den"`` strings, display size included."""
        data = asdict(self)
        data["path"] = str(self.path)
        if self.video is not None:
            data["video"]["display_width"] = self.video.display_width
            data["video"]["display_height"] = self.video.display_height
        result: dict[str, Any] = _jsonable(data)
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Path):
        return str(value)
    return value


def probe(raw_path: str | Path) -> Probe:
    """Read a media file's container and streams.

    Raises:
        UnsafeInputError: a URL or playlist.
        EmptyFileError, CorruptMediaError: nothing decodable in the file.
        NoVideoError: a still image.
        AbsurdMediaError: frame size or duration out of range.
    """
    import av  # heavy: imported where used

    path = check_source(raw_path)
    try:
        container = av.open(str(path), options={"protocol_whitelist": PROTOCOL_WHITELIST})
    except av.FFmpegError as exc:
        raise CorruptMediaError(f"{path.name}: not a readable media file ({_reason(exc)})",
                                path=path) from None
    with container:
        fmt = container.format.name
        if set(fmt.split(",")) & PLAYLIST_FORMATS:
            if fmt.startswith("image2") or fmt.endswith("_pipe"):
                raise NoVideoError(f"{path.name}: is a still image, not a video", path=path)
            raise UnsafeInputError(f"{path.name}: playlists and file lists are not accepted",
                                   path=path)
        if fmt.endswith("_pipe") or fmt in {"png_pipe", "jpeg_pipe", "webp_pipe"}:
            raise NoVideoError(f"{path.name}: is a still image, not a video", path=path)
        video = _video(container, path)
        audio = tuple(_audio(s) for s in container.streams.audio)
        other = tuple(OtherStream(s.index, s.type, _codec_name(s)) for s in container.streams
                      if s.type not in ("video", "audio"))
        duration = _duration(container, video)
        if duration <= 0:
            raise CorruptMediaError(f"{path.name}: has no duration (empty or truncated)",
                                    path=path)
        if duration > MAX_DURATION:
            raise AbsurdMediaError(f"{path.name}: lasts over 24 hours", path=path)
        return Probe(path=path, size_bytes=path.stat().st_size, container=fmt,
                     duration=duration, bit_rate=container.bit_rate or None,
                     video=video, audio=audio, other=other)


def _reason(exc: Exception) -> str:
    """ffmpeg's words for the failure, without errno numbers or the file name."""
    text = getattr(exc, "strerror", None) or str(exc)
    return re.sub(r"\[Errno -?\d+\]\s*", "", str(text)).split(":")[0].strip()[:120]


def _codec_name(stream: Any) -> str:
    try:
        return str(stream.codec_context.name)
    except Exception:  # data streams may have no decoder at all
        return "none"


def _video(container: Any, path: Path) -> VideoStream | None:
    import av

    streams = [s for s in container.streams.video
               if not (s.disposition & av.stream.Disposition.attached_pic)]
    if not streams:
        return None
    # ffmpeg's own choice (av_find_best_stream): skips cover art and still-image streams
    best = container.streams.best("video")
    stream = best if best in streams else streams[0]
    cc = stream.codec_context
    width, height = int(cc.width or 0), int(cc.height or 0)
    if width <= 0 or height <= 0:
        raise CorruptMediaError(f"{path.name}: video stream has no frame size", path=path)
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise AbsurdMediaError(
            f"{path.name}: frame size {width}x{height} is larger than {MAX_SIDE} px a side",
            path=path, hint="scale it down to 8K or less first")
    rate = stream.guessed_rate or cc.framerate or stream.base_rate or stream.average_rate
    if not rate or rate <= 0:
        raise CorruptMediaError(f"{path.name}: video stream has no frame rate", path=path)
    rotation, first_frame_ok = _first_frame(container, stream)
    if not first_frame_ok:
        raise CorruptMediaError(f"{path.name}: no video frame could be decoded "
                                "(damaged or truncated)", path=path)
    container.seek(0)
    is_vfr = _looks_vfr(container, stream)
    _check_not_truncated(container, stream, path)
    frames = int(stream.frames) if stream.frames else None
    if frames == 1 or (stream.duration is None and container.duration is None):
        raise NoVideoError(f"{path.name}: is a still image, not a video", path=path)
    trc = int(cc.color_trc or 2)
    transfer: Transfer = "pq" if trc == _TRC_PQ else "hlg" if trc == _TRC_HLG else "sdr"
    sar = stream.sample_aspect_ratio or cc.sample_aspect_ratio
    pix_fmt = str(cc.pix_fmt or "unknown")
    return VideoStream(
        index=stream.index, codec=str(cc.name), profile=cc.profile or None,
        coded_width=width, coded_height=height,
        sample_aspect=Fraction(sar) if sar else Fraction(1),
        rotation=rotation % 360, frame_rate=Fraction(rate),
        average_rate=Fraction(stream.average_rate) if stream.average_rate else None,
        is_vfr=is_vfr, pix_fmt=pix_fmt, bit_depth=_bit_depth(pix_fmt), transfer=transfer,
        color_trc=_TRC_NAMES.get(trc, str(trc)),
        color_primaries=_PRIMARIES_NAMES.get(int(cc.color_primaries or 2),
                                             str(cc.color_primaries)),
        frames=frames, start_time=_start_time(stream),
    )


def _start_time(stream: Any) -> Fraction | None:
    """When the stream's first frame is shown, exactly (the container's edit lists applied)."""
    if stream.start_time is None or not stream.time_base:
        return None
    return Fraction(int(stream.start_time)) * Fraction(stream.time_base)


def _first_frame(container: Any, stream: Any) -> tuple[int, bool]:
    import av

    try:
        for packet in container.demux(stream):
            for frame in packet.decode():
                return round(getattr(frame, "rotation", 0) or 0), True
    except (av.FFmpegError, ValueError, EOFError):
        return 0, False
    return 0, False


def _check_not_truncated(container: Any, stream: Any, path: Path) -> None:
    """Demux the video packets of the last seconds: a file cut short (a copy or upload that
    stopped) keeps a header promising more than its data holds.

    Raises:
        CorruptMediaError: the packets stop well before the stream's stated end.
    """
    import av

    tb = Fraction(stream.time_base) if stream.time_base else None
    if tb is None:
        return
    start = Fraction(stream.start_time or 0) * tb
    if stream.duration:
        end = start + Fraction(stream.duration) * tb
    elif container.duration:
        end = Fraction(int(container.duration), 1_000_000)
    else:
        return
    tolerance = max(Fraction(1, 2), (end - start) / 50)
    try:
        container.seek(max(0, int((end - 3) * 1_000_000)))
    except av.FFmpegError:
        container.seek(0)
    last = None
    try:
        for packet in container.demux(stream):
            if packet.pts is not None:
                stop = (Fraction(packet.pts) + Fraction(packet.duration or 0)) * tb
                last = stop if last is None else max(last, stop)
    except (av.FFmpegError, ValueError):
        pass  # the demuxer hit the cut: judged by how far it got
    if last is None or last < end - tolerance:
        reached = 0.0 if last is None else float(last - start)
        raise CorruptMediaError(
            f"{path.name}: is truncated: it says {float(end - start):.2f} s but its data "
            f"stops at {reached:.2f} s", path=path, hint="copy or export the file again")


def _looks_vfr(container: Any, stream: Any) -> bool:
    """True when packet durations in the first seconds vary by more than a tick."""
    import av

    pts: list[int] = []
    try:
        for packet in container.demux(stream):
            if packet.pts is not None:
                pts.append(int(packet.pts))
            if len(pts) >= _VFR_SAMPLE:
                break
    except (av.FFmpegError, ValueError):
        return False
    pts.sort()
    steps = {b - a for a, b in itertools.pairwise(pts) if b > a}
    return bool(steps) and max(steps) - min(steps) > 1


def _audio(stream: Any) -> AudioStream:
    name = _codec_name(stream)
    try:
        cc = stream.codec_context
        channels = int(cc.channels or 0)
        layout = str(cc.layout.name) if cc.layout else ""
        rate = int(cc.sample_rate or 0)
    except Exception:  # an audio stream with no decoder (e.g. apac) has no usable context
        channels, layout, rate = 0, "", 0
    return AudioStream(index=stream.index, codec=name, channels=channels, layout=layout,
                       sample_rate=rate, decodable=name not in _UNDECODABLE and rate > 0,
                       start_time=_start_time(stream))


def _duration(container: Any, video: VideoStream | None) -> Fraction:
    if container.duration is not None and container.duration > 0:
        return Fraction(int(container.duration), 1_000_000)
    for s in container.streams:
        if s.duration and s.time_base:
            return Fraction(int(s.duration)) * Fraction(s.time_base)
    return Fraction(0)


def _bit_depth(pix_fmt: str) -> int:
    for depth in (16, 14, 12, 10):
        if str(depth) in pix_fmt:
            return depth
    return 8


def describe(p: Probe) -> list[str]:
    """Lines a person reads: the probe in plain words."""
    lines = [f"{p.path.name}: {p.container}, {float(p.duration):.3f} s, "
             f"{_size(p.size_bytes)}" + (f", {p.bit_rate // 1000} kb/s" if p.bit_rate else "")]
    if v := p.video:
        rate = f"{v.frame_rate.numerator}/{v.frame_rate.denominator}"
        lines.append(
            f"  video #{v.index}: {v.codec}{' ' + v.profile if v.profile else ''}, "
            f"{v.coded_width}x{v.coded_height} coded, shown {v.display_width}x{v.display_height}, "
            f"{rate} fps ({'variable' if v.is_vfr else 'constant'}), rotation {v.rotation}°, "
            f"SAR {v.sample_aspect}, {v.pix_fmt}, {v.transfer.upper()} ({v.color_trc})")
    else:
        lines.append("  no video")
    for a in p.audio:
        state = "" if a.decodable else " (cannot be decoded; ignored)"
        lines.append(f"  audio #{a.index}: {a.codec}, {a.channels} ch {a.layout}, "
                     f"{a.sample_rate} Hz{state}")
    lines.extend(f"  {o.kind} #{o.index}: {o.codec} (ignored)" for o in p.other)
    return lines


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    exp = min(int(math.log(n, 1024)), 4)
    return f"{n / 1024**exp:.1f} {'BKMGT'[exp]}iB"


__all__ = ["AudioStream", "MediaError", "OtherStream", "Probe", "VideoStream", "describe", "probe"]
