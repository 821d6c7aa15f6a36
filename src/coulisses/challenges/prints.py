"""The ``prints`` triage stage: a compact visual fingerprint of one entry, for finding copies.

Frames sampled by time (2 per second, at most ``MAX_FRAMES``, decoded small) are cut free of
black bars found across the whole entry, then hashed with PDQ in several views: the picture,
its horizontal mirror, four centre crops (95 to 80 %), a vertical 9:16 strip and two 90 %
corner crops. A crop or reframe of an
original is then close to one of the original's views (PDQ alone misses crops: research notes,
section 3). Each frame also gets the 64-bit window hashes of ``crops`` (crops of 5-20 % taken
anywhere). Every frame (at most ``DENSE_FPS`` a second, averaged to ``DENSE_SIDE`` px or a
little more straight from its decoded planes, in the same pass) gets the whole picture's 64-bit
hash too: a copy sped up or slowed down samples
moments between the 2-a-second frames of its original, and finds them among these.
``duplicates`` matches them; this module only makes and reads them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coulisses.challenges.crops import CROP_BYTES, crop_hashes, whole_hash
from coulisses.challenges.entry import Entry, Rules, Scalar, Stage

#: the views hashed per frame, in the packed order ("full" first: a match needs it on one side)
VIEWS: tuple[str, ...] = ("full", "mirror", "crop95", "crop90", "crop85", "crop80", "strip",
                          "corner-tl90", "corner-br90")
FPS = 2.0
MAX_FRAMES = 40
MAX_SIDE = 320  # decoded picture's longer side: PDQ works on 64x64 anyway
HASH_BYTES = 32  # PDQ: 256 bits
#: PDQ quality under which a frame says little (flat, black, blurred): never used to match
MIN_QUALITY = 50
#: the dense sequence: every decoded frame, at most this many a second, this small (longer
#: side; box averages of the planes make it up to twice that), this many
DENSE_FPS = 30.0
DENSE_SIDE = 128
MAX_DENSE = 1800
_MAGIC_V1 = b"CP1"  # PDQ views only (read, never written)
_MAGIC_V2 = b"CP2"  # and crop windows (read, never written)
_MAGIC = b"CP3"  # and the dense sequence
_HEADER = struct.Struct("<3sBH")  # magic, views, frames
_WINDOWS = struct.Struct("<H")  # CP2, CP3: crop hashes per frame
_DENSE = struct.Struct("<H")  # CP3: frames of the dense sequence
#: luma under which a border row or column counts as a black bar (0-255)
_BAR_LUMA = 28.0


@dataclass(frozen=True)
class Print:
    """An entry's fingerprint: ``hashes`` is frames x views x 32 bytes (uint8), ``quality``
    the PDQ quality (0-100) of each frame's full view, ``crops`` frames x (1 + windows) x 8
    bytes (``crops.crop_hashes``; no windows in a print made before them), frames in time
    order; ``dense`` the whole picture's 8-byte hash (``crops.whole_hash``) of every frame, in
    time order (none in a print made before it)."""

    hashes: np.ndarray
    quality: np.ndarray
    crops: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, CROP_BYTES), np.uint8))
    dense: np.ndarray = field(default_factory=lambda: np.zeros((0, CROP_BYTES), np.uint8))

    @property
    def frames(self) -> int:
        return int(self.hashes.shape[0])

    def pack(self) -> bytes:
        """The print as the stage's ``print`` column holds it."""
        n, v = self.hashes.shape[:2]
        crops = self.crops if self.crops.shape[0] == n else self.crops[:0, :0]
        return (_HEADER.pack(_MAGIC, v, n) + _WINDOWS.pack(crops.shape[1])
                + _DENSE.pack(self.dense.shape[0]) + self.quality.astype(np.uint8).tobytes()
                + self.hashes.astype(np.uint8).tobytes() + crops.astype(np.uint8).tobytes()
                + self.dense.astype(np.uint8).tobytes())


