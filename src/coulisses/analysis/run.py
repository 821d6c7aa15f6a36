"""``analyze(path, analyzers) -> Analysis``: run each analyser once per file content.

An ``Analyzer`` (``analysis/base.py``) has a ``name`` (the ``Analysis`` field it fills), a
``version`` (bumped when its output changes) and one method, ``analyze(source) -> part``; a
``FrameAnalyzer`` also offers a ``frame_job``, so frame analysers share one decode. Results are
cached by the file's content fingerprint, so a second run is instant and an interrupted run resumes.

Progress comes two ways: ``progress(file, name, done)`` per analyser, and ``overall(fraction,
stages)``, one steadily rising fraction of the whole file's work (``ProgressTracker``: each
piece of work weighted by its expected share, concurrent pieces summed by weight).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from coulisses.analysis.base import Analyzer, FrameAnalyzer, Source
from coulisses.analysis.cache import AnalysisCache
from coulisses.analysis.model import Analysis, part_from_json, part_to_json
from coulisses.media.fingerprint import source_fingerprint
from coulisses.media.probe import Probe, probe
from coulisses.settings import Settings

# (file name, analyser name, fraction done 0..1)
AnalysisProgress = Callable[[str, str, float], None]
# (fraction of the whole file's analysis 0..1, names of the analysers running now)
OverallProgress = Callable[[float, tuple[str, ...]], None]

#: Expected share of the work of each analyser (relative; unknown names weigh 1). The frame
#: analysers share one decode, which counts as one piece weighing the sum of theirs.
WEIGHTS: dict[str, float] = {"shots": 1.0, "faces": 2.0, "picture": 1.0, "transcript": 4.0,
                             "audio": 0.5}


def default_analyzers(settings: Settings) -> list[Analyzer]:
    """Every analyser coulisses has, in the order they run."""
    from coulisses.analysis import registry

    return registry.analyzers(settings)


def analyze(path: str | Path, settings: Settings, analyzers: Sequence[Analyzer] | None = None,
            progress: AnalysisProgress | None = None, *,
            overall: OverallProgress | None = None) -> Analysis:
    """Analyse one file with each analyser, reusing cached results; ``progress`` hears of
    each analyser, ``overall`` of the whole (never going back, ending at 1).

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
    frames = [a for a in pending if isinstance(a, FrameAnalyzer)]
    others = [a for a in pending if not isinstance(a, FrameAnalyzer)]
    tracker = ProgressTracker(overall)
    decode = tracker.piece(tuple(a.name for a in frames)) if frames else None
    sound = {a.name: tracker.piece((a.name,)) for a in others}

    def run_others(say: AnalysisProgress) -> dict[str, Any]:
        out = {}
        for analyzer in others:
            piece = sound[analyzer.name]
            say(info.path.name, analyzer.name, 0.0)
            piece(0.0)
            source = Source(info, settings, _progress_for(say, info.path.name, analyzer.name,
                                                          piece))
            out[analyzer.name] = part_to_json(analyzer.analyze(source))
            cache.put(fingerprint, analyzer.name, analyzer.version, out[analyzer.name])
            piece(1.0)
        return out

    if decode is not None and others:
        # sound analysers run beside the video pass: each uses the cores the other leaves
        # idle (decoding and numpy are mostly single-threaded); the per-analyser progress
        # follows the video, the overall fraction both
        background = _Background(lambda: run_others(lambda file, name, done: None))
        stored.update(_run_shared(frames, info, settings, report, cache, fingerprint, decode))
        stored.update(background.result())
    else:
        if decode is not None:
            stored.update(_run_shared(frames, info, settings, report, cache, fingerprint,
                                      decode))
        stored.update(run_others(report))
    tracker.finish()
    for analyzer in chosen:
        report(info.path.name, analyzer.name, 1.0)
        result = replace(result, **{analyzer.name: part_from_json(analyzer.name,
                                                                  stored[analyzer.name])})
    return result


