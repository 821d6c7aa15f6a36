"""Map one function over many jobs: in a local process pool (default) or as Ray tasks.

Jobs are streamed (at most a few per worker in flight), so memory stays bounded whatever their
number, and each result is handed to ``on_result`` in the calling process as it comes back, once
per job key. A worker that dies mid-run (the pool breaks, a Ray task's worker crashes) has its
jobs retried on the others; a job already settled is never settled again, so nothing is counted
twice. A job that keeps killing its worker is given up after ``MAX_ATTEMPTS`` (run alone after
its second) and reported as failed. An exception from the function fails that job only; a
``UsageError`` means the machine, not the job (a model that cannot be loaded): the run stops with
that one line, the results already handed over kept.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from coulisses.errors import UsageError

J = TypeVar("J")
R = TypeVar("R")

MAX_ATTEMPTS = 3
AHEAD = 2  # jobs in flight per worker (local pool)

#: fraction of the jobs done (0-1)
JobsProgress = Callable[[float], None]


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What a worker gives back for one job: its value, or why it failed (``error``)."""

    id: str
    value: R | None
    error: str
    busy_s: float
    fatal: bool = False  # the work cannot run on this machine: stop, not per job


@dataclass(frozen=True)
class JobsRun:
    """One run: jobs done, jobs failed (key, reason), retries, and how busy the workers were
    (busy seconds over wall seconds times workers)."""

    workers: int
    done: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    retried: int = 0
    wall_s: float = 0.0
    busy_s: float = 0.0
    backend: str = "pool"

    @property
    def busy_share(self) -> float:
        """The share of the workers' time spent running jobs (0-1)."""
        if self.wall_s <= 0 or self.workers <= 0:
            return 0.0
        return min(1.0, self.busy_s / (self.wall_s * self.workers))


def attempt(fn: Callable[[J], R], job: J, key: str) -> Outcome[R]:
    """Run ``fn(job)`` in a worker; an exception becomes the outcome's error."""
    start = time.perf_counter()
    try:
        value = fn(job)
    except UsageError as exc:  # the machine, not the job
        return Outcome(key, None, exc.message, time.perf_counter() - start, fatal=True)
    except Exception as exc:  # the run goes on; the job is reported as failed
        return Outcome(key, None, f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__,
                       time.perf_counter() - start)
    return Outcome(key, value, "", time.perf_counter() - start)


@dataclass
class _Tally(Generic[J, R]):
    """The run's bookkeeping: settled keys, failures, attempts and the retry queue."""

    key: Callable[[J], str]
    on_result: Callable[[str, R], None]
    total: int | None
    progress: JobsProgress | None
    resume_hint: str
    failed: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    retry: deque[J] = field(default_factory=deque)
    finished: set[str] = field(default_factory=set)
    done: int = 0
    retried: int = 0
    busy_s: float = 0.0

    def settle(self, outcome: Outcome[R]) -> None:
        if outcome.id in self.finished:  # a retried job that came back twice
            return
        if outcome.fatal:  # keep what is done; the jobs left stay to run next time
            raise UsageError(outcome.error, hint=self.resume_hint)
        self.finished.add(outcome.id)
        self.busy_s += outcome.busy_s
        if outcome.error:
            self.failed[outcome.id] = outcome.error
        else:
            self.on_result(outcome.id, outcome.value)  # type: ignore[arg-type]
            self.done += 1
        self.tick()

    def lost(self, job: J, why: str) -> None:
        """A worker died with ``job`` in flight: retry it, or give it up."""
        key = self.key(job)
        if key in self.finished:
            return
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if self.attempts[key] >= MAX_ATTEMPTS:
            self.finished.add(key)
            self.failed[key] = f"its worker died {MAX_ATTEMPTS} times ({why})"
            self.tick()
        else:
            self.retried += 1
            self.retry.append(job)

    def tick(self) -> None:
        if self.progress is not None and self.total:
            self.progress(min(1.0, len(self.finished) / self.total))

    def repeated(self, job: J) -> bool:
        """True when ``job`` broke a worker twice: it runs alone."""
        return self.attempts.get(self.key(job), 0) >= 2

    def next_job(self, fresh: Iterator[J], *, alone: bool) -> J | None:
        """The next job to submit: retries first; one that broke a worker twice only when
        nothing else is in flight (``alone``), so it cannot take others down with it."""
        if self.retry:
            if self.repeated(self.retry[0]) and not alone:
                return None
            return self.retry.popleft()
        return next(fresh, None)


