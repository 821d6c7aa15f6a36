"""Audio measures over time: loudness, silences, energy peaks, laughter and applause candidates.

The first decodable audio track is decoded in blocks, resampled to 16 kHz (mono, or stereo for
loudness), reduced to a few numbers per 100 ms hop and per 10 ms frame, then read back. Memory
is bounded by the block size plus about 100 bytes per second of audio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coulisses.analysis.model import AudioMeasures, Span
from coulisses.media.audio import RATE, audio_blocks
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.base import Source

HOP = 1_600  # samples: 100 ms, the step of the loudness and spectral measures
FRAME = 160  # samples: 10 ms, the step of the level envelope (silences, bursts)
LOUDNESS_WINDOW = 4  # hops: 400 ms, EBU R128 "momentary"
LOUDNESS_EVERY = 2  # hops: one loudness value every 200 ms in the result
FLOOR_LUFS = -70.0  # the absolute gate of BS.1770: quieter windows read as this
SILENCE_DBFS = -50.0
SILENCE_MIN_S = 0.5
PEAK_MARGIN_LU = 8.0  # a peak stands this far above the rolling median of loud windows
PEAK_MIN_LUFS = -40.0
PEAK_CONTEXT_S = 10.0  # width of the rolling median
PEAK_SEPARATION_S = 1.0
APPLAUSE_FLATNESS = 0.35  # spectral flatness 150 Hz - 7 kHz: noise ~0.6-0.9, voice < 0.1
APPLAUSE_MIN_DBFS = -45.0
APPLAUSE_MIN_S = 1.0
LAUGH_WINDOW_S = 1.0
LAUGH_MIN_S = 1.0
LAUGH_BAND_HZ = (3.5, 8.5)  # syllable rate of "ha-ha-ha"
LAUGH_BAND_SHARE = 0.55  # of the envelope's modulation energy between 1 and 20 Hz
LAUGH_PERIODICITY = 0.6  # envelope autocorrelation at the burst period (speech is irregular)
LAUGH_DEPTH_DB = 25.0  # bursts with near-silence between them (speech is shallower)
LAUGH_MAX_GAP_S = 0.25  # ... but no longer pause than this inside the window
LAUGH_VOICED_SHARE = 0.3  # hops with a clear pitch
VOICED_CORRELATION = 0.5  # normalised autocorrelation at the pitch lag (75-500 Hz)


class AudioAnalyzer:
    """The ``audio`` analyser (empty measures for a file without a decodable audio track)."""

    name = "audio"
    version = "1"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def analyze(self, source: Source) -> AudioMeasures:
        """Measure the first decodable audio track.

        Raises:
            av.FFmpegError: the track stops decoding (it was probed, so this is rare).
        """
        track = source.probe.main_audio
        if track is None:
            return AudioMeasures()
        duration = float(source.probe.duration)
        channels = 2 if track.channels >= 2 else 1

        def progress(t: float) -> None:
            if duration > 0:
                source.progress(min(1.0, t / duration))

        return measure_audio(audio_blocks(source.path, channels=channels), progress=progress,
                             duration=duration)


@dataclass
class _Series:
    """Per-hop and per-frame numbers, appended as blocks are reduced."""

    k_power: list[np.ndarray]  # K-weighted mean square per hop, summed over channels
    flatness: list[np.ndarray]  # per hop
    voiced: list[np.ndarray]  # per hop: normalised autocorrelation at the best pitch lag
    hop_db: list[np.ndarray]  # per hop: RMS dBFS of the mono mix
    frame_db: list[np.ndarray]  # per 10 ms frame: RMS dBFS of the mono mix


def measure_audio(blocks: Iterable[np.ndarray], *, rate: int = RATE,
                  progress: Callable[[float], None] | None = None,
                  duration: float | None = None) -> AudioMeasures:
    """Loudness, silences, peaks and candidates from (channels, samples) float blocks.

    Spans end at ``duration`` when it is given (decoders may pad the last packet).
    """
    series = _Series([], [], [], [], [])
    weights = _k_weighting(HOP, rate)
    carry = np.zeros((1, 0), dtype=np.float32)
    done = 0
    for block in blocks:
        if carry.shape[0] != block.shape[0]:
            carry = np.zeros((block.shape[0], 0), dtype=np.float32)
        data = np.concatenate([carry, block], axis=1)
        usable = data.shape[1] // HOP * HOP
        if usable:
            _reduce(data[:, :usable], weights, rate, series)
        carry = data[:, usable:]
        done += usable
        if progress is not None:
            progress(done / rate)
    if carry.shape[1] >= FRAME:  # a last partial hop, padded with silence
        padded = np.zeros((carry.shape[0], HOP), dtype=np.float32)
        padded[:, :carry.shape[1]] = carry
        _reduce(padded, weights, rate, series)
        done += carry.shape[1] // FRAME * FRAME
    if not series.k_power:
        return AudioMeasures()
    k_power = np.concatenate(series.k_power)
    end = done / rate if duration is None else min(done / rate, duration)
    frame_db = np.concatenate(series.frame_db)[:round(end * rate) // FRAME]
    loudness = _momentary(k_power)
    hop_s = HOP / rate
    times = (np.arange(len(loudness)) + 1) * hop_s - LOUDNESS_WINDOW * hop_s / 2
    every = slice(LOUDNESS_WINDOW - 1, None, LOUDNESS_EVERY)
    return AudioMeasures(
        loudness=tuple((round(float(t), 2), round(float(v), 1))
                       for t, v in zip(times[every], loudness[every], strict=True)),
        silences=_silences(frame_db, FRAME / rate),
        peaks=_peaks(loudness, times),
        laughter=_laughter(frame_db, np.concatenate(series.voiced), FRAME / rate, hop_s),
        applause=_applause(np.concatenate(series.flatness), np.concatenate(series.hop_db),
                           hop_s),
    )


def _reduce(data: np.ndarray, weights: np.ndarray, rate: int, series: _Series) -> None:
    """Append the numbers of whole hops of ``data`` (channels x samples)."""
    channels, samples = data.shape
    hops = data.reshape(channels, samples // HOP, HOP)
    spectrum = np.fft.rfft(hops, axis=2)
    # Parseval: the mean square of the K-weighted hop, from its spectrum
    power = (np.abs(spectrum) ** 2 * weights).sum(axis=2)
    series.k_power.append(power.sum(axis=0) * 2.0 / (HOP * HOP))
    mono = data.mean(axis=0)
    frames = mono.reshape(-1, FRAME)
    series.frame_db.append(10 * np.log10(np.maximum((frames ** 2).mean(axis=1), 1e-12)))
    mono_hops = mono.reshape(-1, HOP)
    series.hop_db.append(10 * np.log10(np.maximum((mono_hops ** 2).mean(axis=1), 1e-12)))
    series.flatness.append(_flatness(mono_hops, rate))
    series.voiced.append(_voicing(mono_hops, rate))


def _k_weighting(size: int, rate: int) -> np.ndarray:
    """|H(f)|^2 of the BS.1770 K-weighting filter (its 48 kHz biquads) at each rfft bin."""
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    z = np.exp(-2j * np.pi * freqs / 48_000)
    shelf = np.polyval([1.19839281085285, -2.69169618940638, 1.53512485958697], z) / \
        np.polyval([0.73248077421585, -1.69065929318241, 1.0], z)
    high_pass = np.polyval([1.0, -2.0, 1.0], z) / np.polyval([0.99007225036621,
                                                              -1.99004745483398, 1.0], z)
    gain = np.abs(shelf * high_pass) ** 2
    gain[0] *= 0.5  # the DC and Nyquist bins appear once in a one-sided spectrum
    if size % 2 == 0:
        gain[-1] *= 0.5
    return gain


def _momentary(k_power: np.ndarray) -> np.ndarray:
    """LUFS over the 400 ms ending at each hop (the first three use what there is)."""
    cumulative = np.concatenate([[0.0], np.cumsum(k_power)])
    index = np.arange(1, len(k_power) + 1)
    start = np.maximum(0, index - LOUDNESS_WINDOW)
    mean = (cumulative[index] - cumulative[start]) / (index - start)
    lufs: np.ndarray = np.maximum(-0.691 + 10 * np.log10(np.maximum(mean, 1e-12)), FLOOR_LUFS)
    return lufs


def _flatness(hops: np.ndarray, rate: int) -> np.ndarray:
    """Spectral flatness (geometric over arithmetic mean of power) between 150 Hz and 7 kHz,
    from four 25 ms Hann-windowed spectra per hop: about 0.8 for white noise, ~0 for a tone."""
    quarter = hops.reshape(hops.shape[0], 4, HOP // 4)
    spectrum = np.abs(np.fft.rfft(quarter * np.hanning(HOP // 4), axis=2)) ** 2
    power = spectrum.mean(axis=1)
    freqs = np.fft.rfftfreq(HOP // 4, 1.0 / rate)
    band = power[:, (freqs >= 150) & (freqs <= 7_000)] + 1e-12
    flat: np.ndarray = np.exp(np.log(band).mean(axis=1)) / band.mean(axis=1)
    return flat


def _voicing(hops: np.ndarray, rate: int) -> np.ndarray:
    """Normalised autocorrelation at the best lag for a 75-500 Hz pitch (1 = periodic)."""
    windowed = hops * np.hanning(HOP)
    spectrum = np.fft.rfft(windowed, n=2 * HOP, axis=1)
    correlation = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :HOP]
    # undo the taper of the window's own autocorrelation
    taper = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(HOP), n=2 * HOP)) ** 2)[:HOP]
    lo, hi = rate // 500, rate // 75
    ratio = correlation[:, lo:hi] / np.maximum(taper[lo:hi], 1e-9)
    energy = np.maximum(correlation[:, 0] / taper[0], 1e-12)
    best: np.ndarray = np.clip(ratio.max(axis=1) / energy, 0.0, 1.0)
    return best


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) indices of each run of True, end exclusive."""
    if not mask.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _fill_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    """``mask`` with runs of False no longer than ``gap`` (between two True) set True."""
    filled = mask.copy()
    for a, b in _runs(~mask):
        if a > 0 and b < len(mask) and b - a <= gap:
            filled[a:b] = True
    return filled


