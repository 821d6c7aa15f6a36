"""Speaker turns inside one shot: who to frame when, from the faces' ``speaking`` spans.

Pure. ``speaker_turns`` cuts a shot into framings, one speaker each, switching where a new
speaker starts a turn. A framing lasts at least ``MIN_HOLD_S`` and its speaker must speak in
it for at least ``CONFIRM_S`` (a "yes" from the other side does not make a switch). When the
speaker signal is unsure (people talking over each other, too little speech to follow) or the
turns are too fast for that hold (too much speech would be off screen), the answer is a
reason, and the caller frames the shot another way.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coulisses.analysis.model import Span

MIN_HOLD_S = 1.5  # a framing lasts at least this long
CONFIRM_S = 1.0  # ... and its speaker speaks in it at least this long
MIN_SPEECH_SHARE = 0.3  # of the shot: less speech than this is too little to follow
MAX_OVERLAP_SHARE = 0.2  # of the speech: more talking over each other is unsure
MAX_OFF_SCREEN_SHARE = 0.25  # of the speech: more heard from someone not framed is too fast


@dataclass(frozen=True)
class Turn:
    """Frame ``speaker`` from ``start`` to ``end`` seconds."""

    start: float
    end: float
    speaker: int


@dataclass(frozen=True)
class Turns:
    turns: tuple[Turn, ...]
    off_screen: float  # share of the speech heard from someone not framed
    overlap: float  # share of the speech where two or more speak at once


def speaker_turns(speaking: Mapping[int, Sequence[Span]], start: float,
                  end: float) -> Turns | str:
    """Framings covering ``[start, end]``, or why the shot should not switch between speakers.

    ``speaking`` maps each candidate speaker to the spans where it speaks.
    """
    pieces = _pieces(speaking, start, end)
    speech = sum(b - a for a, b, who in pieces if who)
    if speech < MIN_SPEECH_SHARE * (end - start) or speech <= 0:
        return f"too little speech to follow ({speech:.1f} s of {end - start:.1f} s)"
    overlap = sum(b - a for a, b, who in pieces if len(who) > 1) / speech
    if overlap > MAX_OVERLAP_SHARE:
        return f"the speakers talk over each other {overlap:.0%} of the time"
    # runs of one voice, silences and overlaps left to whoever was speaking
    runs: list[list[float]] = []  # [first, last, speaker]
    for a, b, who in pieces:
        if len(who) != 1:
            continue
        (speaker,) = who
        if runs and runs[-1][2] == speaker:
            runs[-1][1] = b
        else:
            runs.append([a, b, speaker])
    framings = [Turn(start if i == 0 else r[0], end if i == len(runs) - 1 else runs[i + 1][0],
                     int(r[2])) for i, r in enumerate(runs)]
    framings = _absorb_short(framings, speaking)
    if not framings:
        return "no turn lasts long enough to frame"
    off = _off_screen(framings, pieces) / speech
    if off > MAX_OFF_SCREEN_SHARE:
        return (f"turns too fast to follow: {off:.0%} of the speech would come from someone "
                f"off screen")
    return Turns(tuple(framings), round(off, 4), round(overlap, 4))


def _pieces(speaking: Mapping[int, Sequence[Span]], start: float,
            end: float) -> list[tuple[float, float, frozenset[int]]]:
    """``[start, end]`` cut at every span edge: (from, to, who speaks throughout)."""
    edges = sorted({start, end, *(min(max(x, start), end) for spans in speaking.values()
                                  for sp in spans for x in (sp.start, sp.end))})
    out = []
    for a, b in itertools.pairwise(edges):
        if b <= a:
            continue
        mid = (a + b) / 2
        who = frozenset(k for k, spans in speaking.items()
                        if any(sp.start <= mid < sp.end for sp in spans))
        out.append((a, b, who))
    return out


def _spoken(speaking: Mapping[int, Sequence[Span]], who: int, a: float, b: float) -> float:
    return sum(max(0.0, min(sp.end, b) - max(sp.start, a)) for sp in speaking.get(who, ()))


def _absorb_short(framings: list[Turn], speaking: Mapping[int, Sequence[Span]]) -> list[Turn]:
    """Remove framings that are too short or whose speaker barely speaks, the weakest first;
    the time goes to the framing before (or after, for the first), and neighbours of one
    speaker merge."""
    turns = list(framings)
    while True:
        weak = [(_spoken(speaking, t.speaker, t.start, t.end), i) for i, t in enumerate(turns)
                if len(turns) > 1 and (t.end - t.start < MIN_HOLD_S
                                       or _spoken(speaking, t.speaker, t.start, t.end)
                                       < CONFIRM_S)]
        if not weak:
            return turns
        _, i = min(weak)
        gone = turns.pop(i)
        if i > 0:
            turns[i - 1] = Turn(turns[i - 1].start, gone.end, turns[i - 1].speaker)
        else:
            turns[0] = Turn(gone.start, turns[0].end, turns[0].speaker)
        merged: list[Turn] = []
        for t in turns:
            if merged and merged[-1].speaker == t.speaker:
                merged[-1] = Turn(merged[-1].start, t.end, t.speaker)
            else:
                merged.append(t)
        turns = merged


def _off_screen(framings: list[Turn], pieces: list[tuple[float, float, frozenset[int]]]
                ) -> float:
    """Seconds of speech while the framed speaker is silent."""
    total = 0.0
    for a, b, who in pieces:
        if not who:
            continue
        for t in framings:
            lo, hi = max(a, t.start), min(b, t.end)
            if hi > lo and t.speaker not in who:
                total += hi - lo
    return total
