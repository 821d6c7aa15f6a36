"""Long audio in windows for the speech model, so memory stays flat however long the file.

The first audio track is decoded as 16 kHz mono in blocks; a window closes at the quietest
stretch near its end (a pause between words, so a word is not cut in two), and the rest is
carried into the next window. Words of consecutive windows are merged with any word repeated
across the seam removed. Windows with no sound at all are not given to the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.analysis.model import Word

RATE = 16_000  # Hz, what whisper listens at
WINDOW_S = 120.0  # seconds of audio given to the model at once (7.7 MB of float32; the
# voice filter's working memory grows with it up to 320 s: 120 s keeps the peak ~80 MB lower)
SEARCH_S = 20.0  # the seam is sought in this much audio at the end of a full window
QUIET_S = 0.3  # ... as the middle of the quietest stretch this long
SILENT_DBFS = -60.0  # a window whose loudest 30 ms stays below this is not transcribed
_FRAME = 160  # 10 ms: the step of the level used to place seams
_LOUD_FRAME = 480  # 30 ms: the step of the level that says a window is silent
SEAM_OVERLAP_S = 0.05  # a word repeated across a seam overlaps its twin, give or take this


@dataclass(frozen=True)
class Window:
    """Audio from ``start`` seconds: a 16 kHz mono float32 array (or a path whisper decodes)."""

    start: float
    audio: Any

    @property
    def duration(self) -> float:
        return len(self.audio) / RATE if isinstance(self.audio, np.ndarray) else 0.0


def seam(audio: np.ndarray, *, search_s: float = SEARCH_S, quiet_s: float = QUIET_S,
         rate: int = RATE) -> int:
    """Where to end a window of ``audio``: the middle of its quietest ``quiet_s`` stretch
    within its last ``search_s`` seconds (the earliest such stretch on ties)."""
    n = len(audio)
    lo = max(0, n - int(search_s * rate))
    region = audio[lo:]
    frames = len(region) // _FRAME
    if frames == 0:
        return n
    energy = np.square(region[:frames * _FRAME].astype(np.float64)).reshape(frames, _FRAME)
    level = energy.mean(axis=1)
    width = max(1, min(frames, round(quiet_s * rate / _FRAME)))
    summed = np.convolve(level, np.ones(width), mode="valid")
    best = int(np.argmin(summed))
    return lo + (best + width // 2) * _FRAME


def windows(blocks: Iterable[np.ndarray], *, window_s: float = WINDOW_S,
            search_s: float = SEARCH_S, rate: int = RATE) -> Iterator[Window]:
    """Cut a stream of mono sample blocks into windows of at most ``window_s`` seconds, each
    ending at a ``seam``; only one window (and one block) is held at a time."""
    limit = max(1, int(window_s * rate))
    search = min(search_s, window_s / 2)
    pending: list[np.ndarray] = []
    size = 0
    offset = 0  # samples already given out
    for block in blocks:
        pending.append(np.asarray(block, dtype=np.float32).reshape(-1))
        size += len(pending[-1])
        while size >= limit:
            buffer = np.concatenate(pending)
            cut = max(1, seam(buffer[:limit], search_s=search, rate=rate))
            yield Window(offset / rate, buffer[:cut].copy())
            offset += cut
            pending, size = [buffer[cut:]], len(buffer) - cut
    if size:
        yield Window(offset / rate, np.concatenate(pending))


def file_windows(path: Path, *, window_s: float = WINDOW_S,
                 search_s: float = SEARCH_S) -> Iterator[Window]:
    """The first decodable audio track of ``path`` in windows (nothing if it has none).

    Raises:
        av.FFmpegError: the audio cannot be decoded.
    """
    from coulisses.media.audio import audio_blocks

    blocks = (b[0] for b in audio_blocks(path, channels=1, rate=RATE, block_s=10.0))
    yield from windows(blocks, window_s=window_s, search_s=search_s)


def is_silent(audio: np.ndarray, *, floor_dbfs: float = SILENT_DBFS) -> bool:
    """True when no 30 ms of ``audio`` is louder than ``floor_dbfs`` (RMS)."""
    frames = len(audio) // _LOUD_FRAME
    if frames == 0:
        return True
    power = np.square(audio[:frames * _LOUD_FRAME].astype(np.float64))
    loudest = float(power.reshape(frames, _LOUD_FRAME).mean(axis=1).max())
    return bool(loudest <= 10 ** (floor_dbfs / 10))


def _key(text: str) -> str:
    return re.sub(r"[^\w']+", "", text.lower())


def merge_words(before: Sequence[Word], after: Sequence[Word]) -> list[Word]:
    """``before`` then ``after``, without the words of ``after`` that repeat, across a seam,
    a word of ``before`` (same letters, overlapping it in time)."""
    merged = list(before)
    tail = [t for t in before if t.end >= before[-1].end - 2.0] if before else []
    for w in after:
        if any(_key(t.text) == _key(w.text) and w.start < t.end + SEAM_OVERLAP_S
               and w.end > t.start - SEAM_OVERLAP_S for t in tail):
            continue
        merged.append(w)
    return merged