def _spans(mask: np.ndarray, step: float, minimum: float) -> tuple[Span, ...]:
    # a run of whole steps measures at most one step short of the span it samples
    return tuple(Span(round(a * step, 3), round(b * step, 3)) for a, b in _runs(mask)
                 if (b - a) * step >= minimum - step / 2)


def _silences(frame_db: np.ndarray, step: float) -> tuple[Span, ...]:
    return _spans(frame_db < SILENCE_DBFS, step, SILENCE_MIN_S)


def _peaks(loudness: np.ndarray, times: np.ndarray) -> tuple[float, ...]:
    """Local maxima of momentary loudness far above the median of the loud windows around."""
    n = len(loudness)
    hop_s = float(times[1] - times[0]) if n > 1 else 0.1
    half = max(1, round(PEAK_CONTEXT_S / hop_s / 2))
    every = max(1, round(1.0 / hop_s))
    anchors = np.arange(0, n, every)
    medians = np.empty(len(anchors))
    for k, at in enumerate(anchors):
        window = loudness[max(0, at - half):at + half + 1]
        loud = window[window > FLOOR_LUFS + 10]
        medians[k] = float(np.median(loud)) if len(loud) >= len(window) // 4 else FLOOR_LUFS
    median = np.interp(np.arange(n), anchors, medians)
    reach = max(1, round(PEAK_SEPARATION_S / hop_s))
    padded = np.concatenate([np.full(reach, -np.inf), loudness, np.full(reach, -np.inf)])
    local_max = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).max(axis=1)
    is_peak = ((loudness >= local_max) & (loudness >= median + PEAK_MARGIN_LU)
               & (loudness >= PEAK_MIN_LUFS))
    found: list[float] = []
    for i in np.flatnonzero(is_peak):
        if not found or times[i] - found[-1] >= PEAK_SEPARATION_S:
            found.append(round(float(times[i]), 2))
    return tuple(found)


