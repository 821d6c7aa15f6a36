"""A small, healthy campaign the campaign tests build for themselves, and line finders."""

from __future__ import annotations

import copy
from typing import Any

import yaml

HEALTHY: dict[str, Any] = {
    "version": 1,
    "id": "test-campaign",
    "name": "Test campaign",
    "brand": {"name": "Test brand"},
    "period": {"start": "2026-03-01", "end": "2026-03-31"},
    "objectives": [
        {"id": "be-known", "goal": "awareness", "summary": "Be known", "kpis": [
            {"id": "views-kpi", "metric": "views", "target": 10000},
            {"id": "bts-shares", "metric": "shares", "target": 500, "scope": "bts"}]},
    ],
    "beats": [{"id": "setup", "title": "Setup"},
              {"id": "finale", "title": "Finale", "after": ["setup"]}],
    "series": [{
        "id": "show", "title": "Show", "platform": "tiktok", "episodes_planned": 2,
        "max_seconds": 60,
        "episodes": [{
            "id": "ep-1", "number": 1, "title": "One", "beats": ["setup"], "duration_s": 50,
            "shoot_day": "day-1", "people": ["ana"],
            "deliverables": [{"id": "ep-1-tt", "platform": "tiktok", "format": "tt-episode",
                              "duration_s": 50, "publish": "2026-03-05"}]}]}],
    "bts": [
        {"id": "hard-work", "title": "Hard work", "capture": "The rehearsal that fails",
         "kind": "failure", "style": "raw", "beats": ["setup"], "shoot_day": "day-1",
         "people": ["ana"],
         "deliverables": [{"id": "hard-work-tt", "platform": "tiktok", "format": "tt-bts",
                           "duration_s": 30, "publish": "2026-03-08"}]},
        {"id": "teaser", "title": "Teaser", "capture": "Closed doors", "kind": "teaser",
         "style": "staged", "beats": ["finale"],
         "deliverables": [{"id": "teaser-ig", "platform": "instagram-reels",
                           "format": "ig-reel", "duration_s": 20, "publish": "2026-03-10"}]},
        {"id": "reveal", "title": "Reveal", "capture": "The result", "kind": "reveal",
         "style": "staged", "beats": ["finale"], "after": ["teaser"], "music": ["theme"],
         "deliverables": [{"id": "reveal-ig", "platform": "instagram-reels",
                           "format": "ig-reel", "duration_s": 40, "publish": "2026-03-12"}]},
    ],
    "platforms": [
        {"platform": "tiktok", "tone": "fast and fun",
         "formats": [{"id": "tt-episode", "name": "Episode"}, {"id": "tt-bts", "name": "BTS"}],
         "cadence": {"posts_per_week": 2}},
        {"platform": "instagram-reels", "tone": "aesthetic",
         "formats": [{"id": "ig-reel", "name": "Reel"}]},
    ],
    "locations": [{"id": "studio", "name": "Studio"}],
    "shoot_days": [{"id": "day-1", "date": "2026-03-02", "location": "studio",
                    "call": "08:30"}],
    "people": [{"id": "ana", "name": "Ana", "role": "talent", "consent": "granted"}],
    "music": [{"id": "theme", "title": "Theme",
               "licences": [{"platform": "instagram-reels", "status": "licensed"}]}],
}


def healthy() -> dict[str, Any]:
    """A fresh deep copy of the healthy campaign, to break one thing in."""
    return copy.deepcopy(HEALTHY)


def to_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML, keys in the order written above (dates stay quoted strings)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def line_of(text: str, needle: str, *, after: str | None = None) -> int:
    """1-based line of the first ``needle`` (after the first ``after``, when given)."""
    start = text.index(after) if after is not None else 0
    return text.count("\n", 0, text.index(needle, start)) + 1
