"""Check user files before anything opens them: local files only, never URLs or playlists.

Every open of user media (PyAV or ffmpeg) also passes ``PROTOCOL_WHITELIST`` so that a file
cannot make the demuxer read anything else. Small text files a user gives (captions,
transcripts) are read whole by ``read_text_file``, with a size limit.
"""

from __future__ import annotations

import re
from pathlib import Path

from coulisses.errors import EmptyFileError, InputError, UnsafeInputError

PROTOCOL_WHITELIST = "file"
#: what a folder of rushes is searched for
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg",
                            ".mts", ".ts", ".mxf"})
# Demuxers that are lists of other files: a "video" of this kind can read any local file.
PLAYLIST_FORMATS = frozenset({"hls", "concat", "ffconcat", "dash", "image2", "tee", "data"})
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(//)?")
_PLAYLIST_SUFFIXES = frozenset({".m3u8", ".m3u", ".pls", ".ffconcat", ".mpd", ".xspf", ".sdp"})
_PLAYLIST_MAGIC = (b"#EXTM3U", b"ffconcat", b"[playlist]", b"<?xml", b"v=0")


def check_source(raw: str | Path) -> Path:
    """Return the absolute path of a user media file, refusing anything that is not a local file.

    Raises:
        UnsafeInputError: a URL, a protocol prefix, or a playlist.
        InputError: the file does not exist or is a folder.
        EmptyFileError: the file has zero bytes.
    """
    text = str(raw)
    if not text.strip():
        raise InputError("no file given", hint="name a video file")
    if _URL.match(text) and not Path(text).exists():
        raise UnsafeInputError(
            f"{text}: network addresses and protocols are not accepted as media",
            path=text, hint="download the file first and give its local path",
        )
    path = Path(text).expanduser()
    try:
        path = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        raise InputError(f"{text}: no such file", path=text) from None
    except OSError as exc:
        raise InputError(f"{text}: cannot open: {exc.strerror}", path=text) from None
    if path.is_dir():
        raise InputError(f"{text}: is a folder, not a media file", path=text)
    if not path.is_file():
        raise InputError(f"{text}: is not a regular file", path=text)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{text}: file is empty (0 bytes)", path=text)
    if path.suffix.lower() in _PLAYLIST_SUFFIXES or _starts_like_playlist(path):
        raise UnsafeInputError(
            f"{text}: playlists and file lists are not accepted as media",
            path=text, hint="give the media file itself",
        )
    return path


def _starts_like_playlist(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return any(head.startswith(m) for m in _PLAYLIST_MAGIC)


def ffmpeg_input(path: Path) -> list[str]:
    """The argv fragment that opens a checked local file in ffmpeg, whitelist first.

    The ``file:`` prefix makes names such as ``-x.mp4`` or ``a:b.mp4`` mean files, never options
    or protocols.
    """
    return ["-protocol_whitelist", PROTOCOL_WHITELIST, "-i", f"file:{path}"]


def read_text_file(path: Path, what: str, max_bytes: int, *,
                   error: type[InputError] = InputError) -> str:
    """A user's small UTF-8 text file (a BOM is dropped), read whole.

    ``error`` is the leaf raised (``CaptionError`` for captions); the message names the file
    and ``what`` it should be ("caption file", ...).

    Raises:
        InputError: (or ``error``) missing, larger than ``max_bytes``, not UTF-8, or unreadable.
    """
    try:
        if path.stat().st_size > max_bytes:
            raise error(f"{path.name}: {what} is larger than "
                        f"{max_bytes // (1024 * 1024)} MiB", path=path)
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: no such {what}", path=path) from None
    except UnicodeDecodeError:
        raise error(f"{path.name}: {what} is not UTF-8 text", path=path) from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}", path=path) from None


def expand_videos(paths: list[str]) -> list[Path]:
    """The given files, and the videos (by suffix) anywhere inside the given folders, sorted."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix.lower() in VIDEO_SUFFIXES)
        else:
            found.append(p)
    return found
