"""Run one stage over many entries: in a local process pool (default) or as Ray tasks.

Entries are streamed (at most a few per worker in flight) and their rows checkpointed in
batches (``store.append_rows``), so memory stays bounded whatever the number of entries and an
interrupted run keeps every batch written. A worker that dies mid-run (the pool breaks, a Ray
task's worker crashes) has its entries retried on the others; rows are keyed by the entry's id,
so nothing is counted twice. An entry that keeps killing its worker is given up after
``MAX_ATTEMPTS`` (run alone after its second) and reported as failed.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coulisses.challenges.entry import Entry, Rules, Scalar, Stage
from coulisses.challenges.store import append_rows
from coulisses.errors import UsageError

MAX_ATTEMPTS = 3
BATCH = 64  # rows per checkpoint write
AHEAD = 2  # entries in flight per worker (local pool)

#: ``(stage, fraction done)``: the CLI's progress callback
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Outcome:
    """What a worker gives back for one entry: its row, or why the stage could not run."""

    id: str
    row: dict[str, Scalar] | None
    error: str
    busy_s: float
    fatal: bool = False  # the stage cannot run on this machine (no model): stop, not per entry


@dataclass(frozen=True)
class StageRun:
    """One stage's run: rows written, entries failed (id, reason), retries, and how busy its
    workers were (busy seconds over wall seconds times workers)."""

    stage: str
    workers: int
    done: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    retried: int = 0
    wall_s: float = 0.0
    busy_s: float = 0.0
    backend: str = "pool"

    @property
    def busy_share(self) -> float:
        """The share of the workers' time spent running the stage (0-1)."""
        if self.wall_s <= 0 or self.workers <= 0:
            return 0.0
        return min(1.0, self.busy_s / (self.wall_s * self.workers))


def work(stage: Stage, entry: Entry, rules: Rules) -> Outcome:
    """Run ``stage`` on one entry in a worker; an exception becomes the outcome's error."""
    start = time.perf_counter()
    try:
        row = stage.run(entry, rules)
        error = ""
    except UsageError as exc:  # the machine, not the entry: a model that cannot be loaded
        return Outcome(entry.id, None, f"stage {stage.name}: {exc.message}",
                       time.perf_counter() - start, fatal=True)
    except Exception as exc:  # the run goes on; the entry is reported as failed
        row, error = None, f"{type(exc).__name__}: {exc}"[:300]
    return Outcome(entry.id, row, error, time.perf_counter() - start)


@dataclass
class _Tally:
    """The run's bookkeeping: rows waiting for the next checkpoint write, counts, retries."""

    stage: Stage
    checkpoint: Path
    total: int | None
    progress: Progress | None
    buffer: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    retry: deque[Entry] = field(default_factory=deque)
    finished: set[str] = field(default_factory=set)
    done: int = 0
    retried: int = 0
    busy_s: float = 0.0

    def settle(self, outcome: Outcome) -> None:
        if outcome.id in self.finished:  # a retried entry that came back twice
            return
        if outcome.fatal:  # keep what is done; the entries left stay to run next time
            self.flush()
            raise UsageError(outcome.error, hint="fix it and run triage again: it resumes")
        self.finished.add(outcome.id)
        self.busy_s += outcome.busy_s
        if outcome.row is None:
            self.failed[outcome.id] = outcome.error
        else:
            self.buffer[outcome.id] = {"id": outcome.id, **outcome.row}
            if len(self.buffer) >= BATCH:
                self.flush()
        self.tick()

    def lost(self, entry: Entry, why: str) -> None:
        """A worker died with ``entry`` in flight: retry it, or give it up."""
        if entry.id in self.finished:
            return
        self.attempts[entry.id] = self.attempts.get(entry.id, 0) + 1
        if self.attempts[entry.id] >= MAX_ATTEMPTS:
            self.finished.add(entry.id)
            self.failed[entry.id] = f"its worker died {MAX_ATTEMPTS} times ({why})"
            self.tick()
        else:
            self.retried += 1
            self.retry.append(entry)

    def tick(self) -> None:
        if self.progress is not None and self.total:
            self.progress(self.stage.name, min(1.0, len(self.finished) / self.total))

    def flush(self) -> None:
        if self.buffer:
            append_rows(self.checkpoint, list(self.buffer.values()), self.stage.columns)
            self.done += len(self.buffer)
            self.buffer.clear()

    def next_entry(self, fresh: Iterator[Entry], *, alone: bool) -> Entry | None:
        """The next entry to submit: retries first; one that broke a worker twice only when
        nothing else is in flight (``alone``), so it cannot take others down with it."""
        if self.retry:
            head = self.retry[0]
            if self.attempts.get(head.id, 0) >= 2 and not alone:
                return None
            return self.retry.popleft()
        return next(fresh, None)


