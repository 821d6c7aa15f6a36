"""The one audio decode: the first decodable audio track, resampled by PyAV, as float32 samples.

``audio_chunks`` yields each decoded frame's resampled samples with the frame's time (for a
reader that starts part-way, the speaker analysis); ``audio_blocks`` gathers them into blocks of
a few seconds (the audio measures, the speech windows). Memory is bounded by one block.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.media.inputs import PROTOCOL_WHITELIST

RATE = 16_000  # Hz: speech, laughter and applause live below 8 kHz
BLOCK_S = 10.0  # seconds gathered into one block


def audio_chunks(path: Path, *, channels: int = 1, rate: int = RATE, start: float = 0.0,
                 end: float | None = None, tail: bool = True
                 ) -> Iterator[tuple[float | None, np.ndarray]]:
    """(time of each decoded frame, its resampled samples: float32, shape (channels, n), n >= 0)
    for the first decodable audio track; nothing if the file has none.

    Stereo keeps left and right (more channels are downmixed to them by ffmpeg); mono mixes.
    With ``start``, decoding begins at the key frame before it (times tell where); it stops at
    the first frame after ``end``. With ``tail``, the resampler's last samples come at the end,
    with no time.

    Raises:
        av.FFmpegError: the file cannot be decoded.
    """
    import av

    container: Any = av.open(str(path), options={"protocol_whitelist": PROTOCOL_WHITELIST})
    with container:
        streams = [s for s in container.streams.audio if s.codec_context is not None]
        if not streams:
            return
        layout = "stereo" if channels == 2 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        if start > 0:
            container.seek(int(start * 1_000_000))
        frame: Any
        for frame in container.decode(streams[0]):
            if frame.time is not None and end is not None and frame.time > end:
                return
            yield frame.time, _samples(resampler.resample(frame), channels)
        if tail:
            yield None, _samples(resampler.resample(None), channels)


def _samples(frames: list[Any], channels: int) -> np.ndarray:
    """The resampler's output frames as one (channels, n) float32 array (n may be 0)."""
    arrays = [np.asarray(f.to_ndarray()).reshape(channels, -1).astype(np.float32, copy=False)
              for f in frames]
    if not arrays:
        return np.zeros((channels, 0), dtype=np.float32)
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=1)


def audio_blocks(path: Path, *, channels: int = 1, rate: int = RATE,
                 block_s: float = BLOCK_S) -> Iterator[np.ndarray]:
    """The first decodable audio track as float32 blocks of shape (channels, samples), each
    about ``block_s`` seconds long (the last one shorter).

    Raises:
        av.FFmpegError: the file cannot be decoded.
    """
    pending: list[np.ndarray] = []
    size = 0
    limit = int(block_s * rate)
    for _, chunk in audio_chunks(path, channels=channels, rate=rate):
        pending.append(chunk)
        size += chunk.shape[1]
        if size >= limit:
            yield np.concatenate(pending, axis=1)
            pending, size = [], 0
    if pending:
        yield np.concatenate(pending, axis=1)
