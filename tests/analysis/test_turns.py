"""Speaker turns on synthetic speaking spans whose turns are known by construction."""

from __future__ import annotations

import itertools
import random

import pytest

from coulisses.analysis.model import Span
from coulisses.analysis.turns import (
    CONFIRM_S,
    MAX_OFF_SCREEN_SHARE,
    MIN_HOLD_S,
    Turns,
    speaker_turns,
)


def _spoken(spans: tuple[Span, ...], a: float, b: float) -> float:
    return sum(max(0.0, min(s.end, b) - max(s.start, a)) for s in spans)


def test_alternating_turns_switch_where_each_turn_starts() -> None:
    speaking = {0: (Span(0.5, 4.0), Span(8.1, 11.0)), 7: (Span(4.3, 7.9),)}
    found = speaker_turns(speaking, 0.0, 12.0)
    assert isinstance(found, Turns)
    assert [(t.start, t.end, t.speaker) for t in found.turns] == [
        (0.0, 4.3, 0), (4.3, 8.1, 7), (8.1, 12.0, 0)]
    assert found.off_screen == 0.0 and found.overlap == 0.0


def test_a_turn_shorter_than_the_hold_is_absorbed() -> None:
    speaking = {0: (Span(0.0, 5.0), Span(6.0, 10.0)), 1: (Span(5.0, 6.0),)}
    found = speaker_turns(speaking, 0.0, 10.0)
    assert isinstance(found, Turns)
    assert [(t.start, t.end, t.speaker) for t in found.turns] == [(0.0, 10.0, 0)]
    assert found.off_screen == pytest.approx(0.1)


def test_a_long_silence_after_a_word_is_not_a_turn() -> None:
    """Face 1 says 0.5 s then nobody speaks for 3 s: the framing would last, but its speaker
    barely speaks in it (confirmation), so the window stays with face 0."""
    speaking = {0: (Span(0.0, 4.0), Span(8.0, 12.0)), 1: (Span(4.0, 4.5),)}
    found = speaker_turns(speaking, 0.0, 12.0)
    assert isinstance(found, Turns)
    assert [t.speaker for t in found.turns] == [0]


@pytest.mark.parametrize(("speaking", "why"), [
    ({0: (Span(0.0, 7.0),), 1: (Span(3.0, 10.0),)}, "talk over each other"),
    ({0: (Span(0.0, 1.0),), 1: (Span(5.0, 6.0),)}, "too little speech"),
    ({0: tuple(Span(t, t + 0.7) for t in range(0, 10, 2)),
      1: tuple(Span(t + 1, t + 1.7) for t in range(0, 10, 2))}, "too fast"),
])
def test_unsure_or_fast_turns_give_a_reason(speaking: dict[int, tuple[Span, ...]],
                                            why: str) -> None:
    found = speaker_turns(speaking, 0.0, 10.0)
    assert isinstance(found, str) and why in found


def _conversation(seed: int) -> dict[int, tuple[Span, ...]]:
    rng = random.Random(seed)
    spans: dict[int, list[Span]] = {0: [], 1: []}
    t, who = rng.uniform(0, 1), 0
    while t < 30.0:
        length = rng.choice([0.4, 0.8, 2.0, 3.5, 5.0])
        spans[who].append(Span(t, min(30.0, t + length)))
        t += length + rng.choice([0.0, 0.2, 0.6])
        who = 1 - who if rng.random() < 0.8 else who
    return {k: tuple(v) for k, v in spans.items()}


def test_framings_cover_the_shot_hold_and_confirm() -> None:
    """Random conversations: framings tile the shot, each lasts the hold, its speaker speaks
    in it, and little speech is left off screen; or a known reason says why not."""
    switched = 0
    for seed in range(40):
        speaking = _conversation(seed)
        found = speaker_turns(speaking, 0.0, 30.0)
        if isinstance(found, str):
            assert "too fast" in found or "long enough" in found, found
            continue
        turns = found.turns
        assert turns[0].start == 0.0 and turns[-1].end == 30.0
        assert all(a.end == b.start and a.speaker != b.speaker
                   for a, b in itertools.pairwise(turns))
        if len(turns) > 1:
            switched += 1
            assert all(t.end - t.start >= MIN_HOLD_S for t in turns)
            assert all(_spoken(speaking[t.speaker], t.start, t.end) >= CONFIRM_S
                       for t in turns)
        assert found.off_screen <= MAX_OFF_SCREEN_SHARE
    assert switched >= 5
