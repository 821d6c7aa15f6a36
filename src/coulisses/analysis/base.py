"""The analysis protocols: what an analyser gets (``Source``) and what it is (``Analyzer``, and
``FrameAnalyzer`` for those that share the one video decode through the frame bus).

Imports only ``media`` and ``settings``, so every analyser, the bus and the orchestrator
(``run.py``) can import it without a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from coulisses.media.frames import Frame
from coulisses.media.probe import Probe
from coulisses.settings import Settings


@dataclass(frozen=True)
class Source:
    """What an analyser gets: the probed file, the settings, and a progress callback."""

    probe: Probe
    settings: Settings
    progress: Callable[[float], None]

    @property
    def path(self) -> Path:
        return self.probe.path


@dataclass(frozen=True)
class FrameNeed:
    """Frames at about ``fps`` per second (each the first decoded at or after its slot),
    scaled so their longer side is at most ``max_side``."""

    fps: float
    max_side: int


class FrameSink(Protocol):
    """What a frame analyser gives the bus: what it needs, and where frames go."""

    need: FrameNeed

    def add(self, frame: Frame) -> None: ...


class FrameJob(FrameSink, Protocol):
    """A frame analyser's work on one file: frames in, then ``finish()`` gives its part."""

    def finish(self) -> Any: ...


class Analyzer(Protocol):
    """An analyser: ``name`` is the ``Analysis`` field it fills, ``version`` is bumped when its
    output changes, ``analyze`` reads the whole file on its own."""

    name: str
    version: str

    def analyze(self, source: Source) -> Any: ...


@runtime_checkable
class FrameAnalyzer(Analyzer, Protocol):
    """An analyser that can also work on frames decoded once for several analysers."""

    def frame_job(self, source: Source) -> FrameJob: ...