def unpack(data: bytes) -> Print:
    """Read a packed print back.

    Raises:
        ValueError: the bytes are not a print made by this module.
    """
    if len(data) < _HEADER.size:
        raise ValueError("not a coulisses print (too short)")
    magic, v, n = _HEADER.unpack_from(data)
    start, w, k = _HEADER.size, 0, 0
    if magic in (_MAGIC, _MAGIC_V2) and len(data) >= start + _WINDOWS.size:
        (w,) = _WINDOWS.unpack_from(data, start)
        start += _WINDOWS.size
        if magic == _MAGIC and len(data) >= start + _DENSE.size:
            (k,) = _DENSE.unpack_from(data, start)
            start += _DENSE.size
    elif magic != _MAGIC_V1:
        raise ValueError("not a coulisses print (bad header)")
    crops_at = start + n + n * v * HASH_BYTES
    dense_at = crops_at + n * w * CROP_BYTES
    if len(data) != dense_at + k * CROP_BYTES:
        raise ValueError("not a coulisses print (bad header or length)")
    quality = np.frombuffer(data, np.uint8, n, start)
    hashes = np.frombuffer(data, np.uint8, n * v * HASH_BYTES, start + n)
    crops = np.frombuffer(data, np.uint8, n * w * CROP_BYTES, crops_at)
    dense = np.frombuffer(data, np.uint8, k * CROP_BYTES, dense_at)
    return Print(hashes=hashes.reshape(n, v, HASH_BYTES), quality=quality,
                 crops=crops.reshape(n, w, CROP_BYTES), dense=dense.reshape(k, CROP_BYTES))


def black_bars(frames: list[np.ndarray]) -> tuple[int, int, int, int]:
    """Rows and columns to drop (top, bottom, left, right): the border lines that stay dark in
    every frame (letterbox, pillarbox). Nothing is dropped if less than half would remain."""
    if not frames:
        return 0, 0, 0, 0
    stack = np.stack(frames)  # n x h x w luma
    rows = stack.mean(axis=2).max(axis=0)  # brightest each row ever gets
    cols = stack.mean(axis=1).max(axis=0)
    top, bottom = _dark_run(rows), _dark_run(rows[::-1])
    left, right = _dark_run(cols), _dark_run(cols[::-1])
    h, w = stack.shape[1:]
    if h - top - bottom < h // 2:
        top = bottom = 0
    if w - left - right < w // 2:
        left = right = 0
    return top, bottom, left, right


def _dark_run(means: np.ndarray) -> int:
    bright = np.flatnonzero(means > _BAR_LUMA)
    run = int(bright[0]) if bright.size else 0
    return run if run >= 2 else 0  # one dark line is an edge, not a bar


def views(picture: np.ndarray) -> list[np.ndarray]:
    """The pictures hashed for one frame (RGB, bars already removed), in ``VIEWS`` order."""
    h, w = picture.shape[:2]

    def centre(ch: int, cw: int) -> np.ndarray:
        y, x = (h - ch) // 2, (w - cw) // 2
        return picture[y:y + ch, x:x + cw]

    if w > h * 1.2:  # landscape: the 9:16 strip a vertical reframe keeps
        strip = centre(h, max(8, round(h * 9 / 16)))
    elif h > w * 1.2:  # portrait: the 16:9 band a horizontal reframe keeps
        strip = centre(max(8, round(w * 9 / 16)), w)
    else:
        strip = centre(round(h * 0.7), round(w * 0.7))
    crops = [centre(round(h * s), round(w * s)) for s in (0.95, 0.9, 0.85, 0.8)]
    ch, cw = round(h * 0.9), round(w * 0.9)
    return [picture, picture[:, ::-1], *crops, strip, picture[:ch, :cw], picture[h - ch:, w - cw:]]


