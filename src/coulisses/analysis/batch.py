"""``analyze_many``: a shoot's rushes analysed as one job each on the executor (a local process
pool or Ray), results cached exactly as ``analyze`` caches them.

Each rush is probed here first (a file that is not video stops the run at once, as a plain
``analyze`` does). A rush whose every analyser is cached is not sent anywhere; the others (one job
per content fingerprint, so the same rush named twice runs once) run ``analyze`` in a worker,
whose results this process writes into its own cache when they are not there yet (a Ray worker
on another machine may see another cache folder). The analyses returned are then read back from
the cache by ``analyze`` itself, so they are the ones a local run gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coulisses.analysis.base import Analyzer
from coulisses.analysis.cache import AnalysisCache
from coulisses.analysis.model import Analysis, part_to_json
from coulisses.analysis.run import analyze, default_analyzers
from coulisses.errors import InputError
from coulisses.executor import JobsRun, run_jobs
from coulisses.media.fingerprint import source_fingerprint
from coulisses.media.probe import probe
from coulisses.settings import Settings

#: ``(rushes done, rushes to analyse)``
BatchProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class RushJob:
    """One rush to analyse in a worker: the file, by its content fingerprint."""

    fingerprint: str
    path: str
    settings: Settings
    analyzers: tuple[Analyzer, ...]


def analyze_rush(job: RushJob) -> Analysis:
    """Run ``analyze`` on one rush, as a worker does.

    Raises:
        InputError (and leaves): the file cannot be read as video.
    """
    return analyze(job.path, job.settings, job.analyzers)


def analyze_many(paths: Sequence[str | Path], settings: Settings,
                 analyzers: Sequence[Analyzer] | None = None, *, workers: int = 0,
                 ray_address: str | None = None,
                 progress: BatchProgress | None = None) -> tuple[list[Analysis], JobsRun]:
    """Analyse each rush of ``paths`` as one job (``workers`` processes, 0: one per CPU; or
    Ray at ``ray_address``, ``auto`` for a local cluster); the analyses in ``paths``' order
    and the executor's run (jobs done, retried, busy share).

    Raises:
        InputError (and leaves): a file is not video, or a rush could not be analysed (the
            others are cached: running again resumes).
        UsageError: Ray cannot be reached, or an analyser cannot run on the workers.
    """
    chosen = tuple(analyzers if analyzers is not None else default_analyzers(settings))
    cache = AnalysisCache(settings.cache_dir)
    jobs: dict[str, RushJob] = {}
    for path in paths:
        info = probe(path)
        info.require_video()
        fingerprint = source_fingerprint(info.path)
        missing = [a for a in chosen if cache.get(fingerprint, a.name, a.version) is None]
        if missing and fingerprint not in jobs:
            jobs[fingerprint] = RushJob(fingerprint, str(info.path), settings, chosen)
    names = {fingerprint: job.path for fingerprint, job in jobs.items()}
    done = 0

    def keep(fingerprint: str, analysis: Analysis) -> None:
        nonlocal done
        for analyzer in chosen:
            if cache.get(fingerprint, analyzer.name, analyzer.version) is None:
                cache.put(fingerprint, analyzer.name, analyzer.version,
                          part_to_json(getattr(analysis, analyzer.name)))
        done += 1
        if progress is not None:
            progress(done, len(jobs))

    if progress is not None:
        progress(0, len(jobs))
    run = run_jobs(analyze_rush, jobs.values(), key=_fingerprint, on_result=keep,
                   workers=workers, ray_address=ray_address, total=len(jobs),
                   resume_hint="fix it and run analyze again: the rushes done are cached")
    if run.failed:
        fingerprint, reason = run.failed[0]
        others = f" (and {len(run.failed) - 1} more)" if len(run.failed) > 1 else ""
        raise InputError(f"{names[fingerprint]}: could not be analysed: {reason}{others}",
                         hint="the other rushes are cached; run analyze again to resume")
    return [analyze(path, settings, chosen) for path in paths], run


def _fingerprint(job: RushJob) -> str:
    return job.fingerprint
