"""``cut_many``: many cuts (a campaign's planned deliverables) as one job each on the executor,
a local process pool or Ray.

Each job is the same ``cut`` call a single cut makes (same source, platform, folder and options),
so its files and its QC are those of the local path; ``cut`` keeps the variants already finished
in a folder, so a run stopped midway resumes. Jobs are keyed by their id (a deliverable's): one
result each, however often a dead worker made the executor try.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses.executor import JobsRun, run_jobs
from coulisses.render.plan import CutOptions
from coulisses.render.result import CutResult
from coulisses.settings import Settings

if TYPE_CHECKING:
    from coulisses.render.cut import ProgressFn

#: ``(cuts done, cuts to make)``
BatchProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class CutJob:
    """One cut to make in a worker: ``source`` to ``platform`` in ``out_dir``."""

    id: str
    source: Path
    platform: str
    out_dir: Path
    options: CutOptions
    settings: Settings


def cut_one(job: CutJob, progress: ProgressFn | None = None) -> CutResult:
    """Make one cut, as the local path does (``progress``: the cut's stages, here only).

    Raises:
        InputError, OutputError, FFmpegError (and leaves): as ``cut`` does.
    """
    from coulisses.media.ffmpeg import SubprocessRunner
    from coulisses.platforms.registry import Registry
    from coulisses.render.cut import cut

    return cut(job.source, [job.platform], job.out_dir, options=job.options,
               registry=Registry.load(job.settings.platform_dirs), settings=job.settings,
               runner=SubprocessRunner(job.settings.ffmpeg or None), progress=progress)


def cut_many(jobs: Sequence[CutJob], *, workers: int = 0, ray_address: str | None = None,
             progress: BatchProgress | None = None) -> tuple[dict[str, CutResult], JobsRun]:
    """Make every cut of ``jobs`` (``workers`` processes, 0: one per CPU; or Ray at
    ``ray_address``, ``auto`` for a local cluster): the results by job id, and the run (its
    ``failed`` lists the cuts that could not be made, with the reason).

    Raises:
        UsageError: Ray cannot be reached, or the cuts cannot run on the workers (an encoder).
    """
    results: dict[str, CutResult] = {}

    def keep(key: str, result: CutResult) -> None:
        results[key] = result
        if progress is not None:
            progress(len(results), len(jobs))

    if progress is not None:
        progress(0, len(jobs))
    run = run_jobs(cut_one, jobs, key=_job_id, on_result=keep, workers=workers,
                   ray_address=ray_address, total=len(jobs),
                   resume_hint="fix it and run again: the cuts finished are kept")
    return results, run


def _job_id(job: CutJob) -> str:
    return job.id
