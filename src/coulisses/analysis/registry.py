"""The analysers coulisses runs, in order. Each lives in its own module of this package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.base import Analyzer


def analyzers(settings: Settings) -> list[Analyzer]:
    """One instance of every analyser, in the order they run."""
    # imported here: each module imports the protocols of run.py, which imports this one
    from coulisses.analysis.audio import AudioAnalyzer
    from coulisses.analysis.faces import FaceAnalyzer
    from coulisses.analysis.picture import PictureAnalyzer
    from coulisses.analysis.shots import ShotAnalyzer
    from coulisses.analysis.speech import SpeechAnalyzer

    return [ShotAnalyzer(settings), SpeechAnalyzer(settings), FaceAnalyzer(settings),
            AudioAnalyzer(settings), PictureAnalyzer(settings)]
