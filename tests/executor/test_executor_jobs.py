"""The executor: jobs streamed to a process pool, each settled once; a worker that dies has its
jobs retried on the others; an exception fails one job, a UsageError stops the run."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from coulisses.errors import UsageError
from coulisses.executor import run_jobs


@dataclass(frozen=True)
class Job:
    key: str
    marker: str = ""  # the first worker to meet the victim dies and leaves this file
    victim: bool = False


def square_or_die(job: Job) -> tuple[str, int]:
    """The job's number squared and the worker's pid; kills its worker once for the victim."""
    if job.victim and not os.path.exists(job.marker):
        Path(job.marker).touch()
        os._exit(1)
    if job.key == "bad":
        raise ValueError("this job breaks")
    if job.key == "nomodel":
        raise UsageError("model 'x' cannot be loaded")
    n = int(job.key[1:])
    return job.key, n * n


def _key(job: Job) -> str:
    return job.key


def test_a_dead_worker_s_job_is_retried_elsewhere_and_nothing_is_counted_twice(
        tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    jobs = [Job(f"j{i}", marker, victim=i == 3) for i in range(8)]
    settled: Counter[str] = Counter()
    values: dict[str, int] = {}
    seen: list[float] = []

    def keep(key: str, value: tuple[str, int]) -> None:
        settled[key] += 1
        values[key] = value[1]

    run = run_jobs(square_or_die, iter(jobs), key=_key, on_result=keep, workers=2,
                   progress=seen.append, total=len(jobs))
    assert os.path.exists(marker)  # a worker did die
    assert set(settled.values()) == {1} and sorted(settled) == sorted(j.key for j in jobs)
    assert values == {f"j{i}": i * i for i in range(8)}
    assert run.done == 8 and run.failed == () and run.retried >= 1 and run.backend == "pool"
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert 0.0 <= run.busy_share <= 1.0


def test_an_exception_fails_its_job_only_and_a_usage_error_stops_the_run(
        tmp_path: Path) -> None:
    kept: list[str] = []
    run = run_jobs(square_or_die, [Job("j1"), Job("bad"), Job("j2")], key=_key,
                   on_result=lambda key, value: kept.append(key), workers=1)
    assert run.failed == (("bad", "ValueError: this job breaks"),)
    assert sorted(kept) == ["j1", "j2"]
    kept.clear()
    with pytest.raises(UsageError, match="model 'x' cannot be loaded") as caught:
        run_jobs(square_or_die, [Job("j1"), Job("nomodel"), Job("j2"), Job("j3")], key=_key,
                 on_result=lambda key, value: kept.append(key), workers=1,
                 resume_hint="run again")
    assert caught.value.hint == "run again"
    # what came back before is kept; nothing after the stop is run
    assert set(kept) <= {"j1", "j2"} and "j3" not in kept