def run_jobs(fn: Callable[[J], R], jobs: Iterable[J], *, key: Callable[[J], str],
             on_result: Callable[[str, R], None], workers: int = 0,
             ray_address: str | None = None, progress: JobsProgress | None = None,
             total: int | None = None,
             resume_hint: str = "fix it and run again: finished work is kept") -> JobsRun:
    """Run ``fn`` on each job and hand each value to ``on_result(key, value)`` here.

    ``fn`` must be picklable (a module-level function, or a ``functools.partial`` of one);
    ``key`` names a job uniquely. ``workers``: processes (0: one per CPU); with
    ``ray_address`` (``auto`` starts a local Ray cluster, else the address of a running one),
    that many Ray tasks at a time. ``total``: the number of jobs, for ``progress``.

    Raises:
        UsageError: Ray cannot be reached at ``ray_address``, or ``fn`` raised one (with
            ``resume_hint``; the values handed over so far are kept).
    """
    count = workers or os.cpu_count() or 1
    tally: _Tally[J, R] = _Tally(key, on_result, total, progress, resume_hint)
    start = time.perf_counter()
    if ray_address:
        _run_ray(fn, iter(jobs), count, ray_address, tally)
    else:
        _run_pool(fn, iter(jobs), count, tally)
    return JobsRun(count, tally.done, tuple(sorted(tally.failed.items())), tally.retried,
                   time.perf_counter() - start, tally.busy_s, "ray" if ray_address else "pool")


def _run_pool(fn: Callable[[J], R], fresh: Iterator[J], workers: int,
              tally: _Tally[J, R]) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(workers, mp_context=context)
    flight: dict[Future[Outcome[R]], J] = {}
    try:
        while True:
            broken = False
            while len(flight) < workers * AHEAD:
                job = tally.next_job(fresh, alone=not flight)
                if job is None:
                    break
                try:
                    flight[pool.submit(attempt, fn, job, tally.key(job))] = job
                except BrokenProcessPool:  # it broke before a result said so
                    tally.retry.appendleft(job)
                    broken = True
                    break
                if tally.repeated(job):
                    break  # run it alone
            if not flight and not broken:
                return
            if flight:
                ready, _ = wait(flight, return_when=FIRST_COMPLETED)
                for future in ready:
                    job = flight.pop(future)
                    try:
                        tally.settle(future.result())
                    except BrokenProcessPool:
                        broken = True
                        tally.lost(job, "the process pool broke")
            if broken:  # every job still in flight went down with the pool
                for job in flight.values():
                    tally.lost(job, "the process pool broke")
                flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(workers, mp_context=context)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_ray(fn: Callable[[J], R], fresh: Iterator[J], workers: int, address: str,
             tally: _Tally[J, R]) -> None:
    import ray

    from coulisses.executor.ray_cluster import connect_ray

    started = connect_ray(address, workers)
    try:
        remote: Any = ray.remote(num_cpus=1, max_retries=0)(attempt)
        fn_ref = ray.put(fn)
        flight: dict[Any, J] = {}
        while True:
            while len(flight) < workers:
                job = tally.next_job(fresh, alone=not flight)
                if job is None:
                    break
                flight[remote.remote(fn_ref, job, tally.key(job))] = job
                if tally.repeated(job):
                    break
            if not flight:
                return
            ready, _ = ray.wait(list(flight), num_returns=1)
            for ref in ready:
                job = flight.pop(ref)
                try:
                    tally.settle(ray.get(ref))
                except ray.exceptions.RayError as exc:
                    tally.lost(job, type(exc).__name__)
    finally:
        if started:
            ray.shutdown()
