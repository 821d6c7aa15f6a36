"""The analysers coulisses runs, in order. Each lives in its own module of this package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.analysis.run import Analyzer


def analyzers(settings: Settings) -> list[Analyzer]:
    """Instances of every available analyser (modules not yet present are skipped)."""
    import importlib

    found: list[Analyzer] = []
    for module_name, class_name in (("shots", "ShotAnalyzer"), ("speech", "SpeechAnalyzer"),
                                    ("faces", "FaceAnalyzer"), ("audio", "AudioAnalyzer"),
                                    ("picture", "PictureAnalyzer")):
        try:
            module = importlib.import_module(f"coulisses.analysis.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"coulisses.analysis.{module_name}":
                continue
            raise
        found.append(getattr(module, class_name)(settings))
    return found
