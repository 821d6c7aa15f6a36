"""What the studio's video players are given: the file itself when browsers play it, else its
browser copy (``media.playable``), with the right type."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.requests import Request

from coulisses.errors import CoulissesError
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.media.playable import playable
from coulisses.web.forms import settings_of

log = logging.getLogger(__name__)
VIDEO_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
               ".webm": "video/webm", ".mkv": "video/x-matroska"}


def video_type(suffix: str) -> str:
    """The Content-Type of a video file by its suffix (octet-stream when unknown)."""
    return VIDEO_TYPES.get(suffix.lower(), "application/octet-stream")


def for_player(request: Request, path: Path) -> tuple[Path, str]:
    """The file to send to a ``<video>`` for ``path``, and its Content-Type. A file that
    cannot be read or copied is sent as it is: the player then shows its own error."""
    try:
        chosen = playable(path, settings_of(request).cache_dir, SubprocessRunner())
    except CoulissesError as exc:
        log.warning("no browser copy of a video: %s", exc.one_line())
        chosen = path
    return chosen, video_type(chosen.suffix)
