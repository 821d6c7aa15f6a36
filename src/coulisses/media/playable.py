"""A copy of a video that every browser plays, for the studio's players.

Phones record HEVC (an iPhone's default since 2017), cameras write MPEG-2 or ProRes, and
Firefox or Chromium on Linux show such a file as sound over a black picture. A file whose
codecs browsers decode (H.264, VP8, VP9, AV1 in 8-bit 4:2:0; AAC, MP3, Opus, Vorbis, FLAC) in
a container they read (MP4, MOV, WebM) is played as it is; one in another container is
remuxed to MP4; anything else is transcoded once to H.264 and AAC, at most 1280 px on its
longer side. Copies live in the cache folder, named by the source's path, size and time, and
are written atomically, so two requests for the same file cannot leave half a copy.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from coulisses.media.ffmpeg import Command, Runner
from coulisses.media.inputs import ffmpeg_input
from coulisses.media.probe import Probe, probe

BROWSER_VIDEO = frozenset({"h264", "vp8", "vp9", "av1"})
BROWSER_AUDIO = frozenset({"aac", "mp3", "opus", "vorbis", "flac"})
WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})
WEBM_AUDIO = frozenset({"opus", "vorbis"})
BROWSER_PIXELS = frozenset({"yuv420p", "yuvj420p"})
LONGEST_SIDE = 1280
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def codecs_play(found: Probe) -> bool:
    """Whether browsers decode the file's video and audio codecs as they are."""
    video = found.video
    if video is None or video.codec not in BROWSER_VIDEO or video.pix_fmt not in BROWSER_PIXELS:
        return False
    return all(a.codec in BROWSER_AUDIO for a in found.audio if a.decodable)


def container_plays(found: Probe) -> bool:
    """Whether browsers read the file's container: MP4 or MOV, or a real WebM (Matroska with
    WebM's codecs only; ffmpeg names both containers alike)."""
    words = set(found.container.split(","))
    if "mov" in words or "mp4" in words:
        return True
    if "webm" not in words or found.video is None:
        return False
    return found.video.codec in WEBM_VIDEO and all(
        a.codec in WEBM_AUDIO for a in found.audio if a.decodable)


def copy_path(source: Path, cache_dir: Path) -> Path:
    """Where the playable copy of ``source`` lives: a new name when the source changes."""
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return cache_dir / "playable" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.mp4"


def copy_command(source: Path, target: Path, found: Probe) -> Command:
    """The ffmpeg command that writes ``target``: a remux when the codecs already play,
    else H.264 (CRF 23, yuv420p, rotation applied) and AAC."""
    head = ["-loglevel", "error", *ffmpeg_input(source), "-map", "0:v:0", "-map", "0:a:0?",
            "-sn", "-dn", "-map_metadata", "-1"]
    if codecs_play(found):
        body = ["-c", "copy"]
    else:
        side = LONGEST_SIDE
        body = ["-vf", f"scale=w='min({side},iw)':h='min({side},ih)'"
                ":force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuv420p",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                "-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    return Command(args=(*head, *body, "-movflags", "+faststart", "-f", "mp4", "-y",
                         f"file:{target}"),
                   expected_seconds=found.duration, label="browser copy")


def playable(source: Path, cache_dir: Path, runner: Runner) -> Path:
    """``source`` itself when browsers play it, else its playable copy (made on first use).

    Raises:
        MediaError: the source cannot be read (probe).
        FFmpegError: the copy could not be made.
    """
    found = probe(source)
    if codecs_play(found) and container_plays(found):
        return source
    target = copy_path(source, cache_dir)
    with _lock_for(target):
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.stem}.{threading.get_ident()}.part.mp4")
        try:
            runner.run(copy_command(source, partial, found))
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path, threading.Lock())
