"""Which of two transcripts of the same window to keep: the main model's or the English-only
model's (setting ``speech_english_choice``).

``confidence`` (the default) has both models decode every window the main model finds
English and keeps the English model's words only when the models are surer of them: a higher
mean word probability (whisper's per-word probability, the mean of its tokens'). Word
probabilities compare across the two models where per-token log-probabilities do not (the
models split text into different tokens). ``always`` lets the English model decode all
English, as a plain replacement of the main model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CONFIDENCE = "confidence"
ALWAYS = "always"


def mean_word_probability(segments: Sequence[Any]) -> float | None:
    """The mean probability of the words of faster-whisper ``segments``; ``None`` without
    words."""
    probabilities = [float(w.probability) for seg in segments for w in seg.words or ()]
    return sum(probabilities) / len(probabilities) if probabilities else None


def english_is_surer(main: Sequence[Any], english: Sequence[Any]) -> bool:
    """Whether to keep the English model's segments of a window over the main model's: both
    have words and the English model's mean word probability is strictly higher (a tie, or a
    window where either found nothing, keeps the main model's)."""
    mine, theirs = mean_word_probability(main), mean_word_probability(english)
    return mine is not None and theirs is not None and theirs > mine
