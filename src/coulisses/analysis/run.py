"""``analyze(path, analyzers) -> Analysis``: run each analyser once per file content.

An ``Analyzer`` has a ``name`` (the ``Analysis`` field it fills), a ``version`` (bumped when
its output changes) and one method, ``analyze(source) -> part``. Results are cached by the
file's content fingerprint, so a second run is instant and an interrupted run resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from coulisses.analysis.cache import AnalysisCache
from coulisses.analysis.model import Analysis, part_from_json, part_to_json
from coulisses.media.probe import Probe, probe
from coulisses.render.manifest import source_fingerprint
from coulisses.settings import Settings

# (file name, analyser name, fraction done 0..1)
AnalysisProgress = Callable[[str, str, float], None]


@dataclass(frozen=True)
class Source:
    """What an analyser gets: the probed file, the settings, and a progress callback."""

    probe: Probe
    settings: Settings
    progress: Callable[[float], None]

    @property
    def path(self) -> Path:
        return self.probe.path


class Analyzer(Protocol):
    name: str
    version: str

    def analyze(self, source: Source) -> Any: ...


def default_analyzers(settings: Settings) -> list[Analyzer]:
    """Every analyser coulisses has, in the order they run."""
    from coulisses.analysis import registry

    return registry.analyzers(settings)


def analyze(path: str | Path, settings: Settings, analyzers: Sequence[Analyzer] | None = None,
            progress: AnalysisProgress | None = None) -> Analysis:
    """Analyse one file with each analyser, reusing cached results.

    Raises:
        InputError (and leaves): the file cannot be read as video.
    """
    info = probe(path)
    video = info.require_video()
    fingerprint = source_fingerprint(info.path)
    cache = AnalysisCache(settings.cache_dir)
    result = Analysis(fingerprint=fingerprint, path=str(info.path),
                      duration=float(info.duration), width=video.display_width,
                      height=video.display_height, fps=float(video.frame_rate))
    report = progress or (lambda file, name, done: None)
    for analyzer in analyzers if analyzers is not None else default_analyzers(settings):
        stored = cache.get(fingerprint, analyzer.name, analyzer.version)
        if stored is None:
            source = Source(info, settings, _progress_for(report, info.path.name, analyzer.name))
            report(info.path.name, analyzer.name, 0.0)
            part = analyzer.analyze(source)
            stored = part_to_json(part)
            cache.put(fingerprint, analyzer.name, analyzer.version, stored)
        report(info.path.name, analyzer.name, 1.0)
        result = replace(result, **{analyzer.name: part_from_json(analyzer.name, stored)})
    return result


def _progress_for(report: AnalysisProgress, file: str, name: str) -> Callable[[float], None]:
    def update(done: float) -> None:
        report(file, name, done)

    return update
