"""Who is speaking: voice activity from the sound, mouth motion from the faces, matched in time.

Voice activity is energy-based (30 ms frames at 16 kHz against an adaptive noise floor; no
model). Mouth motion is the change of the lower third of a face box between two samples, in a
patch aligned to the box so head moves count less. With several faces on screen, the speaker
is the face whose mouth motion correlates best with the voice around that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coulisses.analysis.model import Box, Span

RATE = 16000
FRAME = 480  # 30 ms at 16 kHz
FLOOR_WINDOW_S = 30.0  # the noise floor is read over this much sound around each moment
ABOVE_FLOOR_DB = 10.0
MIN_VOICE_DB = -60.0  # quieter than this is never voice
PATCH = (8, 16)  # rows, columns of the resampled mouth patch
CORRELATION_WINDOW_S = 2.0  # each side of a moment


@dataclass(frozen=True)
class VoiceActivity:
    """Voiced 30 ms frames: frame ``i`` covers ``start + i * step`` for ``step`` seconds."""

    start: float
    step: float
    voiced: np.ndarray  # bool

    def fraction(self, t0: float, t1: float) -> float:
        """Share of [t0, t1) that is voiced (0 outside the sound)."""
        i0 = max(0, int((t0 - self.start) / self.step))
        i1 = min(len(self.voiced), max(i0 + 1, int(np.ceil((t1 - self.start) / self.step))))
        if i1 <= i0:
            return 0.0
        return float(np.mean(self.voiced[i0:i1]))


def frame_energies(path: Path, *, start: float = 0.0,
                   end: float | None = None) -> tuple[float, np.ndarray]:
    """(time of the first frame, dBFS of each 30 ms mono frame at 16 kHz), streamed.

    Reads the first audio stream frame by frame (constant memory, unlike loading the whole
    track); returns an empty array when the file has no audio.

    Raises:
        av.FFmpegError: the audio cannot be decoded (callers probe first).
    """
    from coulisses.media.audio import audio_chunks

    energies: list[np.ndarray] = []
    first: float | None = None
    carry = np.zeros(0, dtype=np.float32)
    for time, samples in audio_chunks(path, rate=RATE, start=start, end=end, tail=False):
        if first is None:
            if time is None:
                continue
            first = float(time)
        carry = np.concatenate([carry, samples.reshape(-1)])
        n = len(carry) // FRAME
        if n:
            block = carry[:n * FRAME].astype(np.float64).reshape(n, FRAME)
            energies.append(10 * np.log10(np.mean(block * block, axis=1) + 1e-12))
            carry = carry[n * FRAME:]
    if first is None or not energies:
        return 0.0, np.zeros(0)
    db = np.concatenate(energies)
    skip = max(0, int((start - first) * RATE / FRAME))  # the seek lands before start
    return first + skip * FRAME / RATE, db[skip:]


def voice_activity(start: float, db: np.ndarray) -> VoiceActivity:
    """Voiced frames: above the local noise floor (10th percentile over 30 s) by 10 dB and
    above -60 dBFS; gaps under 0.2 s closed, blips under 0.1 s removed."""
    step = FRAME / RATE
    if db.size == 0:
        return VoiceActivity(start, step, np.zeros(0, dtype=bool))
    block = max(1, round(1.0 / step))
    half = max(1, round(FLOOR_WINDOW_S / 2 / step))
    floors = np.array([np.percentile(db[max(0, i - half):i + half + 1], 10)
                       for i in range(0, db.size, block)])
    floor = np.repeat(floors, block)[:db.size]
    voiced = (db > floor + ABOVE_FLOOR_DB) & (db > MIN_VOICE_DB)
    voiced = _close_gaps(voiced, round(0.2 / step), value=False)
    voiced = _close_gaps(voiced, round(0.1 / step), value=True)
    return VoiceActivity(start, step, voiced)


def _close_gaps(mask: np.ndarray, longest: int, *, value: bool) -> np.ndarray:
    """Flip runs of ``value`` no longer than ``longest`` that lie between opposite runs."""
    out = mask.copy()
    i, n = 0, len(mask)
    while i < n:
        if mask[i] == value:
            j = i
            while j < n and mask[j] == value:
                j += 1
            if j - i <= longest and i > 0 and j < n:
                out[i:j] = not value
            i = j
        else:
            i += 1
    return out


def mouth_patch(rgb: np.ndarray, x: float, y: float, w: float, h: float) -> np.ndarray | None:
    """The lower third of a face box (middle half of its width), as a small normalised luma
    patch; None when the face is too small or cut by the frame edge."""
    rows, cols = PATCH
    x0, x1 = round(x + w / 4), round(x + 3 * w / 4)
    y0, y1 = round(y + 2 * h / 3), round(y + h)
    if x0 < 0 or y0 < 0 or x1 > rgb.shape[1] or y1 > rgb.shape[0]:
        return None
    if x1 - x0 < cols or y1 - y0 < rows:
        return None
    region = rgb[y0:y1, x0:x1].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    r_edges = np.linspace(0, y1 - y0, rows + 1).astype(int)
    c_edges = np.linspace(0, x1 - x0, cols + 1).astype(int)
    summed = np.add.reduceat(np.add.reduceat(region, r_edges[:-1], axis=0), c_edges[:-1], axis=1)
    patch = summed / np.outer(np.diff(r_edges), np.diff(c_edges))
    spread = float(patch.std())
    normalised: np.ndarray = ((patch - patch.mean()) / max(spread, 4.0)).astype(np.float32)
    return normalised


def patch_motion(before: np.ndarray, after: np.ndarray) -> float:
    """Mean absolute change between two mouth patches (normalised units)."""
    return float(np.mean(np.abs(after - before)))


def speaking_spans(tracks: Sequence[tuple[int, Sequence[Box]]],
                   motion: dict[int, dict[float, float]], voice: VoiceActivity | None,
                   step: float) -> dict[int, tuple[Span, ...]]:
    """Spans where each track is the active speaker.

    At each sample with voice: one face on screen speaks; among several, the face whose mouth
    motion correlates best (and positively) with the voice over +-2 s; none when no face
    does. Labels are smoothed over +-0.4 s, then joined into spans.
    """
    if voice is None or voice.voiced.size == 0:
        return {}
    visible: dict[float, list[int]] = {}
    for tid, boxes in tracks:
        for box in boxes:
            visible.setdefault(box.t, []).append(tid)
    times = sorted(visible)
    level = {t: voice.fraction(t - step / 2, t + step / 2) for t in times}
    series = {tid: _series(values, level) for tid, values in motion.items()}
    labels: list[int | None] = []
    for t in times:
        faces = visible[t]
        if level[t] < 0.5:
            labels.append(None)
        elif len(faces) == 1:
            labels.append(faces[0])
        else:
            labels.append(_best_correlated(faces, t, series))
    labels = _smooth(labels, max(1, round(0.4 / step)))
    spans: dict[int, list[Span]] = {}
    for t, label in zip(times, labels, strict=True):
        if label is None:
            continue
        runs = spans.setdefault(label, [])
        s, e = t - step / 2, t + step / 2
        if runs and s - runs[-1].end <= 0.4:
            runs[-1] = Span(runs[-1].start, e)
        else:
            runs.append(Span(s, e))
    return {tid: tuple(s for s in runs if s.duration >= 0.3) for tid, runs in spans.items()}


def _series(values: dict[float, float],
            level: dict[float, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, mouth motion, voice level) of one track, in time order."""
    times = sorted(u for u in values if u in level)
    return (np.array(times), np.array([values[u] for u in times]),
            np.array([level[u] for u in times]))


def _best_correlated(faces: list[int], t: float,
                     series: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> int | None:
    best, best_r = None, 0.0
    for tid in faces:
        if tid not in series:
            continue
        times, moves, levels = series[tid]
        window = [t - CORRELATION_WINDOW_S, t + CORRELATION_WINDOW_S + 1e-9]
        i0, i1 = np.searchsorted(times, window)
        m_arr, v_arr = moves[i0:i1], levels[i0:i1]
        if m_arr.size < 5 or m_arr.std() < 1e-6 or v_arr.std() < 1e-6:
            continue
        r = float(np.corrcoef(m_arr, v_arr)[0, 1])
        if r > best_r:
            best, best_r = tid, r
    return best


def _smooth(labels: list[int | None], half: int) -> list[int | None]:
    """Majority label over a sliding window (ties keep the sample's own label)."""
    out: list[int | None] = []
    for i, own in enumerate(labels):
        window = labels[max(0, i - half):i + half + 1]
        counts: dict[int | None, int] = {}
        for label in window:
            counts[label] = counts.get(label, 0) + 1
        top = max(counts.values())
        out.append(own if counts[own] == top else max(counts, key=lambda k: counts[k]))
    return out