def fingerprint(path: Path, *, max_seconds: float | None = None) -> Print:
    """Sample, de-letterbox and hash one video (decoding stops at ``max_seconds``): one decode
    feeds the sampled frames (RGB, scaled by swscale) and the dense sequence (grey pictures
    averaged from the decoded planes, ``Decoded.rgb_mean``: no per-frame conversion).

    Raises:
        av.FFmpegError: the file cannot be decoded (the QC stage says so first).
    """
    import pdqhash

    from coulisses.media.frames import Slots, decode_video

    sampled, every = Slots(FPS), Slots(DENSE_FPS)
    rgb: list[np.ndarray] = []
    small: list[np.ndarray] = []
    for decoded in decode_video(path, end=max_seconds):
        if sampled.take(decoded.t):
            rgb.append(decoded.picture(MAX_SIDE).rgb)
        if every.take(decoded.t):
            small.append(decoded.rgb_mean(DENSE_SIDE))
    if len(rgb) > MAX_FRAMES:  # long entry: spread the kept frames over all of it
        keep = np.linspace(0, len(rgb) - 1, MAX_FRAMES).round().astype(int)
        rgb = [rgb[i] for i in keep]
    luma = [f.astype(np.float32).mean(axis=2) for f in rgb]
    top, bottom, left, right = black_bars(luma)
    hashes = np.zeros((len(rgb), len(VIEWS), HASH_BYTES), np.uint8)
    quality = np.zeros(len(rgb), np.uint8)
    crops: list[np.ndarray] = []
    for i, frame in enumerate(rgb):
        h, w = frame.shape[:2]
        picture = frame[top:h - bottom, left:w - right]
        crops.append(crop_hashes(luma[i][top:h - bottom, left:w - right]))
        for j, view in enumerate(views(picture)):
            bits: Any
            bits, q = pdqhash.compute(np.ascontiguousarray(view))
            hashes[i, j] = np.packbits(bits.astype(np.uint8))
            if j == 0:
                quality[i] = min(100, max(0, int(q)))
    if not crops:
        return Print(hashes=hashes, quality=quality)
    return Print(hashes=hashes, quality=quality, crops=np.stack(crops),
                 dense=_dense(small, rgb[0].shape[:2], (top, bottom, left, right)))


def _dense(frames: list[np.ndarray], size: tuple[int, int],
           bars: tuple[int, int, int, int]) -> np.ndarray:
    """The whole-picture hash of each small frame, the black bars found on the sampled frames
    (``size``: their height and width) cut off in proportion."""
    if len(frames) > MAX_DENSE:
        keep = np.linspace(0, len(frames) - 1, MAX_DENSE).round().astype(int)
        frames = [frames[i] for i in keep]
    out = np.zeros((len(frames), CROP_BYTES), np.uint8)
    for i, gray in enumerate(frames):
        h, w = gray.shape
        top, bottom = (round(b * h / size[0]) for b in bars[:2])
        left, right = (round(b * w / size[1]) for b in bars[2:])
        out[i] = whole_hash(gray[top:h - bottom, left:w - right].astype(np.float32))
    return out


class PrintsStage:
    """The stage object (see ``entry.Stage``): one row per entry with ``print`` (the packed
    hashes, None when the entry cannot be decoded), ``print_frames`` and ``print_seconds``
    (the stage's own cost)."""

    name = "prints"
    columns: tuple[str, ...] = ("print", "print_frames", "print_seconds")

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        import time

        import av

        started = time.perf_counter()
        try:
            found = fingerprint(entry.path, max_seconds=rules.max_duration_s + 1.0)
        except (av.FFmpegError, OSError, ValueError):
            return {"print": None, "print_frames": 0,
                    "print_seconds": round(time.perf_counter() - started, 4)}
        return {"print": found.pack() if found.frames else None,
                "print_frames": found.frames,
                "print_seconds": round(time.perf_counter() - started, 4)}


STAGE: Stage = PrintsStage()
