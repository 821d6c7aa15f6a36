"""Faults the sandbox injects at chosen rates, parsed from ``--faults`` (``5xx=0.1,429=0.05``)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from coulisses.errors import UsageError

KINDS: dict[str, str] = {
    "5xx": "a 503 before the request is handled",
    "429": "a 429 with Retry-After before the request is handled",
    "drop": "the connection dropped after the final call commits (outcome unknown to the client)",
    "expire": "the access token expires (401) on an authenticated call (not Meta's: no refresh)",
    "processing": "the platform's processing fails (container ERROR, upload FAILED)",
    "chunk_size": "TikTok refuses the chunk size at init (invalid_params)",
    "version": "LinkedIn answers 426 NONEXISTENT_VERSION (a retired API version)",
    "quota": "the platform's posting quota is exhausted",
}


@dataclass(frozen=True)
class Faults:
    """Rates in [0, 1] per fault kind, a seed, and the Retry-After the sandbox sends."""

    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    retry_after: int = 1

    def describe(self) -> str:
        if not self.rates:
            return "no faults"
        return ", ".join(f"{k} {v:.0%}" for k, v in sorted(self.rates.items()))


def parse_faults(spec: str) -> Faults:
    """``KIND=RATE`` pairs separated by commas; ``all=RATE`` sets every kind; ``seed=N`` and
    ``retry_after=SECONDS`` tune the run.

    Raises:
        UsageError: an unknown kind or a rate outside [0, 1].
    """
    rates: dict[str, float] = {}
    seed, retry_after = 0, 1
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep:
            raise UsageError(f"fault {part!r} has no rate", hint="e.g. --faults 5xx=0.1,429=0.05")
        try:
            number = float(value)
        except ValueError:
            raise UsageError(f"fault {key}: {value!r} is not a number") from None
        if key == "seed":
            seed = int(number)
            continue
        if key == "retry_after":
            retry_after = max(0, int(number))
            continue
        if not 0 <= number <= 1:
            raise UsageError(f"fault {key}: rate {number} is not between 0 and 1")
        if key == "all":
            rates.update(dict.fromkeys(KINDS, number))
        elif key in KINDS:
            rates[key] = number
        else:
            raise UsageError(f"unknown fault {key!r}", hint=f"known: {', '.join(KINDS)}, all")
    return Faults(rates=rates, seed=seed, retry_after=retry_after)


class Dice:
    """Seeded, thread-safe rolls against the fault rates."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._random = random.Random(faults.seed)
        self._lock = threading.Lock()
        self.counts: dict[str, int] = dict.fromkeys(KINDS, 0)

    def roll(self, kind: str) -> bool:
        rate = self.faults.rates.get(kind, 0.0)
        if rate <= 0:
            return False
        with self._lock:
            hit = self._random.random() < rate
            if hit:
                self.counts[kind] += 1
        return hit