class ProgressTracker:
    """One overall fraction from pieces of work run one after another or side by side.

    Each piece (one analyser, or the frame analysers' shared decode) weighs the sum of its
    analysers' ``WEIGHTS``; the fraction is the weighted mean of the pieces' own fractions,
    never going back. ``report(fraction, stages)`` is called (under a lock, from whichever
    thread moved it) when the fraction grows by at least ``step`` or the running stages
    change, and once at 1 by ``finish()``.
    """

    def __init__(self, report: OverallProgress | None, step: float = 0.002) -> None:
        import threading

        self._report = report or (lambda fraction, stages: None)
        self._step = step
        self._lock = threading.Lock()
        self._pieces: list[tuple[tuple[str, ...], float]] = []
        self._done: list[float] = []
        self._started: list[bool] = []
        self._said: tuple[float, tuple[str, ...]] = (-1.0, ())
        self.fraction = 0.0

    def piece(self, names: tuple[str, ...]) -> Callable[[float], None]:
        """Add a piece of work; returns its callback taking its own fraction done 0..1."""
        index = len(self._pieces)
        self._pieces.append((names, sum(WEIGHTS.get(n, 1.0) for n in names)))
        self._done.append(0.0)
        self._started.append(False)

        def update(done: float) -> None:
            self._move(index, done)

        return update

    def stages(self) -> tuple[str, ...]:
        """Names of the analysers of the pieces started and not yet done."""
        return tuple(n for (names, _), done, started in zip(self._pieces, self._done,
                                                            self._started, strict=True)
                     if started and done < 1.0 for n in names)

    def finish(self) -> None:
        with self._lock:
            self._done = [1.0] * len(self._done)
            self.fraction = 1.0
            if self._said != (1.0, ()):
                self._said = (1.0, ())
                self._report(1.0, ())

    def _move(self, index: int, done: float) -> None:
        with self._lock:
            self._started[index] = True
            self._done[index] = max(self._done[index], min(1.0, max(0.0, done)))
            total = sum(w for _, w in self._pieces)
            now = (sum(w * d for (_, w), d in zip(self._pieces, self._done, strict=True))
                   / total) if total > 0 else 0.0
            self.fraction = max(self.fraction, min(now, 1.0))
            stages = self.stages()
            if self.fraction - self._said[0] >= self._step or stages != self._said[1]:
                self._said = (self.fraction, stages)
                self._report(self.fraction, stages)


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


def _run_shared(analyzers: list[FrameAnalyzer], info: Probe, settings: Settings,
                report: AnalysisProgress, cache: AnalysisCache, fingerprint: str,
                piece: Callable[[float], None]) -> dict[str, Any]:
    """Run the frame analysers on one decode of the file; each result is cached as it is
    done. Progress is reported under the first one's name, and to ``piece`` as the time
    decoded over the duration (finishing the parts counts as the last 2 %)."""
    from coulisses.analysis.framebus import feed, time_progress

    first = analyzers[0].name
    quiet = Source(info, settings, lambda done: None)
    jobs = [a.frame_job(quiet) for a in analyzers]
    report(info.path.name, first, 0.0)
    piece(0.0)
    decoded = _progress_for(report, info.path.name, first,
                            lambda done: piece(min(done, 1.0) * 0.98))
    feed(info.path, jobs, progress=time_progress(decoded, float(info.duration)))
    out: dict[str, Any] = {}
    for analyzer, job in zip(analyzers, jobs, strict=True):
        out[analyzer.name] = part_to_json(job.finish())
        cache.put(fingerprint, analyzer.name, analyzer.version, out[analyzer.name])
    piece(1.0)
    return out


def _progress_for(report: AnalysisProgress, file: str, name: str,
                  piece: Callable[[float], None] | None = None) -> Callable[[float], None]:
    def update(done: float) -> None:
        report(file, name, done)
        if piece is not None:
            piece(done)

    return update
