"""Fixtures for the analytics import tests: a fresh store per test, and sample posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from exports import Video

AS_OF = date(2026, 10, 20)  # the day the sample exports were "downloaded"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "analytics.duckdb"


@pytest.fixture
def store(store_path: Path) -> Iterator[object]:
    from coulisses.kpi.store import open_store

    with open_store(store_path) as db:
        yield db


@pytest.fixture
def videos() -> list[Video]:
    """Three posts with hand-picked numbers the tests check against."""
    return [
        Video("7301000000000000001", "Behind the scenes: the spring shoot #bts",
              datetime(2026, 10, 3, 18, 0), views=18400, likes=1200, comments=87, shares=45,
              saves=30, reach=15000, impressions=21000, clicks=640, follows=12,
              watch_time_s=3723, avg_watch_s=9, completion=0.125, duration_s=31),
        Video("7301000000000000002", "Spring collection teaser",
              datetime(2026, 10, 5, 12, 30), views=1234567, likes=45000, comments=1500,
              shares=900, saves=410, reach=900000, impressions=1500000, clicks=5200,
              follows=300, watch_time_s=86400, avg_watch_s=14, completion=0.31,
              duration_s=20),
        Video("7301000000000000003", "Meet the makers, episode 1",
              datetime(2026, 10, 9, 9, 15), views=950, likes=40, comments=0, shares=2,
              saves=1, reach=800, impressions=1100, clicks=12, follows=0, watch_time_s=610,
              avg_watch_s=22, completion=0.4, duration_s=45),
    ]