def run_stage(stage: Stage, entries: Iterable[Entry], rules: Rules, *, workers: int = 0,
              ray_address: str | None = None, progress: Progress | None = None,
              checkpoint: Path, total: int | None = None) -> StageRun:
    """Map ``stage`` over ``entries`` and checkpoint its rows at ``checkpoint`` in batches.

    ``workers``: processes (0: one per CPU); with ``ray_address`` (``auto`` starts a local Ray
    cluster, else the address of a running one), that many Ray tasks at a time. ``total``: the
    number of entries, for ``progress``.

    Raises:
        UsageError: Ray cannot be reached at ``ray_address``.
        OutputError: a checkpoint cannot be written.
    """
    count = workers or os.cpu_count() or 1
    tally = _Tally(stage, checkpoint, total, progress)
    start = time.perf_counter()
    try:
        if ray_address:
            _run_ray(stage, iter(entries), rules, count, ray_address, tally)
        else:
            _run_pool(stage, iter(entries), rules, count, tally)
    finally:  # interrupted too: the rows already back are kept
        tally.flush()
    return StageRun(stage.name, count, tally.done, tuple(sorted(tally.failed.items())),
                    tally.retried, time.perf_counter() - start, tally.busy_s,
                    "ray" if ray_address else "pool")


def _run_pool(stage: Stage, fresh: Iterator[Entry], rules: Rules, workers: int,
              tally: _Tally) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(workers, mp_context=context)
    flight: dict[Future[Outcome], Entry] = {}
    try:
        while True:
            broken = False
            while len(flight) < workers * AHEAD:
                entry = tally.next_entry(fresh, alone=not flight)
                if entry is None:
                    break
                try:
                    flight[pool.submit(work, stage, entry, rules)] = entry
                except BrokenProcessPool:  # it broke before a result said so
                    tally.retry.appendleft(entry)
                    broken = True
                    break
                if tally.attempts.get(entry.id, 0) >= 2:
                    break  # run it alone
            if not flight and not broken:
                return
            if flight:
                ready, _ = wait(flight, return_when=FIRST_COMPLETED)
                for future in ready:
                    entry = flight.pop(future)
                    try:
                        tally.settle(future.result())
                    except BrokenProcessPool:
                        broken = True
                        tally.lost(entry, "the process pool broke")
            if broken:  # every entry still in flight went down with the pool
                for entry in flight.values():
                    tally.lost(entry, "the process pool broke")
                flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(workers, mp_context=context)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_ray(stage: Stage, fresh: Iterator[Entry], rules: Rules, workers: int, address: str,
             tally: _Tally) -> None:
    import ray

    started = connect_ray(address, workers)
    try:
        remote: Any = ray.remote(num_cpus=1, max_retries=0)(work)
        stage_ref, rules_ref = ray.put(stage), ray.put(rules)
        flight: dict[Any, Entry] = {}
        while True:
            while len(flight) < workers:
                entry = tally.next_entry(fresh, alone=not flight)
                if entry is None:
                    break
                flight[remote.remote(stage_ref, entry, rules_ref)] = entry
                if tally.attempts.get(entry.id, 0) >= 2:
                    break
            if not flight:
                return
            ready, _ = ray.wait(list(flight), num_returns=1)
            for ref in ready:
                entry = flight.pop(ref)
                try:
                    tally.settle(ray.get(ref))
                except ray.exceptions.RayError as exc:
                    tally.lost(entry, type(exc).__name__)
    finally:
        if started:
            ray.shutdown()


def connect_ray(address: str, workers: int) -> bool:
    """Connect to Ray (``auto``: start a local cluster of ``workers`` CPUs); True when this
    call started it (the caller shuts it down).

    Raises:
        UsageError: the cluster cannot be reached.
    """
    import ray

    from coulisses.errors import UsageError

    if ray.is_initialized():
        return False
    try:
        if address == "auto":
            # "local": a new cluster even when RAY_ADDRESS or a running one (another user's,
            # the CI's) would otherwise be joined, which refuses num_cpus
            ray.init(address="local", num_cpus=workers, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UsageError(f"cannot reach the Ray cluster at {address} ({exc})".splitlines()[0],
                         hint="start one with `ray start --head`, or use --ray auto") from None
    return True