def _applause(flatness: np.ndarray, hop_db: np.ndarray, hop_s: float) -> tuple[Span, ...]:
    """Candidates: noise-like (flat spectrum), loud enough, sustained for a second or more."""
    mask = (flatness >= APPLAUSE_FLATNESS) & (hop_db >= APPLAUSE_MIN_DBFS)
    return _spans(_fill_gaps(mask, 2), hop_s, APPLAUSE_MIN_S)


def _laughter(frame_db: np.ndarray, voiced: np.ndarray, frame_s: float,
              hop_s: float) -> tuple[Span, ...]:
    """Candidates: voiced bursts with deep dips between them, repeating regularly at 3.5-8.5 Hz.

    Looked for in 1 s windows every half second of the 10 ms level envelope; each window that
    qualifies marks its middle half. Speech shares the syllable rhythm but is shallower and less
    regular; rhythmic, clipped speech or music can still be flagged: these are candidates.
    """
    width = round(LAUGH_WINDOW_S / frame_s)
    if len(frame_db) < width:
        return ()
    freqs = np.fft.rfftfreq(width, frame_s)
    band = (freqs >= LAUGH_BAND_HZ[0]) & (freqs <= LAUGH_BAND_HZ[1])
    wide = (freqs >= 1.0) & (freqs <= 20.0)
    lags = slice(round(1 / LAUGH_BAND_HZ[1] / frame_s), round(1 / LAUGH_BAND_HZ[0] / frame_s) + 1)
    hops_per_window = round(LAUGH_WINDOW_S / hop_s)
    frames_per_hop = round(hop_s / frame_s)
    mask = np.zeros(len(frame_db), dtype=bool)
    for start in range(0, len(frame_db) - width + 1, width // 2):
        db = np.maximum(frame_db[start:start + width], -80.0)
        loud, quiet = np.percentile(db, [90, 10])
        pauses = _runs(db < SILENCE_DBFS)
        if (loud - quiet < LAUGH_DEPTH_DB or loud < SILENCE_DBFS or any(
                (b - a) * frame_s > LAUGH_MAX_GAP_S for a, b in pauses)):
            continue
        envelope = 10 ** (db / 20)
        envelope -= envelope.mean()
        modulation = np.abs(np.fft.rfft(envelope)) ** 2
        share = modulation[band].sum() / max(float(modulation[wide].sum()), 1e-12)
        correlation = np.correlate(envelope, envelope, "full")[width - 1:]
        periodicity = correlation[lags].max() / max(float(correlation[0]), 1e-12)
        first_hop = start // frames_per_hop
        voicing = voiced[first_hop:first_hop + hops_per_window]
        if (share >= LAUGH_BAND_SHARE and periodicity >= LAUGH_PERIODICITY
                and (voicing >= VOICED_CORRELATION).mean() >= LAUGH_VOICED_SHARE):
            mask[start + width // 4:start + 3 * width // 4] = True
    return _spans(mask, frame_s, LAUGH_MIN_S)
