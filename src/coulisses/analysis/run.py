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
    chosen = list(analyzers if analyzers is not None else default_analyzers(settings))
    stored = {a.name: cache.get(fingerprint, a.name, a.version) for a in chosen}
    pending = [a for a in chosen if stored[a.name] is None]
    frames = [a for a in pending if hasattr(a, "frame_job")]
    others = [a for a in pending if a not in frames]

    def run_others(say: AnalysisProgress) -> dict[str, Any]:
        out = {}
        for analyzer in others:
            say(info.path.name, analyzer.name, 0.0)
            source = Source(info, settings, _progress_for(say, info.path.name, analyzer.name))
            out[analyzer.name] = part_to_json(analyzer.analyze(source))
            cache.put(fingerprint, analyzer.name, analyzer.version, out[analyzer.name])
        return out

    if frames and others:
        # sound analysers run beside the video pass: each uses the cores the other leaves
        # idle (decoding and numpy are mostly single-threaded); progress follows the video
        background = _Background(lambda: run_others(lambda file, name, done: None))
        stored.update(_run_shared(frames, info, settings, report, cache, fingerprint))
        stored.update(background.result())
    else:
        if frames:
            stored.update(_run_shared(frames, info, settings, report, cache, fingerprint))
        stored.update(run_others(report))
    for analyzer in chosen:
        report(info.path.name, analyzer.name, 1.0)
        result = replace(result, **{analyzer.name: part_from_json(analyzer.name,
                                                                  stored[analyzer.name])})
    return result


class _Background:
    """A function run in a daemon thread (an interrupted run does not wait for it);
    ``result()`` waits and returns its value or raises its exception."""

    def __init__(self, work: Callable[[], dict[str, Any]]) -> None:
        import threading

        self._value: dict[str, Any] = {}
        self._error: BaseException | None = None
        self._work = work
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the caller's thread
            self._error = exc

    def result(self) -> dict[str, Any]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _run_shared(analyzers: list[Any], info: Probe, settings: Settings, report: AnalysisProgress,
                cache: AnalysisCache, fingerprint: str) -> dict[str, Any]:
    """Run the frame analysers on one decode of the file; each result is cached as it is
    done. Progress is reported under the first one's name."""
    from coulisses.analysis.framebus import feed, time_progress

    first = analyzers[0].name
    quiet = Source(info, settings, lambda done: None)
    jobs = [a.frame_job(quiet) for a in analyzers]
    report(info.path.name, first, 0.0)
    feed(info.path, jobs, progress=time_progress(_progress_for(report, info.path.name, first),
                                                 float(info.duration)))
    out: dict[str, Any] = {}
    for analyzer, job in zip(analyzers, jobs, strict=True):
        out[analyzer.name] = part_to_json(job.finish())
        cache.put(fingerprint, analyzer.name, analyzer.version, out[analyzer.name])
    return out


def _progress_for(report: AnalysisProgress, file: str, name: str) -> Callable[[float], None]:
    def update(done: float) -> None:
        report(file, name, done)

    return update
