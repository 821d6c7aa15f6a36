"""The challenge core's test world (ch-core): an example campaign file with the ``casting``
challenge, a fresh studio database, entry clips that pass the casting rules, and stages that
misbehave on purpose (a worker that dies, a stage that raises)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

import media
from coulisses.challenges.entry import Entry, Rules, Scalar
from coulisses.studio.db import open_database

#: a Ray cluster the CI started (.ci/run); read at import (the suite clears COULISSES_* per test)
RAY_ADDRESS = os.environ.get("COULISSES_TEST_RAY_ADDRESS", "")
needs_ray = pytest.mark.skipif(not RAY_ADDRESS, reason=(
    "COULISSES_TEST_RAY_ADDRESS is unset: .ci/run starts a local Ray cluster for these tests"))


@pytest.fixture
def campaign_file(tmp_path: Path) -> Path:
    """The packaged casting-series-fr example, with its ``casting`` challenge."""
    from coulisses.campaign.template import example_text

    path = tmp_path / "casting-series-fr.yaml"
    path.write_text(example_text("casting-series-fr"), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    """A session on a fresh SQLite studio database."""
    engine, sessions = open_database(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    with sessions() as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="session")
def entry_clip(media_dir: Path) -> Path:
    """A portrait entry within the casting rules: H.264 480x854, 4 s, tone at -20.7 LUFS."""
    return media.make_clip(media_dir / "entry.mp4", width=480, height=854, duration=4.0)


@pytest.fixture(scope="session")
def other_clip(media_dir: Path) -> Path:
    """Another passing entry (another picture size and sound), distinct bytes."""
    return media.make_clip(media_dir / "entry-b.mp4", width=540, height=960, duration=3.5,
                           audio="speech")


@dataclass(frozen=True)
class DyingStage:
    """Kills its worker process the first time it meets ``victim`` (a marker file says it
    already did; every time with ``always``), else gives a row naming the worker's pid."""

    marker: str
    victim: str
    always: bool = False
    name: str = "dying"
    columns: tuple[str, ...] = ("pid", "size")

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        if entry.id == self.victim and (self.always or not Path(self.marker).exists()):
            Path(self.marker).write_text("died once", encoding="utf-8")
            os._exit(3)
        return {"pid": os.getpid(), "size": entry.path.stat().st_size}


@dataclass(frozen=True)
class RaisingStage:
    """Raises for entries whose id ends with ``bad``."""

    name: str = "raising"
    columns: tuple[str, ...] = ("seen",)

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        if entry.id.endswith("bad"):
            raise ValueError("this entry breaks the stage")
        return {"seen": entry.id}


@dataclass(frozen=True)
class NoModelStage:
    """Cannot run on this machine at all from the entry ``e3`` on (a model that cannot load)."""

    name: str = "nomodel"
    columns: tuple[str, ...] = ("seen",)

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        from coulisses.errors import UsageError

        if entry.id >= "e3":
            raise UsageError("speech model 'x' cannot be loaded (offline)")
        return {"seen": entry.id}


@dataclass(frozen=True)
class SeenStage:
    """A later stage recording what it was given (to check the QC gate skips)."""

    name: str = "seen"
    columns: tuple[str, ...] = ("seen",)

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]:
        return {"seen": entry.path.name}
