"""What a folder already holds, so a cut resumes instead of starting over.

Each finished variant is recorded with a key: a hash of everything that decides its bytes
(the source's content fingerprint, the span, the plan, the caption text, the timeline formats,
the coulisses version). Running the same cut again skips every variant whose key and files are
still there; adding a platform renders only that platform. The loudness measurement of a span
is kept too. The manifest is a hidden JSON file in the output folder, written atomically.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from coulisses import __version__
from coulisses.output import write_text
from coulisses.render.captions import Cue
from coulisses.render.plan import Loudness, RenderPlan, Variant

NAME = ".coulisses-manifest.json"
CACHE_DIR = ".coulisses-cache"


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def variant_key(source: str, plan: RenderPlan, variant: Variant, cues: list[Cue],
                timelines: list[str]) -> str:
    """The hash of everything that decides a variant's files."""
    data = {
        "coulisses": __version__, "source": source, "start": plan.start,
        "duration": plan.duration, "normalise": asdict(plan.normalise),
        "video_stream": plan.video_stream, "audio_stream": plan.audio_stream,
        "loudness": asdict(plan.loudness) if plan.loudness else None,
        "preset": plan.preset, "variant": asdict(variant) | {"captions_ass": None},
        "cues": [asdict(c) for c in cues], "timelines": sorted(timelines),
    }
    text = json.dumps(_plain(data), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class Manifest:
    """The record of one output folder."""

    def __init__(self, folder: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.data = data

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read the folder's manifest; a missing or unreadable one is an empty record."""
        try:
            data = json.loads((folder / NAME).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != 1:
                raise ValueError("unknown manifest")
        except (OSError, ValueError):
            data = {"version": 1, "loudness": {}, "variants": {}}
        return cls(folder, data)

    @staticmethod
    def loudness_key(source: str, start: Fraction, duration: Fraction, stream: int) -> str:
        # ":2": measured with ebur128 (momentary spread) and holding the make-up gains
        return f"{source}:{start}:{duration}:{stream}:2"

    def loudness(self, key: str) -> Loudness | None:
        raw = self.data["loudness"].get(key)
        if not isinstance(raw, dict):
            return None
        try:
            return Loudness.from_json(raw)
        except (TypeError, KeyError):
            return None

    def set_loudness(self, key: str, value: Loudness) -> None:
        self.data["loudness"][key] = asdict(value)

    def finished(self, name: str, key: str) -> dict[str, Any] | None:
        """The recorded result of a variant, when its key matches and its files exist."""
        entry = self.data["variants"].get(name)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        result = entry.get("result", {})
        files = [result.get("video"), result.get("cover"), result.get("strip"),
                 *result.get("timelines", [])]
        if not all(isinstance(f, str) and (self.folder / f).is_file() for f in files):
            return None
        return dict(result)

    def record(self, name: str, key: str, result: dict[str, Any]) -> None:
        self.data["variants"][name] = {"key": key, "result": result}

    def stem_owners(self) -> dict[str, str]:
        """Which source fingerprint made each output stem of the folder (empty for older
        folders)."""
        raw = self.data.get("stems")
        if not isinstance(raw, dict):
            return {}
        return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}

    def set_stem_owner(self, stem: str, fingerprint: str) -> None:
        self.data["stems"] = self.stem_owners() | {stem: fingerprint}

    def save(self) -> None:
        write_text(self.folder / NAME, json.dumps(self.data, indent=1) + "\n")
